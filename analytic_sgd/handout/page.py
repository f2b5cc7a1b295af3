"""The handout: one self-contained HTML file for a problem (see the package docstring).

>>> from analytic_sgd.problems.problem import example_problem
>>> page = handout_html(example_problem("worked-linear"))
>>> page.startswith("<!DOCTYPE html>"), "<script" in page, "://" in page
(True, False, False)
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import sympy as sp

from ..conventions.arithmetic import EXACT
from ..files import write_atomic
from ..render import formula as fm
from ..render.derivation import blocks, chain_steps, proof_line
from ..render.errata import errata
from ..render.first_step import first_step, rounds
from ..render.mermaid import plain
from ..render.node_values import node_values, value_rows
from ..render.pages import CASES, published_rounding
from ..render.table import table_html
from .figures import pictures
from .mathml import math_equation, number
from .stability import stability_note

__all__ = ["handout_html", "write_handout", "STYLE", "document"]

STYLE = """body{font-family:serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #bbb;padding:.2em .5em;
text-align:right}th{background:#f2f2f2}math[display=block]{margin:.5em 0;overflow-x:auto}
.note{background:#fff4e0;border-left:4px solid #c26b00;padding:.4em .8em}
.erratum{background:#eef4fb;border-left:4px solid #2f6db5;padding:.4em .8em}
figure{margin:1em 0}figcaption{font-style:italic}img{max-width:100%}
.blank td{height:1.8em;min-width:5em}"""


def document(title: str, body: list[str]) -> str:
    """A complete HTML page: inline style, no script, nothing from the network."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _case(problem):
    for case in CASES.values():
        if case.example == problem.name and case.problem().model == problem.model and \
                case.problem().loss is problem.loss:
            return case
    return None


def _derivation(d) -> list[str]:
    out = ["<h2>1. Model and loss</h2>"]
    model, loss = blocks(d)[:2]
    out += [math_equation(*model.rows[0][:2]), math_equation(*loss.rows[0][:2])]
    return out


def _nodes(d, problem) -> list[str]:
    values = node_values(problem, 1)
    rows = ["<tr><th>name</th><th>computed as</th><th>value</th><th>∂l/∂ of it</th></tr>"]
    for name, how, value, grad in value_rows(values):
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{html.escape(how)}</td>"
                    f"<td>{number(value, 4)}</td>"
                    f"<td>{'' if grad is None else number(grad, 4)}</td></tr>")
    return ["<h2>2. The unit nodes, with their values at sample 1</h2>",
            _p("Each node is one operation. The values are those of sample 1 at the start "
               f"(batch of samples {', '.join(map(str, values.batch))}); for a per-sample node, "
               "∂l/∂ is the derivative of the batch loss with respect to sample 1's copy of it; "
               "for a parameter, its share through sample 1 (the shares of the batch's samples "
               "add up to the gradient)."),
            "<table>" + "".join(rows) + "</table>"]


def _chain_rule(d) -> list[str]:
    out = ["<h2>3. Local derivatives and the chain rule</h2>",
           _p("The local derivatives the chain rule uses, one per edge of the backward pass:")]
    local = blocks(d)[3]
    out += [math_equation(lhs, rhs) for lhs, rhs, _ in local.rows]
    for c in d.chains:
        out += [f"<h3>The gradient for {html.escape(str(c.param))}</h3>",
                _p("The chain rule, the factors, their product, the product in the inputs and "
                   "the closed form:"),
                math_equation(fm.Partial(d.graph.output.name, c.param), chain_steps(d.graph, c))]
    return out + [_p(proof_line(d) + ".")]


def _first_step(d, problem, digits) -> list[str]:
    work = first_step(problem)
    g = d.graph
    per_sample = [node for node in g.nodes if node.per_sample]
    heads = ["i", *map(str, g.inputs), str(g.target), *(str(node.name) for node in per_sample)]
    rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for i, s in enumerate(work.samples, start=1):
        cells = [s[v] for v in [*g.inputs, g.target, *(node.name for node in per_sample)]]
        rows.append(f"<tr><td>{i}</td>" + "".join(f"<td>{number(v, digits)}</td>" for v in cells)
                    + "</tr>")
    out = ["<h2>4. The first step by hand</h2>",
           _p(f"The first batch: samples 1 to {len(work.samples)}, parameters at the start "
              f"({', '.join(f'{p} = {v}' for p, v in work.params.items())}). Forward pass:"),
           "<table>" + "".join(rows) + "</table>",
           _p(f"The loss of the batch: l = {fm.text(fm.M(work.loss))}" if not rounds(
               work.loss, digits) else f"The loss of the batch: l ≈ {float(work.loss):.{digits}f}")]
    for c, grad in zip(d.chains, work.grad):
        terms = [c.per_sample.xreplace(s) for s in work.samples]
        outer = sp.nsimplify(c.outer.xreplace(work.batch))
        shown = terms if len(terms) <= 4 else [*terms[:2], None, terms[-1]]
        sum_text = " + ".join("…" if t is None else _short(t, digits) for t in shown)
        out.append(_p(f"∂l/∂{c.param} = {outer} · ({sum_text}) "
                      f"{'=' if digits is None else '≈'} {_short(grad, digits)}"))
    if problem.settings.plain:
        lr = EXACT.setting(problem.settings.lr(0, 0))
        for (p, v), grad in zip(work.params.items(), work.grad):
            out.append(_p(f"{p} ← {p} − η·∂l/∂{p} = {v} − {lr}·({_short(grad, digits)}) "
                          f"{'=' if digits is None else '≈'} {_short(v - lr * grad, digits)}"))
    return out


def _short(value, digits) -> str:
    value = sp.sympify(value)
    if rounds(value, digits):
        return f"{float(value):.{digits}f}"
    return fm.text(fm.M(value))


def _tables(problem, case, runs, has_errata: bool) -> list[str]:
    tables = case.tables if case is not None else ()
    out = ["<h2>5. The table, batch by batch</h2>",
           _p("Each row: the gradient and the loss at the parameters before the update, and the "
              "parameters after it.")]
    traj = None
    for table in tables or [None]:
        arithmetic, digits = ("float64", 4) if table is None else (table.arithmetic, table.digits)
        traj = runs(arithmetic)
        caption = "In float64, rounded to 4 decimals:" if table is None else table.caption
        out += [_p(caption), table_html(traj, digits)]
        if table is not None and table.digits is not None and has_errata:
            out.append(_p(published_rounding(problem, table.digits)))
    note = stability_note(problem, traj)
    if note:
        out.append(f'<p class="note">{html.escape(note)}</p>')
    return out


def _figures(problem, runs) -> list[str]:
    out = ["<h2>6. Pictures</h2>"]
    for caption, uri in pictures(problem, runs("float64")):
        out.append(f'<figure><img src="{uri}" alt="{html.escape(caption)}">'
                   f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return out


def _errata(notes) -> list[str]:
    if not notes:
        return []
    return [f"<h2>7. Errata of the published write-up ({html.escape(notes[0].source)})</h2>",
            _p("Where the write-up this example comes from prints numbers or settings that its "
               "own code does not give:"),
            *(f'<p class="erratum">{html.escape(n.text)}</p>' for n in notes)]


def handout_html(problem) -> str:
    """The handout of ``problem`` as one HTML page (needs matplotlib for the pictures)."""
    d = problem.derivation()
    case = _case(problem)
    digits = case.by_hand_digits if case is not None else 4
    start = ", ".join(f"{p} = {v}" for p, v in problem.start.items())
    body = [f"<h1>SGD by hand: {html.escape(problem.name)}</h1>",
            _p(f"Model ŷ = {plain(d.model.expr)}, loss: the {d.loss.title}; start {start}, "
               f"learning rate {problem.settings.lr.text}; "
               f"{problem.plan.describe(len(problem.y))}.")]
    body += _derivation(d) + _nodes(d, problem) + _chain_rule(d) + _first_step(d, problem, digits)
    runs = functools.cache(problem.run)  # each arithmetic run once: tables and pictures share it
    notes = errata(problem)
    body += _tables(problem, case, runs, bool(notes)) + _figures(problem, runs) + _errata(notes)
    return document(f"SGD by hand: {problem.name}", body)


def write_handout(problem, out) -> Path:
    """Write the handout of ``problem`` to ``out`` atomically; return the path."""
    return write_atomic(Path(out), handout_html(problem))
