"""A Trajectory as a table: aligned text, Markdown, CSV, JSON, LaTeX (booktabs), HTML.

Numbers: exact values print as fractions (``-80/3``), floats as the shortest
decimal that round-trips; ``digits`` rounds text, Markdown, LaTeX and HTML to
that many decimal places. CSV and JSON never round: exact values are strings
``fractions.Fraction`` reads, floats are numbers that round-trip the binary value
(a float32 is written as the float64 it equals exactly).

>>> import analytic_sgd as asgd
>>> traj = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2 * v + 10 for v in range(9)],
...                 lr=0.01, batch_size=3)
>>> print(table_text(traj, digits=2), end="")
batch  n    dl/dw   dl/db  w after  b after    loss
    1  3   -26.67  -24.00     0.27     0.24  146.67
    2  3  -135.86  -33.39     1.63     0.57  280.67
    3  3  -169.19  -24.10     3.32     0.81  145.28
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

import sympy as sp

from ..errors import MissingExtraError, OptionError

__all__ = ["table_columns", "table_text", "table_markdown", "table_csv", "table_json",
           "table_dict", "table_latex", "table_html", "table_pandas", "TABLE_FORMATS",
           "render_table", "RISING_STEPS", "rising_note"]

RISING_STEPS = 3  # a note is added when the loss rises this many steps in a row


def _number(v, digits: int | None) -> str:
    """``v`` as written in a table: shortest round-trip decimal, a fraction, or rounded."""
    if digits is None:
        return str(v)
    try:
        return f"{float(Fraction(str(v))):.{digits}f}"
    except ValueError:  # an irrational exact value, such as 2*sqrt(330)/3
        return f"{float(v):.{digits}f}"


def table_columns(traj) -> list[tuple[str, list]]:
    """(header, values) pairs in table order: epoch (if more than one), batch, n, grads, after, loss."""
    names = traj.param_names
    cols = []
    if traj.epoch.size and traj.epoch.max() > 1:
        cols.append(("epoch", traj.epoch.tolist()))
    cols += [("batch", traj.batch.tolist()), ("n", traj.n.tolist())]
    cols += [(f"dl/d{p}", list(traj.grad[:, j])) for j, p in enumerate(names)]
    cols += [(f"{p} after", list(traj.updated[:, j])) for j, p in enumerate(names)]
    cols.append(("loss", list(traj.loss)))
    return cols


def _cells(traj, digits):
    return [(head, [v if isinstance(v, int) else _number(v, digits) for v in values])
            for head, values in table_columns(traj)]


def rising_note(traj) -> str:
    """``note: the loss rose K steps in a row; ...`` when it rose ``RISING_STEPS`` times or more
    in a row, else ""."""
    streak = traj.rising_streak()
    if streak < RISING_STEPS:
        return ""
    settings = traj.meta.get("settings")
    lr = f" ({settings.lr.text})" if settings is not None else ""
    return (f"note: the loss rose {streak} steps in a row; the learning rate{lr} may be too "
            f"large")


def table_text(traj, digits: int | None = None) -> str:
    """An aligned table for a terminal, with a note when the loss keeps rising."""
    cells = _cells(traj, digits)
    widths = [max(len(h), *(len(str(v)) for v in vs)) for h, vs in cells]
    lines = ["  ".join(h.rjust(w) for (h, _), w in zip(cells, widths)).rstrip()]
    for row in range(len(traj)):
        lines.append("  ".join(str(vs[row]).rjust(w) for (_, vs), w in zip(cells, widths)))
    note = rising_note(traj)
    return "\n".join(lines + ([note] if note else [])).strip("\n") + "\n"


def table_markdown(traj, digits: int | None = None) -> str:
    cells = _cells(traj, digits)
    lines = ["| " + " | ".join(h for h, _ in cells) + " |",
             "|" + "|".join(" ---: " for _ in cells) + "|"]
    lines += ["| " + " | ".join(str(vs[r]) for _, vs in cells) + " |" for r in range(len(traj))]
    note = rising_note(traj)
    return "\n".join(lines + ([f"\n{note}"] if note else [])) + "\n"


def _tex_cell(v, digits: int | None) -> str:
    """A cell in math mode: a true minus sign, exact fractions as ``\\tfrac``."""
    if isinstance(v, int):
        return str(v)
    if digits is None and isinstance(v, sp.Basic):
        if v.is_Rational:
            sign = "-" if v < 0 else ""
            value = abs(v)
            body = str(value.p) if value.q == 1 else rf"\tfrac{{{value.p}}}{{{value.q}}}"
            return f"${sign}{body}$"
        return f"${sp.latex(v)}$"
    return f"${_number(v, digits)}$"


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


def table_latex(traj, digits: int | None = None, standalone: str | None = None) -> str:
    """A booktabs tabular (needs ``\\usepackage{booktabs}``): true minus signs, exact values as
    ``\\tfrac``; a table wider than a slide is stacked (the step columns, then as many value
    columns as fit, block under block). ``standalone`` ("article" or "beamer") gives a complete
    document: the rows split over pages or frames, and the note on a rising loss."""
    from .formula import tex_width
    from .latex_document import DOCUMENT_KINDS
    from .latex_document import standalone as document

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


def table_html(traj, digits: int | None = -1) -> str:
    """An HTML table; exact values as fractions, floats to 6 decimals unless ``digits`` says
    otherwise (``None``: the shortest round-trip decimal)."""
    if digits == -1:
        digits = None if traj.arithmetic.exact else 6
    cells = _cells(traj, digits)
    head = "".join(f"<th>{h}</th>" for h, _ in cells)
    rows = "".join("<tr>" + "".join(f"<td>{vs[r]}</td>" for _, vs in cells) + "</tr>"
                   for r in range(len(traj)))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def table_dict(traj) -> dict:
    """DESIGN.md's table JSON: model, inputs, params, loss, arithmetic, lr, ..., steps."""
    meta, names, a = traj.meta, traj.param_names, traj.arithmetic
    settings = meta.get("settings")

    def named(values):
        return {p: a.json(v) for p, v in zip(names, values)}

    return {
        "model": meta.get("model", ""),
        "inputs": list(meta.get("inputs", ())),
        "params": list(names),
        "loss": meta.get("loss", ""),
        "arithmetic": a.name,
        "lr": a.json(a.setting(settings.lr.constant)) if settings is not None else None,
        "batch_size": meta.get("batch_size"),
        "epochs": meta.get("epochs"),
        "steps": [
            {"epoch": s.epoch, "batch": s.batch, "n": s.n, "params": named(s.params),
             "loss": a.json(s.loss), "grad": named(s.grad), "updated": named(s.updated)}
            for s in traj.steps
        ],
    }


def table_json(traj, digits: int | None = None) -> str:
    return json.dumps(table_dict(traj), indent=2) + "\n"


def table_csv(traj, digits: int | None = None) -> str:
    """One row per step: epoch, batch, n, params before, loss, grad, params after (unrounded)."""
    names, a = traj.param_names, traj.arithmetic
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", "batch", "n", *names, "loss", *(f"dl/d{p}" for p in names),
                     *(f"{p}_after" for p in names)])
    for s in traj.steps:
        values = [*s.params, s.loss, *s.grad, *s.updated]
        text = [str(a.json(v)) for v in values]
        writer.writerow([s.epoch, s.batch, s.n, *text])
    return out.getvalue()


def table_pandas(traj):
    """A pandas DataFrame with the CSV's columns (needs the ``pandas`` extra)."""
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError(
            "to_pandas needs pandas; install it with pip install 'analytic-sgd[pandas]'"
        ) from None
    text = table_csv(traj)
    counts = ("epoch", "batch", "n")
    header = text.split("\n", 1)[0].split(",")
    # exact values stay text that fractions.Fraction reads; floats are read by pandas
    exact = {c: str for c in header if c not in counts} if traj.arithmetic.exact else None
    return pd.read_csv(io.StringIO(text), dtype=exact)


TABLE_FORMATS = {"text": table_text, "markdown": table_markdown, "latex": table_latex,
                 "csv": table_csv, "json": table_json}


def render_table(traj, fmt: str = "text", digits: int | None = None,
                 standalone: str | None = None) -> str:
    """The trajectory in ``fmt``: text, markdown, latex, csv or json; a LaTeX document of kind
    ``standalone`` (article, beamer) when given."""
    if standalone is not None:
        if fmt != "latex":
            raise OptionError.for_field("standalone", standalone, "used with the latex format only")
        return table_latex(traj, digits, standalone)
    return TABLE_FORMATS[fmt](traj, digits)
