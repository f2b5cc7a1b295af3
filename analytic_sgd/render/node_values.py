"""Every node's value and ∂l/∂node at one sample of a problem, exactly (rationals).

What the numbers mean, since one sample sits inside a batch:

- the sample i belongs to a batch B of n samples (the first epoch's batch that holds it);
  the parameters are the problem's start, or the values given with ``at``;
- a per-sample node (and an input, and y) has one value per sample: the value shown is
  sample i's, and ∂l/∂u is the derivative of the batch loss l with respect to sample i's
  copy of u (what autograd leaves in ``u.grad[i]`` for a vector of samples);
- a batch node (the reduction, the loss) has one value for the whole batch, and ∂l/∂ of it
  is taken as such (∂l/∂l = 1, ∂l/∂m = 1/(2√m) for RMSE);
- a parameter is shared by every sample: ``grad[p]`` is its share through sample i, and
  ``batch_grad[p]``, the sum of the shares of all n samples, is ∂l/∂p of the batch (the
  table's first row when i is in the first batch).

The values come from the unit nodes and the local derivatives (a reverse pass, as
micrograd's ``backward``), not from the kernels.

>>> from analytic_sgd.problems.problem import example_problem
>>> v = node_values(example_problem("worked-linear"), sample=2)
>>> v.sample, v.batch, str(v.value[v.graph.target]), str(v.grad[v.graph.output.name])
(2, (1, 2, 3), '12', '1')
>>> [str(v.value[n.name]) for n in v.graph.nodes]
['0', '0', '-12', '144', '440/3']
>>> {str(p): str(g) for p, g in v.batch_grad.items()}
{'w': '-80/3', 'b': '-24'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..conventions.arithmetic import EXACT, read_decimal
from ..conventions.assignments import read_assignments
from ..errors import OptionError

__all__ = ["NodeValues", "node_values", "evaluate_samples", "read_at", "value_rows", "values_text",
           "values_dict", "MEANING"]


@dataclass(frozen=True)
class NodeValues:
    """Values at sample ``sample`` (1-based) of the batch ``batch``; see the module docstring."""

    graph: object
    sample: int
    batch: tuple[int, ...]
    value: dict
    grad: dict
    batch_grad: dict


def read_at(text: str, names: tuple[str, ...]) -> dict[str, sp.Rational]:
    """``"w=1,b=-0.5"`` as exact values of the parameters ``names``; OptionError otherwise."""
    return {name: sp.Rational(read_decimal(value))
            for name, value in read_assignments("--at", text, names).items()}


def evaluate_samples(graph, params: Mapping, rows: list, targets: list) -> tuple[list[dict], dict]:
    """The forward pass: one dict symbol -> value per sample (leaves and per-sample nodes),
    and the batch nodes' values (with ``n``)."""
    samples = []
    for row, target in zip(rows, targets):
        values = {**params, **dict(zip(graph.inputs, row)), graph.target: target}
        for node in graph.nodes:
            if node.per_sample:
                values[node.name] = node.expr.xreplace(values)
        samples.append(values)
    batch = {graph.n: sp.Integer(len(samples))}
    for node in graph.nodes:
        if node.is_reduction:
            total = sp.Add(*(s[node.children[0]] for s in samples))
            batch[node.name] = node.factor.xreplace({graph.n: len(samples)}) * total
        elif not node.per_sample:
            batch[node.name] = node.expr.xreplace(batch)
    return samples, batch


def _backward(graph, values: dict, batch: dict, n: int) -> dict:
    """∂l/∂ of every node and leaf of one sample's copy of the graph (parameters: its share)."""
    grad: dict = {graph.output.name: sp.Integer(1)}
    everything = {**values, **batch}
    for node in reversed(graph.nodes):
        upstream = grad.get(node.name, sp.Integer(0))
        for child in node.children:
            if node.is_reduction:
                local = node.factor.xreplace({graph.n: n})
            else:
                local = sp.diff(node.expr, child).xreplace(everything)
            grad[child] = grad.get(child, sp.Integer(0)) + upstream * local
    return {k: sp.nsimplify(sp.simplify(v)) if not v.is_Rational else v for k, v in grad.items()}


def node_values(problem, sample: int = 1, at: Mapping | None = None) -> NodeValues:
    """Every node's value and ∂l/∂node at sample ``sample`` (1-based) of ``problem``'s data,
    the parameters at ``at`` (name -> value; default: the problem's start)."""
    d = problem.derivation()
    g = d.graph
    x, y = problem.data(EXACT)
    count = len(y)
    if not isinstance(sample, int) or not 1 <= sample <= count:
        raise OptionError.for_field("sample", sample, f"a sample number from 1 to {count}")
    start = {**problem.start, **(at or {})}
    params = {p: EXACT.number(start[p.name]) for p in d.model.params}
    rows = np.asarray(x, dtype=object).reshape(count, -1).tolist()
    batch = next(list(map(int, b)) for b in problem.plan.batches(count)[0] if sample - 1 in b)
    samples, batch_values = evaluate_samples(g, params, [rows[k] for k in batch],
                                             [y[k] for k in batch])
    n = len(batch)
    grads = [_backward(g, s, batch_values, n) for s in samples]
    mine = batch.index(sample - 1)
    value = {**samples[mine], **{k: v for k, v in batch_values.items() if k != g.n}}
    batch_grad = {p: sp.nsimplify(sp.simplify(sp.Add(*(gr.get(p, 0) for gr in grads))))
                  for p in d.model.params}
    return NodeValues(g, sample, tuple(k + 1 for k in batch), value, grads[mine], batch_grad)


MEANING = ("∂l/∂ of a per-sample node, input or target: of the batch loss with respect to this "
           "sample's copy of it; of a batch node: as such; of a parameter: its share through "
           "this sample")


def value_rows(v: NodeValues) -> list[tuple[str, str, object, object]]:
    """One row per leaf and node: (name, how it is computed, value, ∂l/∂ of it or None)."""
    from .mermaid import node_text

    g = v.graph
    rows = [(str(s), "data", v.value[s], v.grad.get(s)) for s in (*g.inputs, g.target)]
    rows += [(str(p), "parameter", v.value[p], v.grad.get(p)) for p in v.batch_grad]
    rows += [(str(n.name), node_text(n), v.value[n.name], v.grad.get(n.name)) for n in g.nodes]
    return rows


def values_text(v: NodeValues) -> str:
    """A table for a terminal: name, how it is computed, value, ∂l/∂ of it."""
    from .notation import expr_text

    cells = [("name", "computed as", "value", "∂l/∂ of it")]
    cells += [(a, b, expr_text(c), "" if d is None else expr_text(d)) for a, b, c, d in value_rows(v)]
    widths = [max(len(row[k]) for row in cells) for k in range(4)]
    batch = ", ".join(map(str, v.batch))
    total = ", ".join(f"∂l/∂{p} = {expr_text(g)}" for p, g in v.batch_grad.items())
    lines = [f"Values at sample {v.sample} (batch of samples {batch})"]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines += [f"{MEANING} (the shares of the batch's {len(v.batch)} samples add up to {total})."]
    return "\n".join(lines) + "\n"


def values_dict(v: NodeValues) -> dict:
    """``{"sample", "batch", "nodes": [{"name", "value", "grad"}], "batch_grad", "meaning"}``,
    values as strings sympy writes (exact)."""
    return {"sample": v.sample, "batch": list(v.batch),
            "nodes": [{"name": a, "computed_as": b, "value": str(c),
                       "grad": None if d is None else str(d)} for a, b, c, d in value_rows(v)],
            "batch_grad": {str(p): str(g) for p, g in v.batch_grad.items()}, "meaning": MEANING}
