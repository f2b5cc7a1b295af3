"""What the compiled engine's generated code calls: numpy's own loops, libm, a fused multiply-add.

The compiled engine (``analytic_sgd.numeric.compiled_engine``) must give the bits the
elementwise engine gives, and the elementwise engine is numpy evaluating the derived
kernels. So the generated code computes every operation as numpy computed it:

- ``+ - * /`` and squares are IEEE operations, the same in numba (no fast-math, no
  contraction into fused multiply-adds);
- a function of an array (``exp``, ``tanh``, ``x**3``...) is numpy's own strided loop
  for the dtype, the one a ufunc call runs (NEP 43's ``_get_strided_loop``; on machines
  with AVX-512 numpy's ``exp`` is not libm's), called through its address, or its twin
  (``analytic_sgd.numeric.loop_twins``) where one gives the same bits;
- a power of numpy scalars is libm's ``pow``/``powf``, as numpy's scalar math calls it;
- a sum is numpy's pairwise sum (``pairwise_sum``, the algorithm of ``np.add.reduce``);
- torch's ``y.add(x, alpha=a)`` is one fused multiply-add (``fma``, LLVM's ``llvm.fma``,
  correctly rounded as ``analytic_sgd.numeric.fma`` emulates it).

Addresses are passed to the compiled code at run time (never baked into it), so that
numba can cache it on disk. numba is imported inside ``primitives``, only when the
compiled engine runs (extra ``fast``).

>>> loop = ufunc_loop(np.exp, np.dtype(np.float64))
>>> len(loop.addresses), loop.addresses[0] != 0
(3, True)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..errors import MissingExtraError

__all__ = ["UfuncLoop", "ufunc_loop", "pow_address", "primitives", "numba_available",
           "require_numba"]

_CAPSULE = b"numpy_1.24_ufunc_call_info"


@dataclass(frozen=True)
class UfuncLoop:
    """numpy's strided loop of one ufunc and dtype: ``addresses`` (function, context,
    auxiliary data) and the capsule that keeps them alive."""

    name: str
    addresses: tuple[int, int, int]
    keep: Any


def _capsule_pointer(capsule) -> int:
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return get(capsule, _CAPSULE)


@functools.cache
def ufunc_loop(ufunc: np.ufunc, dtype: np.dtype, pattern: tuple[int, ...] = (1,)) -> UfuncLoop:
    """numpy's loop of ``ufunc`` (one or two inputs, one output) on ``dtype``; ``pattern``
    says which inputs are arrays (1, contiguous) and which one value (0, stride 0).
    LookupError when numpy does not hand it out (numpy older than 1.24, no such loop)."""
    resolve = getattr(ufunc, "_resolve_dtypes_and_context", None)
    if resolve is None or ufunc.nout != 1 or ufunc.nin != len(pattern):
        raise LookupError(f"numpy {np.__version__} does not hand out the loop of {ufunc.__name__}")
    size = dtype.itemsize
    strides = tuple(size if p else 0 for p in pattern) + (size,)
    try:
        resolved, info = resolve((dtype,) * ufunc.nin + (None,))
        if resolved != (dtype,) * (ufunc.nin + 1):
            raise LookupError(f"{ufunc.__name__} of {dtype} gives {resolved}")
        ufunc._get_strided_loop(info, fixed_strides=strides)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise LookupError(f"{ufunc.__name__} of {dtype}: {exc}") from None
    function, context, aux = (ctypes.c_void_p * 3).from_address(_capsule_pointer(info))
    if not function:
        raise LookupError(f"no loop for {ufunc.__name__} of {dtype}")
    return UfuncLoop(ufunc.__name__, (function, context or 0, aux or 0), info)


@functools.cache
def pow_address(dtype: np.dtype) -> int:
    """The address of libm's ``pow`` (float64) or ``powf`` (float32): numpy's scalar power."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    name = "powf" if dtype == np.float32 else "pow"
    return ctypes.cast(getattr(libm, name), ctypes.c_void_p).value


def numba_available() -> bool:
    """True when numba can be imported (without importing it twice)."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def require_numba() -> None:
    """MissingExtraError naming the extra when numba is not installed."""
    if not numba_available():
        raise MissingExtraError("the compiled engine needs numba; install it with "
                                "pip install 'analytic-sgd[fast]', or use engine='auto'")


@functools.cache
def primitives():
    """The numba functions the generated code calls: ``call_loop``, ``call_pow``, ``fma``,
    ``pairwise_sum``. Imports numba (MissingExtraError when it is not installed)."""
    require_numba()
    from llvmlite import ir
    from numba import njit, types
    from numba.extending import intrinsic

    @intrinsic
    def call_loop(typingctx, function, context, args, dims, strides, aux):
        """numpy's strided loop at ``function``: (context, char **args, dims, strides, aux)."""
        sig = types.int32(types.intp, types.intp, types.intp, types.intp, types.intp, types.intp)

        def codegen(cgctx, builder, signature, values):
            byte = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.IntType(32), [byte] * 5)
            target = builder.inttoptr(values[0], fnty.as_pointer())
            return builder.call(target, [builder.inttoptr(v, byte) for v in values[1:]])
        return sig, codegen

    @intrinsic
    def call_pow(typingctx, function, a, b):
        """libm's pow (or powf) at ``function``, on a and b of one float type."""
        sig = a(types.intp, a, a)

        def codegen(cgctx, builder, signature, values):
            ty = cgctx.get_value_type(signature.args[1])
            target = builder.inttoptr(values[0], ir.FunctionType(ty, [ty, ty]).as_pointer())
            return builder.call(target, [values[1], values[2]])
        return sig, codegen

    @intrinsic
    def fma(typingctx, a, b, c):
        """a*b + c rounded once (LLVM's llvm.fma), in the type of a, b and c."""
        sig = a(a, a, a)

        def codegen(cgctx, builder, signature, values):
            return builder.fma(*values)
        return sig, codegen

    @njit(cache=False)
    def _pairwise(a, start, n, zero):
        if n < 8:
            res = zero
            for i in range(start, start + n):
                res += a[i]
            return res
        if n <= 128:
            r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
            r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
            i = 8
            while i < n - n % 8:
                j = start + i
                r0 += a[j]
                r1 += a[j + 1]
                r2 += a[j + 2]
                r3 += a[j + 3]
                r4 += a[j + 4]
                r5 += a[j + 5]
                r6 += a[j + 6]
                r7 += a[j + 7]
                i += 8
            res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n:
                res += a[start + i]
                i += 1
            return res
        n2 = n // 2
        n2 -= n2 % 8
        return _pairwise(a, start, n2, zero) + _pairwise(a, start + n2, n - n2, zero)

    @njit(cache=False)
    def pairwise_sum(a, start, n, zero):
        """Σ a[start:start+n] as ``np.sum`` adds it up: ``zero`` (0 of the dtype) plus
        numpy's pairwise sum."""
        return zero + _pairwise(a, start, n, zero)

    return SimpleNamespace(call_loop=call_loop, call_pow=call_pow, fma=fma,
                           pairwise_sum=pairwise_sum)
