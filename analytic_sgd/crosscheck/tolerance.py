"""Tolerances: when a backend's value agrees with the reference.

A value a agrees with the reference b when ``|a - b| <= atol + rtol*|b|``. In trajectory
mode atol and rtol grow in proportion to the step number k (both are multiplied by k):
each step adds its own rounding errors to those the parameters carry, and a run that
diverges (noisy-quadratic) amplifies them. In gradient mode k is 1.

Defaults, per step, chosen from the worst errors measured on the named examples and on 180
random polynomial problems (degree 1 to 3, up to 12 rows in [-2, 2], MSE, SSE and RMSE,
with and without momentum): the largest error used 2% of its tolerance on the examples,
5% on the random problems, and 22% for central differences in float32:

==================================  =========  ===========  ===========
gradient from                       dtype      atol         rtol
==================================  =========  ===========  ===========
torch, jax, autograd, complex step  float64    1e-12        1e-12
torch, jax, autograd, complex step  float32    1e-4         1e-5
central differences                 float64    1e-7         1e-7
central differences                 float32    1e-2         1e-2
==================================  =========  ===========  ===========

Exact gradients computed in float64 are off by a few ULPs (2.2e-16 each, relative); small
components cancel (a gradient near zero is a difference of large terms), which atol
covers for data and losses up to about 10^3. Central differences are good to about
eps^(2/3) times the loss's scale. Given ``atol`` or ``rtol`` replace the defaults and
apply as given at every step (no growth).

>>> t = default_tolerance("torch", "float64", "trajectory")
>>> t.allowed(100.0, step=3), str(t)
(3.03e-10, 'atol = 1e-12*k, rtol = 1e-12*k at step k')
>>> str(default_tolerance("finite-difference", "float32", "gradient", method="central"))
'atol = 0.01, rtol = 0.01'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..errors import OptionError

__all__ = ["FORMULA", "Tolerance", "default_tolerance", "tolerance_for"]

FORMULA = "|a - b| <= atol + rtol*|b|"
SECOND_DIFFERENCE = 100  # Hessians by second differences: atol = rtol = 100*sqrt(eps)


@dataclass(frozen=True)
class Tolerance:
    """``|a - b| <= atol + rtol*|b|``; with ``per_step``, atol and rtol are multiplied by the step k."""

    atol: float
    rtol: float
    per_step: bool = False

    def allowed(self, reference: float, step: int = 1) -> float:
        """The largest ``|a - b|`` that agrees with ``reference`` at ``step``."""
        return (step if self.per_step else 1) * (self.atol + self.rtol * abs(reference))

    def __str__(self) -> str:
        if self.per_step:
            return f"atol = {self.atol:.3g}*k, rtol = {self.rtol:.3g}*k at step k"
        return f"atol = {self.atol:.3g}, rtol = {self.rtol:.3g}"


def default_tolerance(backend: str, dtype: str | Arithmetic, mode: str, *,
                      method: str = "") -> Tolerance:
    """The documented default for ``backend`` in ``dtype`` and ``mode``: the arithmetic's
    ``tolerance``, or its ``central_tolerance`` for central differences (``method``: the
    finite-difference method actually used, ``central`` or ``complex-step``)."""
    arithmetic = get_arithmetic(dtype, field="dtype")
    differences = backend == "finite-difference"
    if differences and mode == "hessian" and method == "central":
        atol = rtol = SECOND_DIFFERENCE * math.sqrt(float(np.finfo(arithmetic.dtype).eps))
        return Tolerance(atol, rtol)
    central = differences and (method == "central" or mode == "hessian")
    atol, rtol = arithmetic.central_tolerance if central else arithmetic.tolerance
    return Tolerance(atol, rtol, per_step=mode == "trajectory")


def tolerance_for(backend: str, dtype: str | Arithmetic, mode: str, *, method: str = "",
                  atol: float | None = None, rtol: float | None = None) -> Tolerance:
    """The default, or ``atol``/``rtol`` as given (then flat: the same at every step)."""
    default = default_tolerance(backend, dtype, mode, method=method)
    if atol is None and rtol is None:
        return default
    for name, value in (("atol", atol), ("rtol", rtol)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise OptionError(f"{name} must be a finite number >= 0, got {value!r}")
    return Tolerance(default.atol if atol is None else float(atol),
                     default.rtol if rtol is None else float(rtol))
