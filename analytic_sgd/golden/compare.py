"""Comparing golden documents value by value, and checking a golden file against its
regeneration."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from .document import golden_document
from .reader import read_document
from .replay import problem_from_document
from .spec import GoldenFileError, fraction_or_none
from .store import file_name


@dataclass(frozen=True)
class Difference:
    """One value of a golden file that its regeneration does not reproduce."""

    file: str
    arithmetic: str
    where: str  # "step 2 (epoch 1, batch 2)" or "problem"
    quantity: str
    expected: Any  # the file's value
    obtained: Any  # the regenerated value
    error: float | None = None
    bound: float | None = None

    def __str__(self) -> str:
        text = (f"{self.file}: {self.arithmetic}, {self.where}, {self.quantity}: expected "
                f"{_show(self.expected)} (file), obtained {_show(self.obtained)} (regenerated)")
        if self.error is not None:
            text += f", error {self.error!r} > atol + rtol*|expected| = {self.bound!r}"
        return text


def _show(v) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    if isinstance(v, str) and len(v) > 60:
        q = fraction_or_none(v)
        text = f"{v[:24]}...{v[-24:]} ({len(v)} chars{f', ≈ {float(q)!r}' if q else ''})"
    return text


def _json_differences(a, b, path: str):
    """(path, a, b) for the first differing leaves of two JSON values."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            yield from _json_differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (u, v) in enumerate(zip(a, b)):
            yield from _json_differences(u, v, f"{path}[{i}]")
    elif a != b or type(a) is not type(b):
        yield path, a, b


def _close(a, b, rtol: float, atol: float) -> tuple[bool, float, float]:
    error, bound = abs(float(a) - float(b)), atol + rtol * abs(float(b))
    same_sign = math.copysign(1, a) == math.copysign(1, b) or rtol or atol
    return error <= bound and bool(same_sign), error, bound


def compare_documents(expected: dict, obtained: dict, *, rtol: float = 0.0, atol: float = 0.0,
                      file: str = "", limit: int = 20) -> list[Difference]:
    """Differences between two golden documents (at most ``limit``).

    Float values pass when ``|a - b| <= atol + rtol*|b|`` (a obtained, b expected; with
    rtol = atol = 0 they must be bitwise equal); exact values must be equal (fractions
    by value, irrational expressions as text); everything else must be equal.
    """
    file, arithmetic = file or expected.get("example", ""), expected.get("arithmetic", "")
    out = []
    for key in ("example", "arithmetic", "note", "problem"):
        for path, a, b in _json_differences(expected.get(key), obtained.get(key), key):
            out.append(Difference(file, arithmetic, "problem", path, a, b))
    s_exp, s_obt = expected.get("steps", []), obtained.get("steps", [])
    if len(s_exp) != len(s_obt):
        out.append(Difference(file, arithmetic, "steps", "number of steps", len(s_exp),
                              len(s_obt)))
    for k, (e, o) in enumerate(zip(s_exp, s_obt)):
        where = f"step {k + 1} (epoch {e.get('epoch')}, batch {e.get('batch')})"
        pairs = [(q, e.get(q), o.get(q)) for q in ("epoch", "batch", "n", "loss")]
        pairs += [(f"{q}.{p}", v, o.get(q, {}).get(p)) for q in ("params", "grad", "updated")
                  for p, v in e.get(q, {}).items()]
        approx = [(f"float64.{path[1:]}", a, b) for path, a, b in
                  _json_differences(e.get("float64", {}), o.get("float64", {}), "")]
        for quantity, a, b in pairs + approx:
            if isinstance(a, str) or isinstance(b, str) or quantity in ("epoch", "batch", "n"):
                qa, qb = fraction_or_none(str(a)), fraction_or_none(str(b))
                if (qa != qb) if qa is not None and qb is not None else a != b:
                    out.append(Difference(file, arithmetic, where, quantity, a, b))
            elif not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
                out.append(Difference(file, arithmetic, where, quantity, a, b))
            elif not (ok := _close(b, a, rtol, atol))[0]:
                out.append(Difference(file, arithmetic, where, quantity, a, b, *ok[1:]))
    return out[:limit]


def check_file(source, *, rtol: float = 0.0, atol: float = 0.0,
               named: bool = False) -> list[Difference]:
    """Load the golden file ``source``, replay the problem it records (model, loss, data,
    start, settings, batches), and return the differences from its values. With ``named``
    the file must be called ``<example>.<arithmetic>.json`` (a folder of golden files)."""
    doc = read_document(source)
    name = getattr(source, "name", str(source))
    expected_name = file_name(doc["example"], doc["arithmetic"])
    if named and name != expected_name:
        raise GoldenFileError(f"golden file {source} holds {doc['example']} in "
                              f"{doc['arithmetic']}: name it {expected_name}")
    problem = problem_from_document(doc, str(source))
    regenerated = golden_document(problem, doc["arithmetic"], note=doc["note"])
    return compare_documents(doc, regenerated, rtol=rtol, atol=atol, file=name)
