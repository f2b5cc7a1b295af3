"""The chain rule, node by node, and its proof against ``sympy.diff``.

For every parameter p: every path from ``l`` down to p, the local derivative on
each edge, their product (summed over the paths), the product with the nodes
substituted back, and the closed form as a sum over the samples. The proof: the
closed form minus ``sympy.diff`` of the whole loss simplifies to zero (sums split and
expanded, which settles the usual cases exactly and fast; else ``sympy.simplify``). If it
does not, ``DerivationError`` is raised: that is a bug, never a user error.

Linear MSE, w: ∂l/∂w = Σ_i (∂l/∂s_i)(∂s_i/∂r_i)(∂r_i/∂u2_i)(∂u2_i/∂u1_i)(∂u1_i/∂w)
= Σ_i (1/n)(2 r_i)(1)(1)(x_i), closed form (2/n) Σ_i (w x_i + b - y_i) x_i.

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse
>>> d = derive(linear(), mse)
>>> d.chains[0].paths
((l, s, r, u2, u1, w),)
>>> d.chains[0].closed_form
2*Sum((b + w*x[i] - y[i])*x[i], (i, 1, n))/n
>>> d
Derivation(model='b + w*x', loss='mse', params=(w, b), nodes=5, proved=True)
>>> d.chain("b")
Chain(∂l/∂b = 2*Sum(b + w*x[i] - y[i], (i, 1, n))/n, 1 path, proved=True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import sympy as sp

from ..conventions.loss import Loss, get_loss
from ..errors import DerivationError, ModelTypeError, OptionError
from .graph import Graph, build_graph
from .model import Model

__all__ = ["Chain", "Derivation", "derive", "INDEX"]

INDEX = sp.Idx("i")


@dataclass(frozen=True)
class Chain:
    """The chain rule for one parameter.

    ``paths``: tuples of symbols from ``l`` to the parameter; ``factors``: the
    local derivative on each edge of each path; ``outer``: the product of the
    factors at and above the reduction (e.g. ``1/n``, or ``1/(2*sqrt(f))*(1/n)``
    for RMSE), the same for every path; ``outer_substituted``: the same as sums;
    ``per_sample``: the sum over paths of the per-sample factors, in node symbols;
    ``substituted``: the same in the leaves (inputs, params, y); ``closed_form``:
    ``outer`` times the sum over samples, with indexed inputs; ``proved``: the proof held.
    """

    param: sp.Symbol
    paths: tuple[tuple[sp.Symbol, ...], ...]
    factors: tuple[tuple[sp.Expr, ...], ...]
    outer: sp.Expr
    outer_substituted: sp.Expr
    per_sample: sp.Expr
    substituted: sp.Expr
    closed_form: sp.Expr
    proved: bool
    graph: Graph | None = field(default=None, repr=False, compare=False)  # the graph it walks

    @property
    def product(self) -> sp.Expr:
        """``outer`` times the per-sample product, with Σ left implicit (node symbols)."""
        return self.outer * self.per_sample

    def __repr__(self) -> str:
        count = f"{len(self.paths)} path{'s' if len(self.paths) > 1 else ''}"
        return f"Chain(∂l/∂{self.param} = {self.closed_form}, {count}, proved={self.proved})"


@dataclass(frozen=True)
class Derivation:
    """Everything ``derive`` found: the graph, local derivatives, one Chain per parameter."""

    model: Model
    loss: Loss
    graph: Graph
    local: Mapping
    chains: tuple[Chain, ...]
    loss_expr: sp.Expr

    @property
    def proved(self) -> bool:
        return all(chain.proved for chain in self.chains)

    @property
    def used_local(self) -> Mapping:
        """The local derivatives on some path from ``l`` to a parameter, top down (an edge no
        path walks, such as ∂u2/∂u1 for u1 = x², is left out)."""
        edges = {edge for c in self.chains for path in c.paths for edge in zip(path, path[1:])}
        return MappingProxyType({edge: e for edge, e in self.local.items() if edge in edges})

    def __repr__(self) -> str:
        params = ", ".join(self.model.param_names)
        return (f"Derivation(model={self.model.text!r}, loss={self.loss.name!r}, "
                f"params=({params}), nodes={len(self.graph.nodes)}, proved={self.proved})")

    def chain(self, param: str) -> Chain:
        """The Chain of the parameter called ``param``; OptionError naming the parameters
        when there is none."""
        for c in self.chains:
            if c.param.name == param:
                return c
        raise OptionError.for_field("param", param, "one of the model's parameters "
                                    f"({', '.join(self.model.param_names)})")


def _paths(graph: Graph, start: sp.Symbol, target: sp.Symbol) -> list[tuple[sp.Symbol, ...]]:
    if start == target:
        return [(target,)]
    node = graph.by_name.get(start)
    if node is None:
        return []
    return [(start, *rest) for child in node.children for rest in _paths(graph, child, target)]


def index(graph: Graph, expr: sp.Expr) -> sp.Expr:
    """``expr`` with each input and the target replaced by its value for sample i (x -> x[i])."""
    leaves = graph.inputs + (graph.target,)
    return expr.xreplace({s: sp.IndexedBase(s.name, real=True)[INDEX] for s in leaves})


def total(graph: Graph, per_sample: sp.Expr) -> sp.Expr:
    """Σ_{i=1}^{n} of a per-sample expression."""
    return sp.Sum(index(graph, per_sample), (INDEX, 1, graph.n))


def linear_sums(expr: sp.Expr) -> sp.Expr:
    """``expr`` expanded, each Sum split over its terms with what does not depend on i pulled out.

    Two expressions whose difference this maps to 0 are equal: every step is an identity.
    """

    def split(s: sp.Sum) -> sp.Expr:
        out = []
        for term in sp.Add.make_args(sp.expand(s.function)):
            const, rest = term.as_independent(INDEX)
            out.append(const * (sp.Sum(rest, *s.limits).doit() if rest == 1 else sp.Sum(rest, *s.limits)))
        return sp.Add(*out)

    return sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), split))


def proves_zero(difference: sp.Expr) -> bool:
    """True when ``difference`` is identically 0: first by linear_sums (fast, exact), then simplify."""
    return linear_sums(difference) == 0 or sp.simplify(difference) == 0


def _aggregate_values(graph: Graph) -> dict:
    """Each batch-level node as an expression of sums over the samples."""
    values: dict = {}
    for node in graph.nodes:
        if node.per_sample:
            continue
        if node.is_reduction:
            summed = total(graph, graph.expand(node.children[0]))
            values[node.name] = node.factor * summed
        else:
            values[node.name] = node.expr.xreplace(values)
    return values


def derive(model: Model, loss: Loss | str, *, prove: bool = True) -> Derivation:
    """The Derivation of ``loss`` for ``model``: nodes, chain rule, closed forms, proof.

    Returns a Derivation whose ``chains`` follow the model's parameter order.
    Raises DerivationError if a closed form differs from ``sympy.diff`` of the loss.
    """
    if not isinstance(model, Model):
        raise ModelTypeError(f"derive needs a Model (linear(), parse_model(...), ...), got "
                         f"{type(model).__name__} {model!r:.60}")
    loss = get_loss(loss)
    graph = build_graph(model, loss)
    # the edges the backward pass walks: top down, to nodes and parameters (not to x or y)
    local = MappingProxyType({
        (node.name, child): sp.diff(node.expr, child)
        for node in reversed(graph.nodes)
        for child in node.children
        if child in graph.by_name or child in model.params
    })
    aggregates = _aggregate_values(graph)
    loss_expr = aggregates[graph.output.name]
    reduction = graph.reduction.name
    chains = []
    for p in model.params:
        paths = _paths(graph, graph.output.name, p)
        factors = tuple(tuple(local[edge] for edge in zip(path, path[1:])) for path in paths)
        split = paths[0].index(reduction) + 1  # factors[:split] are at or above the reduction
        outer = sp.Mul(*factors[0][:split])
        per_sample = sp.Add(*(sp.Mul(*f[split:]) for f in factors))
        substituted = sp.factor_terms(graph.expand(per_sample))
        coeff, rest = substituted.as_coeff_Mul()
        closed = outer.xreplace(aggregates) * coeff * total(graph, rest)
        if prove:
            difference = closed - sp.diff(loss_expr, p)
            if not proves_zero(difference):
                raise DerivationError(
                    f"derive: the chain rule gives dl/d{p} = {closed}, but sympy.diff differs "
                    f"by {sp.simplify(difference)}; this is a bug in analytic_sgd, please report it"
                )
        chains.append(
            Chain(
                p,
                tuple(paths),
                factors,
                outer,
                outer.xreplace(aggregates),
                per_sample,
                substituted,
                closed,
                prove,
                graph,
            )
        )
    return Derivation(model, loss, graph, local, tuple(chains), loss_expr)
