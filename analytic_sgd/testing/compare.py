"""The strict comparer: ``assert_trajectory_close(obtained, golden, ...)``.

Every value a of ``obtained`` is compared with the golden value b at the same step,
quantity and parameter, and passes when ``|a - b| <= atol + rtol*|b|`` (exactly, in
rationals, when either side is exact; NaN never passes). ``rtol`` and ``atol`` are numbers
or mappings quantity -> number. The failure message names, for the worst values, the
step (epoch, batch), quantity, parameter, obtained and expected values, absolute and
relative error, the distance in ULPs of the golden's arithmetic (float64 for an exact
golden) and the allowed error; when the golden was given as a path, the obtained values
are written beside it as ``<name>.obtained.json`` (as pytest-regressions does; never into
the package's own golden files).

>>> assert_trajectory_close([{"loss": "440/3", "grad": [-26.666666666666668, -24.0]}],
...                         "worked-linear", arithmetic="exact", steps=1)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..conventions.arithmetic import get_arithmetic
from ..conventions.digits import exact_text
from ..files import write_atomic
from ..golden import dumps, shipped_directory
from ..numeric.trajectory import Trajectory
from ..problems.examples import EXAMPLES
from .columns import COUNTS, QUANTITIES, Columns, read_source
from .mismatch import SHOWN, Miss, measure_value, message
from .obtained import read_obtained

__all__ = ["assert_trajectory_close", "SHOWN", "obtained_path"]

DEFAULTS = {"rtol": 1e-7, "atol": 0.0}  # numpy.testing.assert_allclose's


def _tolerances(value, name: str, quantities: Sequence[str]) -> dict[str, float]:
    """quantity -> tolerance, from one number or a mapping (the default for the others)."""
    given = dict(value) if isinstance(value, Mapping) else {q: value for q in quantities}
    unknown = [q for q in given if q not in QUANTITIES]
    if unknown:
        raise TypeError(f"{name} names {', '.join(map(repr, unknown))}; the quantities are "
                        f"{', '.join(QUANTITIES)}")
    for q, v in given.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not (
                math.isfinite(v) and v >= 0):
            raise TypeError(f"{name} for {q} must be a finite number >= 0, got {v!r}")
    return {q: float(given.get(q, DEFAULTS[name])) for q in quantities}


def _selected(got: Columns, quantities) -> list[str]:
    present = [q for q in QUANTITIES if q in got.values]
    if quantities is None:
        chosen = present
    else:
        chosen = [quantities] if isinstance(quantities, str) else list(quantities)
        unknown = [q for q in chosen if q not in QUANTITIES]
        if unknown:
            raise TypeError(f"quantities names {', '.join(map(repr, unknown))}; the quantities "
                            f"are {', '.join(QUANTITIES)}")
        lacking = [q for q in chosen if q not in got.values]
        if lacking:
            raise TypeError(f"obtained has no {', '.join(lacking)}; it has "
                            f"{', '.join(present) or 'no quantity'}")
    if not chosen and not got.counts:
        raise TypeError(f"obtained has none of {', '.join(QUANTITIES)}: nothing to compare")
    return chosen


def obtained_path(golden_path: str | os.PathLike) -> Path:
    """Where the obtained values go beside a golden file: ``run.json`` -> ``run.obtained.json``."""
    path = Path(golden_path)
    return path.with_name(f"{path.stem}.obtained{path.suffix or '.json'}")


def _json(v):
    if isinstance(v, Fraction):
        return exact_text(v)
    return float(v) if math.isfinite(v) else str(v)  # "nan", "inf": JSON has no NaN


def _write_obtained(path: Path, expected: Columns, got: Columns, count: int) -> Path:
    steps = []
    for k in range(count):
        step = {q: got.counts[q][k] for q in COUNTS if q in got.counts}
        for q in QUANTITIES:
            if q in got.values and k < len(got.values[q]):
                row = got.values[q][k]
                step[q] = _json(row[0]) if q == "loss" else {
                    p: _json(v) for p, v in zip(expected.names, row)}
        steps.append(step)
    doc = {"obtained": f"the values compared with {Path(expected.source).name}",
           "params": list(expected.names), "steps": steps}
    return write_atomic(obtained_path(path), dumps(doc))


def assert_trajectory_close(obtained, golden, *, rtol: float | Mapping[str, float] = 1e-7,
                            atol: float | Mapping[str, float] = 0.0,
                            names: Mapping[str, str] | None = None,
                            quantities: Sequence[str] | None = None,
                            arithmetic: str | None = None, steps: int | None = None) -> None:
    """Fail (AssertionError) unless ``obtained`` matches the golden trajectory.

    obtained : your run (``obtained.py``: a Trajectory, a list of step mappings, a mapping
        of columns, a table JSON document, ...); any unknown key is a TypeError.
    golden : a Golden, a Trajectory, a golden file or table JSON document or its path, or an
        example's name (the shipped file in ``arithmetic``: default that of a Trajectory
        ``obtained``, else float64).
    rtol, atol : ``|a - b| <= atol + rtol*|b|``; a number, or a mapping quantity -> number
        (``rtol={"loss": 1e-12, "grad": 1e-9}``; unnamed quantities keep the defaults 1e-7
        and 0, those of ``numpy.testing.assert_allclose``).
    names : the framework's parameter names -> the golden's (``{"weight": "w"}``).
    quantities : compare only these of params, loss, grad, updated (default: all obtained has).
    steps : compare only the first ``steps`` steps (default: all; the counts must agree).

    Raises TypeError for input it cannot read, AssertionError naming both sides for a
    different number of steps or different parameter names, and AssertionError with the
    worst values for values that differ.
    """
    __tracebackhide__ = True
    if arithmetic is None and isinstance(obtained, Trajectory) and isinstance(golden, str) \
            and golden in EXAMPLES:
        arithmetic = obtained.arithmetic.name
    expected = read_source(golden, arithmetic)
    got = read_obtained(obtained, expected.names, names)
    chosen = _selected(got, quantities)
    tol = {"rtol": _tolerances(rtol, "rtol", chosen), "atol": _tolerances(atol, "atol", chosen)}
    count = len(expected) if steps is None else min(steps, len(expected))
    for q, rows in [*((q, got.values[q]) for q in chosen), *got.counts.items()]:
        if len(rows) < count or (steps is None and len(rows) != count):
            raise AssertionError(f"obtained {q} has {len(rows)} steps, the golden trajectory "
                                 f"{expected.source} has {len(expected)}")
    unit = get_arithmetic(expected.arithmetic or "float64").ulp_dtype.type
    misses, compared = [], 0
    for k in range(count):
        for q in got.counts:
            compared += 1
            if q in expected.counts and got.counts[q][k] != expected.counts[q][k]:
                misses.append(Miss(k, q, "", got.counts[q][k], expected.counts[q][k], math.nan,
                                   math.nan, math.nan, 0.0))
        for q in chosen:
            params = [""] if q == "loss" else expected.names
            for p, o, e in zip(params, got.values[q][k], expected.values[q][k]):
                compared += 1
                miss = measure_value(k, q, p, o, e, tol["rtol"][q], tol["atol"][q], unit)
                if miss is not None:
                    misses.append(miss)
    if not misses:
        return
    written = None
    shipped = Path(str(shipped_directory())).resolve()
    if isinstance(golden, (str, os.PathLike)) and expected.path is not None \
            and expected.path.resolve().parent != shipped:  # never into the package
        written = _write_obtained(expected.path, expected, got, count)
    raise AssertionError(message(misses, compared, expected, tol, chosen, written))


