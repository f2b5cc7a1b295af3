"""Finite differences: the gradient from loss values alone, no derivative anywhere.

Two methods, in the run's dtype:

* ``complex-step``: ``dl/dθ_j = Im l(θ + i·h·e_j) / h`` with h = 1e-20, the loss written
  in numpy operations on complex numbers (complex128 for float64, complex64 for float32).
  No difference is taken, so nothing cancels: the result is good to a few rounding errors.
  It needs a loss that is analytic in the parameters: not for models with ``abs``.
* ``central``: ``(l(θ + h_j e_j) - l(θ - h_j e_j)) / (2 h_j)`` on the derived float
  kernels' loss (``Kernels.loss``), with ``h_j = cbrt(eps) * max(1, |θ_j|)`` (eps of the
  dtype: 6.1e-06 in float64, 4.9e-03 in float32), which balances the truncation error
  (h²) against the rounding error (eps/h); the step actually taken, ``θ_j + h_j - (θ_j -
  h_j)``, is the divisor. Its error is about eps^(2/3) times the loss's scale: 4e-11 in
  float64, 2e-5 in float32.

``auto`` (the default) takes the complex step when the model allows it, else central
differences. The loss row is the derived kernels' loss. In trajectory mode the gradient
drives ``analytic_sgd.numeric.update_rule.SGDRule`` (torch.optim.SGD's rule).

>>> from analytic_sgd.problems.problem import example_problem
>>> fd = FiniteDifferenceAdapter(example_problem("worked-linear"), "float64", method="central")
>>> loss, grad = fd.gradient(fd.start, fd.x[:3], fd.y[:3])
>>> float(loss), [round(float(g), 6) for g in grad]
(146.66666666666666, [-26.666667, -24.0])
>>> fd.method, FiniteDifferenceAdapter(example_problem("worked-linear"), "float64").method
('central', 'complex-step')
"""

from __future__ import annotations

import numpy as np

from ..errors import OptionError
from .adapter import Adapter
from .expression import is_analytic, to_loss

__all__ = ["FiniteDifferenceAdapter", "choose_method", "FD_METHODS", "COMPLEX_STEP"]

FD_METHODS = ("auto", "complex-step", "central")
COMPLEX_STEP = 1e-20


def choose_method(model, method: str = "auto") -> str:
    """``complex-step`` or ``central``: ``method``, or for ``auto`` the complex step when the
    model allows it. OptionError for an unknown method, or the complex step on ``abs``."""
    if method not in FD_METHODS:
        raise OptionError(f"finite-difference method must be one of {', '.join(FD_METHODS)}, "
                          f"got {method!r}")
    analytic = is_analytic(model.expr)
    if method == "complex-step" and not analytic:
        raise OptionError(f"the complex step needs a model without abs; {model.text} uses it: "
                          "use --fd-method central")
    return method if method != "auto" else ("complex-step" if analytic else "central")


class FiniteDifferenceAdapter(Adapter):
    """Finite-difference gradients of the problem's loss (see the module docstring)."""

    name = "finite-difference"

    def __init__(self, problem, dtype: str, method: str = "auto") -> None:
        self.method = choose_method(problem.model, method)
        super().__init__(problem, dtype)
        self.version = self.method
        self.eps = float(np.finfo(self.dtype).eps)
        self.complex_dtype = np.result_type(self.dtype, np.complex64)  # complex64 or complex128
        if self.method == "complex-step":
            self._complex_loss = to_loss(problem.model, problem.loss, np)
            self.notes = (f"gradient by the complex step: dl/dθ_j = Im l(θ + ih e_j)/h, h = "
                          f"{COMPLEX_STEP:g}, in {self.complex_dtype.name}; loss from "
                          "the derived kernels",)
        else:
            self.notes = (f"gradient by central differences of the derived kernels' loss, h_j = "
                          f"cbrt(eps)*max(1, |θ_j|), cbrt(eps) = {np.cbrt(self.eps):.2g}",)
        self.notes += ("update by analytic_sgd.numeric.update_rule.SGDRule (torch.optim.SGD's rule)",)

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        theta = np.asarray(theta, self.dtype)
        with np.errstate(all="ignore"):
            value = self.kernels.loss(theta, x, y)
            grad = (self._complex_step if self.method == "complex-step" else self._central)(
                theta, x, y)
        return self.dtype(value), grad.astype(self.dtype)

    def _central(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        loss, grad = self.kernels.loss, np.empty(len(theta), np.float64)
        for j in range(len(theta)):
            h = self.dtype(np.cbrt(self.eps) * max(1.0, abs(float(theta[j]))))
            up, down = theta.copy(), theta.copy()
            up[j], down[j] = theta[j] + h, theta[j] - h
            grad[j] = (float(loss(up, x, y)) - float(loss(down, x, y))) / (float(up[j]) -
                                                                          float(down[j]))
        return grad

    def _complex_step(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ctype = self.complex_dtype.type
        columns, grad = self.columns(x), np.empty(len(theta), np.float64)
        for j in range(len(theta)):
            shifted = theta.astype(ctype)
            shifted[j] += ctype(1j * COMPLEX_STEP)
            value = self._complex_loss(list(shifted), columns, y)
            grad[j] = float(np.imag(value)) / COMPLEX_STEP
        return grad
