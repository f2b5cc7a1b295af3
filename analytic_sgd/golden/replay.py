"""A golden document's problem rebuilt from the file alone: model, loss, data, start,
settings and batches, so that a file can be regenerated without the command line.

The model is parsed from its text with the file's parameters and inputs (never
evaluated), the loss is looked up by name among the registered losses, the data are the
file's own values in their stored dtype (exact values of ``decimal`` data as the exact
twins of their floats), and the batches are the file's: the seeded
shuffle it names, or its recorded orders.

>>> from analytic_sgd.golden import load_golden
>>> p = problem_from_document(load_golden("worked-linear", "exact").document)
>>> p.model.text, p.loss.name, p.settings.lr.text, p.plan.batch_size
('b + w*x', 'mse', '0.01', 3)
"""

from __future__ import annotations

import numpy as np

from ..conventions.arithmetic import EXACT, get_arithmetic
from ..conventions.batch_plan import BatchPlan
from ..conventions.loss import get_loss
from ..conventions.settings import Settings
from ..errors import AnalyticSGDError
from ..problems.problem import Problem
from ..symbolic.model import parse_model
from .spec import GoldenFileError
from .validate import DocumentValidator

__all__ = ["problem_from_document"]

BINARY_EXACT = EXACT.reading("binary")


def _orders(p: dict, n: int):
    """None when the batches are the rows in order, else each epoch's recorded order."""
    epochs = [np.concatenate([np.asarray(b, dtype=np.intp) for b in e]) for e in p["batches"]]
    in_order = all(len(e) == n and (e == np.arange(n)).all() for e in epochs)
    if in_order or p["shuffle"] or p["drop_last"]:
        return None
    return epochs


def problem_from_document(doc: dict, source: str = "golden document") -> Problem:
    """The Problem a validated golden document records; GoldenFileError naming ``source``
    when its model, loss or settings cannot be used."""
    p = doc["problem"]
    x, y = DocumentValidator(source).data(p["data"], len(p["inputs"]), doc["arithmetic"])
    exact = {}  # decimal data: floats for the arrays, the Fractions as the exact twins; float
    for key, values in (("x", x), ("y", y)):  # data of an exact file: their binary values
        if values.dtype == object:
            exact[f"{key}_exact"] = values.tolist()
        elif values.dtype.kind == "f" and get_arithmetic(doc["arithmetic"]).exact:
            exact[f"{key}_exact"] = BINARY_EXACT.array(values).tolist()
    x, y = (np.asarray(v, dtype=np.float64) if v.dtype == object else v for v in (x, y))
    try:
        model = parse_model(p["model"], p["params"], p["inputs"])
        loss = get_loss(p["loss"])
        u = p["update"]
        settings = Settings(p["lr"], u["momentum"], u["dampening"], u["nesterov"],
                            u["weight_decay"], u["maximize"])
        plan = BatchPlan(p["batch_size"], p["epochs"], p["shuffle"], p["seed"], p["drop_last"],
                         _orders(p, len(y)))
    except AnalyticSGDError as exc:
        raise GoldenFileError(f"golden file {source}: its problem cannot be replayed: {exc}") \
            from None
    return Problem(model, loss, x, y, settings, plan, init=dict(p["init"]),
                   name=p["data"]["recipe"] or doc["example"], **exact)
