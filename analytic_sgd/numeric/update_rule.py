"""The SGD update rule, with ``torch.optim.SGD``'s semantics (its ``_single_tensor_sgd``).

One step: ``g = -grad if maximize else grad``; ``g += weight_decay*params``; with momentum,
``buf = momentum*buf + (1-dampening)*g`` (the first ``buf`` is a copy of ``g``) and
``g = g + momentum*buf if nesterov else buf``; then ``params_new = params - lr*g``, with
lr the schedule's value at the step.

Each setting is converted once by the arithmetic (``Arithmetic.setting``): exact reads it
as the decimal it is written as (0.01 -> 1/100); float32 and float64 cast the Python float
torch would get (``1 - dampening`` in float64 first, as torch) and stay in their dtype.
torch computes ``y.add(x, alpha=a)`` with one rounding (fused multiply-add) on CPUs with
AVX2 or AVX-512, with two under ``ATEN_CPU_CAPABILITY=default``: ``fma=True`` (default)
emulates the first exactly (``analytic_sgd.numeric.fma``), ``fma=False`` is the second.

Example:
    >>> rule = SGDRule(Settings(lr=0.1, momentum=0.9), "exact")
    >>> p = rule.step(np.array([1, 1], dtype=object), np.array([2, -4], dtype=object))
    >>> print(p, rule.step(p, np.array([2, -4], dtype=object)))
    [4/5 7/5] [21/50 54/25]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic, for_dtype, get_arithmetic
from ..conventions.settings import NUMBERS, Settings
from ..errors import DataError, OptionError
from .fma import fma32, fma64
from .learning_rate import LIMIT, learning_rate_at

__all__ = ["SGDRule", "sgd_update", "torch_step"]

def _exactly(value: Any) -> Any:
    """A checked setting, comparable without overflow (a decimal string read exactly)."""
    return Fraction(value) if isinstance(value, str) else value


def _plain_fma(a, x, y):
    return y + a * x


class SGDRule:
    """The update rule of ``torch.optim.SGD`` for one parameter vector; keeps the buffer.
    ``step`` returns a new params array of the arithmetic's dtype and never mutates its inputs.

    Args:
        settings: the optimizer settings (a ``Settings``).
        arithmetic: an Arithmetic or its name (``exact``, ``float64``, ``float32``).
        fma: round each ``y + a*x`` once, as torch on AVX2/AVX-512 CPUs (module docstring).

    Example:
        >>> rule = SGDRule(Settings(lr=0.5), "float32")
        >>> rule.step(np.array([1.0], np.float32), np.array([2.0], np.float32))
        array([0.], dtype=float32)
    """

    def __init__(self, settings: Settings, arithmetic: str | Arithmetic, *,
                 fma: bool = True) -> None:
        if not isinstance(settings, Settings):
            raise OptionError(f"SGDRule needs a Settings, got {type(settings).__name__}; make "
                              "one with Settings(lr=..., momentum=...)")
        self.settings, self.buf = settings, None
        self.arithmetic = a = get_arithmetic(arithmetic)
        self.dtype = a.dtype
        if not a.exact:  # settings are cast once, from the Python floats torch would be given
            limit = min(float(np.finfo(a.dtype).max), LIMIT)
            for name in (n for n in NUMBERS if not abs(_exactly(getattr(settings, n))) < limit):
                raise OptionError(f"{name}={getattr(settings, name)!r} is too large for {a}")
        c = {n: a.setting(getattr(settings, n)) for n in NUMBERS}
        c["1-dampening"] = 1 - c["dampening"]
        if not a.exact:
            c = {n: a.scalar(v) for n, v in c.items()}
        self.constants = c  # weight_decay, momentum, dampening, 1-dampening: converted once
        self._fma = {np.dtype(np.float32): fma32, np.dtype(np.float64): fma64}.get(a.dtype) \
            if fma else None
        self._fma = self._fma or _plain_fma
        constant = settings.lr.constant
        self._lr = None if constant is None else learning_rate_at(settings.lr, a, 0, 0)

    def lr(self, t: int = 0, epoch: int = 0) -> Any:
        """The learning rate of step ``t`` (from 0) in epoch ``epoch`` (from 0), converted."""
        return self._lr if self._lr is not None else learning_rate_at(self.settings.lr,
                                                                      self.arithmetic, t, epoch)

    def step(self, params: np.ndarray, grad: np.ndarray, t: int = 0, epoch: int = 0, *,
             lr: Any = None) -> np.ndarray:
        """Return the params after step ``t`` (from 0) of epoch ``epoch`` at ``grad``, updating
        the momentum buffer; ``lr`` (converted already) replaces the schedule's value."""
        c, fma, buf = self.constants, self._fma, self.buf
        params, grad = np.asarray(params, self.dtype), np.asarray(grad, self.dtype)
        if grad.shape != params.shape or (buf is not None and buf.shape != params.shape):
            raise DataError(f"params have shape {params.shape}, grad {grad.shape}, momentum "
                            f"buffer {None if buf is None else buf.shape}: match them or reset()")
        lr = self.lr(t, epoch) if lr is None else lr
        params, self.buf = torch_step(params, grad, buf, c, lr, self.settings, fma)
        return np.asarray(params, self.dtype)

    def reset(self) -> None:
        """Forget the momentum buffer: the next step starts afresh, as a new optimizer."""
        self.buf = None


def torch_step(params, grad, buf, constants: dict, lr, settings: Settings,
               fma=_plain_fma) -> tuple[Any, Any]:
    """torch.optim.SGD's step on arrays of one arithmetic: ``(new params, new buffer)``.

    ``constants``: weight_decay, momentum and 1-dampening in the arithmetic
    (``SGDRule.constants``); ``fma(a, x, y)``: ``y + a*x`` as the arithmetic rounds it (the
    exact engine's rationals: exactly). ``buf`` is None before the first momentum step.

    >>> c = {"weight_decay": 0, "momentum": 0, "1-dampening": 1}
    >>> torch_step(np.array([1.0]), np.array([2.0]), None, c, 0.5, Settings(lr=0.5))
    (array([0.]), None)
    """
    g = -grad if settings.maximize else grad
    if constants["weight_decay"] != 0:
        g = fma(constants["weight_decay"], params, g)
    if constants["momentum"] != 0:
        buf = g.copy() if buf is None else fma(constants["1-dampening"], g,
                                               buf * constants["momentum"])
        g = fma(constants["momentum"], buf, g) if settings.nesterov else buf
    return fma(-lr, g, params), buf


def sgd_update(params: np.ndarray, grad: np.ndarray, buf: np.ndarray | None,
               settings: Settings, *, fma: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """One pure step, returning ``(new_params, new_buf)``; ``buf`` is None at the first step.
    The arithmetic follows ``params.dtype``: float32, float64, or object (exact).

    Example:
        >>> sgd_update(np.array([1.0]), np.array([2.0]), None, Settings(lr=0.5))
        (array([0.]), None)
    """
    rule = SGDRule(settings, for_dtype(np.asarray(params).dtype), fma=fma)
    rule.buf = buf
    return rule.step(params, grad), rule.buf
