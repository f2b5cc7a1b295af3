"""Reports as text: a header, a verdict per backend, and the rows that matter.

``render`` returns the string the ``crosscheck`` command prints: what was run, the
reference, the formula, then per backend its verdict, its worst row (or, when it
disagrees, its worst rows as a table) and notes on how it computed. ``rows_table`` lays
out any rows.

>>> from analytic_sgd.crosscheck.report import Row
>>> print(rows_table([Row(1, 1, 1, "dl/dw", -26.7, -26.6, 0.1, 0.0037, 4.0e14, False)], "float64"))
step  epoch  batch  quantity  reference b  value a  |a - b|  |a - b|/|b|     ULPs  agree
   1      1      1  dl/dw           -26.7    -26.6  1.0e-01      3.7e-03  4.0e+14  no
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..conventions.arithmetic import get_arithmetic
from .report import Report, Row
from .tolerance import FORMULA

__all__ = ["render_report", "rows_table", "describe_problem"]

SHOWN = 5  # worst rows shown for a backend that disagrees


def describe_problem(problem) -> str:
    """One line: the example or data, model, loss, rows, batches, epochs and settings."""
    plan = problem.plan
    parts = [f"{problem.name}: {problem.model.text}, {problem.loss.name}, {len(problem.y)} rows",
             f"batch size {plan.batch_size}",
             f"{plan.epochs} epoch{'s' if plan.epochs != 1 else ''}", problem.settings.describe()]
    if plan.drop_last:
        parts.append("drop_last")
    if plan.shuffle:
        parts.append(f"shuffled (seed {plan.seed})")
    return ", ".join(parts)


def _value(v: float, dtype: str) -> str:
    return str(get_arithmetic(dtype).scalar(v)) if math.isfinite(v) else repr(float(v))


def _g(v: float, digits: int = 1) -> str:
    return f"{v:.{digits}e}" if math.isfinite(v) else str(v)


def _finite(v: float) -> float:
    return v if v == v else -1.0  # NaN (a non-finite value matched) sorts last


def _ulps(v: float) -> str:
    return f"{v:.2f}" if v < 100 else _g(v)


def rows_table(rows: Sequence[Row], dtype: str) -> str:
    """Rows as an aligned text table (values of a float32 run as float32 prints them)."""
    head = ["step", "epoch", "batch", "quantity", "reference b", "value a", "|a - b|",
            "|a - b|/|b|", "ULPs", "agree"]
    body = [[str(r.step), str(r.epoch), str(r.batch), r.quantity, repr(r.reference),
             _value(r.value, dtype), _g(r.abs_err),
             _g(r.rel_err), _ulps(r.ulps), "yes" if r.ok else "no"] for r in rows]
    widths = [max(len(c) for c in col) for col in zip(head, *body)]
    left = {3, 9}  # quantity and agree read left to right
    lines = ["  ".join(c.ljust(w) if j in left else c.rjust(w)
                       for j, (c, w) in enumerate(zip(line, widths))).rstrip()
             for line in [head, *body]]
    return "\n".join(lines)


def _where(r: Row, mode: str) -> str:
    if mode != "trajectory":
        return f"batch {r.batch} {r.quantity}"
    return f"step {r.step} (epoch {r.epoch}, batch {r.batch}) {r.quantity}"


def _largest(report: Report) -> str:
    """The largest absolute error; the largest relative error and ULPs where b is not 0
    (relative to 0, any error is infinite)."""
    unit = "step" if report.mode == "trajectory" else "batch"
    big = max(report.rows, key=lambda r: _finite(r.abs_err))
    parts = [f"|a - b| = {_g(big.abs_err)} ({unit} {big.step} {big.quantity})"]
    nonzero = [r for r in report.rows if r.reference != 0]
    if nonzero:
        rel = max(nonzero, key=lambda r: _finite(r.rel_err))
        ulps = max(nonzero, key=lambda r: _finite(r.ulps))
        parts += [f"|a - b|/|b| = {_g(rel.rel_err)} ({unit} {rel.step} {rel.quantity})",
                  f"{_ulps(ulps.ulps)} ULPs ({unit} {ulps.step} {ulps.quantity})"]
    return "  largest errors: " + ", ".join(parts)


def _backend(report: Report, all_rows: bool) -> list[str]:
    title = f"{report.backend} {report.version}".strip()
    n, bad = len(report.rows), len(report.failures)
    verdict = (f"agrees in all {n} rows" if report.passed
               else f"DISAGREES in {bad} of {n} rows")
    lines = [f"{title}: {verdict} ({report.tolerance})"]
    worst = report.worst
    if report.passed and worst is not None and not all_rows:
        lines.append(f"  closest to the tolerance: {_where(worst, report.mode)}: "
                     f"b = {worst.reference!r}, a = {_value(worst.value, report.dtype)}")
        lines.append(_largest(report))
    elif not all_rows:
        first = min(report.failures, key=lambda r: r.step)
        lines.append(f"  first disagreement: {_where(first, report.mode)}; worst rows:")
        lines += ["  " + line for line in rows_table(report.worst_rows(SHOWN),
                                                     report.dtype).splitlines()]
    if all_rows:
        lines += ["  " + line for line in rows_table(report.rows, report.dtype).splitlines()]
    lines += [f"  note: {note}" for note in report.notes]
    return lines


def render_report(reports: Sequence[Report], problem, *, all_rows: bool = False,
                  skipped: Sequence[str] = ()) -> str:
    """The text of a cross-check: header, one block per backend, a line for each backend
    skipped, and the overall verdict."""
    if not reports:
        return "".join(f"{line}\n" for line in skipped) + "no backend was run\n"
    first = reports[0]
    steps = first.steps
    if first.mode == "trajectory":
        how = (f"{steps} step{'s' if steps != 1 else ''}: each backend follows its own "
               "parameters, and its step k is compared with the reference's step k")
    else:
        what = "the Hessian of the loss" if first.mode == "hessian" else "loss and gradient"
        how = f"{what} at the start, on " + (
            f"each of the {steps} batches of the first epoch" if steps > 1 else "the one batch")
    lines = [f"crosscheck of {describe_problem(problem)}",
             f"mode: {first.mode}, {first.dtype} ({how})",
             f"reference: {first.reference}",
             f"a row agrees when {FORMULA}  (a: the backend's value, b: the reference's)", ""]
    for report in reports:
        lines += _backend(report, all_rows) + [""]
    if skipped:
        lines += [*skipped, ""]
    failed = [r.backend for r in reports if not r.passed]
    n = len(reports)
    if failed:
        lines.append(f"{len(failed)} of {n} backends disagree: {', '.join(failed)}" if n > 1
                     else f"{failed[0]} disagrees with the reference")
        if n > 2 and len(failed) == n:
            lines.append("(when every backend disagrees, suspect the reference: the derived "
                         "kernels, or the data and settings as read)")
    else:
        lines.append("all backends agree with the reference" if n > 1
                     else f"{reports[0].backend} agrees with the reference")
    return "\n".join(lines) + "\n"
