"""A trajectory as ``Columns``: per quantity, one row of numbers per step.

A *trajectory source* (either side of a comparison; ``obtained.py`` reads the other
shapes a framework's run may have) is:

- a ``Trajectory`` (``analytic_sgd.numeric.trajectory``) or a ``Golden`` (``load_golden``);
- a golden file or a ``table --format json`` document: the decoded JSON object, or a path
  to the file (the kind is told by its ``"format"`` key);
- an example's name: its shipped golden file in ``arithmetic`` (default float64).

Exact values become Fractions (``number``), the others floats.

>>> c = read_source("worked-linear", "exact")
>>> c.names, c.values["grad"][0], c.counts["n"]
(('w', 'b'), [Fraction(-80, 3), Fraction(-24, 1)], [3, 3, 3])
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..conventions.arithmetic import ARITHMETICS
from ..conventions.digits import read_fraction
from ..golden import FORMAT, Golden, load_golden
from ..golden.validate import DocumentValidator
from ..numeric.trajectory import Trajectory
from ..problems.examples import EXAMPLES

__all__ = ["Columns", "QUANTITIES", "COUNTS", "KEYS", "read_source", "exact_or_float"]

QUANTITIES = ("params", "loss", "grad", "updated")
COUNTS = ("epoch", "batch", "n")
KEYS = (*COUNTS, *QUANTITIES)


@dataclass
class Columns:
    """``values[q]``: S rows of numbers (one for the loss, P for the others, in ``names``
    order); ``counts``: epoch, batch and n when known; ``path``: the file it was read from."""

    source: str
    arithmetic: str | None
    names: tuple[str, ...]
    values: dict[str, list[list]]
    counts: dict[str, list[int]] = field(default_factory=dict)
    path: Path | None = None
    named: bool = True  # False: parameters were given by position only

    def __len__(self) -> int:
        return max((len(v) for v in (*self.values.values(), *self.counts.values())), default=0)


def exact_or_float(v: Any) -> Fraction | float:
    """A Fraction for exact values (int, Fraction, sympy Rational, "a/b"), else a float."""
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"expected a number, got {v!r}")
    if isinstance(v, (int, np.integer, Fraction)):
        return Fraction(v)
    if getattr(v, "is_Rational", False) is True:  # sympy
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, str):
        try:
            return read_fraction(v)  # any length: no 4300-digit limit
        except (ValueError, ZeroDivisionError):
            raise TypeError(f"expected a number, got the text {v[:40]!r} (an irrational "
                            "value is compared through its float64 in a golden file)") from None
    return float(v)


def _of_arrays(source: str, arithmetic: str, names, get, path=None) -> Columns:
    values = {q: [[exact_or_float(v) for v in np.ravel(row)] for row in get(q)] for q in QUANTITIES}
    counts = {q: [int(v) for v in get(q)] for q in COUNTS}
    return Columns(source, arithmetic, tuple(names), values, counts, path)


def _of_table(doc: dict, source: str, path=None) -> Columns:
    """A ``table --format json`` document, checked for the keys and shapes it must have."""
    if doc.get("arithmetic") not in ARITHMETICS or not isinstance(doc.get("params"), list) \
            or not isinstance(doc.get("steps"), list):
        raise TypeError(f"{source} is neither a golden file nor a table JSON document "
                        "(analytic-sgd table --format json): it needs \"arithmetic\", "
                        "\"params\" and \"steps\"")
    names = tuple(doc["params"])
    rows: dict[str, list] = {q: [] for q in KEYS}
    for k, step in enumerate(doc["steps"]):
        missing = [q for q in KEYS if not isinstance(step, Mapping) or q not in step]
        if missing:
            raise TypeError(f"{source}: step {k + 1} lacks {', '.join(missing)}")
        for q in KEYS:
            rows[q].append(step[q] if q in COUNTS or q == "loss" else
                           [_named(step[q], p, f"{source}: step {k + 1} {q}") for p in names])
    return _of_arrays(source, doc["arithmetic"], names, lambda q: rows[q], path)


def _named(values: Mapping, name: str, where: str):
    if not isinstance(values, Mapping) or name not in values:
        raise TypeError(f"{where} lacks parameter {name}")
    return values[name]


def _of_document(doc: dict, source: str, path=None) -> Columns:
    if "format" in doc:
        return _of_golden(Golden(source, DocumentValidator(source).document(doc)), path)
    return _of_table(doc, source, path)


def _of_golden(g: Golden, path=None) -> Columns:
    return _of_arrays(g.source, g.arithmetic, g.param_names, g.column, path)


def read_source(source: Any, arithmetic: str | None = None) -> Columns:
    """Columns of a trajectory source (module docstring); TypeError for anything else."""
    if isinstance(source, Columns):
        return source
    if isinstance(source, Trajectory):
        return _of_arrays("the given Trajectory", source.arithmetic.name, source.param_names,
                          lambda q: getattr(source, q))
    if isinstance(source, Golden):
        return _of_golden(source)
    if isinstance(source, str) and source in EXAMPLES:
        return _of_golden(load_golden(source, arithmetic))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no such file (a golden file, a table JSON "
                                    f"document, or one of the examples {', '.join(EXAMPLES)})") \
                from None
        if isinstance(doc, Mapping) and doc.get("format") == FORMAT:
            return _of_golden(load_golden(path, arithmetic), path)
        return _of_table(doc if isinstance(doc, Mapping) else {}, str(path), path)
    if isinstance(source, Mapping) and "steps" in source:
        return _of_document(dict(source), "the given document")
    raise TypeError(f"not a trajectory: {type(source).__name__}; give a Trajectory, a Golden, "
                    "a golden file or table JSON document (or its path), or an example's name")
