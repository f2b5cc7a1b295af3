"""``a*b + c`` rounded once, as torch's CPU kernels compute ``y.add(x, alpha=a)``.

torch computes ``y + a*x`` with one rounding (a fused multiply-add) on CPUs with AVX2 or
AVX-512. numpy has no fused multiply-add, so these functions emulate it exactly: float64
by Boldo & Melquiond's rounding to odd (Fractions where it could over- or underflow),
float32 by rounding the exact float64 product-sum to odd, then to float32.

>>> fma64(0.1, np.array([3.0]), np.array([-0.3])).tolist()  # one rounding: not 0.0
[2.7755575615628914e-17]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["fma64", "fma32"]


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


def fma64(a: Any, b: np.ndarray, c: np.ndarray) -> np.ndarray:
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


def fma32(a: Any, b: np.ndarray, c: np.ndarray) -> np.ndarray:
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
