"""Trajectories as pytest-regressions' ``num_regression`` reads them.

``analytic-sgd table --format csv`` writes the layout pandas' ``DataFrame.to_csv`` writes:
an unnamed row index (0, 1, ...), then ``epoch``, ``batch``, ``n``, the parameters before
the step (``w``, ``b``), ``loss``, the gradient (``dl/dw``, ``dl/db``) and the parameters
after it (``w_after``, ``b_after``). ``num_regression.check(to_columns(run, names),
fullpath="expected.csv")`` compares a framework's run with such a file column by column
(float64 and float32 tables; an exact table holds fractions, which num_regression does not
read). ``golden_csv`` writes a golden trajectory in that layout.

>>> golden_csv("worked-linear", "exact").splitlines()[1]
'0,1,1,3,0,0,440/3,-80/3,-24,4/15,6/25'
>>> sorted(to_columns([{"loss": 1.0, "grad": [2.0, 3.0]}], ("w", "b")))
['dl/db', 'dl/dw', 'loss']
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..files import write_atomic
from ..golden import Golden
from ..numeric.trajectory import Trajectory
from ..render.table import table_csv
from .columns import COUNTS, read_source
from .obtained import read_obtained

__all__ = ["to_columns", "golden_csv", "csv_name"]


def csv_name(quantity: str, param: str | None) -> str:
    """The CSV column of a quantity and parameter: ``w``, ``loss``, ``dl/dw``, ``w_after``."""
    if param is None:
        return quantity
    return {"params": param, "grad": f"dl/d{param}", "updated": f"{param}_after"}[quantity]


def to_columns(data: Any, param_names: Sequence[str] | None = None,
               names: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """Flat columns named as in ``table --format csv`` (``epoch``, ``batch``, ``n`` as int64,
    ``w``, ``loss``, ``dl/dw``, ``w_after`` as float64; exact values as their nearest
    float64) of any trajectory or obtained shape, for ``num_regression.check``.
    ``param_names``: the table's parameters, in order (needed when ``data`` names none);
    ``names`` maps the data's own parameter names to them (``{"weight": "w"}``)."""
    if param_names is None:
        if not isinstance(data, (Golden, Trajectory, str, os.PathLike, dict)):
            raise TypeError("give param_names for data that does not name its parameters")
        param_names = read_source(data).names
    cols = read_obtained(data, tuple(param_names), names)
    out = {q: np.asarray(cols.counts[q], dtype=np.int64) for q in COUNTS if q in cols.counts}
    for q in ("params", "loss", "grad", "updated"):
        if q in cols.values:
            for j, p in enumerate([None] if q == "loss" else param_names):
                out[csv_name(q, p)] = np.array([float(r[j]) for r in cols.values[q]])
    return out


def golden_csv(golden: Any, arithmetic: str | None = None,
               path: str | os.PathLike | None = None) -> str:
    """The golden trajectory (a Golden, a path, a table JSON document or an example's name)
    as ``table --format csv`` writes it; written to ``path`` too (atomically) when given."""
    cols = read_source(golden, arithmetic)
    traj = Trajectory.from_columns(cols.names, cols.arithmetic or "float64",
                                   **{q: cols.counts[q] for q in COUNTS},
                                   **{q: [r[0] for r in cols.values[q]] if q == "loss"
                                      else cols.values[q] for q in cols.values})
    text = table_csv(traj)
    if path is not None:
        write_atomic(Path(path), text)
    return text
