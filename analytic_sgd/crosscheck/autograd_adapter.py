"""HIPS autograd: ``autograd.value_and_grad`` of the loss in ``autograd.numpy``.

The model is the sympy expression rewritten in ``autograd.numpy`` operations; the loss is
``np.mean((pred - y)**2)`` (``np.sum`` for SSE, ``np.sqrt`` of the mean for RMSE), on
arrays of the run's dtype. autograd has no optimizer with ``torch.optim.SGD``'s semantics,
so the update is ``analytic_sgd.numeric.update_rule.SGDRule`` (torch's rule): in trajectory
mode only the gradients are autograd's.

Needs the ``autograd`` extra (``pip install 'analytic-sgd[autograd]'``), imported when an
adapter is made.
"""

from __future__ import annotations

from importlib import metadata

import numpy as np

from .adapter import Adapter, require
from .expression import to_loss

__all__ = ["AutogradAdapter"]


class AutogradAdapter(Adapter):
    """The problem in HIPS autograd: ``value_and_grad`` for the gradient, SGDRule to update."""

    name = "autograd"

    def __init__(self, problem, dtype: str) -> None:
        super().__init__(problem, dtype)
        autograd = require("autograd", "autograd", "autograd")
        anp = require("autograd.numpy", "autograd", "autograd")
        try:
            self.version = metadata.version("autograd")
        except metadata.PackageNotFoundError:
            self.version = "?"
        loss = to_loss(problem.model, problem.loss, anp)
        size = len(self.start)

        def batch_loss(theta, columns, y):
            return loss([theta[i] for i in range(size)], columns, y)

        self._value_and_grad = autograd.value_and_grad(batch_loss)
        self._hessian = autograd.hessian(batch_loss)
        self.hessian_notes = ("Hessian by autograd.hessian of the batch loss",)
        self.notes = ("gradient by autograd.value_and_grad",
                      "update by analytic_sgd.numeric.update_rule.SGDRule (torch.optim.SGD's rule)")

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        theta = np.asarray(theta, self.dtype)
        value, grad = self._value_and_grad(theta, self.columns(x), np.asarray(y, self.dtype))
        return self.dtype(value), np.asarray(grad).astype(self.dtype)

    def hessian(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``autograd.hessian`` of the batch loss at ``theta``."""
        theta = np.asarray(theta, self.dtype)
        h = self._hessian(theta, self.columns(x), np.asarray(y, self.dtype))
        return np.asarray(h).astype(self.dtype)
