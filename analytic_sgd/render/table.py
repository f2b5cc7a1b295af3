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
from collections.abc import Iterator

from ..errors import MissingExtraError, OptionError
from ..numeric.trajectory import Trajectory
from .column_text import columns_cells, line_blocks
from .column_text import lines as text_lines
from .float_text import float_texts
from .table_cells import RISING_STEPS, cells, column_cells, number_text, rising_note, table_columns
from .table_latex import booktabs

__all__ = ["table_columns", "table_text", "table_markdown", "table_csv", "table_json",
           "table_dict", "table_head", "table_steps", "csv_header", "csv_rows", "table_latex",
           "table_html", "table_pandas", "TABLE_FORMATS", "render_table", "render_table_pieces",
           "RISING_STEPS", "rising_note", "number_text"]


def table_text(traj, digits: int | None = None) -> str:
    """An aligned table for a terminal, with a note when the loss keeps rising."""
    return "".join(p if isinstance(p, str) else str(p, "ascii")
                   for p in _table_text_pieces(traj, digits))


def _table_text_pieces(traj, digits: int | None) -> Iterator[str | memoryview]:
    """``table_text`` in pieces: its lines of numbers as ASCII bytes, a block at a time, when
    they are written a column at a time (float64, unrounded, orjson installed)."""
    note = rising_note(traj)
    fast = column_cells(traj) if digits is None and len(traj) else None
    if fast is not None:  # a column at a time, as bytes (render/column_text.py)
        widths = [max(len(h), c.width) for h, c in fast]
        yield "  ".join(h.rjust(w) for (h, _), w in zip(fast, widths)).rstrip() + "\n"
        yield from line_blocks([c for _, c in fast], widths)
        if note:
            yield note + "\n"
        return
    columns = cells(traj, digits)
    widths = [max(len(h), max(map(len, vs), default=0)) for h, vs in columns]
    lines = ["  ".join(h.rjust(w) for (h, _), w in zip(columns, widths)).rstrip()]
    row = "  ".join(f"{{:>{w}}}" for w in widths).format  # one call per row, right-aligned
    lines += [row(*r) for r in zip(*(vs for _, vs in columns))]
    yield "\n".join(lines + ([note] if note else [])).strip("\n") + "\n"


def table_markdown(traj, digits: int | None = None) -> str:
    columns = cells(traj, digits)
    lines = ["| " + " | ".join(h for h, _ in columns) + " |",
             "|" + "|".join(" ---: " for _ in columns) + "|"]
    lines += ["| " + " | ".join(str(vs[r]) for _, vs in columns) + " |" for r in range(len(traj))]
    note = rising_note(traj)
    return "\n".join(lines + ([f"\n{note}"] if note else [])) + "\n"


def table_html(traj, digits: int | None = -1) -> str:
    """An HTML table; exact values as fractions, floats to 6 decimals unless ``digits`` says
    otherwise (``None``: the shortest round-trip decimal)."""
    if digits == -1:
        digits = None if traj.arithmetic.exact else 6
    columns = cells(traj, digits)
    head = "".join(f"<th>{h}</th>" for h, _ in columns)
    rows = "".join("<tr>" + "".join(f"<td>{vs[r]}</td>" for _, vs in columns) + "</tr>"
                   for r in range(len(traj)))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def table_head(traj: Trajectory, varying: bool, first_lr=None) -> dict:
    """The table JSON of ``traj`` without its steps: model, inputs, params, loss,
    arithmetic, lr (its text when ``varying``, else its value, ``first_lr`` when the
    settings do not hold one), batch size, epochs (and ``every``, when only every N-th
    step is kept)."""
    meta, names, a = traj.meta, traj.param_names, traj.arithmetic
    settings = meta.get("settings")
    head = {
        "model": meta.get("model", ""),
        "inputs": list(meta.get("inputs", ())),
        "params": list(names),
        "loss": meta.get("loss", ""),
        "arithmetic": a.name,
        "lr": None if settings is None else settings.lr.text if varying else a.json(
            a.setting(settings.lr.constant) if settings.lr.constant is not None else first_lr),
        "batch_size": meta.get("batch_size"),
        "epochs": meta.get("epochs"),
    }
    if meta.get("every", 1) > 1:
        head["every"] = meta["every"]
    return head


def table_steps(traj, varying: bool):
    """The table JSON's step objects, one by one (with ``step``, from 1 as the tables and
    messages count, when only some steps are kept; with ``lr`` when ``varying``)."""
    names, a = traj.param_names, traj.arithmetic

    def named(values):
        return {p: a.json(v) for p, v in zip(names, values)}

    numbers = traj.step_numbers if traj.meta.get("every", 1) > 1 else None
    for k, s in enumerate(traj.steps):
        yield {**({"step": int(numbers[k]) + 1} if numbers is not None else {}),
               "epoch": s.epoch, "batch": s.batch, "n": s.n,
               **({"lr": a.json(s.lr)} if varying else {}), "params": named(s.params),
               "loss": a.json(s.loss), "grad": named(s.grad), "updated": named(s.updated)}


def table_dict(traj) -> dict:
    """DESIGN.md's table JSON: model, inputs, params, loss, arithmetic, lr, ..., steps."""
    varying = traj.varying_lr  # computed once: it reads the whole column
    first = traj.lr[0] if traj.lr is not None and len(traj.lr) else None
    return {**table_head(traj, varying, first),
            "steps": list(table_steps(traj, varying))}


def table_json(traj, digits: int | None = None) -> str:
    return json.dumps(table_dict(traj), indent=2) + "\n"


def table_csv(traj, digits: int | None = None) -> str:
    """One row per step: an unnamed row index (0, 1, ...), epoch, batch, n, params before,
    loss, grad, params after (unrounded). The layout pandas' ``to_csv`` writes, so that
    pytest-regressions' ``num_regression`` reads the file as its expected values."""
    out = io.StringIO()
    varying = traj.varying_lr
    out.write(csv_header(traj.param_names, varying))
    out.write(csv_rows(traj, varying))
    return out.getvalue()


def csv_header(names, varying: bool) -> str:
    """The CSV's header line (with an ``lr`` column when ``varying``)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        ["", "epoch", "batch", "n", *(["lr"] if varying else []), *names, "loss",
         *(f"dl/d{p}" for p in names), *(f"{p}_after" for p in names)])
    return out.getvalue()


def csv_rows(traj, varying: bool) -> str:
    """The CSV's lines of the rows of ``traj``; the index is the step (from 0)."""
    a = traj.arithmetic
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    numbers = traj.step_numbers
    if a.exact:
        for k, s in enumerate(traj.steps):
            values = [*([s.lr] if varying else []), *s.params, s.loss, *s.grad, *s.updated]
            writer.writerow([int(numbers[k]), s.epoch, s.batch, s.n,
                             *(str(a.json(v)) for v in values)])
        return out.getvalue()
    # float: the JSON numbers (the float64 each value equals), a column at a time
    columns = [traj.epoch, traj.batch, traj.n, *([traj.lr] if varying else []), *traj.params.T,
               traj.loss, *traj.grad.T, *traj.updated.T]
    # numbers need no quoting: the lines are joined as they are (what csv.writer writes)
    fast = columns_cells([numbers, *columns])
    if len(traj) and fast is not None:  # a column at a time, as bytes
        return text_lines(fast, None, b",").decode()
    texts = [list(map(str, c.tolist())) if c.dtype.kind in "iu" else float_texts(c)
             for c in [numbers, *columns]]
    return "".join(line + "\n" for line in map(",".join, zip(*texts)))


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
    header = text.split("\n", 1)[0].split(",")[1:]
    # exact values stay text that fractions.Fraction reads; floats are read by pandas
    exact = {c: str for c in header if c not in counts} if traj.arithmetic.exact else None
    frame = pd.read_csv(io.StringIO(text), dtype=exact, index_col=0)
    frame.index.name = None
    return frame


def table_latex(traj, digits: int | None = None, standalone: str | None = None) -> str:
    """A booktabs tabular, or a complete document (``analytic_sgd.render.table_latex``)."""
    return booktabs(traj, digits, standalone)


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


def render_table_pieces(traj, fmt: str = "text", digits: int | None = None,
                        standalone: str | None = None) -> Iterator[str | memoryview]:
    """``render_table``'s text in pieces, each made when it is asked for: strings, and
    memoryviews of ASCII bytes (the lines of numbers of a long text table, a block of rows
    at a time, never decoded). Joined, the pieces are ``render_table(...)`` exactly."""
    if fmt == "text" and standalone is None:
        return _table_text_pieces(traj, digits)
    return iter([render_table(traj, fmt, digits, standalone)])
