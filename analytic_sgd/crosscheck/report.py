"""The comparison: one row per step and quantity, its errors, and pass or fail.

A row holds the reference value b, the backend's value a, ``|a - b|`` (computed exactly
against an exact reference), ``|a - b| / |b|``, and the distance in ULPs of the run's
dtype, ``|a - b| / spacing(|b|)`` (the gap between |b| and the next float of the dtype).
A row agrees when ``|a - b| <= atol + rtol*|b|`` (``tolerance.py``); NaN never agrees.

>>> import numpy as np
>>> from fractions import Fraction
>>> row = measure(1, 1, 1, "dl/dw", Fraction(-80, 3), np.float64(-26.666666666666668),
...               "float64", Tolerance(0, 1e-15))
>>> row.ok, f"{row.abs_err:.3g}", f"{row.ulps:.3g}"
(True, '1.18e-15', '0.333')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .tolerance import Tolerance

__all__ = ["Row", "Report", "measure", "compare", "compare_hessians", "exact_value"]


@dataclass(frozen=True)
class Row:
    """One quantity at one step: reference b, value a, and how far apart they are."""

    step: int
    epoch: int
    batch: int
    quantity: str
    reference: float
    value: float
    abs_err: float
    rel_err: float
    ulps: float
    ok: bool

    def over(self, tolerance: Tolerance) -> float:
        """``|a - b|`` in units of the allowed error: above 1 fails; NaN counts as infinite."""
        allowed = tolerance.allowed(self.reference, self.step)
        if math.isnan(self.abs_err):
            return 0.0 if self.ok else math.inf
        return self.abs_err / allowed if allowed > 0 else (0.0 if self.abs_err == 0 else math.inf)


@dataclass(frozen=True)
class Report:
    """One backend against the reference: every row, the tolerance, and the verdict."""

    backend: str
    version: str
    dtype: str
    mode: str
    reference: str
    tolerance: Tolerance
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def failures(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def steps(self) -> int:
        return len({r.step for r in self.rows})

    def worst_rows(self, count: int = 1) -> list[Row]:
        """The ``count`` rows closest to failing (or furthest past it), worst first."""
        return sorted(self.rows, key=lambda r: -r.over(self.tolerance))[:count]

    @property
    def worst(self) -> Row | None:
        rows = self.worst_rows(1)
        return rows[0] if rows else None


def exact_value(v: Any) -> Fraction | float:
    """``v`` as a Fraction: rationals exactly, irrationals (sympy) to 40 digits, floats exactly;
    a value that is not a finite number as a float (NaN or infinity)."""
    if isinstance(v, (Fraction, int)):
        return Fraction(v)
    try:
        if isinstance(v, sp.Basic):
            if v.is_Rational:
                return Fraction(int(v.p), int(v.q))
            return Fraction(str(sp.N(v, 40)))
        return Fraction(float(v))
    except (ValueError, TypeError, OverflowError):  # nan, oo, zoo
        try:
            return float(v)
        except (ValueError, TypeError):
            return math.nan


def measure(step: int, epoch: int, batch: int, quantity: str, reference: Any, value: Any,
            dtype: str, tolerance: Tolerance) -> Row:
    """The row comparing ``value`` (a float) with ``reference`` (exact or float).

    Where the reference is not a finite number, the value agrees only if it is the same
    (the same infinity, or NaN for NaN)."""
    b, a = exact_value(reference), float(value)
    b_float = float(b)
    if not isinstance(b, Fraction):
        same = (math.isnan(a) and math.isnan(b_float)) or a == b_float
        return Row(step, epoch, batch, quantity, b_float, a, math.nan, math.nan, math.nan, same)
    abs_err = float(abs(Fraction(a) - b)) if math.isfinite(a) else math.nan
    rel_err = abs_err / abs(b_float) if b_float else (0.0 if abs_err == 0 else math.inf)
    with np.errstate(over="ignore"):  # a reference beyond the dtype's range has no ULP
        spacing = float(np.spacing(np.dtype(dtype).type(abs(b_float))))
    ulps = abs_err / spacing if math.isfinite(spacing) else math.nan
    ok = bool(abs_err <= tolerance.allowed(b_float, step))  # False for NaN
    return Row(step, epoch, batch, quantity, b_float, a, abs_err, rel_err, ulps, ok)


def compare(reference, got, *, mode: str, tolerance: Tolerance) -> list[Row]:
    """Rows comparing two Trajectories step by step: loss, each partial, and (trajectory mode)
    each updated parameter."""
    names, rows = got.param_names, []
    for k in range(len(got)):
        step, epoch, batch = k + 1, int(got.epoch[k]), int(got.batch[k])
        pairs = [("loss", reference.loss[k], got.loss[k])]
        pairs += [(f"dl/d{p}", reference.grad[k, j], got.grad[k, j]) for j, p in enumerate(names)]
        if mode == "trajectory":
            pairs += [(f"{p} after", reference.updated[k, j], got.updated[k, j])
                      for j, p in enumerate(names)]
        rows += [measure(step, epoch, batch, q, b, a, got.arithmetic.name, tolerance) for q, b, a in pairs]
    return rows


def compare_hessians(reference, got, names, dtype: str, tolerance: Tolerance) -> list[Row]:
    """Rows comparing Hessians batch by batch (lists of (P, P) arrays): every entry
    ``d2l/dθ_j dθ_k`` (both orders: a backend's Hessian need not be symmetric)."""
    rows = []
    for b, (ref, mine) in enumerate(zip(reference, got), start=1):
        rows += [measure(b, 1, b, f"d2l/d{p}d{q}", ref[j, k], mine[j, k], dtype, tolerance)
                 for j, p in enumerate(names) for k, q in enumerate(names)]
    return rows
