"""The compiled engine: the sequential rule, step by step, in one numba loop per block of steps.

It runs what the elementwise engine runs (the derived kernels on each batch, then
torch.optim.SGD's update with its fused multiply-adds) as machine code generated from the
same printed kernels (``analytic_sgd.numeric.compiled_module``), so its float64 and
float32 trajectories equal the elementwise engine's bit for bit (tested on random models
and settings), for every model, loss, schedule, batch plan and sampler. It needs numba
(extra ``fast``); the machine code is cached on disk per model, loss and dtype.

The run goes in blocks of at most BLOCK_STEPS steps and BLOCK_ROWS rows: for each block the
learning rates (``learning_rates``, vectorized) and the batches' rows are computed, the
compiled loop runs, and the block is recorded with ``Trajectory.write_block``; so the
memory beside the trajectory stays bounded, whatever the length of the run.

>>> import numpy as np, analytic_sgd as asgd
>>> x = np.arange(9.0); y = 2 * x + 10
>>> t = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr=0.01, batch_size=3, engine="compiled")
>>> e = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr=0.01, batch_size=3, engine="elementwise")
>>> t.meta["engine"], bool((t.updated == e.updated).all() and (t.loss == e.loss).all())
('compiled', True)
"""

from __future__ import annotations

import numpy as np

from ..conventions.batch_plan import BatchPlan
from .compiled_module import compiled_module, loop_addresses
from .learning_rate import learning_rates
from .moment_engine import divergence
from .progress import Hook
from .update_rule import SGDRule

__all__ = ["run_compiled", "block_order", "BLOCK_STEPS", "BLOCK_ROWS"]

BLOCK_STEPS = 1 << 16  # steps recorded per block
BLOCK_ROWS = 1 << 20   # rows of the batches of a block


def block_order(plan: BatchPlan, orders, n: int, first: int, count: int):
    """The rows the epochs of steps ``first`` .. ``first + count - 1`` visit, one epoch
    after the other (an empty array when every epoch is in order), and the first epoch."""
    stop, per_epoch = plan.stop(n), plan.steps(n) // plan.epochs
    e0, e1 = first // per_epoch, (first + count - 1) // per_epoch
    if all(order is None for order in orders[e0:e1 + 1]):
        return np.zeros(0, np.intp), e0, True
    parts = [np.arange(stop, dtype=np.intp) if o is None else o[:stop] for o in orders[e0:e1 + 1]]
    return np.ascontiguousarray(np.concatenate(parts) if len(parts) > 1 else parts[0],
                                np.intp), e0, False


def run_compiled(kernels, x, y, rule: SGDRule, plan: BatchPlan, orders, theta, traj, *,
                 first: int = 0, hook: Hook | None = None):
    """Fill ``traj`` from step ``first`` on (the steps before it already recorded, ``rule``
    holding the momentum buffer after them) with the compiled loop; returns ``traj``.

    Raises DivergenceError naming the first step whose values are not finite (as the
    elementwise driver), MissingExtraError without numba, OptionError for kernels it
    cannot reproduce exactly.
    """
    hook = hook or Hook()
    hook.phase("compile")
    module = compiled_module(kernels)
    ptrs = loop_addresses(kernels)
    dtype = kernels.arithmetic.dtype
    n, total = len(y), len(traj)
    xs = np.ascontiguousarray(x.reshape(n, -1), dtype)
    ys = np.ascontiguousarray(y, dtype)
    c = rule.constants
    settings = np.array([c["weight_decay"], c["momentum"], c["1-dampening"]], dtype)
    plain = not (rule.settings.maximize or c["weight_decay"] != 0 or c["momentum"] != 0)
    plain = plain and plan.batch_size < 8
    flags = np.array([rule.settings.nesterov, rule.settings.maximize], np.int64)
    theta = np.array(theta, dtype)
    mbuf = np.zeros(len(theta), dtype) if rule.buf is None else np.array(rule.buf, dtype)
    has_buf = rule.buf is not None
    per_epoch = total // plan.epochs
    count_max = max(1, min(BLOCK_STEPS, BLOCK_ROWS // plan.batch_size))
    lr_text = rule.settings.lr.text
    m = min(plan.batch_size, plan.stop(n))
    p = len(theta)
    columns = [np.empty(count_max, np.int64) for _ in range(3)]
    params, grad, updated = (np.empty((count_max, p), dtype) for _ in range(3))
    loss = np.empty(count_max, dtype)
    direct = getattr(traj, "block", None)  # columns filled in place, where the recorder allows
    hook.phase("run")
    row = first
    while row < total:
        count = min(count_max, total - row)
        order, e0, in_order = block_order(plan, orders, n, row, count)
        shape = np.array([per_epoch, plan.batch_size, plan.stop(n), e0, in_order], np.int64)
        lr = np.atleast_1d(np.asarray(learning_rates(rule.settings.lr, kernels.arithmetic, row,
                                                     count, per_epoch), dtype))
        loop = module.run_plain if plain and in_order and len(lr) == 1 else module.run_block
        views = direct(row, count) if direct is not None else None
        out = views[:7] if views is not None else (*columns, params, loss, grad, updated)
        done, has_buf = loop(theta, mbuf, has_buf, xs, ys, order, row, count, shape, lr,
                             settings, flags, m, ptrs, *out)
        if views is None:
            traj.write_block(row, *(c[:done] for c in columns), params[:done], loss[:done],
                             grad[:done], updated[:done], lr if len(lr) == 1 else lr[:done])
        elif views[7] is not None:
            views[7][:done] = lr if len(lr) == 1 else lr[:done]
        if done < count:
            rule.buf = mbuf if has_buf else None
            raise divergence(traj, row + done - 1, lr_text, kernels.arithmetic.all_finite)
        row += count
        hook.advance(row, total)
    rule.buf = mbuf if has_buf else None
    return traj
