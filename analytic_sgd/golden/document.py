"""A golden document computed now from a Problem (or a named example): its problem
(settings, batches, data written exactly with their SHA-256), its steps, and its JSON
text (``dumps``)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..errors import OptionError
from ..problems.problem import Problem, example_problem
from ..render.table import table_dict
from ..version import VERSION
from .spec import ARITHMETICS, DATA_DTYPES, FORMAT, FORMAT_VERSION, GoldenFileError

EXACT_EPOCHS = {"rollercoaster": 1}
NOTES = {("rollercoaster", "exact"): (
    "exact RMSE: after the first step the parameters are irrational (square roots) and their "
    "exact form grows about tenfold per step, so this file holds the first full-batch step "
    "only (epochs = 1); the float64 and float32 files hold all 10 steps. Irrational values "
    "are sympy str() expressions; each step's \"float64\" object holds their nearest float64.")}


def golden_arithmetic(arithmetic: str | Arithmetic) -> Arithmetic:
    """The Arithmetic of a golden file; GoldenFileError for an unknown name."""
    try:
        return get_arithmetic(arithmetic)
    except OptionError:
        raise GoldenFileError(f"unknown arithmetic {arithmetic!r}; choose one of "
                              f"{', '.join(ARITHMETICS)}") from None


def golden_problem(example: str, arithmetic: str | Arithmetic) -> Problem:
    """The Problem a golden file of a named example records: the example, with fewer epochs
    where noted (EXACT_EPOCHS)."""
    exact = golden_arithmetic(arithmetic).exact
    return example_problem(example, epochs=EXACT_EPOCHS.get(example) if exact else None)


def _decimal(value: Any) -> str:
    """A setting as a decimal string (read exactly): "0.01", "0", "-0.765838623046875"."""
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _canonical(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a = a.astype(np.int64) if a.dtype.kind in "iub" else a
    if a.dtype.name not in DATA_DTYPES:
        raise GoldenFileError(f"golden data must be float32, float64 or integers, not {a.dtype}")
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))


def data_sha256(x: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 (hex) of x's bytes then y's, C order, little-endian, in their dtypes."""
    return hashlib.sha256(_canonical(x).tobytes() + _canonical(y).tobytes()).hexdigest()


def _exact_text(v) -> str:
    return str(int(v)) if isinstance(v, (int, np.integer)) else format(Decimal(float(v)), "f")


def _data(problem) -> dict:
    x, y = _canonical(problem.x), _canonical(problem.y)
    text = np.vectorize(_exact_text, otypes=[object])
    return {"recipe": problem.name, "sha256": data_sha256(x, y),
            "dtype": {"x": x.dtype.name, "y": y.dtype.name},
            "x": text(x).tolist(), "y": text(y).tolist()}


def _float64_of_irrationals(traj) -> list[dict]:
    """Per step, the nearest float64 of each value that is not rational (exact runs)."""
    def approx(v):
        return float(v.evalf(40))

    out = []
    for s in traj.steps:
        entry: dict = {}
        if not s.loss.is_Rational:
            entry["loss"] = approx(s.loss)
        for q in ("params", "grad", "updated"):
            named = {p: approx(v) for p, v in zip(traj.param_names, getattr(s, q))
                     if not v.is_Rational}
            if named:
                entry[q] = named
        out.append(entry)
    return out


def golden_document(problem: Problem | str, arithmetic: str | Arithmetic) -> dict:
    """The golden file of ``problem`` (a Problem, or the name of an example) in
    ``arithmetic``, computed now, as a JSON object."""
    a = golden_arithmetic(arithmetic)
    p = golden_problem(problem, a) if isinstance(problem, str) else problem
    example = p.name
    table = table_dict(traj := p.run(a))
    plan, settings = p.plan, p.settings
    batches = plan.batches(len(p.y))
    steps = table["steps"]
    if a.exact:
        for step, extra in zip(steps, _float64_of_irrationals(traj)):
            if extra:
                step["float64"] = extra
    problem = {
        "model": table["model"], "inputs": table["inputs"], "params": table["params"],
        "loss": table["loss"], "lr": settings.lr.text, "batch_size": plan.batch_size,
        "epochs": plan.epochs, "init": {k: _decimal(v) for k, v in p.start.items()},
        "update": {"momentum": _decimal(settings.momentum),
                   "dampening": _decimal(settings.dampening),
                   "nesterov": bool(settings.nesterov),
                   "weight_decay": _decimal(settings.weight_decay),
                   "maximize": bool(settings.maximize)},
        "shuffle": bool(plan.shuffle), "seed": plan.seed, "drop_last": bool(plan.drop_last),
        "batches": [[b.tolist() for b in epoch] for epoch in batches], "data": _data(p),
    }
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "written_by": f"analytic-sgd {VERSION}", "example": example,
            "arithmetic": a.name, "note": NOTES.get((example, a.name), ""),
            "problem": problem, "steps": steps}


_EXPANDED = {(), ("problem",), ("problem", "data"), ("steps",)}


def dumps(document: dict, _path: tuple = ()) -> str:
    """The JSON text of a golden file: one line per setting, per data column, per step."""
    if _path not in _EXPANDED:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    pad = " " * (len(_path) + 1)
    if isinstance(document, dict):
        items = [f"{pad}{json.dumps(k)}: {dumps(v, (*_path, k))}" for k, v in document.items()]
        opening, closing = "{", "}"
    else:
        items = [f"{pad}{dumps(v, (*_path, 0))}" for v in document]
        opening, closing = "[", "]"
    return f"{opening}\n" + ",\n".join(items) + f"\n{pad[:-1]}{closing}" + ("\n" * (not _path))
