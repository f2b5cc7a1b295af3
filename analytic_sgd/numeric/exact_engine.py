"""Exact runs on GMP: the elementwise engine's steps in plain rational arithmetic.

Where the loss stays rational (``analytic_sgd.kernels.rational_kernels``: no function of
the parameters, no square root), an exact run computes every batch sum, gradient and
update (torch.optim.SGD's rule: weight decay, momentum, dampening, Nesterov, maximize)
with ``gmpy2.mpq`` (GMP's rationals, extra ``exact``) or, without gmpy2,
``fractions.Fraction``, and records sympy Rationals made without a second gcd. The values
are the elementwise engine's, exactly (tested). Denominators grow by a roughly fixed number
of bits per step, so the cost of a step grows with the step; before a long run the
engine hands its hook an estimate of the final size and the time
(``analytic_sgd.numeric.exact_estimate``) and reports progress as it goes.

>>> import analytic_sgd as asgd
>>> t = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2 * v + 10 for v in range(9)], lr="0.01",
...              batch_size=3, arithmetic="exact")
>>> t.meta["engine"], t.steps[2].updated.tolist()
('elementwise', [1399427/421875, 114589/140625])
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from ..conventions.arithmetic import rational
from .exact_estimate import ExactEstimate
from .learning_rate import learning_rates
from .progress import Hook
from .update_rule import torch_step

__all__ = ["rational_type", "run_exact"]

PROBE_STEPS = 40  # steps timed before the estimate of a long run (at least; 1/20 of it)


def rational_type():
    """``gmpy2.mpq`` when gmpy2 is installed, else ``fractions.Fraction``."""
    try:
        from gmpy2 import mpq
    except ImportError:
        return Fraction
    return mpq


def _q(Q, value):
    """A sympy Rational (or int, or Fraction) as Q."""
    if isinstance(value, (int, Fraction)):
        return Q(value)
    return Q(int(value.p), int(value.q))


def run_exact(rk, kernels, x, y, rule, plan, orders, theta, traj, *, hook: Hook | None = None):
    """Fill ``traj`` (``Trajectory.empty`` of the run) with the exact run of the rational
    kernels ``rk``; returns it."""
    hook = hook or Hook()
    Q = rational_type()
    columns = [list(map(lambda v: _q(Q, v), c)) for c in (
        [x] if x.ndim == 1 else [x[:, j] for j in range(x.shape[1])])]
    ys = [_q(Q, v) for v in y]
    settings = rule.settings
    c = {k: _q(Q, rule.constants[k]) for k in ("weight_decay", "momentum", "1-dampening")}
    scale = Q(*rk.scale)
    coeffs = [Q(*co) for co in rk.coeffs]  # the loss's scale is in them already
    total, per_epoch = len(traj), len(traj) // plan.epochs
    lrs = learning_rates(settings.lr, kernels.arithmetic, 0, total, per_epoch)
    constant = None if getattr(lrs, "ndim", 0) else _q(Q, lrs)
    theta = np.array([_q(Q, v) for v in theta], dtype=object)
    buf = None
    estimate = ExactEstimate(total)
    probe = max(PROBE_STEPS, total // 20)
    start = time.perf_counter()
    row = 0
    hook.phase("run")
    for epoch, batches in enumerate(plan.cut(orders, len(y))):
        for batch, index in enumerate(batches, start=1):
            cols = [[col[i] for i in index] for col in columns]
            sums = rk.sums(Q, theta, cols, [ys[i] for i in index])
            weight = Q(*rk.weight(len(index)))
            loss = scale * weight * sums[0]
            grad = np.array([co * weight * s for co, s in zip(coeffs, sums[1:])], dtype=object)
            lr = constant if constant is not None else _q(Q, lrs[row])
            updated, buf = torch_step(theta, grad, buf, c, lr, settings)  # exact: y + a*x
            traj.record(row, epoch + 1, batch, len(index), _exact(theta), _exact([loss])[0],
                        _exact(grad), _exact(updated), lrs if constant is not None else lrs[row])
            theta = updated
            row += 1
            if row == probe and total > 2 * probe:
                text = estimate.after(row, time.perf_counter() - start, _bits(theta))
                if text:
                    hook.estimate(text)
            if not row % 16:
                hook.advance(row, total)
    hook.advance(total, total)
    return traj


def _bits(values) -> int:
    return max(int(v.denominator).bit_length() + abs(int(v.numerator)).bit_length()
               for v in values)


def _exact(values):
    return [rational(int(v.numerator), int(v.denominator)) for v in values]
