"""PyTorch's CPU default generator, reproduced bit for bit in NumPy (no torch needed).

Engine
------
``torch.manual_seed(s)`` seeds a 32-bit Mersenne Twister (MT19937) with the
standard ``init_genrand`` recurrence on ``s mod 2**32`` (torch accepts
``-2**63 <= s < 2**64`` and a negative seed is read as unsigned, so only the
low 32 bits matter). Here the 624-word state is twisted in three vectorized
NumPy slices plus one word, and whole blocks are tempered at once.

Uniform
-------
float32: one 32-bit word ``r`` per element, ``(r & (2**24 - 1)) * 2**-24``.
float64: two words (first one high), low 53 bits of the 64-bit value times
``2**-53``. ``uniform_(a, b)`` returns ``fma(u, b - a, a)``: torch's kernel is
compiled with FMA contraction, so one rounding, not two; a result that rounds
up to ``b`` is replaced by ``a``. Every size takes the same serial path.

Normal
------
Fewer than 16 elements: Box-Muller in double on two 53-bit uniforms,
``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1``; ``r cos(theta)`` is returned
and ``r sin(theta)`` is cached for the next element, even across calls, until
the next seed. 16 or more: all uniforms are drawn first; every block of 16 maps
``u[j]``, ``u[j + 8]`` to ``r cos``, ``r sin`` with ``u1 = 1 - u[j]``; a partial
tail draws 16 fresh uniforms and recomputes the last 16 outputs. float32 uses
torch's AVX2 kernel (Cephes polynomials of ``avx_mathfun.h`` with the FMAs
GCC contracts, emulated exactly); float64 uses libm through :mod:`math`.

Scope
-----
Checked against torch 2.13.0 on x86-64 with AVX2 or AVX-512 kernels. Under
``ATEN_CPU_CAPABILITY=default`` torch has no FMA, and ``uniform``, float32
``randn`` of 16 or more and ``linspace`` differ from it in the last bit.

Example
-------
>>> g = TorchGenerator(42)
>>> g.rand(3).tolist()
[0.8822692632675171, 0.9150039553642273, 0.38286375999450684]
>>> [f"{v:.4f}" for v in TorchGenerator(0).randn(2)]
['1.5410', '-0.2934']
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import OptionError

__all__ = ["TorchGenerator", "noisy_quadratic_data"]

_F = np.float32
_DType = type | np.dtype
_U32 = np.uint32
_UPPER, _LOWER, _MATRIX_A = _U32(0x80000000), _U32(0x7FFFFFFF), _U32(0x9908B0DF)
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1)
_LOG_P += (-1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)
_COS_P = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_SIN_P = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)


def _mix(cur: np.ndarray, nxt: np.ndarray, far: np.ndarray) -> np.ndarray:
    y = (cur & _UPPER) | (nxt & _LOWER)
    return far ^ (y >> _U32(1)) ^ ((y & _U32(1)) * _MATRIX_A)


def _twist(s: np.ndarray) -> np.ndarray:
    n = np.empty_like(s)  # new[i] needs old[i], old[i + 1] and new-or-old[i + 397]
    n[:227] = _mix(s[:227], s[1:228], s[397:])
    n[227:454] = _mix(s[227:454], s[228:455], n[:227])
    n[454:623] = _mix(s[454:623], s[455:], n[227:396])
    n[623:] = _mix(s[623:], n[:1], n[396:397])
    return n


def _temper(y: np.ndarray) -> np.ndarray:
    y = y ^ (y >> _U32(11))
    y = y ^ ((y << _U32(7)) & _U32(0x9D2C5680))
    y = y ^ ((y << _U32(15)) & _U32(0xEFC60000))
    return y ^ (y >> _U32(18))


def _fma32(a: np.ndarray, b: np.ndarray | np.floating, c: np.ndarray | np.floating) -> np.ndarray:
    """Single-rounded float32 ``a * b + c`` (the product is exact in float64)."""
    p = np.asarray(a, _F).astype(np.float64) * np.float64(b)
    c64 = np.asarray(c, _F).astype(np.float64)
    s = p + c64
    t = s - p
    err = (p - (s - t)) + (c64 - t)  # s + err == p + c exactly (TwoSum)
    mid = (s.view(np.uint64) & np.uint64(2**29 - 1)) == np.uint64(2**28)  # on a float32 tie
    s = np.where(mid & (err != 0), np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s.astype(_F)


def _horner(x: np.ndarray, coeffs: tuple[float, ...]) -> np.ndarray:
    y = np.full_like(x, _F(coeffs[0]))
    for c in coeffs[1:]:
        y = _fma32(y, x, _F(c))
    return y


def _log_avx(x: np.ndarray) -> np.ndarray:
    bits = x.view(_U32)
    e = ((bits >> _U32(23)).astype(np.int32) - 0x7F).astype(_F) + _F(1)
    x = ((bits & _U32(0x807FFFFF)) | _U32(0x3F000000)).view(_F)  # mantissa into [0.5, 1)
    small = x < _F(0.707106781186547524)
    e = e - small.astype(_F)
    x = (x - _F(1)) + np.where(small, x, _F(0))
    z = x * x
    y = _fma32(_horner(x, _LOG_P) * x, z, e * _F(-2.12194440e-4))
    y = _fma32(-z, _F(0.5), y)
    return _fma32(e, _F(0.693359375), x + y)


def _sincos_avx(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sign_sin = x.view(_U32) & _UPPER
    x = np.abs(x)
    j = ((x * _F(1.27323954473516)).astype(np.int32) + 1) & ~1
    y = j.astype(_F)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma32(y, _F(dp), x)
    sign_sin = sign_sin ^ ((j & 4) << 29).astype(_U32)
    sign_cos = ((~(j - 2) & 4) << 29).astype(_U32)
    z = x * x
    c = _fma32(_horner(z, _COS_P) * z, z, -(z * _F(0.5))) + _F(1)
    s = _fma32(_horner(z, _SIN_P) * z, x, x)
    keep = (j & 2) == 0  # otherwise the two polynomials trade places
    sin_s, sin_c = np.where(keep, s, _F(0)), np.where(keep, _F(0), c)
    sin, cos = sin_c + sin_s, (c - sin_c) + (s - sin_s)
    return (sin.view(_U32) ^ sign_sin).view(_F), (cos.view(_U32) ^ sign_cos).view(_F)


def _box_muller16(u: np.ndarray) -> np.ndarray:
    """Blocks of 16 uniforms to 16 normals, as torch's ``normal_fill_16``."""
    u = u.reshape(-1, 16)
    if u.dtype == _F:
        radius = np.sqrt(_F(-2) * _log_avx(_F(1) - u[:, :8]))
        sin, cos = _sincos_avx(_F(2.0 * math.pi) * u[:, 8:])
    else:
        libm = [np.frompyfunc(f, 1, 1) for f in (math.log, math.sin, math.cos)]
        radius = np.sqrt(-2.0 * libm[0](1.0 - u[:, :8]).astype(np.float64))
        theta = 2.0 * math.pi * u[:, 8:]
        sin, cos = (f(theta).astype(np.float64) for f in libm[1:])
    return np.concatenate([radius * cos, radius * sin], axis=1).ravel()


class TorchGenerator:
    """A fresh ``torch`` CPU generator after ``torch.manual_seed(seed)``."""

    def __init__(self, seed: int) -> None:
        if not -(2**63) <= seed < 2**64:
            raise OptionError(f"seed {seed} is out of torch's range [-2**63, 2**64)")
        x = seed & 0xFFFFFFFF
        words = [x]
        for i in range(1, 624):
            x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
            words.append(x)
        self._state = np.array(words, dtype=_U32)
        self._ready = np.empty(0, dtype=_U32)  # tempered words not consumed yet
        self._normal_cache: float | None = None

    def _words(self, k: int) -> np.ndarray:
        blocks = [self._ready]
        have = self._ready.size
        while have < k:
            self._state = _twist(self._state)
            blocks.append(_temper(self._state))
            have += 624
        out = np.concatenate(blocks)
        self._ready = out[k:]
        return out[:k]

    def _uniform01(self, n: int, dtype: np.dtype) -> np.ndarray:
        if dtype == _F:
            return (self._words(n) & _U32(0xFFFFFF)).astype(_F) * _F(2.0**-24)
        w = self._words(2 * n).astype(np.uint64)
        bits = ((w[0::2] << np.uint64(32)) | w[1::2]) & np.uint64(2**53 - 1)
        return bits.astype(np.float64) * 2.0**-53

    def rand(self, n: int, dtype: _DType = np.float32) -> np.ndarray:
        """Like ``torch.rand(n, dtype=...)``: uniform on [0, 1)."""
        return self._uniform01(*_check(n, dtype))

    def uniform(self, n: int, low: float, high: float, dtype: _DType = np.float32) -> np.ndarray:
        """Like ``torch.empty(n, dtype=...).uniform_(low, high)``."""
        n, dt = _check(n, dtype)
        a, b = dt.type(low), dt.type(high)
        if not a <= b:
            raise OptionError(f"uniform needs low <= high, got {low} > {high}")
        u = self._uniform01(n, dt)
        if dt == _F:
            out = _fma32(u, b - a, a)
        else:  # Python's int / int is correctly rounded, so this is a double fma
            (bn, bd), (an, ad) = float(b - a).as_integer_ratio(), float(a).as_integer_ratio()
            ratios = map(float.as_integer_ratio, u.tolist())
            out = np.array([(un * bn * ad + an * ud * bd) / (ud * bd * ad) for un, ud in ratios])
        return np.where(out == b, a, out)  # torch keeps [low, high): a rounded-up high is low

    def randn(self, n: int, dtype: _DType = np.float32) -> np.ndarray:
        """Like ``torch.randn(n, dtype=...)``: standard normal by Box-Muller."""
        n, dt = _check(n, dtype)
        if n < 16:
            return np.array([self._scalar_normal() for _ in range(n)], dtype=dt)
        out = _box_muller16(self._uniform01(n, dt)[: n - n % 16])
        if n % 16:  # 16 fresh uniforms replace the last 16 outputs
            out = np.concatenate([out[: n - 16], _box_muller16(self._uniform01(16, dt))])
        return out

    def _scalar_normal(self) -> float:
        if self._normal_cache is not None:
            value, self._normal_cache = self._normal_cache, None
            return value
        u1, u2 = self._uniform01(2, np.dtype(np.float64)).tolist()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._normal_cache = r * math.sin(theta)
        return r * math.cos(theta)


def _check(n: int, dtype: _DType) -> tuple[int, np.dtype]:
    if int(n) != n or n < 0:
        raise OptionError(f"the number of samples must be a whole number >= 0, got {n!r}")
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise OptionError(f"dtype must be float32 or float64, got {dt}")
    return int(n), dt


def _linspace32(start: float, end: float, steps: int) -> np.ndarray:
    """``torch.linspace`` in float32: two halves, each anchored at its own end, with FMA."""
    a, b = _F(start), _F(end)
    step = (b - a) / _F(steps - 1)
    i = np.arange(steps)
    low, high = _fma32(step, i.astype(_F), a), _fma32(-step, (steps - 1 - i).astype(_F), b)
    return np.where(i < steps // 2, low, high)


def noisy_quadratic_data() -> tuple[np.ndarray, np.ndarray]:
    """x and y of the seeded torch example, as float32 arrays of shape (20,).

    ``x = torch.linspace(-2, 2, 20)``; ``torch.manual_seed(42)``;
    ``y = f(x) + (torch.rand_like(x) * 10 - 5)`` with ``f(x) = 2 x**2 + 3 x + 4``.
    """
    x = _linspace32(-2.0, 2.0, 20)
    fx = (_F(2) * (x * x) + _F(3) * x) + _F(4)
    noise = TorchGenerator(42).rand(20) * _F(10) - _F(5)
    return x, fx + noise
