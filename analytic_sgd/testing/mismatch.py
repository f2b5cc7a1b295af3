"""One value that differs from the golden one (``Miss``: absolute and relative error, ULPs,
the allowed error), and the failure message that lists the worst of them.

>>> import numpy as np
>>> m = measure_value(0, "loss", "", 146.7, 146.66666666666666, 1e-7, 0.0, np.float64)
>>> f"{m.rel_err:.2e}", m.over > 1
('2.27e-04', True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..conventions.arithmetic import get_arithmetic
from .columns import Columns

__all__ = ["Miss", "measure_value", "message", "SHOWN"]

SHOWN = 10  # values listed in a failure message
FORMULA = "|a - b| <= atol + rtol*|b|"


@dataclass(frozen=True)
class Miss:
    step: int  # from 0
    quantity: str
    param: str
    obtained: Any
    expected: Any
    abs_err: float
    rel_err: float
    ulps: float
    allowed: float

    @property
    def over(self) -> float:
        if math.isnan(self.abs_err):
            return math.inf
        return self.abs_err / self.allowed if self.allowed > 0 else math.inf


def measure_value(k: int, q: str, param: str, o, e, rtol: float, atol: float, unit) -> Miss | None:
    """None when ``o`` passes against ``e`` (exactly when either is a Fraction), else the Miss;
    ULPs are counted in ``unit`` (numpy.float32 or float64)."""
    if isinstance(o, Fraction) or isinstance(e, Fraction):
        try:
            a, b = Fraction(o), Fraction(e)
        except (ValueError, OverflowError):  # NaN or infinity against an exact value
            return Miss(k, q, param, o, e, math.nan, math.nan, math.nan, atol + rtol * abs(float(e)))
        diff, allowed = abs(a - b), Fraction(atol) + Fraction(rtol) * abs(b)
        if diff <= allowed:
            return None
        diff, allowed, b = float(diff), float(allowed), float(b)
    else:
        b = float(e)
        diff, allowed = abs(float(o) - b), atol + rtol * abs(b)
        if diff <= allowed:  # NaN never passes
            return None
    with np.errstate(over="ignore"):
        spacing = float(np.spacing(unit(abs(b))))
    rel = diff / abs(b) if b else (0.0 if diff == 0 else math.inf)
    return Miss(k, q, param, o, e, diff, rel, diff / spacing if math.isfinite(spacing) else math.nan,
                allowed)


def _show(v) -> str:
    if isinstance(v, float):
        return f"{v:.17g}"
    text = str(v)
    return text if len(text) <= 40 else f"≈{float(v):.17g} ({len(text)}-character fraction)"


def _g(v: float) -> str:
    return f"{v:.2e}" if math.isfinite(v) else str(v)


def _where(expected: Columns, k: int) -> str:
    epoch, batch = (expected.counts.get(q, [None] * (k + 1))[k] for q in ("epoch", "batch"))
    return f"step {k + 1} (epoch {epoch}, batch {batch})"


def message(misses, compared, expected: Columns, tol, chosen, written) -> str:
    first = misses[0]
    arithmetic = expected.arithmetic or "float64"
    unit = get_arithmetic(arithmetic).ulp_dtype.name
    lines = [f"obtained differs from the golden trajectory {expected.source} ({arithmetic}) in "
             f"{len(misses)} of {compared} values",
             f"a value passes when {FORMULA}  (a: obtained, b: expected)",
             "tolerances: " + "; ".join(f"{q} rtol={tol['rtol'][q]:g} atol={tol['atol'][q]:g}"
                                         for q in chosen),
             f"first difference: {_where(expected, first.step)}, {first.quantity}"
             + (f", parameter {first.param}" if first.param else ""),
             f"the {min(SHOWN, len(misses))} worst:", ""]
    head = ("step", "epoch", "batch", "quantity", "parameter", "obtained a", "expected b",
            "|a - b|", "|a - b|/|b|", f"ULPs ({unit})", "allowed")
    table = [head]
    for m in sorted(misses, key=lambda m: -m.over)[:SHOWN]:
        epoch, batch = (str(expected.counts.get(q, ["?"] * (m.step + 1))[m.step])
                        for q in ("epoch", "batch"))
        table.append((str(m.step + 1), epoch, batch, m.quantity, m.param or "-",
                      _show(m.obtained), _show(m.expected), _g(m.abs_err), _g(m.rel_err),
                      _g(m.ulps), _g(m.allowed)))
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines += ["  ".join(c.ljust(w) if i in (3, 4) else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in table]
    if written is not None:
        lines += ["", f"obtained values written to {written}"]
    return "\n".join(lines)
