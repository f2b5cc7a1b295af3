"""The exact kernels as plain rational arithmetic: no sympy objects inside a run.

The exact elementwise kernels evaluate sympy's printed expressions on sympy Rationals,
whose every operation costs microseconds of bookkeeping. ``rational_kernels`` reads the same
printed code (``Kernels.source``, our own generated text, parsed with ``ast``, never user
text) and writes a function that takes one batch and returns the sums of the per-sample
terms, computed in any rational type ``Q`` with Python's operators: GMP's ``gmpy2.mpq``
(several times faster on big numbers) or ``fractions.Fraction``. It applies where the
loss stays rational: ``+ - * /``, integer powers, no function (``exp``, ``sqrt``) and an
identity outer function (not RMSE); elsewhere OptionError, and exact runs keep the sympy
path.

>>> from analytic_sgd.kernels.cache import kernels_for
>>> from fractions import Fraction as Q
>>> rk = rational_kernels(kernels_for(__import__("analytic_sgd").linear(), "mse", "exact"))
>>> rk.sums(Q, [Q(0), Q(0)], [[Q(0), Q(1), Q(2)]], [Q(10), Q(12), Q(14)])
[Fraction(440, 1), Fraction(-40, 1), Fraction(-36, 1)]
>>> rk.weight(3), rk.coeffs
((1, 3), ((2, 1), (2, 1)))
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from ..errors import OptionError
from .elementwise import Kernels

__all__ = ["RationalKernels", "rational_kernels"]


@dataclass(frozen=True)
class RationalKernels:
    """``sums(Q, theta, columns, y)``: Σ_i of the loss term and of each gradient term over a
    batch, in the rational type Q; ``weight(n)``, ``scale`` and ``coeffs`` as (p, q):
    loss = scale·weight(n)·sums[0], grad_j = coeffs_j·weight(n)·sums[j+1]."""

    sums: Callable
    weight: Callable[[int], tuple[int, int]]
    scale: tuple[int, int]
    coeffs: tuple[tuple[int, int], ...]
    source: str


def _ratio(value) -> tuple[int, int]:
    value = sp.nsimplify(value) if not isinstance(value, sp.Basic) else value
    if not value.is_Rational:
        raise OptionError(f"the value {value} is not rational")
    return int(value.p), int(value.q)


class _Check(ast.NodeTransformer):
    """Keeps rational arithmetic only; ``Rational(p, q)`` becomes a named constant."""

    def __init__(self) -> None:
        self.constants: list[tuple[int, int]] = []

    def visit_Call(self, node: ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "Rational" and len(node.args) == 2 \
                and all(isinstance(a, ast.Constant) and type(a.value) is int for a in node.args):
            self.constants.append((node.args[0].value, node.args[1].value))
            return ast.Name(f"_c{len(self.constants) - 1}", ast.Load())
        raise OptionError(f"exact arithmetic without sympy: {ast.unparse(node)} is not rational")

    def visit_BinOp(self, node: ast.BinOp):
        if isinstance(node.op, ast.Pow) and not (isinstance(node.right, ast.Constant) and type(
                node.right.value) is int or isinstance(node.right, ast.UnaryOp) and isinstance(
                node.right.operand, ast.Constant) and type(node.right.operand.value) is int):
            raise OptionError(f"exact arithmetic without sympy: {ast.unparse(node)} may be "
                              "irrational")
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            raise OptionError(f"exact arithmetic without sympy: {ast.unparse(node)}")
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant):
        if type(node.value) is not int:
            raise OptionError(f"exact arithmetic without sympy: the constant {node.value!r}")
        return node


def rational_kernels(kernels: Kernels) -> RationalKernels:
    """The rational form of exact ``kernels``; OptionError where the loss is not rational."""
    if not kernels.arithmetic.exact:
        raise OptionError("rational kernels are for exact arithmetic")
    f = sp.Symbol("f")
    if sp.simplify(kernels.outer(f) - f) != 0 or sp.simplify(kernels.outer_grad(f) - 1) != 0:
        raise OptionError("exact arithmetic without sympy needs a loss without an outer function")
    tree = ast.parse(kernels.source.strip())
    function = tree.body[0]
    if not isinstance(function, ast.FunctionDef):
        raise OptionError("the printed kernels are not one function")
    arguments = [a.arg for a in function.args.args]
    p, k = len(kernels.params), len(kernels.inputs)
    check = _Check()
    body, returned = [], None
    for statement in function.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                statement.targets[0], ast.Name):
            body.append(f"{statement.targets[0].id} = {ast.unparse(check.visit(statement.value))}")
        elif isinstance(statement, ast.Return) and isinstance(statement.value, (ast.List, ast.Tuple)):
            returned = [ast.unparse(check.visit(item)) for item in statement.value.elts]
        else:
            raise OptionError(f"exact arithmetic without sympy: {ast.unparse(statement)}")
    if returned is None or len(returned) != p + 1:
        raise OptionError("the printed kernels return no terms")
    params, inputs, target = arguments[:p], arguments[p:p + k], arguments[p + k]
    lines = [f"def sums(Q, theta, columns, {target}s):",
             *(f"    _c{j} = Q({a}, {b})" for j, (a, b) in enumerate(check.constants)),
             f"    {', '.join(params)}, = theta",
             f"    {', '.join(f'_t{j}' for j in range(p + 1))} = {', '.join(['Q(0)'] * (p + 1))}",
             f"    for {', '.join(inputs)}, {target} in zip(*columns, {target}s):",
             *(f"        {line}" for line in body),
             *(f"        _t{j} += {term}" for j, term in enumerate(returned)),
             f"    return [{', '.join(f'_t{j}' for j in range(p + 1))}]"]
    source = "\n".join(lines) + "\n"
    namespace: dict = {}
    exec(compile(source, "<analytic_sgd rational kernels>", "exec"), namespace)  # our own text
    reduction = kernels.reduction

    def weight(n: int) -> tuple[int, int]:
        return _ratio(reduction.weight(sp.Integer(n)))

    return RationalKernels(namespace["sums"], weight, _ratio(kernels.scale),
                           tuple(_ratio(c) for c in kernels.coeffs), source)
