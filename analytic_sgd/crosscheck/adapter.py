"""What every backend shares: the problem's data, start, batches and update rule in one dtype.

An ``Adapter`` binds a Problem to a dtype (``float32`` or ``float64``) and gives

* ``gradient(theta, x, y)``: the backend's loss and gradient at ``theta`` on one batch;
* ``gradients()``: those at the start, on each batch of the first epoch (gradient mode);
* ``trajectory()``: the whole run (trajectory mode), as a ``Trajectory``;
* ``hessian(theta, x, y)``: the backend's Hessian of one batch's loss at ``theta`` (P, P),
  and ``hessians()``: those at the start on each batch of the first epoch (hessian mode).

Every backend sees the same inputs: the data cast to the dtype, the start from
``analytic_sgd.numeric.driver.initial_params``, the batches of the problem's BatchPlan
and the settings as the Python floats ``torch.optim.SGD`` is given. The default
``trajectory`` applies ``analytic_sgd.numeric.update_rule.SGDRule`` (torch's update) to the
backend's gradient: JAX and HIPS autograd have no optimizer with torch's semantics, so only
their gradients are theirs. The torch adapter runs ``torch.optim.SGD`` itself.

>>> from analytic_sgd.problems.problem import example_problem
>>> a = Adapter(example_problem("worked-linear"), "float32")
>>> a.start.tolist(), [b.tolist() for b in a.batches()[0]]
([0.0, 0.0], [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..conventions.settings import NUMBERS, Settings
from ..errors import MissingExtraError, OptionError
from ..numeric.driver import start_and_stream
from ..numeric.trajectory import Trajectory
from ..numeric.update_rule import SGDRule
from .schedules import base_lr

__all__ = ["Adapter", "float_arithmetic", "require", "torch_options"]


def float_arithmetic(dtype: str | Arithmetic) -> Arithmetic:
    """The float Arithmetic of a backend's run (float32 or float64); OptionError otherwise."""
    arithmetic = get_arithmetic(dtype, field="dtype")
    if arithmetic.exact:
        raise OptionError.for_field("dtype", arithmetic.name, "float32 or float64",
                                    "frameworks compute in floats; the exact run is the reference")
    return arithmetic


def require(module: str, backend: str, extra: str) -> ModuleType:
    """``import module``, or MissingExtraError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"the {backend} cross-check needs {module.split('.')[0]}, which is not installed; "
            f"install it with: pip install 'analytic-sgd[{extra}]'") from exc


def torch_options(settings: Settings) -> dict:
    """The keyword arguments of ``torch.optim.SGD`` for ``settings``: Python floats and bools,
    as a PyTorch user writes them (the base learning rate of the schedule: see
    ``crosscheck.schedules``)."""
    return {"lr": base_lr(settings.lr), **{n: float(getattr(settings, n)) for n in NUMBERS},
            "nesterov": bool(settings.nesterov), "maximize": bool(settings.maximize)}


class Adapter:
    """One problem in one dtype. Subclasses set ``name`` and define ``gradient``."""

    name = "analytic"
    notes: tuple[str, ...] = ()
    hessian_notes: tuple[str, ...] = ("Hessian by the derived kernels",)

    def __init__(self, problem, dtype: str | Arithmetic) -> None:
        self.arithmetic = float_arithmetic(dtype)
        self.problem, self.dtype_name = problem, self.arithmetic.name
        self.dtype = self.arithmetic.scalar
        self.kernels = problem.kernels(self.arithmetic)
        self.x, self.y = self._data()
        self.start, generator = start_and_stream(self.kernels, problem.plan, problem.init)
        self._batches = problem.plan.batches(len(self.y), generator)  # the run's own rows

    def _data(self) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(self.problem.x, dtype=self.dtype)
        if x.ndim == 2 and x.shape[1] == 1 and len(self.kernels.inputs) == 1:
            x = x[:, 0]
        return x, np.asarray(self.problem.y, dtype=self.dtype)

    def columns(self, x: np.ndarray) -> list[np.ndarray]:
        """The model's inputs as separate 1-d arrays, in the model's input order."""
        return [x] if x.ndim == 1 else [np.ascontiguousarray(x[:, j]) for j in range(x.shape[1])]

    def batches(self) -> list[list[np.ndarray]]:
        """Each epoch's batches: the rows the run itself draws (after a random start)."""
        return self._batches

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        """The loss and gradient at ``theta`` on one batch (the derived kernels here)."""
        return self.kernels.loss_and_grad(theta, x, y)

    def hessian(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The Hessian of the batch loss at ``theta`` (the derived kernels here)."""
        return self.problem.hessian_kernels(self.arithmetic).hessian(theta, x, y)

    def hessians(self) -> list[np.ndarray]:
        """The Hessian at the start on each batch of the first epoch, as (P, P) arrays."""
        return [np.asarray(self.hessian(self.start, self.x[index], self.y[index]), self.dtype)
                for index in self.batches()[0]]

    def gradients(self) -> Trajectory:
        """Loss and gradient at the start on each batch of the first epoch (no update)."""
        rows = [(1, b, index, self.start, *self.gradient(self.start, self.x[index], self.y[index]),
                 self.start) for b, index in enumerate(self.batches()[0], start=1)]
        return self._collect(rows)

    def trajectory(self) -> Trajectory:
        """The whole run: the backend's gradient, then the update rule, batch after batch."""
        rule, theta, rows = SGDRule(self.problem.settings, self.arithmetic), self.start, []
        with np.errstate(all="ignore"):  # a diverging run is reported, not stopped
            for epoch, batches in enumerate(self.batches(), start=1):
                for b, index in enumerate(batches, start=1):
                    value, grad = self.gradient(theta, self.x[index], self.y[index])
                    updated = rule.step(theta, np.asarray(grad, self.dtype), len(rows), epoch - 1)
                    rows.append((epoch, b, index, theta, value, grad, updated))
                    theta = updated
        return self._collect(rows)

    def _collect(self, rows) -> Trajectory:
        epoch, batch, index, params, loss, grad, updated = zip(*rows)
        return Trajectory.from_columns(self.kernels.params, self.arithmetic, epoch=epoch,
                                       batch=batch, n=[len(i) for i in index], params=params,
                                       loss=loss, grad=grad, updated=updated,
                                       meta={"backend": self.name})
