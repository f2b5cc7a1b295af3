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
from . import notation as nt
from .mermaid import node_text, to_mermaid
from .node_values import evaluate_samples, node_values
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
    params = {p: EXACT.number(problem.start[p.name]) for p in model.params}
    x, y = problem.data(EXACT)
    rows = np.asarray(x, dtype=object).reshape(len(y), -1).tolist()
    size = problem.plan.batch_size
    samples, batch = evaluate_samples(graph, params, rows[:size], list(y)[:size])
    grad = [sp.nsimplify(c.outer.xreplace(batch)) * sp.Add(*(c.per_sample.xreplace(s) for s in samples))
            for c in d.chains]
    return FirstStep(tuple(samples), batch, params, batch[graph.output.name],
                     [sp.radsimp(sp.simplify(g)) for g in grad])


SHOWN = 4  # a sum of more terms shows the first two, "…" and the last one
EXACT_CHARS = 8  # a rational written in more characters is rounded when digits are asked


def rounds(value, digits: int | None) -> bool:
    """True when ``value`` is shown rounded to ``digits`` decimals: digits were asked and it
    is not an integer or a rational of at most EXACT_CHARS characters.

    >>> rounds(sp.Rational(1, 3), 4), rounds(sp.Rational(1, 300000001), 4), rounds(sp.pi, None)
    (False, True, False)
    """
    value = sp.sympify(value)
    return digits is not None and not (
        value.is_Integer or (value.is_Rational and len(str(value)) <= EXACT_CHARS))


def _value_tex(v, digits: int | None = None) -> str:
    if rounds(v, digits):
        tex = f"{float(v):.{digits}f}"
        return rf"\left({tex}\right)" if tex.startswith("-") else tex
    tex = sp.latex(v)
    return rf"\left({tex}\right)" if v.could_extract_minus_sign() or v.is_Add else tex


def _value_text(v, digits: int | None) -> str:
    if rounds(v, digits):
        return f"{float(v):.{digits}f}"
    return nt.expr_text(v)


def substitute_tex(expr, values: dict, digits: int | None = None) -> str:
    """``expr`` in LaTeX with ``\\cdot`` products and each symbol replaced by its value's LaTeX."""
    names = sorted((s for s in expr.free_symbols if s in values), key=lambda s: s.name)
    marks = {s: sp.Symbol("QQQ" + chr(ord("A") + k)) for k, s in enumerate(names)}
    tex = sp.latex(expr.xreplace(marks), mul_symbol="dot")
    for s, mark in sorted(marks.items(), key=lambda item: -len(item[1].name)):
        tex = tex.replace(mark.name, _value_tex(values[s], digits))
    return tex


def _terms(items: list[str]) -> str:
    """The terms of a sum, the middle ones left out when there are many."""
    if len(items) > SHOWN:
        items = [*items[:2], r"\dots", items[-1]]
    return " + ".join(items)


def _equals(value, digits: int | None) -> str:
    """``= value``, or ``\\approx`` and the rounded value when ``digits`` rounds it."""
    exact = sp.latex(value)
    bare = _value_tex(value, digits).replace(r"\left(", "").replace(r"\right)", "")
    return f"= {exact}" if digits is None or bare == exact else rf"\approx {bare}"


def _relation(value, digits: int | None) -> str:
    """``=``, or ``\\approx`` when ``value`` is shown rounded."""
    return "=" if _equals(value, digits).startswith("=") else r"\approx"


def first_step_section(d, problem, eq, number: int = 6, digits: int | None = None) -> list[str]:
    """The section, numbered ``number``, for the first batch of ``problem``; refers to the
    equations ``chain_rule`` labelled ``split:p`` in ``eq`` (batch factor times Σ per sample).
    ``digits``: values whose exact form is long are shown rounded to that many decimals
    (they are still computed exactly)."""
    work = first_step(problem)
    graph = d.graph
    per_sample = [node for node in graph.nodes if node.per_sample]
    heads = ["i", *map(str, graph.inputs), str(graph.target)]
    heads += [node_text(node) for node in per_sample]
    rows = [[str(i), *(_value_text(s[v], digits) for v in [*graph.inputs, graph.target])]
            + [_value_text(s[node.name], digits) for node in per_sample]
            for i, s in enumerate(work.samples, start=1)]
    table = ["| " + " | ".join(heads) + " |", "|" + "|".join(" ---: " for _ in heads) + "|"]
    table += ["| " + " | ".join(r) + " |" for r in rows]
    start = ", ".join(f"{p} = {nt.expr_text(v)}" for p, v in work.params.items())
    rounding = (f" Every value is computed exactly (the data are binary fractions); values whose "
                f"exact form is long are shown rounded to {digits} decimals." if digits else "")
    parts = [f"## {number}. The first step by hand",
             f"The first batch holds samples 1 to {len(work.samples)}; the parameters start at "
             f"{start}.{rounding} The forward pass, node by node:",
             "\n".join(table)]
    if digits is None:  # short exact values: drawn on the graph too, as micrograd's draw_dot does
        values = node_values(problem, 1)
        parts += [f"The same forward pass at sample 1 on the graph, with ∂l/∂ of each node: for a "
                  f"node of the sample, of the batch loss with respect to sample 1's copy of it; for "
                  f"a parameter, its share through sample 1 (the shares of samples "
                  f"{', '.join(map(str, values.batch))} add up to the gradient below). "
                  f"`analytic-sgd derive --sample 1` prints them.",
                  "```mermaid\n" + to_mermaid(d, values) + "```"]
    parts.append("Then once for the batch:")
    for node in graph.nodes:
        if node.per_sample:
            continue
        value = work.batch[node.name]
        if node.is_reduction:
            terms = _terms([_value_tex(s[node.children[0]], digits) for s in work.samples])
            factor_value = node.factor.xreplace({graph.n: len(work.samples)})
            factor = "" if factor_value == 1 else sp.latex(factor_value) + " "
            body = rf"{node.name} = {factor}\left({terms}\right) {_equals(value, digits)}"
        else:
            body = rf"{node.name} = {substitute_tex(node.expr, work.batch, digits)} {_equals(value, digits)}"
        parts.append(display(body))
    for c, g in zip(d.chains, work.grad):
        outer = sp.nsimplify(c.outer.xreplace(work.batch))
        terms = _terms([substitute_tex(c.per_sample, s, digits) for s in work.samples])
        total = sp.Add(*(c.per_sample.xreplace(s) for s in work.samples))
        parts += [f"Putting the numbers into ({eq.labels[f'split:{c.param}']}):",
                  display(rf"{rd.partial_tex(graph.output.name, c.param)} = {_value_tex(outer)} "
                          rf"\cdot \left({terms}\right) {_relation(total, digits)} {_value_tex(outer)} "
                          rf"\cdot {_value_tex(total, digits)} {_equals(g, digits)}")]
    if problem.settings.plain:
        lr = EXACT.setting(problem.settings.lr(0, 0))
        rows = [rf"{p} &\leftarrow {p} - \eta \, {rd.partial_tex(graph.output.name, p)} = "
                rf"{_value_tex(v, digits)} - {_value_tex(lr)} \cdot {_value_tex(g, digits)} "
                rf"{_equals(v - lr * g, digits)}"
                for (p, v), g in zip(work.params.items(), work.grad)]
        parts += [f"One step of SGD with the learning rate η = {nt.expr_text(lr)} moves the parameters "
                  "against the gradient:", display(aligned(rows))]
    return parts
