"""Named worked examples: data, model, loss, start, learning rate, batches, epochs.

==================  =====================================================================
name                what it is
==================  =====================================================================
worked-linear       x = 0..8, y = 2x + 10, w*x + b, MSE, w = b = 0, lr 0.01, batch 3,
                    one epoch: the hand-computed reference table
noisy-quadratic     20 points on [-2, 2], y = 2x² + 3x + 4 + U[-5, 5) noise drawn as
                    torch.manual_seed(42); torch.rand would draw it; start (4, 5, 7),
                    lr 0.23, full batch, 10 steps (it diverges)
rollercoaster       t = 0..19, speed = 0.75 (t - 9.5)² + 1 + 3 N(0, 1) noise and a start
                    drawn as torch.manual_seed(42); torch.randn(20); torch.randn(3) would;
                    quadratic, RMSE, lr 1e-5, 10 full-batch steps
two-feature-linear  n = 100, x1 ~ U[-1, 1), x2 = 1, a = (3, 2), y = x @ a + U[0, 1) noise,
                    drawn as torch.manual_seed(42); uniform_(-1, 1); torch.rand would;
                    start (-1, 1), lr 0.1, 100 full-batch steps
geron-batch-gd      Géron, Hands-On Machine Learning, ch. 4: np.random.seed(42);
                    X = 2*rand(100, 1); y = 4 + 3X + randn(100, 1); linear, MSE, start
                    randn(2, 1) (bias first) from the same stream, lr 0.1, 1000 full-batch
                    steps
geron-sgd           the same data; start randn(2, 1) after np.random.seed(42); one sample
                    per step drawn with replacement (randint), lr 5/(t+50), 50 epochs
geron-minibatch     the same data and start; batches of 20 of a fresh permutation each
                    epoch, lr 200/(t+1000) with t counted from 1, 50 epochs
==================  =====================================================================

The write-ups' random data come from ``analytic_sgd.problems.torch_rng`` (no torch
needed) and are float32, as their framework makes them; Géron's come from numpy's legacy
``RandomState`` and are float64. ``--seed`` reseeds the stream of a random start and the
batches; the data stay the recipe's.

>>> ex = get_example("worked-linear")
>>> ex.lr, ex.batch_size, ex.epochs, ex.data()[1][:3].tolist()
('0.01', 3, 1, [10, 12, 14])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from ..conventions.lookup import pick
from ..conventions.sampling import RandomStart
from .torch_rng import TorchGenerator, noisy_quadratic_data

__all__ = ["Example", "EXAMPLES", "get_example"]

SEED = 42
_F = np.float32


@dataclass(frozen=True)
class Example:
    """A named problem. ``about`` says what the data are; ``lr`` is a decimal string or an
    expression in t and epoch, read exactly in exact runs; ``init`` the start as decimal
    strings in parameter order, a function giving them, or a ``RandomStart`` drawn from the
    run's stream; ``plan`` the other BatchPlan settings (shuffle, sample, rng, seed)."""

    name: str
    about: str
    model: str
    loss: str
    lr: str
    batch_size: int
    epochs: int
    init: tuple[str, ...] | Callable[[], tuple[str, ...]] | RandomStart | None
    data: Callable[[], tuple[np.ndarray, np.ndarray]]
    param_names: tuple[str, ...] = ()
    plan: Mapping[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """One line: ``about``, then the model, loss, lr, batches and length, from the fields.

        >>> get_example("geron-sgd").summary.split("; ")[1]
        'linear, MSE, lr 5/(t+50), batch 1 drawn with replacement, 50 epochs'
        """
        full = self.batch_size >= len(self.data()[1])
        if full:
            batches, length = "full batch", f"{self.epochs} step{'s' if self.epochs > 1 else ''}"
        else:
            how = (" drawn with replacement" if self.plan.get("sample") == "with-replacement"
                   else " reshuffled each epoch" if self.plan.get("shuffle") else "")
            batches = f"batch {self.batch_size}{how}"
            length = f"{self.epochs} epoch{'s' if self.epochs > 1 else ''}"
        return f"{self.about}; {self.model}, {self.loss.upper()}, lr {self.lr}, {batches}, {length}"

    def start(self) -> dict | RandomStart | None:
        """The start: by parameter name, or the RandomStart, or None (zeros)."""
        init = self.init() if callable(self.init) else self.init
        if init is None or isinstance(init, RandomStart):
            return init
        return dict(zip(self.param_names, init))

def _worked_linear():
    x = np.arange(9)
    return x, 2 * x + 10


def _rollercoaster_draws():
    g = TorchGenerator(SEED)
    noise = g.randn(20)
    start = g.randn(3)
    return noise, start


def _rollercoaster():
    t = np.arange(20).astype(_F)
    noise, _ = _rollercoaster_draws()
    return t, (noise * _F(3) + _F(0.75) * (t - _F(9.5)) ** 2) + _F(1)


def _two_feature_linear():
    g = TorchGenerator(SEED)
    x1 = g.uniform(100, -1.0, 1.0)
    noise = g.rand(100)
    x = np.stack([x1, np.ones(100, _F)], axis=1)
    return x, (x1 * _F(3) + _F(2)) + noise


def _rollercoaster_start() -> tuple[str, ...]:
    """The drawn float32 start as exact decimals (a float32 is a finite binary fraction)."""
    return tuple(str(Decimal(float(v))) for v in _rollercoaster_draws()[1])


def _geron_data():
    """Géron, Hands-On Machine Learning, ch. 4: ``np.random.seed(42); X = 2 * np.random.rand(
    100, 1); y = 4 + 3 * X + np.random.randn(100, 1)`` (float64)."""
    rng = np.random.RandomState(SEED)
    x = 2 * rng.rand(100, 1)
    y = 4 + 3 * x + rng.randn(100, 1)
    return x[:, 0], y[:, 0]


# the book's theta = np.random.randn(2, 1), bias first: for batch GD drawn after the data from
# the same stream; for SGD and mini-batch GD after np.random.seed(42) again
_AFTER_DATA = RandomStart(("b", "w"), (("uniform", 100), ("normal", 100)))
_GERON = dict(rng="numpy-legacy", seed=SEED)

_GERON_ABOUT = "Géron ch. 4: y = 4 + 3x + N(0,1), n = 100"

EXAMPLES = {
    ex.name: ex
    for ex in (
        Example("worked-linear", "x = 0..8, y = 2x + 10", "linear", "mse", "0.01", 3, 1,
                ("0", "0"), _worked_linear, ("w", "b")),
        Example("noisy-quadratic", "20 noisy points of 2x²+3x+4", "quadratic", "mse", "0.23",
                20, 10, ("4", "5", "7"), noisy_quadratic_data, ("a", "b", "c")),
        Example("rollercoaster", "speed = 0.75(t-9.5)²+1+noise", "quadratic", "rmse",
                "0.00001", 20, 10, _rollercoaster_start, _rollercoaster, ("a", "b", "c")),
        Example("two-feature-linear", "y = x @ (3, 2) + noise, n = 100", "two-feature-linear",
                "mse", "0.1", 100, 100, ("-1", "1"), _two_feature_linear, ("a1", "a2")),
        Example("geron-batch-gd", _GERON_ABOUT, "linear", "mse", "0.1", 100, 1000, _AFTER_DATA,
                _geron_data, ("w", "b"), _GERON),
        Example("geron-sgd", _GERON_ABOUT, "linear", "mse", "5/(t+50)", 1, 50,
                RandomStart(("b", "w")), _geron_data, ("w", "b"),
                {**_GERON, "sample": "with-replacement"}),
        Example("geron-minibatch", _GERON_ABOUT, "linear", "mse", "200/(t+1001)", 20, 50,
                RandomStart(("b", "w")), _geron_data, ("w", "b"), {**_GERON, "shuffle": True}),
    )
}


def get_example(name: str | Example) -> Example:
    """The example called ``name`` (or the Example given); OptionError naming ``example``."""
    return pick(EXAMPLES, name, "example", Example, hint="list them with: analytic-sgd examples")
