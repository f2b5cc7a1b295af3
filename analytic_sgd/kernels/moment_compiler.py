"""The moment compiler: MomentKernels from a Derivation (the sympy side of the moment form).

From ``analytic_sgd.symbolic.moment_form.moment_form`` (proven equal to the chain rule) it takes the
reduced loss R in the moment symbols, differentiates it once more to write its gradient
as ``A θ - c`` (A = ∂²R/∂θ², c = -∇R(0), checked free of θ), checks that
``outer'(R) ∇R`` is the moment form's gradient (``sympy.expand`` of the difference is 0),
picks for each moment the cheapest pair of arrays among (φ_0, ..., φ_{P-1}, y) whose
product it is, and turns the expressions into numpy functions.

>>> import analytic_sgd as asgd
>>> mk = compile_moment_kernels(asgd.derive(asgd.quadratic(), asgd.mse), "float32")
>>> mk.moments[:3], mk.pairs[:3], mk.dtype.name
(('x**4', 'x**3', 'x**2'), ((0, 0), (0, 1), (0, 2)), 'float32')
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..conventions.arithmetic import get_arithmetic
from ..errors import DerivationError
from ..symbolic.moment_form import moment_form
from .moment_kernels import MomentKernels
from .printers import exact_function, numpy_function

__all__ = ["compile_moment_kernels"]


def _pairs(form, features, y) -> list[tuple[int, int]]:
    """For each moment, the cheapest pair of arrays (φ..., y) whose product it is: a
    constant factor or the same array twice costs one array less."""
    p = len(features)
    const = [not f.free_symbols for f in features] + [False]
    cost = {}
    candidates = [(form.gram[j, k], (j, k)) for j in range(p) for k in range(j, p)]
    candidates += [(form.cross[j, 0], (j, p)) for j in range(p)]
    candidates.append((form.symbols[form.moments.index(sp.expand(y**2))], (p, p)))
    for symbol, (i, j) in candidates:
        c = (not const[i]) + (not const[j] and i != j)
        if symbol in form.symbols and (symbol not in cost or c < cost[symbol][0]):
            cost[symbol] = (c, (i, j))
    if set(cost) != set(form.symbols):
        raise DerivationError("moment kernels: a moment is not a product of two features or y; "
                              "this is a bug in analytic_sgd, please report it")
    return [cost[s][1] for s in form.symbols]


def _exact_elementwise(function, nout: int = 1):
    """``function`` of sympy numbers applied element by element over object arrays."""
    count = function.__code__.co_argcount
    if nout == 1:
        return np.frompyfunc(function, count, 1)
    return np.frompyfunc(lambda *args: tuple(function(*args)), count, nout)


def compile_moment_kernels(derivation, arithmetic) -> MomentKernels | None:
    """MomentKernels of ``derivation`` in ``arithmetic``, or None when the model is not
    linear in its parameters (or the loss's term is not the squared residual). In exact
    arithmetic the functions take sympy numbers element by element. Raises
    DerivationError on a bug."""
    arithmetic = get_arithmetic(arithmetic)
    form = moment_form(derivation)
    if form is None:
        return None
    loss, params = derivation.loss, derivation.model.params
    reduced = form.reduced
    grad_r = [sp.expand(sp.diff(reduced, t)) for t in params]
    f = sp.Symbol("f", positive=True)
    outer_grad = sp.diff(loss.apply_outer(f), f).xreplace({f: reduced})
    if any(sp.expand(g - outer_grad * r) != 0 for g, r in zip(form.grad, grad_r)):
        raise DerivationError("moment kernels: outer'(R) dR/dθ differs from the moment form's "
                              "gradient; this is a bug in analytic_sgd, please report it")
    a = [sp.diff(g, t) for g in grad_r for t in params]
    zero = dict.fromkeys(params, 0)
    c = [-g.xreplace(zero) for g in grad_r]
    if any(e.free_symbols & set(params) for e in a):
        raise DerivationError("moment kernels: the gradient is not affine in the parameters; "
                              "this is a bug in analytic_sgd, please report it")
    args = [*form.symbols, form.n]
    used = set().union(*(e.free_symbols for e in a + c))
    features = tuple(form.features)
    squares = sp.Symbol("squares")
    if arithmetic.exact:
        def printer(args, exprs, nout=1):
            return _exact_elementwise(exact_function(args, exprs), nout)
    else:
        def printer(args, exprs, nout=1):
            return numpy_function(args, exprs)
    return MomentKernels(
        arithmetic,
        tuple(p.name for p in params),
        loss.outer.is_affine,
        tuple(str(m) for m in form.moments),
        tuple(_pairs(form, features, derivation.graph.target)),
        tuple(k for k, s in enumerate(form.symbols) if s in used),
        (exact_function if arithmetic.exact else numpy_function)(derivation.graph.inputs,
                                                                  list(features)),
        printer(args, a + c, len(a + c)),
        printer(args, reduced.xreplace(zero)),
        printer([f], loss.apply_outer(f)),
        printer([f], sp.diff(loss.apply_outer(f), f)),
        printer([squares, form.n], loss.factor(form.n) * squares),
    )
