"""A Problem: everything one SGD run needs, so that every consumer runs the same one.

The table, the golden files, the cross-checks and the plots all take a Problem: model,
loss, data, start, optimizer ``Settings`` and ``BatchPlan``. Data keep their exact values
beside the float arrays (a CSV's ``0.1`` is 1/10 in exact runs); settings are kept as
given and read exactly in exact runs. ``sgd()``, the one-call API, makes a Problem and
runs it.

>>> p = example_problem("worked-linear")
>>> p
Problem('worked-linear': ŷ = b + w*x, mse, 9 samples, lr 0.01, batch 3, 1 epoch, start w=0, b=0)
>>> p.run("exact").steps[0].updated.tolist()
[4/15, 6/25]
>>> example_problem("worked-linear", lr="0.02", epochs=2).settings.lr.text
'0.02'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..conventions.arithmetic import EXACT, FLOAT64, Arithmetic, get_arithmetic
from ..conventions.batch_plan import BatchPlan
from ..conventions.loss import Loss, get_loss
from ..conventions.sampling import RandomStart
from ..conventions.settings import Settings
from ..errors import AnalyticSGDError, ModelTypeError
from ..kernels.cache import derivation_for, hessian_kernels_for, kernels_for
from ..kernels.moment_kernels import is_dask
from ..numeric.driver import initial_params, run, start_and_stream
from ..numeric.engines import choose_engine
from ..numeric.footprint import (
    PROBE_STEPS,
    digit_growth,
    estimate,
    read_every,
    read_memory,
    refuse_if_too_large,
)
from ..numeric.learning_rate import learning_rates
from ..numeric.progress import Hook
from ..numeric.stability import (
    EXACT_BATCHES,
    EXACT_ROWS,
    Stability,
    batch_hessians,
    epoch_radius,
    hessian_bound,
)
from ..numeric.trajectory import Trajectory
from ..symbolic.model import Model, model_from_name
from .examples import get_example

__all__ = ["Problem", "make_problem", "example_problem", "sgd", "SETTINGS", "PLAN"]

BINARY_EXACT = EXACT.reading("binary")

SETTINGS = ("lr", "momentum", "dampening", "nesterov", "weight_decay", "maximize")
PLAN = ("batch_size", "epochs", "shuffle", "seed", "drop_last", "orders", "sample", "rng")


@dataclass(frozen=True, eq=False)
class Problem:
    """Model, loss, data (x, y; optionally exact twins), start, Settings and BatchPlan."""

    model: Model
    loss: Loss
    x: np.ndarray
    y: np.ndarray
    settings: Settings
    plan: BatchPlan
    init: Any = None
    name: str = "custom"
    x_exact: Any = field(default=None, repr=False)
    y_exact: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.model, Model):
            raise ModelTypeError(f"a Problem needs a Model, got {type(self.model).__name__}")
        object.__setattr__(self, "loss", get_loss(self.loss))
        for name, kind in (("settings", Settings), ("plan", BatchPlan)):
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"a Problem's {name} must be a {kind.__name__}, got "
                                f"{type(getattr(self, name)).__name__}")

    def __repr__(self) -> str:
        start = ", ".join(f"{k}={v}" for k, v in self.start.items())
        plan = self.plan
        return (f"Problem({self.name!r}: ŷ = {self.model.text}, {self.loss.name}, "
                f"{len(self.y)} samples, lr {self.settings.lr.text}, batch {plan.batch_size}, "
                f"{plan.epochs} epoch{'s' if plan.epochs > 1 else ''}, start {start})")

    def replace(self, **changes) -> Problem:
        """A copy with fields changed; Settings and BatchPlan fields may be given by name
        (``lr=``, ``batch_size=``, ...)."""
        settings = {k: changes.pop(k) for k in SETTINGS if k in changes}
        plan = {k: changes.pop(k) for k in PLAN if k in changes}
        if settings:
            changes["settings"] = changes.get("settings", self.settings).replace(**settings)
        if plan:
            changes["plan"] = changes.get("plan", self.plan).replace(**plan)
        return dataclasses.replace(self, **changes)

    @property
    def start(self) -> dict:
        """The start values by parameter name (the given ones, zeros for the others; a
        ``RandomStart`` drawn as the run draws it, first from the plan's stream)."""
        if isinstance(self.init, RandomStart):
            drawn = self.init.draw(self.plan.rng, self.plan.generator(), self.model.param_names)
            return {p: drawn[p] for p in self.model.param_names}
        init = self.init or {}
        if not isinstance(init, Mapping):
            init = dict(zip(self.model.param_names, init))
        return {p: init.get(p, 0) for p in self.model.param_names}

    def data(self, arithmetic: str | Arithmetic) -> tuple[Any, Any]:
        """x and y for ``arithmetic``: the exact twins, when there are any, for exact runs;
        dask arrays as they are (the engines sum them chunk by chunk, or refuse)."""
        a = get_arithmetic(arithmetic)
        if is_dask(self.x) or is_dask(self.y):
            return self.x, self.y
        return a.data(self.x, self.x_exact, "x"), a.data(self.y, self.y_exact, "y")

    def derivation(self):
        return derivation_for(self.model, self.loss)

    def kernels(self, arithmetic: str | Arithmetic, *, with_moments: bool = False):
        return kernels_for(self.model, self.loss, arithmetic, with_moments=with_moments)

    def hessian_kernels(self, arithmetic: str | Arithmetic):
        """The compiled Hessian of the loss (``kernels.hessian_kernels``) in ``arithmetic``."""
        return hessian_kernels_for(self.model, self.loss, arithmetic)

    def stability(self, at: Mapping[str, Any] | None = None, *, quick: bool = False) -> Stability:
        """The stability analysis of this run (``analytic_sgd.numeric.stability``): the
        Hessian of the loss on all the data (at the start, or at ``at``: values by name, for
        models whose Hessian depends on the parameters), its eigenvalues, the largest stable
        learning rate, the spectral radius of one epoch's update map, and a verdict.
        ``quick``: the Hessian in float64 and no epoch map (the bound only, for a warning)."""
        return _stability(self, at, quick)

    def run(self, arithmetic: str | Arithmetic = "float64", kernels=None, *,
            engine: str = "auto", every: int = 1, sink=None, max_memory: int | str | None = None,
            printed: bool = False, hook: Hook | None = None) -> Trajectory:
        """The Trajectory of this problem in ``arithmetic`` (``kernels`` replaces the derived
        ones); the engine is chosen, and its kernels compiled, before the run starts.

        Before it starts the run is sized (``footprint``): a run whose estimate is above
        ``max_memory`` (bytes, or ``"2G"``; default half the memory available) is refused
        with RunTooLargeError. ``every``: keep step 0, every ``every``-th and the last;
        ``sink``: hand the kept rows to ``sink`` as they are made (``Recorder``) instead of
        keeping them; ``printed``: the rows will be printed from memory (counted too);
        ``hook`` hears of the run's phases and progress (``analytic_sgd.numeric.progress``)."""
        arithmetic = get_arithmetic(arithmetic)
        every = read_every(every)
        limit = None if max_memory is None else read_memory(max_memory)
        x, y = self.data(arithmetic)
        steps = self.plan.steps(len(y))
        if kernels is None:
            kernels = self.kernels(arithmetic)
            engine = choose_engine(kernels, engine, steps, self.plan.batch_size,
                                   lazy=is_dask(x) or is_dask(y), compile_moments=True)
            if engine == "moments":
                kernels = self.kernels(arithmetic, with_moments=True)
        growth = _probe(self, kernels, x, y) if arithmetic.exact and steps > 2 * PROBE_STEPS \
            else None
        random_rows = len(y) if self.plan.random or self.plan.orders is not None else 0
        footprint = estimate(steps, len(kernels.params), arithmetic.dtype.itemsize, every=every,
                             streamed=sink is not None, printed=printed, growth=growth,
                             epochs=self.plan.epochs, epoch_rows=random_rows)
        refuse_if_too_large(footprint, limit, exact=arithmetic.exact)
        return run(kernels, x, y, self.settings, self.plan, init=self.init, engine=engine,
                   meta={"model": self.model.text, "loss": self.loss.name}, every=every,
                   sink=sink, hook=hook)


def _probe(problem: Problem, kernels, x, y):
    """The digit growth of an exact run, measured on its first PROBE_STEPS steps (the data in
    order, repeated as needed); None when the probe stops (the run will say why)."""
    size = problem.plan.batch_size
    need = PROBE_STEPS * size
    repeat = -(-need // len(y))
    px, py = np.concatenate([x] * repeat)[:need], np.concatenate([y] * repeat)[:need]
    init = None if isinstance(problem.init, RandomStart) else problem.init
    try:
        probe = run(kernels, px, py, problem.settings, BatchPlan(size, 1), init=init,
                    engine="elementwise")
    except (AnalyticSGDError, ArithmeticError):
        return None
    return digit_growth(probe)


def _stability(problem: Problem, at: Mapping[str, Any] | None, quick: bool) -> Stability:
    n = len(problem.y)
    rational = hessian_kernels_for(problem.model, problem.loss, FLOAT64).rational
    arithmetic = EXACT if n <= EXACT_ROWS and rational and not quick else FLOAT64
    x, y = problem.data(arithmetic)
    kernels = problem.kernels(arithmetic)
    theta, generator = start_and_stream(kernels, problem.plan, problem.init)
    point = theta if at is None else initial_params(kernels, {**dict(zip(kernels.params, theta)),
                                                             **at})
    hk = hessian_kernels_for(problem.model, problem.loss, arithmetic)
    hessian = hk.hessian(point, x, y)
    settings, plan = problem.settings, problem.plan
    eigenvalues, bound = hessian_bound(hessian, float(settings.momentum))
    steps = plan.steps(n)
    per_epoch = steps // plan.epochs
    first = learning_rates(settings.lr, FLOAT64, 0, per_epoch, per_epoch)
    radius = epoch_arithmetic = None
    if hk.constant_in_params and kernels.linear_in_params and not quick:
        order = plan.epoch_orders(n, generator)[0]
        epoch_arithmetic = EXACT if per_epoch <= EXACT_BATCHES and arithmetic.exact else FLOAT64
        ex, ey = problem.data(epoch_arithmetic)
        a = batch_hessians(problem.kernels(epoch_arithmetic, with_moments=True), ex, ey, plan,
                           order)
        radius = epoch_radius(a, settings, plan, epoch_arithmetic, per_epoch)
    verdict = "local" if radius is None else "converges" if radius < 1 else "diverges"
    return Stability(kernels.params, hessian, arithmetic.name, n, hk.constant_in_params,
                     None if hk.constant_in_params else dict(zip(kernels.params, point)),
                     eigenvalues, bound, settings.lr.text, float(np.max(first)),
                     settings.momentum, radius, None if radius is None else epoch_arithmetic.name,
                     per_epoch, verdict)


def make_problem(model: Model, loss: Loss | str, x, y, *, init=None, name: str = "custom",
                 x_exact=None, y_exact=None, **options) -> Problem:
    """A Problem from keywords: ``options`` are the Settings fields (``lr``, ``momentum``, ...)
    and the BatchPlan fields (``batch_size``, ``epochs``, ...), each checked by its value.

    >>> import analytic_sgd as asgd
    >>> make_problem(asgd.linear(), "mse", [0, 1], [1, 3], lr="0.1", batch_size=2).plan.steps(2)
    1
    """
    unknown = sorted(set(options) - set(SETTINGS) - set(PLAN))
    if unknown:
        raise TypeError(f"unknown settings {', '.join(unknown)}; the settings are "
                        f"{', '.join(SETTINGS)}, the batch plan's {', '.join(PLAN)}, and init")
    settings = Settings(**{k: options[k] for k in SETTINGS if k in options})
    plan = BatchPlan(**{k: options[k] for k in PLAN if k in options})
    return Problem(model, get_loss(loss), x, y, settings, plan, init=init, name=name,
                   x_exact=x_exact, y_exact=y_exact)


def example_problem(name: str = "worked-linear", *, model: Model | str | None = None,
                    params: str | None = None, loss: Loss | str | None = None,
                    **overrides) -> Problem:
    """The named example as a Problem; ``overrides`` (``lr``, ``batch_size``, ``init``, ...)
    replace its settings, ``model`` and ``loss`` its model and loss."""
    ex = get_example(name)
    x, y = ex.data()
    # data drawn as a framework draws them: their exact values are the floats' binary values
    twins = {f"{k}_exact": BINARY_EXACT.array(v).tolist() for k, v in (("x", x), ("y", y))
             if np.asarray(v).dtype.kind == "f"}
    m = model if isinstance(model, Model) else model_from_name(
        ex.model if model is None else model, params)  # "" is refused, not the example's
    values = {"lr": ex.lr, "batch_size": ex.batch_size, "epochs": ex.epochs, **ex.plan}
    init = ex.start()
    if m.param_names != ex.param_names:  # another model: the example's start does not fit
        init = None
    values.update({k: v for k, v in overrides.items() if v is not None})
    init = values.pop("init", init)
    return make_problem(m, loss or ex.loss, x, y, init=init, name=name, **twins, **values)


def sgd(model: Model, loss: Loss | str, x, y, *, lr, batch_size: int, epochs: int = 1,
        init: Mapping[str, Any] | Sequence[Any] | None = None,
        arithmetic: str | Arithmetic = "float64", momentum=0.0, dampening=0.0,
        nesterov: bool = False, weight_decay=0.0, maximize: bool = False,
        shuffle: bool = False, seed: int | None = None, drop_last: bool = False,
        orders: Sequence[Sequence[int]] | None = None, sample: str = "without-replacement",
        rng: str = "numpy", engine: str = "auto", exact_floats: str | None = None,
        every: int = 1, max_memory: int | str | None = None) -> Trajectory:
    """Run mini-batch SGD on ``model`` with ``loss`` over (x, y) and record every step.

    Parameters
    ----------
    model, loss : a Model and a Loss (or its name: "mse", "rmse", "sse", "half-mse", ...).
    x, y : arrays; x of shape (n,) or (n, k), y of shape (n,).
    lr, momentum, dampening, weight_decay, nesterov, maximize :
        torch.optim.SGD's settings and semantics (``Settings``); ``lr`` is a number, an
        expression in t (the step, from 0) and epoch (from 0) such as ``"5/(t+50)"``, or a
        schedule (``analytic_sgd.StepLR(...)``, ...).
        In exact arithmetic a float setting is read as the decimal it prints as (0.01 is
        1/100).
    batch_size, epochs, shuffle, seed, drop_last, orders, sample, rng : the ``BatchPlan``:
        batches as a DataLoader makes them; ``sample="with-replacement"`` draws each batch's
        rows with replacement; ``rng`` is ``numpy`` (``default_rng(seed)``) or
        ``numpy-legacy`` (``RandomState(seed)``); ``orders`` replays a framework's rows.
    init : start values (mapping name -> value, or a sequence), or a ``RandomStart`` drawn
        from the run's random stream; zeros by default.
    arithmetic : "exact", "float64" (default) or "float32" (or an Arithmetic).
    exact_floats : how exact arithmetic reads a float (in x, y, init, the settings):
        "decimal" (default: the shortest decimal that prints as it, 0.1 is 1/10, as the
        CSV reader reads a file) or "binary" (the value its bits hold: the exact run of the
        very floats a framework computes with).
    every, max_memory : keep step 0, every ``every``-th and the last; refuse (RunTooLargeError)
        a run estimated above ``max_memory`` bytes (or "2G"; default half the memory
        available) before it starts.
    engine : "auto" (default), "elementwise" or "moments": see
        ``analytic_sgd.numeric.moment_engine``. The moment engine runs every batch at once;
        auto takes it in float arithmetic for models linear in their parameters on runs of
        1000 steps or more (or batches of 4096 rows or more); the elementwise engine
        rounds as torch.optim.SGD does.

    Returns
    -------
    Trajectory : one Step per batch; ``traj.steps[k].loss``, ``.grad``, ``.params``, ``.updated``.

    Raises DivergenceError naming the step when a value stops being finite, OptionError
    naming the setting for a setting out of range.

    >>> import analytic_sgd as asgd
    >>> x = list(range(9)); y = [2 * v + 10 for v in x]
    >>> traj = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr="0.01", batch_size=3, arithmetic="exact")
    >>> traj.steps[0].loss, list(traj.steps[0].grad), list(traj.steps[0].updated)
    (440/3, [-80/3, -24], [4/15, 6/25])
    """
    if not isinstance(model, Model):
        raise ModelTypeError(f"sgd needs a Model (linear(), parse_model(text, params=...), "
                             f"...), got {type(model).__name__} {model!r:.60}")
    problem = make_problem(model, loss, x, y, init=init, lr=lr, momentum=momentum,
                           dampening=dampening, nesterov=nesterov, weight_decay=weight_decay,
                           maximize=maximize, batch_size=batch_size, epochs=epochs,
                           shuffle=shuffle, seed=seed, drop_last=drop_last, orders=orders,
                           sample=sample, rng=rng)
    arithmetic = get_arithmetic(arithmetic, exact_floats=exact_floats)
    return problem.run(arithmetic, engine=engine, every=every, max_memory=max_memory)
