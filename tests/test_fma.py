"""The fused multiply-add emulation: a*b + c rounded once, as torch's CPU kernels do."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np

from analytic_sgd.numeric.fma import fma32, fma64


def test_fma_emulation_is_correctly_rounded():
    """The emulated a*b + c equals the exact value rounded once (Fraction as the referee)."""
    rng = np.random.default_rng(7)
    b = rng.standard_normal(400) * 2.0 ** rng.integers(-40, 40, 400)
    c = rng.standard_normal(400) * 2.0 ** rng.integers(-40, 40, 400)
    for a in (0.1, -0.01, 0.9, 1 - 0.1, -3.7e-5):
        c[::4] = -(a * b[::4])  # cancellation, where the product's low half decides
        want = [float(F(a) * F(x) + F(y)) for x, y in zip(b, c, strict=True)]
        np.testing.assert_array_equal(fma64(a, b, c), want)
        a32, b32, c32 = np.float32(a), b.astype(np.float32), c.astype(np.float32)
        exact = [F(float(a32)) * F(float(x)) + F(float(y)) for x, y in zip(b32, c32, strict=True)]
        got = fma32(a32, b32, c32)
        for g, e in zip(got, exact, strict=True):  # nearest float32: no neighbour is closer
            err = abs(F(float(g)) - e)
            for n in (np.nextafter(g, np.float32(np.inf)), np.nextafter(g, np.float32(-np.inf))):
                assert err <= abs(F(float(n)) - e)


def test_fma_edge_values():
    big, tiny = np.array([1e300, -1e-160, 5e-324]), np.array([1e300, 2e-310, -0.0])
    z = fma64(1e10, big, tiny)
    assert z[0] == np.inf and z[1] == float(F(1e10) * F(-1e-160) + F(2e-310))
    assert z[2] == float(F(1e10) * F(5e-324))
    assert np.signbit(fma64(-0.5, np.array([0.0]), np.array([-0.0])))[0]  # -0 + -0 = -0
    assert not np.signbit(fma64(1.0, np.array([2.0]), np.array([-2.0])))[0]
    assert np.isnan(fma64(0.5, np.array([np.inf]), np.array([-np.inf])))[0]


