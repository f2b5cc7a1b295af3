"""The reference every backend is measured against: the derived kernels, exactly when possible.

* Trajectory mode: the exact run (``problem.run("exact")``: rationals, settings and data
  read as the decimals they are written as). RMSE runs of more than one step have no
  exact form worth computing (the parameters become nested square roots): there the
  reference is the derived float64 run, and the label says so.
* Hessian mode: the exact Hessian kernels (``kernels.hessian_kernels``) at the same
  inputs as gradient mode, on each batch of the first epoch.
* Gradient mode: the exact kernels at the very inputs the backends get: the start and the
  data as rounded to the run's dtype, read exactly. The error is then the backend's own,
  not the rounding of its inputs.

>>> from analytic_sgd.problems.problem import example_problem
>>> ref = trajectory_reference(example_problem("worked-linear"))
>>> ref.label, ref.trajectory.steps[0].grad.tolist()
('exact (rational arithmetic)', [-80/3, -24])
>>> print(trajectory_reference(example_problem("rollercoaster")).label)  # doctest: +ELLIPSIS
analytic float64 (exact not available: after step 1 the parameters are irrational...)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conventions.arithmetic import FLOAT64, get_arithmetic
from ..errors import OptionError
from ..numeric.trajectory import Trajectory
from .adapter import Adapter

__all__ = ["Reference", "trajectory_reference", "gradient_reference", "hessian_reference",
           "REFERENCES"]

REFERENCES = ("exact", "float64")
EXACT_LABEL = "exact (rational arithmetic)"
IRRATIONAL_LABEL = "exact (sympy: irrational values compared to 40 digits)"


@dataclass(frozen=True)
class Reference:
    """The reference values (a Trajectory) and a label saying what they are."""

    label: str
    trajectory: Trajectory
    hessians: tuple | None = None  # hessian mode: (P, P) per batch of the first epoch

    @property
    def exact(self) -> bool:
        return self.trajectory.arithmetic.exact


EXACT_BUDGET = 1_100_000  # steps² x rows per step: the work of an exact reference run, at most


def trajectory_reference(problem, reference: str = "exact") -> Reference:
    """The whole run: exact, or the derived float64 run when asked, when exact is not
    possible, or when it would take long: the digits of exact numbers grow with every step,
    so the work grows as steps² times the rows of a step, and a run above EXACT_BUDGET (the
    two-feature-linear example's 100 steps of 100 rows, 3 s, are within it) is referred to
    float64, and the label says so."""
    arithmetic = _arithmetic(reference)
    if not arithmetic.exact:
        return Reference(f"analytic {arithmetic} (as asked)", problem.run(arithmetic))
    steps = problem.plan.steps(len(problem.y))
    work = steps**2 * min(problem.plan.batch_size, len(problem.y))
    if work > EXACT_BUDGET:
        return Reference(f"analytic float64 (exact not computed: {steps} steps would take too "
                         "long; give --reference float64 to say so)", problem.run(FLOAT64))
    try:
        return Reference(EXACT_LABEL, problem.run(arithmetic))
    except OptionError as exc:
        why = str(exc).split(";")[0].removeprefix("exact arithmetic: ")
        return Reference(f"analytic float64 (exact not available: {why})", problem.run(FLOAT64))


def gradient_reference(problem, dtype: str, reference: str = "exact") -> Reference:
    """Loss and gradient at the dtype-rounded start on each batch of the first epoch."""
    arithmetic = _arithmetic(reference)
    inputs = Adapter(problem, dtype)  # the start and data as the backends get them
    kernels = problem.kernels(arithmetic)
    rows = [(1, b, index, inputs.start, *kernels.loss_and_grad(
        inputs.start, inputs.x[index], inputs.y[index]), inputs.start)
        for b, index in enumerate(inputs.batches()[0], start=1)]
    epoch, batch, index, params, loss, grad, updated = zip(*rows)
    traj = Trajectory.from_columns(kernels.params, arithmetic, epoch=epoch, batch=batch,
                                   n=[len(i) for i in index], params=params, loss=loss,
                                   grad=grad, updated=updated)
    label = EXACT_LABEL if arithmetic.exact else f"analytic {arithmetic} (as asked)"
    return Reference(f"{label}, at the start and data as rounded to {dtype}", traj)


def hessian_reference(problem, dtype: str, reference: str = "exact") -> Reference:
    """The Hessian at the dtype-rounded start on each batch of the first epoch (with the
    gradient reference's rows, which say where each Hessian is taken)."""
    base = gradient_reference(problem, dtype, reference)
    arithmetic = _arithmetic(reference)
    inputs = Adapter(problem, dtype)
    kernels = problem.hessian_kernels(arithmetic)
    hessians = tuple(kernels.hessian(inputs.start, inputs.x[index], inputs.y[index])
                     for index in inputs.batches()[0])
    label = base.label
    if arithmetic.exact and not kernels.rational:  # exp, log, sqrt: exact, but not rational
        label = label.replace(EXACT_LABEL, IRRATIONAL_LABEL)
    return Reference(label, base.trajectory, hessians)


def _arithmetic(reference: str):
    if reference not in REFERENCES:
        raise OptionError.for_field("reference", reference, "exact or float64")
    return get_arithmetic(reference)
