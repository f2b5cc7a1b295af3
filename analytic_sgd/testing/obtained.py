"""The obtained side of a comparison: a framework's run, in whatever shape it was recorded.

``obtained`` may be any trajectory source (``columns.py``: a Trajectory, a Golden, a golden
file or table JSON document or its path), or

- a mapping with any of the keys "loss" (S values), "params", "grad", "updated" (each
  S x P in the golden's parameter order, or a mapping parameter name -> S values), and
  "epoch", "batch", "n" (S whole numbers, compared exactly);
- a sequence of S step mappings with those keys: "loss" a number, the others a mapping
  name -> number or P numbers in parameter order.

Any other key is an error that lists the accepted ones ("grads" is not silently ignored).
Values may be Python or numpy numbers, ``fractions.Fraction``, sympy Rationals, fraction
strings ("-80/3"), or anything ``numpy.asarray`` / ``float`` reads (a torch tensor after
``.detach()``). ``names`` maps a framework's parameter names to the golden's.

>>> c = read_obtained([{"loss": 1.5, "grad": {"weight": 2.0, "bias": -1}}], ("w", "b"),
...                   {"weight": "w", "bias": "b"})
>>> c.values["grad"], c.values["loss"]
([[2.0, Fraction(-1, 1)]], [[1.5]])
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..golden import Golden
from ..numeric.trajectory import Trajectory
from .columns import COUNTS, KEYS, Columns, exact_or_float, read_source

__all__ = ["read_obtained"]


def _strict(keys, where: str) -> None:
    unknown = [k for k in keys if k not in KEYS]
    if unknown:
        raise TypeError(f"{where} has the key{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}, which {'are' if len(unknown) > 1 else 'is'}"
                        f" not accepted; the accepted keys are {', '.join(KEYS)}")


def _by_name(steps: list[Mapping], quantity: str) -> dict[str, list]:
    """A mapping name -> S values from S mappings name -> value (the same names in each)."""
    names = list(steps[0])
    for k, s in enumerate(steps):
        if set(s) != set(names):
            raise AssertionError(f"obtained step {k + 1} {quantity} has the parameters "
                                 f"{{{', '.join(s)}}}, step 1 {{{', '.join(names)}}}")
    return {p: [s[p] for s in steps] for p in names}


def _rows(values, quantity: str, width: int | None) -> tuple[list[list], tuple | None]:
    """S rows from an S x P array (names None) or a mapping name -> S values (names kept)."""
    names = None
    if isinstance(values, Mapping):
        names = tuple(values)
        values = np.stack([np.asarray(values[p], dtype=object) for p in names], axis=-1) \
            if names else np.empty((0, 0), dtype=object)
    array = np.asarray(values, dtype=object)
    if quantity in ("loss", *COUNTS):
        if array.ndim != 1 and not (array.ndim == 2 and array.shape[1] == 1):
            raise TypeError(f"obtained {quantity} must have shape (steps,), got {array.shape}")
        return [[v] for v in array.reshape(-1)], None
    if array.ndim != 2 or (names is None and array.shape[1] != width):
        raise TypeError(f"obtained {quantity} must have shape (steps, {width}), got {array.shape}")
    return [list(r) for r in array], names


def read_obtained(obtained: Any, golden_names: Sequence[str], rename: Mapping | None) -> Columns:
    """Columns of the obtained side, in ``golden_names`` order after ``rename`` (obtained
    name -> golden name). TypeError for a key or shape it cannot read; AssertionError when
    the parameter names differ from the golden's."""
    if isinstance(obtained, (Columns, Trajectory, Golden, str, os.PathLike)) or (
            isinstance(obtained, Mapping) and "steps" in obtained):
        cols = read_source(obtained)
        return _rename(cols, {q: cols.names for q in ("params", "grad", "updated")}, golden_names,
                       rename)
    if isinstance(obtained, Mapping):
        _strict(obtained, "obtained")
        columns = dict(obtained)
    elif isinstance(obtained, Sequence) and all(isinstance(s, Mapping) for s in obtained):
        keys = list(obtained[0]) if obtained else []
        for k, s in enumerate(obtained):
            _strict(s, f"obtained step {k + 1}")
            if set(s) != set(keys):
                raise TypeError(f"obtained step {k + 1} has the keys {sorted(s)}, step 1 "
                                f"{sorted(keys)}")
        columns = {q: [s[q] for s in obtained] for q in keys}
        for q in ("params", "grad", "updated"):
            if q in columns and columns[q] and all(isinstance(v, Mapping) for v in columns[q]):
                columns[q] = _by_name(columns[q], q)
    else:
        raise TypeError("obtained must be a Trajectory, a Golden, a golden file or table JSON "
                        "document, a mapping of quantity -> values, or a list of step mappings;"
                        f" got {type(obtained).__name__}")
    values, counts, names = {}, {}, {}
    for q, v in columns.items():
        rows, names[q] = _rows(v, q, len(golden_names))
        if q in COUNTS:
            counts[q] = [int(r[0]) for r in rows]
        else:
            values[q] = [[exact_or_float(x) for x in r] for r in rows]
    cols = Columns("obtained", None, tuple(golden_names), values, counts)
    return _rename(cols, names, golden_names, rename)


def _rename(cols: Columns, names: dict, golden_names: Sequence[str], rename) -> Columns:
    """Rows reordered to the golden's parameter order, after mapping names with ``rename``."""
    rename = dict(rename or {})
    unknown = [v for v in rename.values() if v not in golden_names]
    if unknown:
        raise TypeError(f"names= maps to {', '.join(map(repr, unknown))}, which the golden "
                        f"trajectory does not have; its parameters are {', '.join(golden_names)}")
    given = {q: n for q, n in names.items() if n is not None and q in cols.values}
    if rename and not given:
        raise TypeError("names= maps parameter names, but obtained gives its parameters by "
                        "position (in the golden's order)")
    for q, own in given.items():
        mapped = [rename.get(p, p) for p in own]
        if sorted(mapped) != sorted(golden_names):
            shown = f" (after names={rename})" if rename else ""
            raise AssertionError(f"parameter names differ: obtained {q} has {{{', '.join(mapped)}}}"
                                 f"{shown}, the golden trajectory has {{{', '.join(golden_names)}}}"
                                 "; map the names with names={'yours': 'golden', ...}")
        order = [mapped.index(p) for p in golden_names]
        cols.values[q] = [[row[j] for j in order] for row in cols.values[q]]
    cols.names, cols.named = tuple(golden_names), bool(given)
    return cols
