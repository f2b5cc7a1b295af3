"""The moment engine: mini-batch SGD on the moment form, every batch at once.

For a model linear in its parameters (``analytic_sgd.kernels.moment_kernels``) the gradient of a
batch depends on the data through a few sums of products. The engine takes the
per-sample products once, cuts each epoch's order into batches and sums every batch in
one vectorized pass (segment sums: ``np.add.reduceat``); sympy's expressions turn the
sums of all batches into the affine gradients ``A_k θ - c_k``; the update recurrence
then runs over all steps at once (``analytic_sgd.numeric.recurrence``: a scan of affine maps, or
step by step for RMSE, whose gradient divides by the loss). The loss of each step is
taken afterwards by an elementwise pass: each step's parameters repeated over its rows,
the residuals, squared, segment sums (accurate where θᵀSθ - 2θᵀt + u would cancel).
Batches of more than SMALL_BATCH rows are summed one by one in chunked passes instead.
Every step is recorded, straight into the Trajectory's columns.

Engines (``sgd(..., engine=)``): ``elementwise``, ``compiled``, ``moments`` or ``auto``
(``analytic_sgd.numeric.engines``: the cheapest by estimate; the moment engine only for
float runs of a model linear in its parameters with at least 1000 steps or batches of at
least 4096 rows, so that the worked tables and the golden files keep the sequential rule
and the rounding of torch's update).

The engines agree to ``|a - b| <= rtol * s_k`` for the parameters, gradients and losses
of step k, where s_k is the largest magnitude of that quantity over steps 1..k (for the
parameters also the start; for the loss at least the loss at θ = 0, the size of what the
residuals cancel) and rtol is the arithmetic's ``engine_rtol`` (1e-12 in float64, 1e-4 in float32;
measured on the examples and random problems: below 2e-15 and 4e-6). The scan and the
moment sums round differently from the sequential rule, by a few units in the last
place per step, and a run that contracts towards its optimum keeps those differences
from growing. One that does not, does not: RMSE's gradient keeps its size at the
optimum, so SGD with a fixed learning rate bounces around it, and there any two
roundings of the same run drift apart (each engine is then as right as the other).

>>> import numpy as np, analytic_sgd as asgd
>>> x = np.arange(9.0); y = 2 * x + 10
>>> t = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr=0.01, batch_size=3, engine="moments")
>>> t.meta["engine"], [round(float(v), 2) for v in t.final]
('moments', [3.32, 0.81])
"""

from __future__ import annotations

import numpy as np

from ..conventions.batch_plan import BatchPlan
from ..errors import DivergenceError, OptionError
from .batch_sums import LargeBatches, SmallBatches, batch_sizes
from .learning_rate import learning_rates
from .recurrence import AffineSGD
from .update_rule import SGDRule

__all__ = ["run_moments", "divergence", "irrational"]

SMALL_BATCH = 4096  # batches up to this size are summed all at once
BLOCK_ROWS = 1 << 18  # rows of the epochs handled together (larger epochs: in parts)


def irrational(row: int, cause: str = "the square root of the loss") -> OptionError:
    """The error of an exact run whose parameters became irrational after step ``row``, by
    ``cause`` (what made them so: a function of the model, or the loss's square root)."""
    return OptionError(f"exact arithmetic: after step {row} the parameters are irrational "
                       f"({cause} makes them so) and their exact form grows quickly with every "
                       f"step; run this problem exactly for one step (one epoch of one full "
                       f"batch), or use float64")


def divergence(traj, row: int, lr, all_finite) -> DivergenceError | None:
    """The error naming step ``row`` if its loss, gradient or parameters are not finite
    (by ``all_finite``), with the steps up to it; None if they all are."""
    for name, values in (("loss", [traj.loss[row]]), ("gradient", traj.grad[row]),
                         ("parameters", traj.updated[row])):
        if not all_finite(values):
            return DivergenceError(
                f"step {row + 1} (epoch {traj.epoch[row]}, batch {traj.batch[row]}): the {name} "
                f"is not finite ({', '.join(map(str, values))}); " + (
                    "check the start values and the data" if row == 0 and name != "parameters"
                    else f"try a smaller learning rate than {lr}"), traj.head(row + 1))
    return None


def _unaffine_grad(kernels, mk, a, c, base, counts, source, idx):
    """grad(k, θ) of a loss that is not affine in R (RMSE) for batch k: outer'(R) (A θ - c)
    from the sums, where R cancels less than the arithmetic's ``cancellation``; else (a fit
    nearly exact, where 1/sqrt(R) would magnify what the sums lose) the derived kernels on
    the batch's rows."""
    guard = mk.arithmetic.cancellation

    def grad(k: int, theta):
        ak, ck = a[:, :, k], c[:, k]
        g = ak @ theta - ck
        linear, quadratic = ck @ theta, theta @ ak @ theta / 2
        r = base[k] - linear + quadratic
        if r > guard * (abs(base[k]) + abs(linear) + abs(quadratic)):
            return mk.outer_grad(r) * g
        x, y = source.batch(idx, k, counts[k])
        return kernels.loss_and_grad(theta, x, y, method="elementwise")[1]

    return grad


def run_moments(kernels, x, y, rule: SGDRule, plan: BatchPlan, perms, theta, traj):
    """Run SGD on the moment form and fill ``traj`` (``Trajectory.empty`` of the run's steps).

    Args:
        kernels: Kernels with ``moments`` (float arithmetic, a model linear in its parameters).
        x, y: the checked data arrays of the kernels' dtype; rule: the SGDRule (settings
        converted to the arithmetic); plan: the BatchPlan; perms: each epoch's rows
        (``plan.epoch_orders``; None: in order); theta: the start.

    Returns ``traj``. Raises DivergenceError naming the first step whose loss, gradient
    or parameters are not finite, with the steps up to it (as the elementwise driver).
    """
    mk = kernels.moments
    if mk.arithmetic.exact and not mk.affine_loss and len(traj) > 1:
        raise irrational(1)  # the outer function's derivative makes the parameters irrational
    n, batch_size = len(y), plan.batch_size
    stop = plan.stop(n)
    sizes = batch_sizes(stop, batch_size)
    state = AffineSGD(rule.settings, mk.arithmetic, theta)
    run = _Blocks(kernels, rule, state, traj, len(sizes))
    small = batch_size <= SMALL_BATCH or mk.arithmetic.exact  # exact sums need no chunks
    if stop <= BLOCK_ROWS or not small:  # several whole epochs per block
        source = (SmallBatches if small else LargeBatches)(mk, x, y, stop, batch_size)
        per_block = max(1, BLOCK_ROWS // stop)
        for first in range(0, plan.epochs, per_block):
            block = perms[first:first + per_block]
            idx = None if block[0] is None else np.concatenate([p[:stop] for p in block])
            run.block(source, idx, len(block), sizes,
                      np.repeat(np.arange(first + 1, first + len(block) + 1), len(sizes)),
                      np.tile(np.arange(1, len(sizes) + 1), len(block)))
        return traj
    # epochs larger than a block: each cut into parts of whole batches, summed part by part
    per_part = max(1, BLOCK_ROWS // batch_size)
    for epoch, order in enumerate(perms):
        for b0 in range(0, len(sizes), per_part):
            b1 = min(b0 + per_part, len(sizes))
            rows = slice(b0 * batch_size, min(b1 * batch_size, stop))
            index = rows if order is None else order[rows]
            part = sizes[b0:b1]
            source = SmallBatches(mk, x[index], y[index], int(part.sum()), batch_size)
            run.block(source, None, 1, part, np.full(len(part), epoch + 1),
                      np.arange(b0 + 1, b1 + 1))
    return traj


class _Blocks:
    """Runs blocks of steps on the moment form and records them, from row 0 on."""

    def __init__(self, kernels, rule, state, traj, per_epoch: int) -> None:
        self.kernels, self.rule, self.state, self.traj = kernels, rule, state, traj
        self.mk, self.per_epoch, self.row = kernels.moments, per_epoch, 0

    def block(self, source, idx, count: int, sizes, epochs, batches) -> None:
        """``count`` epochs (or parts of one) of batches of ``sizes`` rows from ``source``."""
        mk, kernels, rule = self.mk, self.kernels, self.rule
        steps, row = count * len(sizes), self.row
        counts = np.tile(sizes, count)
        lr = learning_rates(rule.settings.lr, mk.arithmetic, row, steps, self.per_epoch)
        a, c, base = mk.affine(source.sums(idx, count), counts)
        if not mk.affine_loss:
            grad = _unaffine_grad(kernels, mk, a, c, base, counts, source, idx)
            thetas, grads = self.state.advance_with(grad, steps, lr)
        else:
            thetas = self.state.advance(a, c, lr)
            with np.errstate(all="ignore"):
                grads = (np.einsum("ijb,bj->ib", a, thetas[:-1]) - c).T
        del a, c
        with np.errstate(all="ignore"):
            losses = mk.outer(mk.reduce(source.squares(idx, count, thetas[:-1], counts), counts))
        self.traj.write_block(row, epochs, batches, counts, thetas[:-1], losses, grads, thetas[1:],
                              lr)
        finite = kernels.arithmetic.finite
        bad = ~(finite(losses) & finite(grads).all(1) & finite(thetas[1:]).all(1))
        if bad.any():
            raise divergence(self.traj, row + int(np.argmax(bad)), rule.settings.lr.text,
                             kernels.arithmetic.all_finite)
        self.row += steps
