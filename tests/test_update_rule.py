"""The SGD update rule: hand-computed cases, validation, dtypes, and torch.optim.SGD."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from helpers import P0, G, run_exact

from analytic_sgd.conventions.settings import Settings
from analytic_sgd.errors import DataError, OptionError
from analytic_sgd.numeric.update_rule import SGDRule, sgd_update


def run_float(settings: Settings, grads, dtype=np.float64, params=P0):
    rule = SGDRule(settings, np.dtype(dtype).name)
    p = np.array(params, dtype=dtype)
    out = []
    for g in grads:
        p = rule.step(p, np.array(g, dtype=dtype))
        assert p.dtype == dtype
        out.append(p)
    return out


# Expected values worked out by hand (see the comments), two steps each.
CASES = {
    # p1 = [1, 2] - 1/10*[2, -4]; p2 = p1 - 1/10*[2, -4]
    "plain": (dict(lr=F(1, 10)), [G, G], [[F(4, 5), F(12, 5)], [F(3, 5), F(14, 5)]]),
    # buf1 = g; buf2 = 9/10*g + g = [19/5, -38/5]; p2 = p1 - buf2/10
    "momentum": (dict(lr=F(1, 10), momentum=F(9, 10)), [G, G],
                 [[F(4, 5), F(12, 5)], [F(21, 50), F(79, 25)]]),
    # the first buffer is g itself (no dampening); buf2 = 9/10*g + 1/2*g = [14/5, -28/5]
    "dampening": (dict(lr=F(1, 10), momentum=F(9, 10), dampening=F(1, 2)), [G, G],
                  [[F(4, 5), F(12, 5)], [F(13, 25), F(74, 25)]]),
    # step 1: g + 9/10*buf = [19/5, -38/5]; step 2: buf = [19/5, -38/5],
    # g + 9/10*buf = [271/50, -542/50]
    "nesterov": (dict(lr=F(1, 10), momentum=F(9, 10), nesterov=True), [G, G],
                 [[F(31, 50), F(69, 25)], [F(39, 500), F(961, 250)]]),
    # g + 1/2*params = [5/2, -3]
    "weight_decay": (dict(lr=F(1, 10), weight_decay=F(1, 2)), [G],
                     [[F(3, 4), F(23, 10)]]),
    # ascent: p + lr*g
    "maximize": (dict(lr=F(1, 10), maximize=True), [G], [[F(6, 5), F(8, 5)]]),
    # lr 0 leaves the params where they are
    "lr_zero": (dict(lr=0, momentum=F(1, 2)), [G, G], [[1, 2], [1, 2]]),
    # all at once: g = -grad + 1/10*params, buf = 9/10*buf + 9/10*g, p -= buf/10
    # step 1: g = [-19/10, 21/5], p1 = [119/100, 79/50]
    # step 2: g = [-881/1000, -421/500], buf = [-25029/10000, 15111/5000]
    "combined": (dict(lr=F(1, 10), momentum=F(9, 10), dampening=F(1, 10),
                      weight_decay=F(1, 10), maximize=True), [G, [1, 1]],
                 [[F(119, 100), F(79, 50)], [F(144029, 100000), F(63889, 50000)]]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hand_computed_exact(name):
    options, grads, expected = CASES[name]
    assert run_exact(Settings(**options), grads) == expected


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("fma", [True, False])
def test_hand_computed_float64(name, fma):
    options, grads, expected = CASES[name]
    settings = Settings(**{k: float(v) if not isinstance(v, bool) else v
                              for k, v in options.items()})
    rule = SGDRule(settings, "float64", fma=fma)
    p = np.array(P0, dtype=np.float64)
    for g, want in zip(grads, expected, strict=True):
        p = rule.step(p, np.array(g, dtype=np.float64))
        np.testing.assert_allclose(p, [float(v) for v in want], rtol=1e-15, atol=1e-15)


def test_settings_too_large_for_the_dtype():
    SGDRule(Settings(lr=1e39), "float64")
    with pytest.raises(OptionError, match="lr '1e\\+39': the learning rate is 1e\\+39: it is too "
                       "large for float32"):
        SGDRule(Settings(lr=1e39), "float32")
    with pytest.raises(OptionError, match="weight_decay"):
        SGDRule(Settings(lr=1, weight_decay=F(10**400)), "float64")


@pytest.mark.parametrize("arithmetic", ["int64", int, "float16", None, "fast", np.float64])
def test_bad_arithmetic(arithmetic):
    with pytest.raises(OptionError, match="arithmetic must be one of exact, float64, float32"):
        SGDRule(Settings(lr=0.1), arithmetic)


def test_settings_must_be_a_settings_value():
    with pytest.raises(OptionError, match="SGDRule needs a Settings"):
        SGDRule({"lr": 0.1}, "float64")


@pytest.mark.parametrize("fma", [True, False])
def test_float32_stays_float32(fma):
    settings = Settings(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
    rule = SGDRule(settings, "float32", fma=fma)
    p = np.array([1.0, 2.0], dtype=np.float32)
    for _ in range(3):
        p = rule.step(p, np.array([0.3, -0.7], dtype=np.float32))
        assert p.dtype == np.float32 and rule.buf.dtype == np.float32


def test_inputs_are_not_mutated_and_reset_forgets_the_buffer():
    rule = SGDRule(Settings(lr=0.1, momentum=0.9), "float64")
    p0, g = np.array([1.0, 2.0]), np.array([2.0, -4.0])
    p1 = rule.step(p0, g)
    assert p0.tolist() == [1.0, 2.0] and g.tolist() == [2.0, -4.0] and p1 is not p0
    g[:] = 0  # the buffer is a copy, not the caller's gradient
    assert rule.buf.tolist() == [2.0, -4.0]
    rule.reset()
    assert rule.buf is None
    np.testing.assert_array_equal(rule.step(p0, np.array([2.0, -4.0])), p1)


def test_sgd_update_is_the_pure_form():
    settings = Settings(lr=0.1, momentum=0.9, dampening=0.2)
    rule = SGDRule(settings, "float64")
    p, buf = np.array([1.0, 2.0]), None
    q = p
    for g in ([2.0, -4.0], [1.0, 0.5], [-3.0, 2.0]):
        p, buf = sgd_update(p, np.array(g), buf, settings)
        q = rule.step(q, np.array(g))
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(buf, rule.buf)
    exact, _ = sgd_update(np.array([1, 2], dtype=object), np.array(G, dtype=object), None,
                          Settings(lr=F(1, 10)))
    assert exact.tolist() == [sympy.Rational(4, 5), sympy.Rational(12, 5)]


def test_shape_mismatch_is_refused():
    rule = SGDRule(Settings(lr=0.1, momentum=0.5), "float64")
    with pytest.raises(DataError, match="params have shape \\(2,\\), grad \\(3,\\)"):
        rule.step(np.zeros(2), np.zeros(3))
    rule.step(np.zeros(2), np.zeros(2))
    with pytest.raises(DataError, match="reset"):
        rule.step(np.zeros(3), np.zeros(3))


# ---- against torch.optim.SGD ----------------------------------------------------------

COMBOS = [dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
          for m, d, n, w, x in itertools.product([0.0, 0.9], [0.0, 0.5], [False, True],
                                                 [0.0, 0.01], [False, True])
          if not (n and (m == 0 or d != 0))]


def torch_trajectories(torch, dtype, options, lr, seed, fma, n=7, steps=5):
    """(ours, torch's) params after each of ``steps`` steps with the same random gradients."""
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(n).astype(dtype)
    grads = [rng.standard_normal(n).astype(dtype) for _ in range(steps)]
    param = torch.nn.Parameter(torch.from_numpy(p.copy()))
    opt = torch.optim.SGD([param], lr=lr, **options)
    rule = SGDRule(Settings(lr=lr, **options), np.dtype(dtype).name, fma=fma)
    ours, theirs = [], []
    for g in grads:
        param.grad = torch.from_numpy(g.copy())
        opt.step()
        p = rule.step(p, g)
        ours.append(p)
        theirs.append(param.detach().numpy().copy())
    return ours, theirs


def torch_fma(torch) -> bool:
    """Whether this torch build rounds ``y.add(x, alpha=a)`` once (vectorised kernels)."""
    return torch.backends.cpu.get_cpu_capability() != "DEFAULT"


@pytest.mark.parametrize("options", COMBOS, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                     o.items()))
def test_against_torch_float64(options):
    torch = pytest.importorskip("torch")
    for lr, seed in ((0.1, 0), (0.37, 1)):
        ours, theirs = torch_trajectories(torch, np.float64, options, lr, seed, torch_fma(torch))
        for a, b in zip(ours, theirs, strict=True):
            assert np.all(np.abs(a - b) <= 1e-15 * np.abs(b)), (a, b)


@pytest.mark.parametrize("options", COMBOS, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                     o.items()))
def test_against_torch_float32(options):
    """Bit for bit where torch's kernels are known (x86), else within 2 ulp."""
    torch = pytest.importorskip("torch")
    known = torch.backends.cpu.get_cpu_capability() in ("DEFAULT", "AVX2", "AVX512")
    for lr, seed in ((0.1, 0), (0.37, 1), (0.013, 2)):
        ours, theirs = torch_trajectories(torch, np.float32, options, lr, seed, torch_fma(torch))
        for a, b in zip(ours, theirs, strict=True):
            assert a.dtype == b.dtype == np.float32
            if known:
                np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
            else:
                assert np.all(np.abs(a - b) <= 2 * np.spacing(np.abs(b))), (a, b)


def test_against_torch_without_vector_kernels():
    """Under ATEN_CPU_CAPABILITY=default torch rounds twice, and fma=False matches it."""
    pytest.importorskip("torch")
    script = textwrap.dedent("""
        import sys, numpy as np, torch
        sys.path[:0] = sys.argv[1:]
        import test_update_rule as t
        assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
        for options in t.COMBOS:
            for dtype in (np.float32, np.float64):
                ours, theirs = t.torch_trajectories(torch, dtype, options, 0.37, 3, fma=False)
                for a, b in zip(ours, theirs):
                    assert np.array_equal(a, b), (options, dtype, a, b)
        print("ok")
    """)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    done = subprocess.run([sys.executable, "-c", script, here, root], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
