"""The SGD update rule, with ``torch.optim.SGD``'s semantics (its ``_single_tensor_sgd``).

One step: ``g = -grad if maximize else grad``; ``g += weight_decay*params``; with momentum,
``buf = momentum*buf + (1-dampening)*g`` (the first ``buf`` is a copy of ``g``) and
``g = g + momentum*buf if nesterov else buf``; then ``params_new = params - lr*g``.

float32 and float64 cast each setting once from the Python float torch would get
(``1 - dampening`` in float64 first, as torch) and stay in their dtype. torch computes
``y.add(x, alpha=a)`` with one rounding (fused multiply-add) on CPUs with AVX2 or AVX-512,
with two under ``ATEN_CPU_CAPABILITY=default``: ``fma=True`` (default) emulates the first
exactly, ``fma=False`` is the second. Exact (dtype object) uses sympy Rationals; a float
setting is read as the decimal Python prints for it (0.01 -> 1/100).

Example:
    >>> rule = SGDRule(SGDSettings(lr=0.1, momentum=0.9), "exact")
    >>> p = rule.step(np.array([1, 1], dtype=object), np.array([2, -4], dtype=object))
    >>> print(p, rule.step(p, np.array([2, -4], dtype=object)))
    [4/5 7/5] [21/50 54/25]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import DataError, OptionError

__all__ = ["SGDSettings", "SGDRule", "check_settings", "sgd_update"]
_NUMBERS = ("lr", "momentum", "dampening", "weight_decay")


def check_settings(s: SGDSettings) -> None:
    """Raise OptionError naming the option and value unless lr, momentum, dampening and
    weight_decay are finite numbers >= 0 (int, float, Fraction, sympy number), nesterov and
    maximize bools, and nesterov has momentum > 0 and dampening == 0 (as in torch)."""
    for name in _NUMBERS:
        v = getattr(s, name)
        ok = isinstance(v, (int, Fraction, np.integer)) or (
            isinstance(v, (float, np.floating)) and math.isfinite(v)) or (
            getattr(v, "is_Number", False) is True and v.is_finite is True)  # sympy
        if not ok or isinstance(v, (bool, np.bool_)) or v < 0:
            raise OptionError(f"{name} must be a finite number >= 0 (int, float, Fraction or "
                              f"sympy Rational), got {v!r}")
    for name in ("nesterov", "maximize"):
        if not isinstance(getattr(s, name), (bool, np.bool_)):
            raise OptionError(f"{name} must be True or False, got {getattr(s, name)!r}")
    if s.nesterov and (s.momentum <= 0 or s.dampening != 0):
        raise OptionError("nesterov needs momentum > 0 and dampening == 0 (as torch.optim.SGD), "
                          f"got momentum={s.momentum!r}, dampening={s.dampening!r}")


@dataclass(frozen=True)
class SGDSettings:
    """The options of ``torch.optim.SGD``, validated; values kept as given (never converted)."""

    lr: Any
    momentum: Any = 0
    dampening: Any = 0
    nesterov: bool = False
    weight_decay: Any = 0
    maximize: bool = False

    def __post_init__(self) -> None:
        check_settings(self)


def _exact(v: Any) -> Any:
    from ..kernels.exact import to_exact  # only exact arithmetic needs sympy

    return to_exact(v, decimal=True)  # a float setting is the decimal it prints as


def _odd(s: float, e: float) -> float:
    """``s + e`` (where s = RN(s + e)) rounded to odd: to the neighbour with an odd last bit."""
    if e and math.isfinite(e) and not int(s / math.ulp(s)) & 1:
        return math.nextafter(s, math.copysign(math.inf, e))
    return s


def _exact_fma(a: float, b: float, c: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    x = Fraction(a) * Fraction(b) + Fraction(c)
    big = abs(x) >= 2**1024 - 2**970  # rounds beyond the largest float
    return (math.inf if x > 0 else -math.inf) if big else float(x) if x else a * b + c


def _fma64(a: Any, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``a*b + c`` rounded once in float64 (|a| < 2**900): Boldo & Melquiond's emulation by
    rounding to odd, Fractions where it could over/underflow. A Python loop: faster than
    numpy for the few parameters of a model."""
    a = float(a)
    t = 134217729.0 * a  # Veltkamp's split, 2**27 + 1
    ah, out = t - (t - a), []
    al = a - ah
    for bi, ci in zip(b.ravel().tolist(), c.ravel().tolist(), strict=True):
        p, t = a * bi, 134217729.0 * bi
        bh = t - (t - bi)
        bl = bi - bh
        pl = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + pl exactly
        th = ci + p  # th + tl == c + p exactly (TwoSum), then v + e == tl + pl
        bb = th - ci
        tl = (ci - (th - bb)) + (p - bb)
        v = tl + pl
        bb = v - tl
        z = th + _odd(v, (tl - (v - bb)) + (pl - bb))
        if not (math.isfinite(z) and abs(bi) < 2.0**900 and (
                abs(p) > 2.0**-900 or not (a and bi))):
            z = _exact_fma(a, bi, ci)
        out.append(p + ci if z == 0 else z)  # an exact zero takes IEEE's sign
    return np.array(out, dtype=np.float64).reshape(np.shape(c))


def _fma32(a: Any, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``a*b + c`` rounded once in float32: the product is exact in float64, the sum is
    rounded to odd in float64, then to float32 (correct, as 53 >= 24 + 2)."""
    a, out = float(a), []
    for bi, ci in zip(b.ravel().tolist(), c.ravel().tolist(), strict=True):
        p = a * bi
        s = p + ci
        bb = s - p
        out.append(_odd(s, (p - (s - bb)) + (ci - bb)))
    with np.errstate(over="ignore"):
        return np.array(out, dtype=np.float64).astype(np.float32).reshape(np.shape(c))


def sgd_update(params: np.ndarray, grad: np.ndarray, buf: np.ndarray | None,
               settings: SGDSettings, *, fma: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """One pure step, returning ``(new_params, new_buf)``; ``buf`` is None at the first step.
    The arithmetic follows ``params.dtype``: float32, float64, or object (exact).

    Example:
        >>> sgd_update(np.array([1.0]), np.array([2.0]), None, SGDSettings(lr=0.5))
        (array([0.]), None)
    """
    dtype = np.asarray(params).dtype.name
    rule = SGDRule(settings, dtype if dtype in ("float32", "object") else "float64", fma=fma)
    rule.buf = buf
    return rule.step(params, grad), rule.buf


class SGDRule:
    """The update rule of ``torch.optim.SGD`` for one parameter vector; keeps the buffer.
    ``step`` returns a new params array of ``dtype`` and never mutates its inputs.

    Args:
        settings: the options (validated by SGDSettings).
        dtype: ``np.float32``, ``np.float64``, or ``object`` / ``"exact"`` (sympy numbers).
        fma: round each ``y + a*x`` once, as torch on AVX2/AVX-512 CPUs (module docstring).

    Example:
        >>> rule = SGDRule(SGDSettings(lr=0.5), np.float32)
        >>> rule.step(np.array([1.0], np.float32), np.array([2.0], np.float32))
        array([0.], dtype=float32)
    """

    def __init__(self, settings: SGDSettings, dtype: Any, *, fma: bool = True) -> None:
        self.settings, self.buf = settings, None
        self.dtype = object if isinstance(dtype, str) and dtype == "exact" else dtype
        if self.dtype not in (np.float32, np.float64, object, "float32", "float64", "object"):
            raise OptionError(f"dtype must be float32, float64 or object (exact), got {dtype!r}")
        self.dtype = np.dtype(self.dtype)
        exact = self.dtype == object
        if not exact:  # settings are cast once, from the Python floats torch would be given
            limit = min(float(np.finfo(self.dtype).max), 2.0**900)
            for n in (n for n in _NUMBERS if not getattr(settings, n) < limit):
                raise OptionError(f"{n}={getattr(settings, n)!r} is too large for {self.dtype}")
        c = {n: (_exact if exact else float)(getattr(settings, n)) for n in _NUMBERS}
        c["1-dampening"] = 1 - c["dampening"]
        self._c = c if exact else {n: self.dtype.type(v) for n, v in c.items()}
        self._fma = {"float32": _fma32, "float64": _fma64}.get(self.dtype.name) if fma else None
        self._fma = self._fma or (lambda a, x, y: y + a * x)

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Return the params after one step at ``grad``, updating the momentum buffer."""
        c, fma, buf = self._c, self._fma, self.buf
        params, grad = np.asarray(params, self.dtype), np.asarray(grad, self.dtype)
        if grad.shape != params.shape or (buf is not None and buf.shape != params.shape):
            raise DataError(f"params have shape {params.shape}, grad {grad.shape}, momentum "
                            f"buffer {None if buf is None else buf.shape}: match them or reset()")
        g = -grad if self.settings.maximize else grad
        if c["weight_decay"] != 0:
            g = fma(c["weight_decay"], params, g)
        if c["momentum"] != 0:
            buf = g.copy() if buf is None else fma(c["1-dampening"], g, buf * c["momentum"])
            g = fma(c["momentum"], buf, g) if self.settings.nesterov else buf
        self.buf = buf
        return np.asarray(fma(-c["lr"], g, params), self.dtype)

    def reset(self) -> None:
        """Forget the momentum buffer: the next step starts afresh, as a new optimizer."""
        self.buf = None
