"""A Problem: everything one SGD run needs, so that every consumer runs the same one.

The table, the golden files, the cross-checks and the plots all take a Problem:
model, loss, data, start and settings. Data keep their exact values beside the
float arrays (a CSV's ``0.1`` is 1/10 in exact runs); settings are decimal
strings or numbers and are read exactly in exact runs.

>>> p = example_problem("worked-linear")
>>> p.run("exact").steps[0].updated.tolist()
[4/15, 6/25]
>>> example_problem("worked-linear", lr="0.02", epochs=2).settings()["lr"]
'0.02'
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..conventions.loss import Loss, get_loss
from ..symbolic.model import Model, model_from_name
from .examples import get_example

__all__ = ["Problem", "example_problem", "compiled", "SETTING_NAMES"]

SETTING_NAMES = ("lr", "batch_size", "epochs", "init", "momentum", "dampening", "nesterov",
                 "weight_decay", "maximize", "shuffle", "seed", "drop_last", "orders")


@dataclass(frozen=True)
class Problem:
    """Model, loss, data (x, y; optionally exact twins) and the ``sgd`` settings."""

    model: Model
    loss: Loss
    x: np.ndarray
    y: np.ndarray
    lr: Any
    batch_size: int
    epochs: int = 1
    init: Any = None
    momentum: Any = 0
    dampening: Any = 0
    nesterov: bool = False
    weight_decay: Any = 0
    maximize: bool = False
    shuffle: bool = False
    seed: int | None = None
    drop_last: bool = False
    orders: Any = None
    name: str = "custom"
    x_exact: Any = field(default=None, repr=False)
    y_exact: Any = field(default=None, repr=False)

    def settings(self) -> dict:
        """The keyword arguments of ``sgd`` (without model, loss and data)."""
        return {k: getattr(self, k) for k in SETTING_NAMES}

    def replace(self, **changes) -> Problem:
        return dataclasses.replace(self, **changes)

    def data(self, arithmetic: str) -> tuple[Any, Any]:
        """x and y for ``arithmetic``: the exact twins, when there are any, for exact runs."""
        if arithmetic == "exact" and self.x_exact is not None:
            return self.x_exact, self.y_exact
        return self.x, self.y

    def derivation(self):
        return _derivation(self.model, self.loss)

    def kernels(self, arithmetic: str):
        return compiled(self.model, self.loss, arithmetic)

    def run(self, arithmetic: str = "float64", kernels=None):
        """The Trajectory of this problem in ``arithmetic`` (``kernels`` replaces the derived ones)."""
        from ..numeric.driver import run

        x, y = self.data(arithmetic)
        return run(kernels or self.kernels(arithmetic), x, y, model=self.model.text,
                   loss=self.loss.name, **self.settings())


@functools.lru_cache(maxsize=64)
def _derivation(model: Model, loss: Loss):
    from ..symbolic.derive import derive

    return derive(model, loss)


@functools.lru_cache(maxsize=64)
def compiled(model: Model, loss: Loss, arithmetic: str):
    """The Kernels of ``model`` and ``loss`` in ``arithmetic``, derived and proven once per process."""
    return _derivation(model, loss).compile(arithmetic)


def example_problem(name: str = "worked-linear", *, model: Model | str | None = None,
                    params: str | None = None, loss: Loss | str | None = None, **overrides) -> Problem:
    """The named example as a Problem; ``overrides`` replace its settings (and model or loss)."""
    ex = get_example(name)
    x, y = ex.data()
    m = model if isinstance(model, Model) else model_from_name(model or ex.model, params)
    settings = ex.settings()
    if m.param_names != ex.param_names:  # another model: the example's start does not fit
        settings["init"] = None
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return Problem(m, get_loss(loss or ex.loss), x, y, name=name, **settings)
