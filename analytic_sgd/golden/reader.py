"""Reading golden files: strict JSON decoding, validation, and ``Golden``, a loaded file
with its values as arrays."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..conventions.arithmetic import get_arithmetic
from .document import golden_arithmetic
from .spec import GoldenFileError, fraction_or_none
from .store import file_name, shipped_directory
from .validate import DocumentValidator


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed (values must be finite)")


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key appears twice: {sorted(k for k in keys if keys.count(k) > 1)[0]!r}")
    return dict(pairs)


def read_document(source) -> dict:
    """The validated JSON object of the golden file ``source`` (a path); GoldenFileError
    names the file, the place and the reason when it is malformed or of another version."""
    name = str(source)
    try:
        text = source.read_text(encoding="utf-8") if hasattr(source, "read_text") else \
            Path(source).read_text(encoding="utf-8")
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except FileNotFoundError:
        raise GoldenFileError(f"golden file {name} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenFileError(f"golden file {name} cannot be read: {exc}") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise GoldenFileError(f"golden file {name} is not valid JSON: {exc}") from None
    return DocumentValidator(name).document(doc)


@dataclass(frozen=True, eq=False)
class Golden:
    """A loaded, validated golden file. ``steps`` are the file's step objects; ``loss``,
    ``params``, ``grad``, ``updated`` are arrays (S,) or (S, P): float64 or float32 in
    float files, ``fractions.Fraction`` objects in exact files (an irrational value: its
    nearest float64); ``x`` and ``y`` are the data in their dtype."""

    source: str
    document: dict

    example = property(lambda self: self.document["example"])
    arithmetic = property(lambda self: self.document["arithmetic"])
    problem = property(lambda self: self.document["problem"])
    steps = property(lambda self: self.document["steps"])
    note = property(lambda self: self.document["note"])
    param_names = property(lambda self: tuple(self.problem["params"]))

    def __len__(self) -> int:
        return len(self.steps)

    def _number(self, text, approx):
        if not get_arithmetic(self.arithmetic).exact:
            return text
        q = fraction_or_none(text)
        return q if q is not None else approx

    def column(self, quantity: str) -> np.ndarray:
        """``quantity`` (epoch, batch, n, loss, params, grad, updated) for every step."""
        if quantity in ("epoch", "batch", "n"):
            return np.array([s[quantity] for s in self.steps], dtype=np.int64)
        dtype = get_arithmetic(self.arithmetic).dtype
        rows = []
        for s in self.steps:
            approx = s.get("float64", {})
            if quantity == "loss":
                rows.append(self._number(s["loss"], approx.get("loss")))
            else:
                rows.append([self._number(s[quantity][p], approx.get(quantity, {}).get(p))
                             for p in self.param_names])
        out = np.empty((len(rows), len(self.param_names)) if quantity != "loss" else len(rows),
                       dtype=dtype)
        out[...] = rows if dtype is not object else np.array(rows, dtype=object)
        return out

    loss = property(lambda self: self.column("loss"))
    params = property(lambda self: self.column("params"))
    grad = property(lambda self: self.column("grad"))
    updated = property(lambda self: self.column("updated"))

    @property
    def x(self) -> np.ndarray:
        return DocumentValidator(self.source).data(self.problem["data"], len(self.problem["inputs"]))[0]

    @property
    def y(self) -> np.ndarray:
        return DocumentValidator(self.source).data(self.problem["data"], len(self.problem["inputs"]))[1]


def load_golden(name_or_path: str | os.PathLike | Golden,
                arithmetic: str | None = None) -> Golden:
    """A golden file: a shipped one by example name (``arithmetic`` default float64), or
    the file at a path (``arithmetic``, if given, must be the file's).

    >>> load_golden("two-feature-linear", "float32").grad.dtype
    dtype('float32')
    """
    from ..problems.examples import EXAMPLES

    if arithmetic is not None:
        arithmetic = golden_arithmetic(arithmetic).name
    if isinstance(name_or_path, Golden):
        golden = name_or_path
    elif isinstance(name_or_path, str) and name_or_path in EXAMPLES:
        source = shipped_directory() / file_name(name_or_path, arithmetic or "float64")
        golden = Golden(str(source), read_document(source))
    else:
        golden = Golden(str(name_or_path), read_document(name_or_path))
    if arithmetic is not None and golden.arithmetic != arithmetic:
        raise GoldenFileError(f"golden file {golden.source} holds {golden.arithmetic} "
                              f"values, not {arithmetic}")
    return golden
