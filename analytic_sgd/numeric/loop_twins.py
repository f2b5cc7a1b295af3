"""Twins of numpy's loops of some functions for the compiled engine: numpy's bits, without the call.

The compiled engine calls numpy's own loop for every function of an array, so that its
bits are the elementwise engine's. For a batch of 3 rows that call (through numpy's
loop, its overlap and stride checks, its masked loads) costs as much as the rest of the
step. These functions have a twin that gives the same bits for less:

- float64 ``exp``, ``log``, ``tan``, ``sinh`` and ``cosh``: numpy (x86-64 with AVX-512,
  built with SVML) computes them with SVML's ``__svml_exp8_ha``, ``__svml_log8_ha``...
  on 8 lanes, the lanes past the end of the array set to 0 (1 for log). Its extension
  exports them; the twin calls the same function on the same lanes, directly
  (``call_vec8``).
- float64 ``sin`` and ``cos``: numpy calls libm's, one value at a time; so does numba.
- float32 ``exp``: numpy (with AVX-512F) computes it with its own algorithm (Cody-Waite
  range reduction, a 5th over 2nd order rational polynomial, ``vscalefps``); ``exp_f32``
  writes it out operation by operation with the same fused multiply-adds and roundings.

A twin is used only where numpy on this machine gives its bits: ``loop_twins(dtype)``
checks each on about 400,000 inputs (random bit patterns, the range where the result is
finite and not 1, special values) against the ufunc and keeps the verdict on disk
(``cache_folder()``), keyed by the versions of numpy, numba and this package and the
CPU's features. Elsewhere (another CPU, another numpy) the engine calls numpy's loop as
before. ``twin_values(twin, x)`` computes a twin on an array as the generated code does:
the check, the tests and ``benchmarks/paths.py`` (``exp_f32`` against ``np.exp`` on all
2**32 float32 inputs) use it.

>>> import numpy as np
>>> set(loop_twins(np.dtype(np.float64))) <= {"exp", "log", "tan", "sinh", "cosh", "sin", "cos"}
True
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from ..files import write_atomic
from ..version import VERSION
from .engine_cache import cache_folder
from .numba_support import numba_available, primitives

__all__ = ["Twin", "loop_twins", "known_twins", "twin_primitives", "twin_address", "twin_values",
           "check_inputs"]


@dataclass(frozen=True)
class Twin:
    """How the generated code computes ``ufunc`` of a row: ``vector`` (the address of an
    8-lane function, lanes past the row set to ``pad``) or ``scalar`` (the name of a
    numba function of one value, from ``twin_primitives``)."""

    ufunc: str
    vector: str | None = None
    pad: float = 0.0
    scalar: str | None = None


_CANDIDATES = {np.dtype(np.float64): (Twin("exp", vector="__svml_exp8_ha", pad=0.0),
                                      Twin("log", vector="__svml_log8_ha", pad=1.0),
                                      Twin("tan", vector="__svml_tan8_ha", pad=0.0),
                                      Twin("sinh", vector="__svml_sinh8_ha", pad=0.0),
                                      Twin("cosh", vector="__svml_cosh8_ha", pad=0.0),
                                      Twin("sin", scalar="sin_f64"),
                                      Twin("cos", scalar="cos_f64")),
               np.dtype(np.float32): (Twin("exp", scalar="exp_f32"),)}


def twin_address(symbol: str) -> int | None:
    """The address of ``symbol`` in numpy's extension module, None when it does not export it."""
    from numpy._core import _multiarray_umath

    try:
        return ctypes.cast(getattr(ctypes.CDLL(_multiarray_umath.__file__), symbol),
                           ctypes.c_void_p).value
    except (AttributeError, OSError):
        return None


@functools.cache
def twin_primitives():
    """``call_vec8(address, v0, .., v7)``: the 8-lane float64 function at ``address`` on 8
    values (one register), its 8 results; ``exp_f32(x)``: numpy's AVX-512F float32 exp;
    ``sin_f64``, ``cos_f64``: libm's."""
    from llvmlite import ir
    from numba import njit, types
    from numba.extending import intrinsic

    fma = primitives().fma

    @intrinsic
    def call_vec8(typingctx, function, v0, v1, v2, v3, v4, v5, v6, v7):
        sig = types.UniTuple(types.float64, 8)(types.intp, *[types.float64] * 8)

        def codegen(cgctx, builder, signature, values):
            vector = ir.VectorType(ir.DoubleType(), 8)
            target = builder.inttoptr(values[0], ir.FunctionType(vector, [vector]).as_pointer())
            lanes = ir.Constant(vector, None)
            for j, v in enumerate(values[1:]):
                lanes = builder.insert_element(lanes, v, ir.Constant(ir.IntType(32), j))
            out = builder.call(target, [lanes])
            lanes_out = [builder.extract_element(out, ir.Constant(ir.IntType(32), j))
                         for j in range(8)]
            return cgctx.make_tuple(builder, signature.return_type, lanes_out)
        return sig, codegen

    f4 = np.float32  # numpy's npy_simd_data.h, the float32 exp's constants
    c1, c2 = f4(-6.93145752e-1), f4(-1.42860677e-6)  # Cody-Waite's ln 2, high and low
    p0, p1, p2 = f4(9.999999999980870924916e-01), f4(7.257664613233124478488e-01), \
        f4(2.473615434895520810817e-01)
    p3, p4, p5 = f4(5.114512081637298353406e-02), f4(6.757896990527504603057e-03), \
        f4(5.082762527590693718096e-04)
    q0, q1, q2 = f4(1.0), f4(-2.742335390411667452936e-01), f4(2.159509375685829852307e-02)
    log2e = f4(1.442695040888963407359924681001892137)
    xmax, xmin = f4(88.72283935546875), f4(-103.97208404541015625)
    nan, inf, zero = f4(np.nan), f4(np.inf), f4(0.0)

    @njit(cache=False, inline="always")
    def exp_f32(x):
        if x != x:
            return nan
        if x >= xmax:
            return inf
        if x <= xmin:
            return zero
        k = np.rint(x * log2e)  # numpy's (x * log2e + magic) - magic: |x * log2e| < 2**22
        r = fma(k, c2, fma(k, c1, x))  # (numpy's third step adds k * 0: r unchanged)
        num = fma(fma(fma(fma(fma(p5, r, p4), r, p3), r, p2), r, p1), r, p0)
        poly = num / fma(fma(q2, r, q1), r, q0)
        n = np.int32(k)  # -150 .. 128
        if n >= -126 and n <= 127:  # poly * 2**n is exact
            return poly * np.int32((n + 127) << 23).view(np.float32)
        h = n >> 1  # 2**n as 2**h * 2**(n - h), both normal floats
        two_h = np.int32((h + 127) << 23).view(np.float32)
        two_l = np.int32((n - h + 127) << 23).view(np.float32)
        return (poly * two_h) * two_l  # exact, then one rounding: vscalefps

    @njit(cache=False, inline="always")
    def sin_f64(x):  # libm's sin, as numpy's float64 loop calls it
        return np.sin(x)

    @njit(cache=False, inline="always")
    def cos_f64(x):
        return np.cos(x)
    return SimpleNamespace(call_vec8=call_vec8, exp_f32=exp_f32, sin_f64=sin_f64,
                           cos_f64=cos_f64)


@functools.cache
def _runner(twin: Twin):
    """A numba function ``run(x, out, address)`` applying ``twin`` to the array ``x``."""
    from numba import njit

    p = twin_primitives()
    if twin.vector:
        call_vec8, pad = p.call_vec8, float(twin.pad)

        @njit(cache=False)
        def run(x, out, address):  # as numpy's loop: 8 lanes at a time, padded
            lanes = np.empty(8, np.float64)
            for s in range(0, x.shape[0], 8):
                k = min(8, x.shape[0] - s)
                lanes[:] = pad
                lanes[:k] = x[s:s + k]
                r = call_vec8(address, lanes[0], lanes[1], lanes[2], lanes[3], lanes[4],
                              lanes[5], lanes[6], lanes[7])
                for j in range(k):
                    out[s + j] = r[j]
        return run
    scalar = getattr(p, twin.scalar)

    @njit(cache=False)
    def run(x, out, address):
        for i in range(x.shape[0]):
            out[i] = scalar(x[i])
    return run


def twin_values(twin: Twin, x: np.ndarray) -> np.ndarray | None:
    """``twin`` applied to the 1-D array ``x``, as the generated code applies it; None when
    numpy's extension does not export the twin's vector function."""
    address = twin_address(twin.vector) if twin.vector else 0
    if address is None:
        return None
    out = np.empty_like(x)
    _runner(twin)(x, out, address)
    return out


def check_inputs(dtype: np.dtype, n: int = 131_072) -> np.ndarray:
    """The inputs a twin is checked on: random bit patterns, values where the result is
    finite and not 1 (exp) or positive (log), and special values."""
    rng = np.random.default_rng(20261205)
    bits = np.dtype(f"u{dtype.itemsize}")
    edge = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1e-30, -1e-30]
    edge += [np.finfo(dtype).tiny, np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal]
    top = 760.0 if dtype == np.float64 else 110.0
    parts = [rng.integers(0, np.iinfo(bits).max, n, dtype=bits, endpoint=True).view(dtype),
             rng.uniform(-top, top, n).astype(dtype),
             (rng.uniform(-1, 1, n) * 10.0 ** rng.uniform(-20, 0, n)).astype(dtype),
             np.array(edge, dtype=dtype)]
    return np.concatenate(parts)


def _verdict_path():
    import os
    from importlib.metadata import version

    from numpy._core._multiarray_umath import __cpu_features__

    key = json.dumps([np.__version__, version("numba"), VERSION, os.environ.get("NUMBA_CPU_NAME"),
                      os.environ.get("NUMBA_CPU_FEATURES"),
                      sorted(k for k, v in __cpu_features__.items() if v)])
    return cache_folder() / f"twins_{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _agrees(twin: Twin, dtype: np.dtype) -> bool:
    x = check_inputs(dtype)
    with np.errstate(all="ignore"):
        expected = getattr(np, twin.ufunc)(x)
    got = twin_values(twin, x)
    bits = f"u{dtype.itemsize}"
    return got is not None and bool(np.array_equal(got.view(bits), expected.view(bits)))


def _host_has_avx512() -> bool:
    """True when numba compiles for a CPU with AVX-512F (an 8-lane argument in one register)."""
    from llvmlite import binding
    from numba.core import config

    features = config.CPU_FEATURES or binding.get_host_cpu_features().flatten()
    return "+avx512f" in features.split(",")


def _read_verdict(path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def known_twins(dtype: np.dtype) -> dict[str, Twin] | None:
    """The twins of ``dtype`` when this machine's verdict is on disk already (or there is
    nothing to check), else None: ``loop_twins`` without the check."""
    dtype = np.dtype(dtype)
    candidates = _CANDIDATES.get(dtype, ())
    if not candidates or not numba_available():
        return {}
    verdict = _read_verdict(_verdict_path()).get(dtype.name)
    return None if verdict is None else _named(candidates, verdict)


def _named(candidates, names) -> dict[str, Twin]:
    return {t.ufunc: t for t in candidates if t.ufunc in names}


@functools.cache
def loop_twins(dtype: np.dtype) -> dict[str, Twin]:
    """The twins that give numpy's bits on this machine for ``dtype``, by ufunc name
    (empty without numba). Checked once per machine and versions, the verdict kept on disk."""
    dtype = np.dtype(dtype)
    known = known_twins(dtype)
    if known is not None:
        return known
    path = _verdict_path()
    verdict = _read_verdict(path)
    vector_ok = _host_has_avx512()
    verdict[dtype.name] = [t.ufunc for t in _CANDIDATES[dtype]
                           if (t.vector is None or vector_ok) and _agrees(t, dtype)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(verdict))
    except OSError:
        pass  # a cache that cannot be written: checked again next time
    return _named(_CANDIDATES[dtype], verdict[dtype.name])
