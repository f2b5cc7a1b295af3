"""The model's sympy expression, rewritten as calls on a framework's operations.

A small walk over the sympy tree, instead of ``lambdify`` with a framework's module:
each node becomes what a user of that framework would write by hand. Sums and products
use the framework's ``+`` and ``*`` on its tensors; functions are looked up by name in a
namespace (``torch``, ``jax.numpy``, ``autograd.numpy``, or ``numpy`` for the complex
step); any subtree without symbols is one Python float, which the frameworks treat as a
weakly typed scalar, so a float32 run stays float32.

=================================  ===============================================
sympy node                         written as
=================================  ===============================================
Add(a, b, ...)                     a + b + ...
Mul(-1, a)  /  Mul(a, b, ...)      -a  /  a * b * ...
Mul(a, Pow(b, -k)) (integer k)     a / b ** k
Pow(a, 1/2), Pow(a, -1/2)          sqrt(a), 1 / sqrt(a)
Pow(a, k) (integer k)              a ** k
Pow(a, e) (anything else)          a ** e
exp log sin cos tan sinh cosh      the namespace's function of that name
tanh Abs                           tanh, abs
=================================  ===============================================

Example (numpy as the namespace; the frameworks work the same way):

>>> import numpy as np
>>> from analytic_sgd.symbolic.model import parse_model
>>> m = parse_model("w*exp(k*x) + sqrt(2)", params="w k")
>>> f = to_function(m.expr, m.params + m.inputs, np)
>>> round(float(f(2.0, 0.5, np.array([0.0, 2.0]))[1]), 6)
6.850777
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import sympy as sp

from ..conventions.loss import RESIDUAL
from ..errors import ModelError

__all__ = ["FRAMEWORK_FUNCTIONS", "to_function", "to_loss", "is_analytic"]

# sympy function -> name in the namespace (numpy, torch, jax.numpy, autograd.numpy)
FRAMEWORK_FUNCTIONS = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
             sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.Abs: "abs"}
_NOT_ANALYTIC = (sp.Abs,)


def _translate(expr: sp.Expr, values: dict, ns: Any) -> Any:
    if not expr.free_symbols:  # 3, 1/3, sqrt(2), E: one constant
        return float(expr)
    if expr.is_Symbol:
        return values[expr]
    if expr.is_Add:
        return _fold(expr.args, values, ns, lambda a, b: a + b)
    if expr.is_Mul:
        if expr.args[0] == -1:
            return -_translate(sp.Mul(*expr.args[1:]), values, ns)
        over = [a for a in expr.args if a.is_Pow and a.exp.is_Integer and a.exp < 0]
        if over:  # a/b, as written, rather than a * (1/b)
            top = [a for a in expr.args if a not in over] or [sp.S.One]
            bottom = [sp.Pow(a.base, -a.exp) for a in over]
            return _fold(top, values, ns, lambda a, b: a * b) / _fold(bottom, values, ns,
                                                                     lambda a, b: a * b)
        return _fold(expr.args, values, ns, lambda a, b: a * b)
    if expr.is_Pow:
        base, e = expr.args
        b = _translate(base, values, ns)
        if e == sp.S.Half:
            return ns.sqrt(b)
        if e == -sp.S.Half:
            return 1.0 / ns.sqrt(b)
        if e.is_Integer:
            return 1.0 / b ** int(-e) if e < 0 else b ** int(e)
        return b ** _translate(e, values, ns)
    return getattr(ns, FRAMEWORK_FUNCTIONS[expr.func])(_translate(expr.args[0], values, ns))


def _fold(args, values: dict, ns: Any, op: Callable[[Any, Any], Any]) -> Any:
    result = _translate(args[0], values, ns)
    for a in args[1:]:
        result = op(result, _translate(a, values, ns))
    return result


def to_function(expr: sp.Expr, symbols: Sequence[sp.Symbol],
                ns: ModuleType | Any) -> Callable[..., Any]:
    """``f(*values)`` computing ``expr`` with ``ns``'s operations, values in ``symbols`` order.

    Raises ModelError for a function outside FRAMEWORK_FUNCTIONS (the message lists those known).
    """
    symbols = tuple(symbols)
    _check(expr)

    def f(*values):
        return _translate(expr, dict(zip(symbols, values)), ns)

    return f


def to_loss(model, loss, ns: ModuleType | Any) -> Callable[[Sequence, Sequence, Any], Any]:
    """``l(params, columns, y)``: the batch loss in ``ns``'s operations, as a user writes it,
    from the Loss's fields: ``outer(scale * reduction(term(pred - y)))``, the reduction
    being ``ns.mean`` or ``ns.sum``: mse = mean((pred - y)**2), half-mse = 0.5 *
    mean((pred - y)**2), rmse = sqrt(mean((pred - y)**2)).

    >>> import numpy as np
    >>> from analytic_sgd.symbolic.model import linear
    >>> from analytic_sgd.conventions.loss import rmse
    >>> float(to_loss(linear(), rmse, np)([1.0, 0.0], [np.array([1.0, 2.0])], np.array([0.0, 0.0])))
    1.5811388300841898
    """
    predict = to_function(model.expr, model.params + model.inputs, ns)
    term = to_function(loss.term.expr, [RESIDUAL], ns)
    reduce = getattr(ns, loss.reduction.function)
    f = sp.Symbol("f", positive=True)
    outer = to_function(loss.apply_outer(loss.scale * f), [f], ns)

    def batch_loss(params, columns, y):
        return outer(reduce(term(predict(*params, *columns) - y)))

    return batch_loss


def _check(expr: sp.Expr) -> None:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Function) and node.func not in FRAMEWORK_FUNCTIONS and node.free_symbols:
            raise ModelError(f"the cross-check cannot write {node.func.__name__} in framework "
                             f"operations (it knows {', '.join(FRAMEWORK_FUNCTIONS.values())}, sqrt, "
                             "+ - * / **)")


def is_analytic(expr: sp.Expr) -> bool:
    """True unless ``expr`` uses a function with no complex derivative (``Abs``), so that the
    complex step ``Im f(x + ih) / h`` gives the derivative.

    >>> from analytic_sgd.symbolic.model import parse_model
    >>> is_analytic(parse_model("w*x + b", "w b").expr), is_analytic(parse_model("abs(w*x)", "w").expr)
    (True, False)
    """
    return not expr.atoms(*_NOT_ANALYTIC)
