"""JAX: ``jax.value_and_grad`` of the loss in ``jax.numpy``, then torch's update rule.

The model is the sympy expression rewritten in ``jax.numpy`` operations; the loss is
``jnp.mean((pred - y)**2)`` (``jnp.sum`` for SSE, ``jnp.sqrt`` of the mean for RMSE).
float64 runs enable 64-bit mode (``jax.enable_x64``) for the duration of the run only;
float32 runs use JAX's default 32-bit mode. Functions are not ``jax.jit``-compiled: each
operation runs eagerly, as the gradient of a one-off script would.

JAX itself has no optimizer, so the update is ``analytic_sgd.numeric.update_rule.SGDRule``,
which follows torch's update (the same bits given the same gradient): in trajectory mode
only the gradients are JAX's. The ``optax`` backend (``optax_adapter.py``) runs optax's own
``sgd`` instead (torch's momentum semantics when dampening is 0).

Needs the ``jax`` extra (``pip install 'analytic-sgd[jax]'``), imported when an adapter is
made.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..numeric.trajectory import Trajectory
from .adapter import Adapter, require
from .expression import to_loss

__all__ = ["JaxAdapter"]


class JaxAdapter(Adapter):
    """The problem in JAX: ``jax.value_and_grad`` for the gradient, SGDRule for the update."""

    name = "jax"

    def __init__(self, problem, dtype: str) -> None:
        super().__init__(problem, dtype)
        self.jax = jax = require("jax", "jax", "jax")
        self._wide = self.arithmetic.dtype.itemsize == 8  # 64-bit floats need JAX's x64 mode
        jnp = require("jax.numpy", "jax", "jax")
        self.version = jax.__version__
        loss = to_loss(problem.model, problem.loss, jnp)
        size = len(self.start)

        def batch_loss(theta, columns, y):
            return loss([theta[i] for i in range(size)], columns, y)

        self._value_and_grad = jax.value_and_grad(batch_loss)
        self._hessian = jax.hessian(batch_loss)
        mode = "64-bit mode (jax.enable_x64)" if self._wide else "default 32-bit mode"
        self.hessian_notes = (f"Hessian by jax.hessian of the batch loss, eager (no jit), {mode}",)
        self.notes = (f"gradient by jax.value_and_grad, eager (no jit), {mode}",
                      "update by analytic_sgd.numeric.update_rule.SGDRule (torch.optim.SGD's rule)")

    def _x64(self):
        """64-bit mode on for float64 runs, off for float32 runs; restored afterwards."""
        jax, on = self.jax, self._wide
        if callable(getattr(jax, "enable_x64", None)):
            return jax.enable_x64(on)
        try:  # older JAX
            from jax.experimental import disable_x64, enable_x64
        except ImportError:
            return contextlib.nullcontext()
        return enable_x64() if on else disable_x64()

    def gradient(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
        with self._x64():
            jnp = self.jax.numpy
            value, grad = self._value_and_grad(jnp.asarray(theta), [jnp.asarray(c) for c in
                                                                   self.columns(x)], jnp.asarray(y))
            return self.dtype(value), np.asarray(grad).astype(self.dtype)

    def hessian(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``jax.hessian`` of the batch loss at ``theta``."""
        with self._x64():
            jnp = self.jax.numpy
            h = self._hessian(jnp.asarray(theta), [jnp.asarray(c) for c in self.columns(x)],
                              jnp.asarray(y))
            return np.asarray(h).astype(self.dtype)

    def trajectory(self) -> Trajectory:
        with self._x64():
            return super().trajectory()

    def gradients(self) -> Trajectory:
        with self._x64():
            return super().gradients()
