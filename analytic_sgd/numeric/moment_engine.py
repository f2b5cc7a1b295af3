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

Engines (``sgd(..., engine=)``): ``elementwise`` (the per-sample kernels and
``SGDRule``, which rounds as torch does), ``moments``, or ``auto``: the moment engine
in float arithmetic for a model linear in its parameters when the run has at least
AUTO_MIN_STEPS steps or batches of at least AUTO_MIN_ROWS rows (where it pays for
compiling the moment form; smaller runs, such as the worked tables and the golden
files, keep the sequential rule and the rounding of torch's update); elementwise
otherwise, and always in exact arithmetic.

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
from .batch_sums import LargeBatches, SmallBatches
from .learning_rate import learning_rates
from .recurrence import AffineSGD
from .update_rule import SGDRule

__all__ = ["ENGINES", "choose_engine", "run_moments", "divergence", "irrational"]

ENGINES = ("auto", "elementwise", "moments")
AUTO_MIN_STEPS = 1000
AUTO_MIN_ROWS = 4096
SMALL_BATCH = 4096  # batches up to this size are summed all at once
BLOCK_ROWS = 1 << 20  # rows of the epochs handled together


def choose_engine(kernels, engine: str, steps: int, batch_size: int) -> str:
    """``elementwise`` or ``moments`` for a run of ``steps`` batches of ``batch_size`` rows.

    Raises OptionError for an unknown engine, or ``moments`` where it does not apply.

    >>> from analytic_sgd.kernels.cache import kernels_for
    >>> import analytic_sgd as asgd
    >>> k = kernels_for(asgd.linear(), asgd.mse, "float32")
    >>> choose_engine(k, "auto", 3, 3), choose_engine(k, "auto", 10_000, 3)
    ('elementwise', 'moments')
    """
    if engine not in ENGINES:
        raise OptionError.for_field("engine", engine, f"one of {', '.join(ENGINES)}")
    small = steps < AUTO_MIN_STEPS and batch_size < AUTO_MIN_ROWS
    if engine == "elementwise" or (engine == "auto" and (small or kernels.arithmetic.exact)):
        return "elementwise"
    if engine == "moments" and not kernels.linear_in_params:
        raise OptionError("engine='moments' needs a model linear in its parameters; use "
                          "engine='elementwise'")
    return "moments" if kernels.linear_in_params else "elementwise"


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
    full, rest = divmod(stop, batch_size)
    sizes = np.full(full + bool(rest), batch_size)
    sizes[full:] = rest
    small = batch_size <= SMALL_BATCH or mk.arithmetic.exact  # exact sums need no chunks
    source = (SmallBatches if small else LargeBatches)(mk, x, y, stop, batch_size)
    state = AffineSGD(rule.settings, mk.arithmetic, theta)
    per_block, row = max(1, BLOCK_ROWS // stop), 0
    lr_text = rule.settings.lr.text
    for first in range(0, plan.epochs, per_block):
        block = perms[first:first + per_block]
        count = len(block)
        idx = None if block[0] is None else np.concatenate([p[:stop] for p in block])
        steps = count * len(sizes)
        counts = np.tile(sizes, count)
        lr = learning_rates(rule.settings.lr, mk.arithmetic, row, steps, len(sizes))
        a, c, base = mk.affine(source.sums(idx, count), counts)
        if not mk.affine_loss:
            grad = _unaffine_grad(kernels, mk, a, c, base, counts, source, idx)
            thetas, grads = state.advance_with(grad, steps, lr)
        else:
            thetas = state.advance(a, c, lr)
            with np.errstate(all="ignore"):
                grads = (np.einsum("ijb,bj->ib", a, thetas[:-1]) - c).T
        with np.errstate(all="ignore"):
            losses = mk.outer(mk.reduce(source.squares(idx, count, thetas[:-1], counts), counts))
        traj.write_block(row, np.repeat(np.arange(first + 1, first + count + 1), len(sizes)),
                         np.tile(np.arange(1, len(sizes) + 1), count), counts, thetas[:-1],
                         losses, grads, thetas[1:], lr)
        finite = kernels.arithmetic.finite
        bad = ~(finite(losses) & finite(grads).all(1) & finite(thetas[1:]).all(1))
        if bad.any():
            raise divergence(traj, row + int(np.argmax(bad)), lr_text, kernels.arithmetic.all_finite)
        row += steps
    return traj
