"""A golden document computed now from a Problem (or a named example): its problem
(settings, batches, data as the run reads them, with their SHA-256: ``data.py``), its
steps, and its JSON text (``dumps``)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..errors import OptionError
from ..problems.examples import EXAMPLES
from ..problems.problem import Problem, example_problem
from ..render.table import table_dict
from ..version import VERSION
from .data import data_sha256, dtype_name, stored_array, value_text
from .spec import ARITHMETICS, FORMAT, FORMAT_VERSION, GoldenFileError

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


def _data(problem: Problem, arithmetic: Arithmetic) -> dict:
    """The data as the run in ``arithmetic`` reads them (``data.py``), written exactly. The
    recipe is the example whose data these are, when they are (else null)."""
    own = None  # an example's own data: in exact files its arrays, whose exact values they are
    if problem.name in EXAMPLES and arithmetic.exact:
        ex = example_problem(problem.name)
        same = all(np.asarray(a).dtype == np.asarray(b).dtype and np.array_equal(a, b)
                   for a, b in ((problem.x, ex.x), (problem.y, ex.y)))
        own = (ex.x, ex.y) if same and arithmetic.data(ex.x, ex.x_exact).tolist() == \
            arithmetic.data(problem.x, problem.x_exact).tolist() else None
    if own is not None:
        x, y = (stored_array(v, None, arithmetic.reading("binary")) for v in own)
    else:
        x = stored_array(problem.x, problem.x_exact, arithmetic)
        y = stored_array(problem.y, problem.y_exact, arithmetic)
    digest = data_sha256(x, y)
    recipe = None
    if problem.name in EXAMPLES:
        ex = example_problem(problem.name)
        recipe = problem.name if data_sha256(ex.x, ex.y) == digest else None
    text = np.vectorize(value_text, otypes=[object])
    return {"recipe": recipe, "sha256": digest, "dtype": {"x": dtype_name(x), "y": dtype_name(y)},
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


def problem_section(problem: Problem, arithmetic: str | Arithmetic) -> dict:
    """The "problem" object of a golden file of ``problem`` in ``arithmetic``: model, params,
    loss, settings, batches and data, without running anything."""
    a = golden_arithmetic(arithmetic)
    plan, settings = problem.plan, problem.settings
    return {
        "model": problem.model.text, "inputs": list(problem.model.input_names),
        "params": list(problem.model.param_names), "loss": problem.loss.name,
        "lr": settings.lr.text, "batch_size": plan.batch_size, "epochs": plan.epochs,
        "init": {k: _decimal(v) for k, v in problem.start.items()},
        "update": {"momentum": _decimal(settings.momentum),
                   "dampening": _decimal(settings.dampening),
                   "nesterov": bool(settings.nesterov),
                   "weight_decay": _decimal(settings.weight_decay),
                   "maximize": bool(settings.maximize)},
        "shuffle": bool(plan.shuffle), "seed": plan.seed, "drop_last": bool(plan.drop_last),
        "batches": [[b.tolist() for b in epoch] for epoch in plan.batches(len(problem.y))],
        "data": _data(problem, a),
    }


def golden_document(problem: Problem | str, arithmetic: str | Arithmetic, *,
                    note: str | None = None) -> dict:
    """The golden file of ``problem`` (a Problem, or the name of an example) in
    ``arithmetic``, computed now, as a JSON object. ``note`` defaults to the example's own
    note (NOTES) when ``problem`` is an example's name, else to ""."""
    a = golden_arithmetic(arithmetic)
    p = golden_problem(problem, a) if isinstance(problem, str) else problem
    if note is None:
        note = NOTES.get((p.name, a.name), "") if isinstance(problem, str) else ""
    traj = p.run(a)
    steps = table_dict(traj)["steps"]
    if a.exact:
        for step, extra in zip(steps, _float64_of_irrationals(traj)):
            if extra:
                step["float64"] = extra
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "written_by": f"analytic-sgd {VERSION}", "example": p.name,
            "arithmetic": a.name, "note": note, "problem": problem_section(p, a), "steps": steps}


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
