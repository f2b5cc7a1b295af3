"""A golden document computed now from a named example: its problem (settings, batches,
data written exactly with their SHA-256), its steps, and its JSON text (``dumps``)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import numpy as np

from .spec import _DTYPES, ARITHMETICS, FORMAT, FORMAT_VERSION, GoldenFileError

EXACT_EPOCHS = {"rollercoaster": 1}
NOTES = {("rollercoaster", "exact"): (
    "exact RMSE: after the first step the parameters are irrational (square roots) and their "
    "exact form grows about tenfold per step, so this file holds the first full-batch step "
    "only (epochs = 1); the float64 and float32 files hold all 10 steps. Irrational values "
    "are sympy str() expressions; each step's \"float64\" object holds their nearest float64.")}


def golden_problem(example: str, arithmetic: str):
    """The Problem a golden file records: the example, with fewer epochs where noted."""
    from ..problems.problem import example_problem

    return example_problem(example, epochs=EXACT_EPOCHS.get(example) if arithmetic == "exact"
                           else None)


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
    if a.dtype.name not in _DTYPES:
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


def golden_document(example: str, arithmetic: str) -> dict:
    """The golden file of ``example`` in ``arithmetic``, computed now, as a JSON object."""
    from .. import __version__
    from ..conventions.batch_plan import batch_orders
    from ..render.table import to_dict

    if arithmetic not in ARITHMETICS:
        raise GoldenFileError(f"unknown arithmetic {arithmetic!r}; choose one of "
                              f"{', '.join(ARITHMETICS)}")
    p = golden_problem(example, arithmetic)
    table = to_dict(traj := p.run(arithmetic))
    batches = batch_orders(len(p.y), p.batch_size, epochs=p.epochs, shuffle=p.shuffle,
                           seed=p.seed, drop_last=p.drop_last, orders=p.orders)
    steps = table["steps"]
    if arithmetic == "exact":
        for step, extra in zip(steps, _float64_of_irrationals(traj)):
            if extra:
                step["float64"] = extra
    names = p.model.param_names
    init = (dict(zip(names, p.init)) if isinstance(p.init, (list, tuple)) else p.init) or {}
    problem = {
        "model": table["model"], "inputs": table["inputs"], "params": table["params"],
        "loss": table["loss"], "lr": _decimal(p.lr), "batch_size": p.batch_size,
        "epochs": p.epochs, "init": {k: _decimal(init.get(k, 0)) for k in names},
        "update": {"momentum": _decimal(p.momentum), "dampening": _decimal(p.dampening),
                   "nesterov": bool(p.nesterov), "weight_decay": _decimal(p.weight_decay),
                   "maximize": bool(p.maximize)},
        "shuffle": bool(p.shuffle), "seed": p.seed, "drop_last": bool(p.drop_last),
        "batches": [[b.tolist() for b in epoch] for epoch in batches], "data": _data(p),
    }
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "written_by": f"analytic-sgd {__version__}", "example": example,
            "arithmetic": arithmetic, "note": NOTES.get((example, arithmetic), ""),
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
