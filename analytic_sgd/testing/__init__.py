"""Test helpers for other projects: compare your SGD with a golden trajectory in pytest.

``assert_trajectory_close(obtained, golden)`` passes when every value is within
``|obtained - expected| <= atol + rtol*|expected|`` of the golden file's, and otherwise
raises AssertionError listing the first mismatches (step, quantity, obtained, expected,
diff) in the style of pytest-regressions. ``to_columns`` and ``golden_csv`` give the same
numbers as flat columns and as a CSV (``%.17g``, pytest-regressions' ``num_regression``
layout), to seed a ``num_regression`` data file.

``obtained`` may be:

- a ``Trajectory`` (``analytic_sgd.numeric.driver``) or a ``Golden`` (``load_golden``);
- a mapping with any of "loss" (S values), "params", "grad", "updated" (each S x P in
  the golden's parameter order, or a mapping parameter name -> S values);
- a sequence of S step mappings, each with any of those keys: "loss" a number, the others
  a mapping name -> number (the golden JSON step shape) or P numbers in parameter order.

Values may be Python or numpy numbers, ``fractions.Fraction``, sympy Rationals, fraction
strings ("-80/3"), or anything ``numpy.asarray`` / ``float`` reads (a torch tensor after
``.detach()``). Quantities that ``obtained`` lacks are not compared. Exact values against
an exact golden are compared exactly; everything else in float64.

>>> golden = load_golden("worked-linear", "exact")
>>> assert_trajectory_close([{"loss": "440/3", "grad": [-26.666666666666668, -24.0]}], golden,
...                         steps=1)
>>> print(golden_csv(golden).splitlines()[1])
0,1,1,3,0,0,146.66666666666666,-26.666666666666668,-24,0.26666666666666666,0.23999999999999999
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..golden import Golden, load_golden
from ..numeric.trajectory import Trajectory

__all__ = ["assert_trajectory_close", "load_golden", "to_columns", "golden_csv", "SHOWN"]

QUANTITIES = ("params", "loss", "grad", "updated")
SHOWN = 10  # mismatches listed in a failure message


def _number(v):
    """A Fraction for exact values (int, Fraction, sympy Rational, "a/b"), else a float."""
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"expected a number, got {v!r}")
    if isinstance(v, (int, np.integer, Fraction)):
        return Fraction(v)
    if getattr(v, "is_Rational", False) is True:  # sympy
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, str):
        try:
            return Fraction(v)
        except ValueError:
            raise TypeError(f"expected a number, got the text {v[:40]!r}") from None
    return float(v)


def _rows(values, names, quantity: str) -> list[list]:
    """S rows of P numbers (one number for the loss) from an array or a name mapping."""
    if isinstance(values, Mapping):
        missing = [p for p in names if p not in values]
        if missing:
            raise TypeError(f"obtained {quantity} lacks parameter(s) {', '.join(missing)}")
        values = np.stack([np.asarray(values[p], dtype=object) for p in names], axis=-1)
    array = np.asarray(values, dtype=object)
    width = 1 if quantity == "loss" else len(names)
    if array.ndim == 0 or array.reshape(len(array), -1).shape[1] != width:
        raise TypeError(f"obtained {quantity} must have shape (steps,"
                        f"{'' if quantity == 'loss' else f' {width}'}), got {array.shape}")
    return [[_number(v) for v in row] for row in array.reshape(len(array), width)]


def _columns(obtained, names: Sequence[str]) -> dict[str, list[list]]:
    """quantity -> per step a list of numbers, for every quantity ``obtained`` has."""
    if isinstance(obtained, (Trajectory, Golden)):
        return {q: _rows(getattr(obtained, q), names, q) for q in QUANTITIES}
    if isinstance(obtained, Mapping):
        return {q: _rows(obtained[q], names, q) for q in QUANTITIES if q in obtained}
    if isinstance(obtained, Sequence) and not isinstance(obtained, str) and all(
            isinstance(s, Mapping) for s in obtained):
        present = [q for q in QUANTITIES if obtained and q in obtained[0]]
        cols = {}
        for q in present:
            steps = [s[q] for s in obtained]
            if q != "loss" and steps and isinstance(steps[0], Mapping):
                steps = {p: [s[p] for s in steps] for p in names}
            cols[q] = _rows(steps, names, q)
        return cols
    raise TypeError("obtained must be a Trajectory, a Golden, a mapping of quantity -> values, "
                    f"or a list of step mappings; got {type(obtained).__name__}")


def _label(quantity: str, names, j: int) -> str:
    return quantity if quantity == "loss" else f"{quantity}[{names[j]}]"


def _show(v) -> str:
    return f"{v:.17g}" if isinstance(v, float) else str(v)


def assert_trajectory_close(obtained, golden, *, rtol: float = 1e-7, atol: float = 0.0,
                            arithmetic: str | None = None, steps: int | None = None) -> None:
    """Fail (AssertionError) unless ``obtained`` matches the golden trajectory.

    Parameters
    ----------
    obtained : your run (see the module docstring for the accepted shapes).
    golden : a ``Golden``, a path to a golden file, or an example name (shipped file;
        ``arithmetic`` picks exact, float64 or float32, default that of a Trajectory
        ``obtained``, else float64).
    rtol, atol : each value must satisfy ``|obtained - expected| <= atol + rtol*|expected|``
        (the defaults of ``numpy.testing.assert_allclose``; rtol=0, atol=0 asks equality).
    steps : compare only the first ``steps`` steps (default: all; the counts must agree).
    """
    __tracebackhide__ = True
    if arithmetic is None and isinstance(obtained, Trajectory) and not isinstance(golden, Golden):
        arithmetic = obtained.arithmetic
    golden = load_golden(golden, arithmetic)
    names = golden.param_names
    columns = _columns(obtained, names)
    if not columns:
        raise TypeError(f"obtained has none of {', '.join(QUANTITIES)}: nothing to compare")
    expected = _columns(golden, names)
    count = len(golden) if steps is None else min(steps, len(golden))
    for q, rows in columns.items():
        if len(rows) < count or (steps is None and len(rows) != count):
            raise AssertionError(f"obtained {q} has {len(rows)} steps, the golden trajectory "
                                 f"{golden.source} has {len(golden)}")
    tol = (Fraction(atol), Fraction(rtol))
    mismatches, compared = [], 0
    for k in range(count):
        for q, rows in columns.items():
            for j, (o, e) in enumerate(zip(rows[k], expected[q][k])):
                compared += 1
                exact = isinstance(o, Fraction) and isinstance(e, Fraction)
                a, b, (at, rt) = (o, e, tol) if exact else (float(o), float(e), (atol, rtol))
                if not abs(a - b) <= at + rt * abs(b):  # NaN never passes
                    mismatches.append((k, q, j, o, e, abs(a - b)))
    if not mismatches:
        return
    lines = [f"Values are not sufficiently close to the golden trajectory {golden.source} "
             f"({golden.arithmetic}).",
             f"Tolerance: |obtained - expected| <= atol + rtol*|expected| with rtol={rtol!r}, "
             f"atol={atol!r}.",
             f"{len(mismatches)} of {compared} values differ; the first {min(SHOWN, len(mismatches))}:",
             ""]
    table = [("step", "epoch", "batch", "quantity", "obtained", "expected", "diff")]
    for k, q, j, o, e, diff in mismatches[:SHOWN]:
        s = golden.steps[k]
        table.append((str(k + 1), str(s["epoch"]), str(s["batch"]), _label(q, names, j),
                      _show(o), _show(e), _show(diff)))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in table]
    raise AssertionError("\n".join(lines))


def to_columns(data, param_names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Flat float64 columns (``loss``, ``params_<p>``, ``grad_<p>``, ``updated_<p>``, and
    ``epoch``, ``batch``, ``n`` for a Golden or Trajectory) of any ``obtained`` shape, for
    ``num_regression.check``; exact values become their nearest float64."""
    if param_names is None:
        if not isinstance(data, (Golden, Trajectory)):
            raise TypeError("give param_names for data that is not a Golden or Trajectory")
        param_names = data.param_names
    out: dict[str, np.ndarray] = {}
    if isinstance(data, (Golden, Trajectory)):
        for q in ("epoch", "batch", "n"):
            out[q] = np.asarray(data.column(q) if isinstance(data, Golden) else getattr(data, q),
                                dtype=np.int64)
    for q, rows in _columns(data, param_names).items():
        for j, p in enumerate([None] if q == "loss" else param_names):
            out[q if p is None else f"{q}_{p}"] = np.array([float(r[j]) for r in rows])
    return out


def golden_csv(golden, arithmetic: str | None = None,
               path: str | os.PathLike | None = None) -> str:
    """The golden trajectory as CSV, in the layout pytest-regressions' ``num_regression``
    writes (a leading unnamed index column, floats as ``%.17g``); written to ``path`` too
    when given. Columns: epoch, batch, n, params_<p>..., loss, grad_<p>..., updated_<p>..."""
    cols = to_columns(load_golden(golden, arithmetic))
    out = io.StringIO()
    out.write("," + ",".join(cols) + "\n")
    for k in range(len(cols["loss"])):
        cells = [str(v[k]) if v.dtype.kind == "i" else f"{v[k]:.17g}" for v in cols.values()]
        out.write(f"{k}," + ",".join(cells) + "\n")
    text = out.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
