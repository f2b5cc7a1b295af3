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
==================  =====================================================================

All random data come from ``analytic_sgd.problems.torch_rng`` (no torch needed) and are
float32, as the write-ups' framework makes them.

>>> ex = get_example("worked-linear")
>>> ex.lr, ex.batch_size, ex.epochs, ex.data()[1][:3].tolist()
('0.01', 3, 1, [10, 12, 14])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from ..errors import OptionError
from .torch_rng import TorchGenerator, noisy_quadratic_data

__all__ = ["Example", "EXAMPLES", "get_example"]

SEED = 42
_F = np.float32


@dataclass(frozen=True)
class Example:
    """A named problem. ``lr`` and ``init`` are decimal strings, read exactly in exact runs."""

    name: str
    summary: str
    model: str
    loss: str
    lr: str
    batch_size: int
    epochs: int
    init: tuple[str, ...] | None
    data: Callable[[], tuple[np.ndarray, np.ndarray]]
    param_names: tuple[str, ...] = ()



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


EXAMPLES = {
    ex.name: ex
    for ex in (
        Example("worked-linear", "x = 0..8, y = 2x + 10; linear, MSE, lr 0.01, batch 3, 1 epoch",
                "linear", "mse", "0.01", 3, 1, ("0", "0"), _worked_linear, ("w", "b")),
        Example("noisy-quadratic", "20 noisy points of 2x²+3x+4; quadratic, MSE, lr 0.23, "
                "full batch, 10 steps", "quadratic", "mse", "0.23", 20, 10, ("4", "5", "7"),
                noisy_quadratic_data, ("a", "b", "c")),
        Example("rollercoaster", "speed = 0.75(t-9.5)²+1+noise; quadratic, RMSE, lr 1e-5, "
                "full batch, 10 steps", "quadratic", "rmse", "0.00001", 20, 10, None,
                _rollercoaster, ("a", "b", "c")),
        Example("two-feature-linear", "y = x @ (3, 2) + noise, n = 100; x1*a1 + x2*a2, MSE, "
                "lr 0.1, full batch, 100 steps", "two-feature-linear", "mse", "0.1", 100, 100,
                ("-1", "1"), _two_feature_linear, ("a1", "a2")),
    )
}


def get_example(name: str) -> Example:
    """The example called ``name``; the rollercoaster's start is its seeded draw."""
    try:
        ex = EXAMPLES[name]
    except (KeyError, TypeError):
        raise OptionError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)} "
                          f"(list them with: analytic-sgd examples)") from None
    if ex.init is None:
        ex = replace(ex, init=_rollercoaster_start())
    return ex
