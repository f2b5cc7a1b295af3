"""Stability of a run, before it runs: the Hessian of the loss, the largest stable learning
rate, and whether one epoch of the run's exact update maps contracts.

* The Hessian H of the loss on all the data (``kernels.hessian_kernels``: closed form from
  sympy), exactly where it is cheap: constant for a model linear in its parameters under a
  squared-error loss, else at a point (the start by default).
* Its eigenvalues, and ``max_stable_lr`` = 2(1 + β)/λmax: on a quadratic loss, full-batch
  gradient descent diverges for a constant learning rate above 2/λmax, and heavy-ball
  momentum β (no dampening) moves the bound to 2(1 + β)/λmax.
* For such models the per-batch gradients are affine, so one epoch of SGD is an affine map
  of the state (θ, and the momentum buffer): its linear part is the product of the
  per-batch maps in the run's batch order (``AffineSGD.maps``), and its spectral radius
  ρ decides: the run converges when ρ < 1 and diverges when ρ > 1 (``verdict``). For other
  models the verdict is ``local``: the Hessian describes the loss near one point only.

>>> from analytic_sgd.problems.problem import example_problem
>>> s = example_problem("noisy-quadratic").stability()
>>> round(s.max_stable_lr, 4), s.lr, round(s.epoch_spectral_radius, 4), s.verdict
(0.2215, '0.23', 1.0765, 'diverges')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..conventions.batch_plan import BatchPlan
from ..conventions.settings import Settings
from .batch_sums import SmallBatches, batch_sizes
from .learning_rate import learning_rates
from .recurrence import AffineSGD

__all__ = ["Stability", "hessian_bound", "batch_hessians", "epoch_radius", "EXACT_BATCHES",
           "EXACT_ROWS"]

EXACT_BATCHES = 1000  # the epoch map is multiplied out exactly up to this many batches
EXACT_ROWS = 10_000  # the Hessian is summed exactly up to this many rows


@dataclass(frozen=True)
class Stability:
    """What the analysis found; ``to_dict`` gives the JSON object of ``analytic-sgd stability``."""

    params: tuple[str, ...]
    hessian: np.ndarray
    arithmetic: str
    rows: int
    constant: bool
    at: dict | None
    eigenvalues: tuple[float, ...]
    max_stable_lr: float | None
    lr: str
    first_lr: float
    momentum: Any
    epoch_spectral_radius: float | None
    epoch_arithmetic: str | None
    batches: int
    verdict: str

    @property
    def lr_too_large(self) -> bool:
        return self.max_stable_lr is not None and self.first_lr > self.max_stable_lr

    def to_dict(self, json_value) -> dict:
        return {"params": list(self.params),
                "hessian": [[json_value(v) for v in row] for row in self.hessian],
                "eigenvalues": list(self.eigenvalues), "max_stable_lr": self.max_stable_lr,
                "lr": self.lr, "momentum": str(self.momentum),
                "epoch_spectral_radius": self.epoch_spectral_radius, "verdict": self.verdict}


def hessian_bound(hessian: np.ndarray, momentum: float) -> tuple[tuple[float, ...], float | None]:
    """The eigenvalues of a symmetric Hessian (ascending) and 2(1 + β)/λmax (None when no
    eigenvalue is positive: no bound)."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=np.float64))
    top = float(eigenvalues[-1])
    return tuple(float(v) for v in eigenvalues), (2 * (1 + momentum) / top if top > 0 else None)


def batch_hessians(kernels, x, y, plan: BatchPlan, order) -> np.ndarray:
    """The Hessian of each batch loss of one epoch (``order``: its rows, None in order), from
    the moment form: A (P, P, B); ``kernels`` need their moment kernels."""
    mk, n = kernels.moments, len(y)
    stop = plan.stop(n)
    counts = batch_sizes(stop, plan.batch_size)
    source = SmallBatches(mk, x, y, stop, plan.batch_size)
    idx = None if order is None else np.asarray(order[:stop])
    return mk.affine(source.sums(idx, 1), counts)[0]


def epoch_radius(hessians: np.ndarray, settings: Settings, plan: BatchPlan, arithmetic,
                 per_epoch: int) -> float:
    """ρ of one epoch: the spectral radius of the product of the per-batch maps, built from the
    per-batch Hessians (P, P, B) in the run's order with the first epoch's learning rates."""
    lrs = learning_rates(settings.lr, arithmetic, 0, per_epoch, per_epoch)
    state = AffineSGD(settings, arithmetic, np.zeros(hessians.shape[0], arithmetic.dtype))
    maps = state.maps(hessians, lrs)
    product = np.eye(maps.shape[0], dtype=arithmetic.dtype)
    for k in range(maps.shape[2]):
        product = maps[:, :, k] @ product
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(product, dtype=np.float64)))))
