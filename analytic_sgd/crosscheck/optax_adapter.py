"""optax: its own ``optax.sgd``, not this project's update rule; the gradient by JAX.

The optimizer is what an optax user writes for torch.optim.SGD's settings::

    optax.chain(optax.add_decayed_weights(weight_decay),
                optax.sgd(learning_rate, momentum or None, nesterov))

Weight decay comes first: torch adds ``weight_decay*params`` to the gradient before its
momentum, as ``add_decayed_weights`` does to the updates. optax's momentum is
``optax.trace``: ``t = g + momentum*t`` from ``t = 0``, so its first trace is ``g``, as
torch's first buffer; then ``t_k = g_k + momentum*t_{k-1}`` is torch's ``buf = momentum*buf
+ (1 - dampening)*g`` with dampening 0, and optax's nesterov update ``g + momentum*t`` is
torch's. The update is ``params + (-lr*t)`` (``optax.apply_updates``): two roundings where
torch's CPU kernel rounds ``params - lr*t`` once, so the two agree to rounding, not bitwise
(measured in float64 on six steps of random gradients given to both, for five sets of
momentum, nesterov and weight decay: within a relative 3e-14).

optax has no dampening and no maximize: a problem with ``dampening != 0`` or
``maximize`` is refused (OptionError naming the setting, exit 2 on the command line).
The loss and gradient are JAX's (``jax.value_and_grad``, as the ``jax`` backend), in
64-bit mode for float64 runs. Needs the ``optax`` extra (``pip install
'analytic-sgd[optax]'``: optax, jax, jaxlib), imported when an adapter is made.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..errors import OptionError
from ..numeric.trajectory import Trajectory
from .adapter import require, torch_options
from .jax_adapter import JaxAdapter

__all__ = ["OptaxAdapter", "refuse_for_optax"]


def refuse_for_optax(settings) -> None:
    """OptionError naming the first setting ``optax.sgd`` cannot express."""
    if Fraction(str(settings.dampening)) != 0:
        raise OptionError.for_field("dampening", settings.dampening, "0 for the optax backend",
                                    "optax.sgd's momentum is t = g + momentum*t (torch's with "
                                    "dampening 0) and has no dampening; use --against torch")
    if settings.maximize:
        raise OptionError.for_field("maximize", True, "off for the optax backend",
                                    "optax.sgd has no maximize; minimize the negated loss")


class OptaxAdapter(JaxAdapter):
    """The problem in JAX with optax's own SGD (module docstring)."""

    name = "optax"

    def __init__(self, problem, dtype: str) -> None:
        refuse_for_optax(problem.settings)
        super().__init__(problem, dtype)
        self.optax = require("optax", "optax", "optax")
        self.version = f"{self.optax.__version__} (jax {self.jax.__version__})"
        options = torch_options(problem.settings)
        self._options = options
        lr = "lr" if problem.settings.lr.constant is not None else "schedule"
        momentum = f"optax.sgd({lr}" + (f", momentum={options['momentum']:g}" if options["momentum"]
                                     else "") + (", nesterov=True)" if options["nesterov"] else ")")
        self.notes = (self.notes[0], f"update by optax.chain(optax.add_decayed_weights("
                      f"{options['weight_decay']:g}), {momentum}), optax.apply_updates")

    def _transform(self):
        o, optax = self._options, self.optax
        return optax.chain(optax.add_decayed_weights(o["weight_decay"]),
                           optax.sgd(self._learning_rate(), o["momentum"] or None, o["nesterov"]))

    def _learning_rate(self):
        """A number, or an optax schedule: a function of optax's step count (from 0), here
        the learning rates of the run's steps looked up by count."""
        schedule = self.problem.settings.lr
        if schedule.constant is not None:
            return self._options["lr"]
        per_epoch, steps = len(self.batches()[0]), sum(len(e) for e in self.batches())
        t = np.arange(steps)
        rates = self.jax.numpy.asarray(schedule.floats(t, t // per_epoch), self.dtype)
        return lambda count: rates[count]

    def trajectory(self) -> Trajectory:
        with self._x64():
            jnp, optax = self.jax.numpy, self.optax
            transform = self._transform()
            theta = jnp.asarray(self.start)
            state, rows = transform.init(theta), []
            for epoch, batches in enumerate(self.batches(), start=1):
                for b, index in enumerate(batches, start=1):
                    columns = [jnp.asarray(c) for c in self.columns(self.x[index])]
                    value, grad = self._value_and_grad(theta, columns, jnp.asarray(self.y[index]))
                    updates, state = transform.update(grad, state, theta)
                    updated = optax.apply_updates(theta, updates)
                    rows.append((epoch, b, index, np.asarray(theta), self.dtype(value),
                                 np.asarray(grad).astype(self.dtype), np.asarray(updated)))
                    theta = updated
            return self._collect(rows)
