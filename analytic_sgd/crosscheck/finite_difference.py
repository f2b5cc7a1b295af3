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

The Hessian (hessian mode) is taken by central differences of the gradient: with the
complex step, ``(g(θ + h_k e_k) - g(θ - h_k e_k)) / (2 h_k)`` and the same h_k as above
(error about eps^(2/3), as central differences of the loss); with central differences,
the second difference of the loss ``(l(++) - l(+-) - l(-+) + l(--)) / (4 h_j h_k)``,
``h_j = eps^(1/4) * max(1, |θ_j|)``, whose error is about sqrt(eps) times the loss's scale
(1.5e-08 in float64, 3.5e-04 in float32). A difference that straddles a kink (``abs``, or
the RMSE of one row, whose loss is ``|residual|``) is not the Hessian on either side of it:
use the complex step there, or a framework.

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
        if self.method == "complex-step":
            hessian = ("Hessian by central differences of the complex-step gradient, h_k = "
                       "cbrt(eps)*max(1, |θ_k|)")
        else:
            hessian = ("Hessian by second differences of the derived kernels' loss, h_j = "
                       f"eps^(1/4)*max(1, |θ_j|), eps^(1/4) = {self.eps**0.25:.2g}")
        self.hessian_notes = (hessian,)
        self.notes += ("update by analytic_sgd.numeric.update_rule.SGDRule (torch.optim.SGD's rule)",)

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        theta = np.asarray(theta, self.dtype)
        with np.errstate(all="ignore"):
            value = self.kernels.loss(theta, x, y)
            grad = (self._complex_step if self.method == "complex-step" else self._central)(
                theta, x, y)
        return self.dtype(value), grad.astype(self.dtype)

    def hessian(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The Hessian of the batch loss at ``theta`` by differences (module docstring)."""
        theta = np.asarray(theta, self.dtype)
        with np.errstate(all="ignore"):
            if self.method == "complex-step":
                return self._gradient_differences(theta, x, y).astype(self.dtype)
            return self._second_differences(theta, x, y).astype(self.dtype)

    def _steps(self, theta: np.ndarray, root: float) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """For each parameter j: θ + h_j e_j, θ - h_j e_j and the step taken between them."""
        out = []
        for j in range(len(theta)):
            h = self.dtype(self.eps ** root * max(1.0, abs(float(theta[j]))))
            up, down = theta.copy(), theta.copy()
            up[j], down[j] = theta[j] + h, theta[j] - h
            out.append((up, down, float(up[j]) - float(down[j])))
        return out

    def _gradient_differences(self, theta, x, y) -> np.ndarray:
        p = len(theta)
        h = np.empty((p, p), np.float64)
        for k, (up, down, width) in enumerate(self._steps(theta, 1 / 3)):
            h[:, k] = (self._complex_step(up, x, y) - self._complex_step(down, x, y)) / width
        return h

    def _second_differences(self, theta, x, y) -> np.ndarray:
        loss, steps, p = self.kernels.loss, self._steps(theta, 1 / 4), len(theta)
        h = np.empty((p, p), np.float64)
        for j in range(p):
            for k in range(p):
                value = 0.0
                for sign_j, sign_k in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    point = theta.copy()
                    point[j] = steps[j][0 if sign_j > 0 else 1][j]
                    point[k] = (point[k] + (steps[k][0][k] - theta[k]) * sign_k if j == k
                                else steps[k][0 if sign_k > 0 else 1][k])
                    value += sign_j * sign_k * float(loss(point, x, y))
                h[j, k] = value / (steps[j][2] * steps[k][2])
        return h

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
