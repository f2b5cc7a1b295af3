"""The first step of a run worked by hand, in exact arithmetic: the forward pass sample by
sample (a table of node values), the batch nodes, and each gradient as the chain rule's
batch factor times the sum of the per-sample factors, with the numbers put in.

The values come from the unit nodes themselves (not from the kernels), so the
section is a second, independent computation of the first row of the table.

>>> from analytic_sgd.problems.problem import example_problem
>>> work = first_step(example_problem("worked-linear"))
>>> work.loss, work.grad
(440/3, [-80/3, -24])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..conventions.arithmetic import EXACT
from . import derivation as rd
from .mermaid import plain
from .textbook import aligned, display

__all__ = ["FirstStep", "first_step", "first_step_section", "substitute_tex"]


@dataclass(frozen=True)
class FirstStep:
    """Node values of the first batch: ``samples`` (one dict symbol → value per sample),
    ``batch`` (the batch nodes' values), ``params`` (before the step), ``loss``, ``grad``."""

    samples: tuple[dict, ...]
    batch: dict
    params: dict
    loss: sp.Expr
    grad: list


def first_step(problem) -> FirstStep:
    """The first batch of ``problem`` (in order, from the example's start) computed node by node."""
    d = problem.derivation()
    graph, model = d.graph, problem.model
    start = problem.start
    params = {p: EXACT.number(start[p.name]) for p in model.params}
    x, y = problem.data(EXACT)
    x = np.asarray(x, dtype=object).reshape(len(y), -1)
    samples = []
    for row, target in list(zip(x.tolist(), list(y)))[: problem.plan.batch_size]:
        values = {**params, **dict(zip(graph.inputs, row)), graph.target: target}
        for node in graph.nodes:
            if node.per_sample:
                values[node.name] = node.expr.xreplace(values)
        samples.append(values)
    n = len(samples)
    batch = {graph.n: sp.Integer(n)}
    for node in graph.nodes:
        if node.is_reduction:
            total = sp.Add(*(s[node.children[0]] for s in samples))
            batch[node.name] = node.factor.xreplace({graph.n: n}) * total
        elif not node.per_sample:
            batch[node.name] = node.expr.xreplace(batch)
    grad = [sp.nsimplify(c.outer.xreplace(batch)) * sp.Add(*(c.per_sample.xreplace(s) for s in samples))
            for c in d.chains]
    return FirstStep(tuple(samples), batch, params, batch[graph.output.name],
                     [sp.radsimp(sp.simplify(g)) for g in grad])


def _value_tex(v) -> str:
    tex = sp.latex(v)
    return rf"\left({tex}\right)" if v.could_extract_minus_sign() or v.is_Add else tex


def substitute_tex(expr, values: dict) -> str:
    """``expr`` in LaTeX with ``\\cdot`` products and each symbol replaced by its value's LaTeX."""
    names = sorted((s for s in expr.free_symbols if s in values), key=lambda s: s.name)
    marks = {s: sp.Symbol("QQQ" + chr(ord("A") + k)) for k, s in enumerate(names)}
    tex = sp.latex(expr.xreplace(marks), mul_symbol="dot")
    for s, mark in sorted(marks.items(), key=lambda item: -len(item[1].name)):
        tex = tex.replace(mark.name, _value_tex(values[s]))
    return tex


def first_step_section(d, problem, eq, number: int = 6) -> list[str]:
    """The section, numbered ``number``, for the first batch of ``problem``; refers to the
    equations ``chain_rule`` labelled ``split:p`` in ``eq`` (batch factor times Σ per sample)."""
    work = first_step(problem)
    graph = d.graph
    per_sample = [node for node in graph.nodes if node.per_sample]
    heads = ["i", *map(str, graph.inputs), str(graph.target)]
    heads += [f"{node.name} = {plain(node.expr)}" for node in per_sample]
    rows = [[str(i), *(rd.expr_text(s[v]) for v in [*graph.inputs, graph.target])]
            + [rd.expr_text(s[node.name]) for node in per_sample]
            for i, s in enumerate(work.samples, start=1)]
    table = ["| " + " | ".join(heads) + " |", "|" + "|".join(" ---: " for _ in heads) + "|"]
    table += ["| " + " | ".join(r) + " |" for r in rows]
    start = ", ".join(f"{p} = {rd.expr_text(v)}" for p, v in work.params.items())
    parts = [f"## {number}. The first step by hand",
             f"The first batch holds samples 1 to {len(work.samples)}; the parameters start at "
             f"{start}. The forward pass, node by node:",
             "\n".join(table), "Then once for the batch:"]
    for node in graph.nodes:
        if node.per_sample:
            continue
        if node.is_reduction:
            terms = " + ".join(_value_tex(s[node.children[0]]) for s in work.samples)
            value = node.factor.xreplace({graph.n: len(work.samples)})
            factor = "" if value == 1 else sp.latex(value) + " "
            body = rf"{node.name} = {factor}\left({terms}\right) = {sp.latex(work.batch[node.name])}"
        else:
            body = (rf"{node.name} = {substitute_tex(node.expr, work.batch)} = "
                    rf"{sp.latex(work.batch[node.name])}")
        parts.append(display(body))
    for c, g in zip(d.chains, work.grad):
        outer = sp.nsimplify(c.outer.xreplace(work.batch))
        terms = " + ".join(substitute_tex(c.per_sample, s) for s in work.samples)
        total = sp.Add(*(c.per_sample.xreplace(s) for s in work.samples))
        parts += [f"Putting the numbers into ({eq.labels[f'split:{c.param}']}):",
                  display(rf"{rd.partial_tex(graph.output.name, c.param)} = {_value_tex(outer)} "
                          rf"\cdot \left({terms}\right) = {_value_tex(outer)} \cdot "
                          rf"{_value_tex(total)} = {sp.latex(g)}")]
    if problem.settings.plain:
        lr = EXACT.setting(problem.settings.lr(0, 0))
        rows = [rf"{p} &\leftarrow {p} - \eta \, {rd.partial_tex(graph.output.name, p)} = "
                rf"{sp.latex(v)} - {_value_tex(lr)} \cdot {_value_tex(g)} = {sp.latex(v - lr * g)}"
                for (p, v), g in zip(work.params.items(), work.grad)]
        parts += [f"One step of SGD with the learning rate η = {rd.expr_text(lr)} moves the parameters "
                  "against the gradient:", display(aligned(rows))]
    return parts
