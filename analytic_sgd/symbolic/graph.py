"""The loss split into unit nodes, each one operation, in topological order.

Node names give each role one letter in every model, and never a letter a student
could read as a differential (d) or a constant (e): the model's nodes are ``u1, u2, ...``
in the order they are computed (the last one is the prediction ŷ), the residual is
``r = ŷ - y``, the loss term is ``s`` (``s1, s2, ...`` if it takes several nodes), the
reduction is ``m`` when an outer function follows it (RMSE: ``l = sqrt(m)``), and the
loss is ``l``. A letter already used by an input or a parameter (or the first letter of
one, so that ``u1`` never meets a parameter ``u1``) passes the role to the next letter
of ``LETTERS[role]``. Linear MSE (the write-up's a, c, d, e are u1, u2, r, s):

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse, rmse
>>> for node in build_graph(linear(), mse).nodes:
...     print(node)
u1 = w*x
u2 = u1 + b
r = u2 - y
s = r**2
l = (1/n) Σ s
>>> [str(node.name) for node in build_graph(linear(), rmse).nodes][-2:]
['m', 'l']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import sympy as sp
from sympy.printing.str import StrPrinter

from ..conventions.loss import RESIDUAL, Loss
from .model import Model, symbol

__all__ = ["Node", "Graph", "build_graph", "LETTERS"]

RESERVED = ("y", "n", "i", "l", "d", "e")  # never a node: data, count, index, loss, ∂, Euler's e
# each role's letter, then the letters it falls back to when a name of the model takes it
LETTERS = {"model": "uzhgpq", "residual": "rqphg", "term": "sqphg", "inner": "mvqphg"}


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

    @property
    def ordered(self) -> sp.Expr:
        """``expr`` unevaluated with its operands in the order they were computed
        (``u2 = u1 + b``, ``r = u2 - y``); print it with ``order="none"``."""
        kids = self.children
        if self.op == "add" and len(kids) == 2:
            return sp.Add(*kids, evaluate=False)
        if self.op == "sub" and len(kids) == 2:
            return sp.Add(kids[0], sp.Mul(-1, kids[1], evaluate=False), evaluate=False)
        if self.op == "mul" and len(kids) == 2:
            return sp.Mul(*kids, evaluate=False)
        if self.op == "div" and len(kids) == 2:
            return sp.Mul(kids[0], sp.Pow(kids[1], -1, evaluate=False), evaluate=False)
        return self.expr

    def __str__(self) -> str:
        if self.is_reduction:
            factor = "" if self.factor == 1 else f"({str(self.factor).replace('*', '')}) "
            return f"{self.name} = {factor}Σ {self.children[0]}"
        return f"{self.name} = {StrPrinter({'order': 'none'}).doprint(self.ordered)}"


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
    def __init__(self, model: Model) -> None:
        self.model = model
        self.leaves = set(model.inputs) | set(model.params)
        self.nodes: list[Node] = []
        self.made: set[sp.Symbol] = set()

    def emit(self, expr: sp.Expr, op: str, children: list[sp.Expr]) -> sp.Symbol:
        name = sp.Dummy(f"node{len(self.nodes)}", real=True)  # renamed by role in build_graph
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


def _letters(taken: set[str]) -> dict[str, str]:
    """The letter of each role: its first candidate that no name of the model takes, nor its
    first letter, nor an earlier role; then any other free letter."""
    blocked = set(RESERVED) | {name[0] for name in taken} | taken
    chosen: dict[str, str] = {}
    alphabet = "abcfghjkmopqrstuvwxz"
    for role, candidates in LETTERS.items():
        free = [c for c in candidates + alphabet if c not in blocked and c not in chosen.values()]
        chosen[role] = free[0]
    return chosen


def _names(roles: list[str], taken: set[str]) -> list[sp.Symbol]:
    """One name per node from its role: ``u1, u2, ...``; ``r``; ``s`` (or ``s1, s2``); ``m``."""
    letters = _letters(taken)
    count = {role: roles.count(role) for role in set(roles)}
    seen: dict[str, int] = {}
    names = []
    for role in roles:
        seen[role] = seen.get(role, 0) + 1
        numbered = role == "model" or count[role] > 1
        names.append(symbol(f"{letters[role]}{seen[role] if numbered else ''}"))
    return names


def _renamed(nodes: list[Node], roles: list[str], taken: set[str]) -> list[Node]:
    mapping = dict(zip([node.name for node in nodes], _names(roles, taken)))
    return [Node(mapping.get(node.name, node.name), node.expr.xreplace(mapping),
                 tuple(mapping.get(c, c) for c in node.children), node.op, node.per_sample,
                 node.factor) for node in nodes]


def build_graph(model: Model, loss: Loss) -> Graph:
    """The unit-node graph of ``loss`` applied to ``model``; see the module docstring."""
    taken = set(model.input_names) | set(model.param_names)
    builder = _Builder(model)
    y, n = symbol("y"), sp.Symbol("n", integer=True, positive=True)
    yhat = builder.visit(model.expr)
    if not isinstance(yhat, sp.Symbol):
        raise NotImplementedError("a model expression without a parameter")  # Model forbids it
    roles = ["model"] * len(builder.nodes) + ["residual"]
    residual = builder.emit(yhat - y, "sub", [yhat, y])
    term = builder.visit(loss.term.expr.xreplace({RESIDUAL: residual}))
    roles += ["term"] * (len(builder.nodes) - len(roles))
    factor = loss.factor(n)
    nodes = builder.nodes
    identity = loss.outer.is_identity
    top = symbol("l") if identity else sp.Dummy("inner", real=True)
    nodes.append(Node(top, factor * term, (term,), loss.reduction.name, per_sample=False,
                      factor=factor))
    if not identity:
        roles.append("inner")
        nodes.append(Node(symbol("l"), loss.apply_outer(top), (top,), loss.outer.name,
                          per_sample=False))
    return Graph(tuple(_renamed(nodes, roles, taken)), model.inputs, model.params, y, n)
