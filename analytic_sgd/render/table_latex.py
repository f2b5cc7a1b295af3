r"""A Trajectory as LaTeX: a booktabs tabular with true minus signs and ``\\tfrac`` fractions,
stacked when wider than a slide (the exact worked table is), or a complete article or beamer
document.

>>> from analytic_sgd.problems.problem import example_problem
>>> tex = booktabs(example_problem().run("exact"))
>>> r"$-\tfrac{80}{3}$" in tex, tex.splitlines()[0]
(True, '\\begin{tabular}{rrrrr}')
"""

from __future__ import annotations

import sympy as sp

from ..conventions.digits import int_text
from ..errors import OptionError
from .latex_document import DOCUMENT_KINDS
from .latex_document import standalone as document
from .table_cells import number_text, rising_note, table_columns
from .tex_width import tex_width

__all__ = ["booktabs", "LATEX_WIDTH", "PAGE_LINES"]


def _tex_cell(v, digits: int | None) -> str:
    """A cell in math mode: a true minus sign, exact fractions as ``\\tfrac``."""
    if isinstance(v, int):
        return str(v)
    if digits is None and isinstance(v, sp.Basic):
        if v.is_Rational:
            sign = "-" if v < 0 else ""
            value = abs(v)
            p, q = int_text(value.p), int_text(value.q)
            body = p if value.q == 1 else rf"\tfrac{{{p}}}{{{q}}}"
            return f"${sign}{body}$"
        return f"${sp.latex(v)}$"
    return f"${number_text(v, digits)}$"


# em of the table's font, column gaps included: a beamer frame (its tables in \small), an article
LATEX_WIDTH = {None: 27.0, "beamer": 29.5, "article": 32.0}


def _groups(widths: list[float], keys: int, budget: float) -> list[list[int]]:
    """Column indices per stacked block: the key columns, then as many others as fit."""
    gap = 1.3
    base = sum(widths[:keys]) + gap * keys
    groups, current, used = [], [], base
    for j in range(keys, len(widths)):
        if current and used + widths[j] + gap > budget:
            groups.append(current)
            current, used = [], base
        current.append(j)
        used += widths[j] + gap
    return groups + [current]


def _tabular(heads, cells, keys: int, groups: list[list[int]], rows: range) -> str:
    width = keys + max(len(g) for g in groups)
    lines = [r"\begin{tabular}{" + "r" * width + "}", r"\toprule"]
    for k, group in enumerate(groups):
        chosen = [*range(keys), *group]
        pad = " &" * (width - len(chosen))
        if k:
            lines.append(r"\midrule")
        lines += [" & ".join(heads[j] for j in chosen) + pad + r" \\", r"\midrule"]
        lines += [" & ".join(cells[j][r] for j in chosen) + pad + r" \\" for r in rows]
    return "\n".join([*lines, r"\bottomrule", r"\end{tabular}"]) + "\n"


PAGE_LINES = {"article": 30, "beamer": 13}  # table lines (headers and rows) per page or frame


def booktabs(traj, digits: int | None = None, standalone: str | None = None) -> str:
    """A booktabs tabular (needs ``\\usepackage{booktabs}``): true minus signs, exact values as
    ``\\tfrac``; a table wider than a slide is stacked (the step columns, then as many value
    columns as fit, block under block). ``standalone`` ("article" or "beamer") gives a complete
    document: the rows split over pages or frames, and the note on a rising loss."""

    columns = table_columns(traj)
    heads = [rf"$\partial l/\partial {h[4:]}$" if h.startswith("dl/d") else
             (f"${h[:-6]}$ after" if h.endswith(" after") else h) for h, _ in columns]
    cells = [[_tex_cell(v, digits) for v in values] for _, values in columns]
    widths = [max(tex_width(c.strip("$")) for c in [head, *col]) for head, col in zip(heads, cells)]
    keys = sum(h in ("epoch", "batch", "n") for h, _ in columns)
    groups = _groups(widths, keys, LATEX_WIDTH.get(standalone, LATEX_WIDTH[None]))
    if standalone is None:
        return _tabular(heads, cells, keys, groups, range(len(traj)))
    if standalone not in DOCUMENT_KINDS:
        raise OptionError.for_field("standalone", standalone, f"one of {', '.join(DOCUMENT_KINDS)}")
    per = max(1, PAGE_LINES[standalone] // len(groups) - 1)
    parts = [("SGD, batch by batch" + (f", steps {k + 1} to {min(k + per, len(traj))}"
                                       if len(traj) > per else ""),
              "\\begin{center}" + ("\\small" if standalone == "beamer" else "") + "\n"
              + _tabular(heads, cells, keys, groups, range(k, min(k + per, len(traj))))
              + "\\end{center}")
             for k in range(0, len(traj), per)]
    title = f"SGD on {traj.meta.get('model', 'the model')}, {traj.meta.get('loss', '')}".strip(", ")
    return document(parts, standalone, title, rising_note(traj))
