"""The SGD driver: the batch plan's batches through compiled kernels and the update rule.

The driver never derives anything: it gets Kernels (``analytic_sgd.kernels``) and uses
only them, with the optimizer ``Settings`` and the ``BatchPlan``. Each batch gives one
record: epoch and batch (from 1), n, the parameters before, the loss and gradient at
those parameters, the parameters after. Records are kept column by column in a
``Trajectory``. ``analytic_sgd.sgd`` (in ``analytic_sgd.problems``) derives, compiles
and calls ``run``.

>>> from analytic_sgd.kernels.cache import kernels_for
>>> from analytic_sgd.conventions import BatchPlan, Settings, mse
>>> from analytic_sgd.symbolic.model import linear
>>> k = kernels_for(linear(), mse, "exact")
>>> x = list(range(9)); y = [2 * v + 10 for v in x]
>>> traj = run(k, x, y, Settings(lr="0.01"), BatchPlan(3))
>>> traj.steps[0].loss, list(traj.steps[0].grad), list(traj.steps[0].updated)
(440/3, [-80/3, -24], [4/15, 6/25])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..conventions.batch_plan import BatchPlan
from ..conventions.data_values import real_array
from ..conventions.sampling import RandomStart
from ..conventions.settings import Settings
from ..errors import DataError, DivergenceError, OptionError, OptionTypeError
from ..kernels.moment_kernels import is_dask
from .compiled_engine import run_compiled
from .engines import choose_engine, rational_form
from .exact_engine import run_exact
from .learning_rate import learning_rates
from .moment_engine import divergence, irrational, run_moments
from .progress import Hook
from .recorder import Recorder
from .trajectory import Trajectory
from .update_rule import SGDRule

__all__ = ["run", "initial_params", "check_data", "start_and_stream", "irrational_cause"]

_FUNCTION = re.compile(r"\b([a-z][a-z0-9_]*)\(")
_ROOT = re.compile(r"\bsqrt\(|\*\*\(?-?\d+/\d+")


def irrational_cause(kernels, values) -> str:
    """What made exact ``values`` irrational, in words: the functions they hold that the
    model's kernels call (``exp in the model``, ``log``, ``sqrt``, ...), else their roots
    (the square root of an RMSE loss).

    >>> from analytic_sgd.kernels.cache import kernels_for
    >>> from analytic_sgd.symbolic.model import parse_model
    >>> import sympy as sp
    >>> k = kernels_for(parse_model("w*exp(x)", "w"), "mse", "exact")
    >>> irrational_cause(k, [sp.exp(2) / 3])
    'exp in the model'
    >>> irrational_cause(kernels_for(parse_model("w*x", "w"), "rmse", "exact"), [sp.sqrt(2)])
    'the square root of the loss'
    """
    text = " ".join(str(v) for v in values if getattr(v, "is_Rational", True) is not True)
    used = set(_FUNCTION.findall(kernels.source)) - {"def", "_lambdifygenerated", "return"}
    named = sorted(f for f in set(_FUNCTION.findall(text)) & used if f != "sqrt")
    if not named and _ROOT.search(text) and "sqrt" in used:
        named = ["sqrt"]
    if named:
        return f"{' and '.join(named)} in the model"
    return "the square root of the loss" if _ROOT.search(text) else "the model"


def initial_params(kernels, init: Mapping[str, Any] | Sequence[Any] | None) -> np.ndarray:
    """The start: zeros by default, a mapping name -> value, or values in parameter order."""
    names, arithmetic = kernels.params, kernels.arithmetic
    accepted = "a mapping name -> value, or a list of values in parameter order"
    if isinstance(init, (str, bytes)) or (init is not None and not isinstance(init, Mapping)
                                          and not hasattr(init, "__len__")):
        raise OptionTypeError.for_field("init", init, accepted,
                                        f"the parameters are {', '.join(names)}")
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
    start = np.array([_start_value(arithmetic, n, v) for n, v in zip(names, values)],
                     dtype=arithmetic.dtype)
    if not arithmetic.all_finite(start):
        bad = [f"{n}={v}" for n, v, s in zip(names, values, start) if not arithmetic.all_finite([s])]
        raise OptionError(f"init values must be finite in {arithmetic}: {', '.join(bad)}")
    return start


def _start_value(arithmetic, name: str, value):
    """One start value as a number of ``arithmetic``; OptionError naming ``init`` otherwise."""
    try:
        real_array([value], f"init {name}")
        return arithmetic.number(value)
    except (DataError, OverflowError, ValueError, TypeError):
        raise OptionError.for_field("init", {name: value}, "finite real numbers") from None


def start_and_stream(kernels, plan: BatchPlan, init) -> tuple[np.ndarray, Any]:
    """The start and the random generator the run draws its batches from (None when it draws
    nothing): a ``RandomStart`` is drawn first from the plan's stream, then the batches."""
    generator = plan.generator() if plan.random or isinstance(init, RandomStart) else None
    if isinstance(init, RandomStart):
        init = init.draw(plan.rng, generator, kernels.params)
    return initial_params(kernels, init), generator


def check_data(kernels, x, y) -> tuple[np.ndarray, np.ndarray]:
    """x and y as arrays of the kernels' arithmetic, of matching shapes, finite, not empty."""
    arithmetic = kernels.arithmetic
    x, y = arithmetic.array(x, "x"), arithmetic.array(y, "y")
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
    for name, values in (("x", x), ("y", y)):
        if not arithmetic.all_finite(values):
            where = int(np.argmax(~np.asarray(arithmetic.finite(values)).reshape(len(y), -1)
                                  .all(axis=1)))
            raise DataError(f"{name} must hold finite numbers in {arithmetic}: row {where} is "
                            f"NaN, infinite, or too large for {arithmetic}")
    return x, y


def run(kernels, x, y, settings: Settings, plan: BatchPlan, *, init=None, engine: str = "auto",
        meta: Mapping[str, Any] | None = None, every: int = 1, sink=None,
        hook: Hook | None = None) -> Trajectory:
    """SGD with ``kernels`` over (x, y), with ``settings`` and the batches of ``plan``.

    ``engine``: ``auto``, ``compiled``, ``elementwise`` or ``moments`` (see ``engines``; the
    moment engine needs kernels compiled with the moment form). ``meta`` is stored in the
    Trajectory. ``every`` and ``sink`` (``Recorder``): keep step 0, every ``every``-th and
    the last, and hand them to ``sink`` as they are made instead of keeping them. ``hook``
    hears of phases and progress (``progress.Hook``). Returns a Trajectory (of the kept
    rows); raises DivergenceError naming the first step whose values are not finite (the
    rows before it are handed to the sink first).
    """
    if not isinstance(settings, Settings):
        raise OptionError(f"run needs a Settings, got {type(settings).__name__}")
    if not isinstance(plan, BatchPlan):
        raise OptionError(f"run needs a BatchPlan, got {type(plan).__name__}")
    lazy = is_dask(x) or is_dask(y)
    steps = plan.steps(len(y))
    engine = choose_engine(kernels, engine, steps, plan.batch_size, lazy=lazy)
    x, y = (x, y) if lazy else check_data(kernels, x, y)
    arithmetic = kernels.arithmetic
    rule = SGDRule(settings, arithmetic)
    theta, generator = start_and_stream(kernels, plan, init)
    orders = plan.epoch_orders(len(y), generator)  # drawn once, whichever engine runs
    meta = {**(meta or {}), "settings": settings, "batch_size": plan.batch_size,
            "epochs": plan.epochs, "engine": engine}
    if every == 1 and sink is None:
        room = Trajectory.blank if engine == "compiled" else Trajectory.empty
        traj = room(steps, kernels, **meta)  # the compiled engine writes every row it hands out
    else:
        traj = Recorder(steps, kernels, every, sink, **meta)
    hook = hook or Hook()
    try:
        if engine == "moments":
            hook.phase("run")
            run_moments(kernels, x, y, rule, plan, orders, theta, traj)
        elif engine == "compiled":
            run_compiled(kernels, x, y, rule, plan, orders, theta, traj, hook=hook)
        else:  # exact runs of a rational loss in plain rationals, the others batch by batch
            rational = rational_form(kernels) if arithmetic.exact and not lazy else None
            if rational is not None:
                run_exact(rational, kernels, x, y, rule, plan, orders, theta, traj, hook=hook)
            else:
                _elementwise(kernels, x, y, rule, plan, orders, theta, traj, hook)
    except DivergenceError as exc:
        if isinstance(traj, Recorder):  # the rows up to the failing step are handed out
            traj.close(int(exc.trajectory.step_numbers[-1]) + 1)
        raise
    except BaseException:
        if isinstance(traj, Recorder):  # Ctrl-C, an error: what was made is handed out
            traj.close()
        raise
    return traj.close() if isinstance(traj, Recorder) else traj


def _elementwise(kernels, x, y, rule: SGDRule, plan: BatchPlan, orders, theta, traj,
                 hook: Hook) -> None:
    """Batch by batch through the derived kernels and the update rule, into ``traj``."""
    arithmetic, settings = kernels.arithmetic, rule.settings
    steps = len(traj)
    hook.phase("run")
    row = 0
    for epoch, order in enumerate(orders):  # the batches as plan.cut cuts them, one at a time
        rows = np.arange(len(y), dtype=np.intp) if order is None else order
        starts = range(0, plan.stop(len(y)), plan.batch_size)
        lrs = learning_rates(settings.lr, arithmetic, row, len(starts), len(starts))
        for batch, start in enumerate(starts, start=1):
            index = rows[start:start + plan.batch_size]
            lr = lrs if np.ndim(lrs) == 0 else lrs[batch - 1]
            value, grad = kernels.loss_and_grad(theta, x[index], y[index], method="elementwise")
            updated = rule.step(theta, grad, lr=lr)
            traj.record(row, epoch + 1, batch, len(index), theta, value, grad, updated, lr)
            finite = arithmetic.all_finite([value, *grad, *updated])  # one check per step
            error = None if finite else divergence(traj, row, settings.lr.text,
                                                   arithmetic.all_finite)
            if error is not None:
                raise error
            theta = updated
            row += 1
            if not row % 256:
                hook.advance(row, steps)
            if row < len(traj) and not arithmetic.all_rational(theta):
                raise irrational(row, irrational_cause(kernels, theta))
