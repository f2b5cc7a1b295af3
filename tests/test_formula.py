"""Formulas written three ways, and rows broken to fit; every format shows the same steps."""

from __future__ import annotations

import json

import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.render import formula as fm
from analytic_sgd.render import formula_mathml as fmm
from analytic_sgd.render.derivation import STEP_LABELS, chain_steps, derivation_dict, render_derivation


def test_a_row_wider_than_the_budget_is_broken_at_an_operator():
    d = asgd.derive(asgd.model_from_name("poly:6"), "mse")
    c = d.chains[0]
    lhs = fm.Partial(d.graph.output.name, c.param)
    steps = chain_steps(d.graph, c)
    assert len(fm.tex_rows(lhs, steps)) > len(steps)  # some steps take two rows
    assert len(fm.tex_rows(lhs, steps, budget=1000)) == len(steps)  # with room, one row each
    for row in fm.tex_rows(lhs, steps)[1:]:
        assert row.startswith("&= ") or row.startswith(r"&\qquad {}+") or \
            row.startswith(r"&\qquad {}-") or row.startswith(r"&\qquad ")


def test_a_broken_row_uses_brackets_that_need_no_partner():
    d = asgd.derive(asgd.model_from_name("poly:6"), "mse")
    rows = fm.tex_rows(fm.Partial(d.graph.output.name, d.chains[0].param), chain_steps(d.graph, d.chains[0]))
    broken = [r for r in rows if r"\biggl(" in r or r"\biggr)" in r]
    assert broken and all(r"\left(" not in r.split(r"\biggl(")[0][-3:] for r in broken)
    assert sum(r.count(r"\biggl(") for r in rows) == sum(r.count(r"\biggr)") for r in rows)


def test_one_formula_three_formats():
    w, x = sp.symbols("w x")
    f = fm.Seq([fm.Partial(sp.Symbol("l"), w), fm.Sigma(fm.Factors([fm.M(2 * w), fm.M(x - 1)]))])
    assert fm.text(f) == "(∂l/∂w) · Σ_i [(2*w) · (x - 1)]"
    assert fm.tex(f) == r"\frac{\partial l}{\partial w} \sum_{i=1}^{n} 2 w \cdot \left(x - 1\right)"
    assert fmm.mathml(f).count("<mfrac>") == 1 and "<mo>·</mo>" in fmm.mathml(f)


@pytest.mark.parametrize("spec", ["linear", ("w*x + w**2", "w"), "quadratic"])
def test_every_format_shows_the_same_steps_in_the_same_order(spec):
    model = asgd.model_from_name(*spec) if isinstance(spec, tuple) else asgd.model_from_name(spec)
    d = asgd.derive(model, "mse")
    text = render_derivation(d, "text")
    markdown, latex = render_derivation(d, "markdown"), render_derivation(d, "latex")
    for c in d.chains:
        steps = chain_steps(d.graph, c)
        assert [label in text for label in STEP_LABELS] == [True] * 5
        for step in steps:
            assert fm.text(step) in text
        # the same five right-hand sides, in order, in Markdown and in LaTeX
        rows = fm.tex_rows(fm.Partial(d.graph.output.name, c.param), steps)
        for doc in (markdown, latex):
            at = doc.index(f"Chain rule for {c.param}")
            for row in rows:  # each row after the one before
                at = doc.index(row, at) + len(row)
    gradients = json.loads(render_derivation(d, "json"))["gradients"]
    assert [g["param"] for g in gradients] == list(d.model.param_names)
    assert derivation_dict(d)["local_derivatives"] == [
        {"of": str(a), "wrt": str(b), "expr": str(e)} for (a, b), e in d.used_local.items()]
    if len(d.chains[0].paths) > 1:
        assert "Σ_i [(∂l/∂s_i)" in text and r"\biggl(" in latex or r"\left(\frac{\partial" in latex
