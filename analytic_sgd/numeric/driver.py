"""The SGD driver: epochs x batches of compiled kernels and the update rule.

The driver never imports sympy: it gets Kernels (``Derivation.compile``) and
uses only them. Each batch gives one record: epoch and batch (from 1), n, the
parameters before, the loss and gradient at those parameters, the parameters
after. Records are kept column by column in a ``Trajectory``.

>>> import analytic_sgd as asgd
>>> x = list(range(9)); y = [2 * v + 10 for v in x]
>>> traj = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr="0.01", batch_size=3, arithmetic="exact")
>>> traj.steps[0].loss, list(traj.steps[0].grad), list(traj.steps[0].updated)
(440/3, [-80/3, -24], [4/15, 6/25])
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..conventions.batch_plan import batch_orders, check_positive_int
from ..errors import DataError, OptionError
from ..kernels.moment_kernels import MOMENTS_MIN_ROWS
from .moment_engine import choose_engine, divergence, run_moments
from .trajectory import Trajectory
from .update_rule import SGDRule, SGDSettings

__all__ = ["sgd", "run", "initial_params"]


def initial_params(kernels, init: Mapping[str, Any] | Sequence[Any] | None) -> np.ndarray:
    """The start: zeros by default, a mapping name -> value, or values in parameter order."""
    names = kernels.params
    if init is None:
        values = [0] * len(names)
    elif isinstance(init, Mapping):
        unknown = [k for k in init if k not in names]
        if unknown:
            raise OptionError(
                f"init names {', '.join(map(str, unknown))}, which is not a parameter "
                f"(parameters: {', '.join(names)})"
            )
        values = [init.get(name, 0) for name in names]
    else:
        values = list(init)
        if len(values) != len(names):
            raise OptionError(f"init needs {len(names)} values ({', '.join(names)}), got {len(values)}")
    start = np.array([kernels.convert(v) for v in values], dtype=kernels.dtype)
    if not kernels.all_finite(start):
        bad = [f"{n}={v}" for n, v, s in zip(names, values, start) if not kernels.all_finite([s])]
        raise OptionError(f"init values must be finite in {kernels.arithmetic}: {', '.join(bad)}")
    return start


def _check_data(kernels, x, y):
    x, y = kernels.convert_data(x), kernels.convert_data(y)
    k = len(kernels.inputs)
    if x.ndim == 2 and x.shape[1] == 1 and k == 1:
        x = x[:, 0]
    if y.ndim != 1 or x.shape[:1] != y.shape or (x.ndim != 1 if k == 1 else x.shape[1:] != (k,)):
        raise DataError(
            f"x must have shape (n,) or (n, {k}) for inputs {', '.join(kernels.inputs)} and y "
            f"shape (n,); got x {x.shape} and y {y.shape}"
        )
    if y.shape[0] == 0:
        raise DataError("no data: x and y have no rows")
    if not (kernels.all_finite(x) and kernels.all_finite(y)):
        raise DataError("x and y must be finite numbers (found NaN or infinity)")
    return x, y


def _steps(n: int, batch_size, epochs, drop_last: bool) -> int:
    """The number of batches of the run (0 when drop_last leaves none; batch_orders says why)."""
    batch_size = check_positive_int("batch_size", batch_size)
    stop = n - n % batch_size if drop_last else n
    return check_positive_int("epochs", epochs) * -(-stop // batch_size)


def run(kernels, x, y, *, lr, batch_size: int, epochs: int = 1, init=None, momentum=0,
        dampening=0, nesterov: bool = False, weight_decay=0, maximize: bool = False,
        shuffle: bool = False, seed: int | None = None, drop_last: bool = False,
        orders: Sequence[Sequence[int]] | None = None, engine: str = "auto", model: str = "",
        loss: str = "") -> Trajectory:
    """SGD with ``kernels`` over (x, y); see ``sgd`` for the arguments. Returns a Trajectory."""
    x, y = _check_data(kernels, x, y)
    # exact: sympy Rationals (0.01 is 1/100); float: Python floats, as torch receives them
    setting = kernels.convert if kernels.arithmetic == "exact" else float
    settings = SGDSettings(setting(lr), setting(momentum), setting(dampening),
                           nesterov=bool(nesterov), weight_decay=setting(weight_decay),
                           maximize=bool(maximize))
    theta = initial_params(kernels, init)
    steps = _steps(len(y), batch_size, epochs, drop_last)
    engine = choose_engine(kernels, engine, steps, batch_size)
    meta = dict(model=model, loss=loss, settings=settings, batch_size=batch_size, epochs=epochs,
                engine=engine)
    traj = Trajectory.empty(steps, kernels, **meta)
    if engine == "moments":
        return run_moments(kernels, x, y, settings, theta, traj, lr=lr, batch_size=batch_size,
                           epochs=epochs, shuffle=shuffle, seed=seed, drop_last=drop_last,
                           orders=orders)
    plan = batch_orders(len(y), batch_size, epochs=epochs, shuffle=shuffle, seed=seed,
                        drop_last=drop_last, orders=orders)
    evaluate = kernels.loss_and_grad
    if batch_size >= MOMENTS_MIN_ROWS and hasattr(kernels, "moment_kernels"):
        evaluate = functools.partial(evaluate, method="elementwise")  # not the sums, even so
    rule = SGDRule(settings, kernels.dtype)
    row = 0
    for epoch, batches in enumerate(plan, start=1):
        for batch, index in enumerate(batches, start=1):
            value, grad = evaluate(theta, x[index], y[index])
            updated = rule.step(theta, grad)
            traj.record(row, epoch, batch, len(index), theta, value, grad, updated)
            error = divergence(traj, row, lr, kernels.all_finite)
            if error is not None:
                raise error
            theta = updated
            row += 1
            if row < len(traj) and not kernels.all_rational(theta):
                raise OptionError(
                    f"exact arithmetic: after step {row} the parameters are irrational (the "
                    f"square root of the loss) and their exact form grows about tenfold per "
                    f"step; run this loss exactly for one step (--epochs 1, full batch), or use float64"
                )
    return traj


def sgd(model, loss, x, y, *, lr, batch_size: int, epochs: int = 1, init=None,
        arithmetic: str = "float64", momentum=0.0, dampening=0.0, nesterov: bool = False,
        weight_decay=0.0, maximize: bool = False, shuffle: bool = False, seed: int | None = None,
        drop_last: bool = False, orders: Sequence[Sequence[int]] | None = None,
        engine: str = "auto") -> Trajectory:
    """Run mini-batch SGD on ``model`` with ``loss`` over (x, y) and record every step.

    Parameters
    ----------
    model, loss : a Model and a Loss (or its name: "mse", "rmse", "sse").
    x, y : arrays; x of shape (n,) or (n, k), y of shape (n,).
    lr, momentum, dampening, weight_decay, nesterov, maximize :
        torch.optim.SGD's settings and semantics. In exact arithmetic a float
        setting is read as the decimal it prints as (0.01 is 1/100).
    batch_size, epochs, shuffle, seed, drop_last : batches as a DataLoader makes them.
    orders : explicit index orders, one per epoch, to replay a framework's batches.
    init : start values (mapping name -> value, or a sequence); zeros by default.
    arithmetic : "exact", "float64" (default) or "float32".
    engine : "auto" (default), "elementwise" or "moments": see ``analytic_sgd.numeric.moment_engine``.
        The moment engine runs every batch at once; auto takes it in float arithmetic for
        models linear in their parameters on runs of 1000 steps or more (or batches of
        4096 rows or more); the elementwise engine rounds as torch.optim.SGD does.

    Returns
    -------
    Trajectory : one Step per batch; ``traj.steps[k].loss``, ``.grad``, ``.params``, ``.updated``.

    Raises DivergenceError naming the step when a value stops being finite.
    """
    from ..conventions.loss import get_loss
    from ..problems.problem import compiled  # derived, proven and compiled once per model and loss

    loss = get_loss(loss)
    kernels = compiled(model, loss, arithmetic)
    return run(kernels, x, y, lr=lr, batch_size=batch_size, epochs=epochs, init=init,
               momentum=momentum, dampening=dampening, nesterov=nesterov,
               weight_decay=weight_decay, maximize=maximize, shuffle=shuffle, seed=seed,
               drop_last=drop_last, orders=orders, engine=engine, model=model.text,
               loss=loss.name)
