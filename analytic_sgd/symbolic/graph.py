"""The loss split into unit nodes, each one operation, in topological order.

Node names are single letters taken in alphabetical order from those not used by
the inputs, the parameters, the target ``y``, the count ``n``, the index ``i``
and the loss ``l`` (nor the first letter of a longer input or parameter name).
The last node is always ``l``. Linear MSE gives exactly the textbook graph:

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse
>>> for node in build_graph(linear(), mse).nodes:
...     print(node)
a = w*x
c = a + b
d = c - y
e = d**2
l = (1/n) Σ e
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from types import MappingProxyType

import sympy as sp

from ..conventions.loss import RESIDUAL, Loss
from .model import Model, symbol

__all__ = ["Node", "Graph", "build_graph"]

RESERVED = ("y", "n", "i", "l")


@dataclass(frozen=True)
class Node:
    """``name = expr``: one operation ``op`` on ``children`` (nodes, or leaves: inputs, params, y).

    ``per_sample`` nodes are evaluated for each sample i; the others (the
    reduction and what follows it) are scalars of the whole batch.
    """

    name: sp.Symbol
    expr: sp.Expr
    children: tuple[sp.Symbol, ...]
    op: str
    per_sample: bool = True
    factor: sp.Expr | None = None  # for the reduction: expr == factor * child (summed over i)

    @property
    def is_reduction(self) -> bool:
        """True for the node that sums the per-sample terms over the batch."""
        return self.factor is not None

    def __str__(self) -> str:
        if self.is_reduction:
            factor = "" if self.factor == 1 else f"({str(self.factor).replace('*', '')}) "
            return f"{self.name} = {factor}Σ {self.children[0]}"
        return f"{self.name} = {self.expr}"


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order (leaves first, ``l`` last) and the leaf symbols."""

    nodes: tuple[Node, ...]
    inputs: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    target: sp.Symbol
    n: sp.Symbol
    by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", MappingProxyType({node.name: node for node in self.nodes}))

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    @property
    def reduction(self) -> Node:
        return next(node for node in self.nodes if node.is_reduction)

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every per-sample node replaced by its expression in the leaves."""
        for node in reversed(self.nodes):
            if node.per_sample:
                expr = expr.xreplace({node.name: node.expr})
        return expr


class _Builder:
    def __init__(self, model: Model, taken: set[str]) -> None:
        self.model = model
        self.leaves = set(model.inputs) | set(model.params)
        self.names = _fresh_names(taken)
        self.nodes: list[Node] = []
        self.made: set[sp.Symbol] = set()

    def emit(self, expr: sp.Expr, op: str, children: list[sp.Expr]) -> sp.Symbol:
        name = symbol(next(self.names))
        # distinct: d(w**w)/dw already counts both places w appears, so one edge per child
        kids = tuple(dict.fromkeys(c for c in children if isinstance(c, sp.Symbol)))
        self.nodes.append(Node(name, expr, kids, op))
        self.made.add(name)
        return name

    def visit(self, expr: sp.Expr) -> sp.Expr:
        """The symbol (or number) standing for ``expr``, emitting the nodes it needs."""
        if expr.is_Number or expr in self.leaves or expr in self.made:
            return expr
        if expr.is_Add:
            return self._fold_add(expr)
        if expr.is_Mul:
            return self._fold_mul(expr)
        if expr.is_Pow:
            base = self.visit(expr.base)
            if expr.exp == sp.Rational(1, 2):
                return self.emit(sp.sqrt(base), "sqrt", [base])
            exponent = self.visit(expr.exp)
            return self.emit(base**exponent, "square" if exponent == 2 else "pow", [base, exponent])
        if isinstance(expr, sp.Function) and len(expr.args) == 1:
            arg = self.visit(expr.args[0])
            return self.emit(expr.func(arg), expr.func.__name__, [arg])
        raise NotImplementedError(f"no unit node for {expr!r}")  # parse.py admits no such expr

    def _fold_add(self, expr: sp.Add) -> sp.Expr:
        terms = sorted(expr.args, key=lambda t: (t.is_Atom, t.could_extract_minus_sign()))
        acc = self.visit(terms[0])
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                operand = self.visit(-term)
                acc = self.emit(acc - operand, "sub", [acc, operand])
            else:
                operand = self.visit(term)
                acc = self.emit(acc + operand, "add", [acc, operand])
        return acc

    def _fold_mul(self, expr: sp.Mul) -> sp.Expr:
        coeff, rest = expr.as_coeff_mul()
        numer = [f for f in rest if not (f.is_Pow and f.exp.is_Number and f.exp < 0)]
        denom = [1 / f for f in rest if f not in numer]
        factors = sorted(numer, key=lambda f: not f.is_Atom)
        acc = self.visit(factors[0]) if factors else sp.Integer(1)
        for factor in factors[1:]:
            operand = self.visit(factor)
            acc = self.emit(acc * operand, "mul", [acc, operand])
        if denom:
            operand = self.visit(sp.Mul(*denom))
            acc = self.emit(acc / operand, "div", [acc, operand])
        if coeff != 1:
            acc = self.emit(coeff * acc, "scale", [acc])
        return acc


def _fresh_names(taken: set[str]):
    initials = {name[0] for name in taken}
    for letter in string.ascii_lowercase:
        if letter not in taken and letter not in initials:
            yield letter
    for k in range(2, 10_000):
        for letter in string.ascii_lowercase:
            if f"{letter}{k}" not in taken and letter not in RESERVED:
                yield f"{letter}{k}"


def build_graph(model: Model, loss: Loss) -> Graph:
    """The unit-node graph of ``loss`` applied to ``model``; see the module docstring."""
    taken = set(model.input_names) | set(model.param_names) | set(RESERVED)
    builder = _Builder(model, taken)
    y, n = symbol("y"), sp.Symbol("n", integer=True, positive=True)
    yhat = builder.visit(model.expr)
    if not isinstance(yhat, sp.Symbol):
        raise NotImplementedError("a model expression without a parameter")  # Model forbids it
    d = builder.emit(yhat - y, "sub", [yhat, y])
    e = builder.visit(loss.term.expr.xreplace({RESIDUAL: d}))
    factor = loss.factor(n)
    nodes = builder.nodes
    top = symbol("l") if loss.outer.is_identity else symbol(next(builder.names))
    nodes.append(Node(top, factor * e, (e,), loss.reduction.name, per_sample=False, factor=factor))
    if not loss.outer.is_identity:
        nodes.append(Node(symbol("l"), loss.apply_outer(top), (top,), loss.outer.name,
                          per_sample=False))
    return Graph(tuple(nodes), model.inputs, model.params, y, n)
