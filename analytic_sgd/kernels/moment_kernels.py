"""Moment kernels: the moment form of a model linear in its parameters, as numpy functions.

For ŷ = Σ_j θ_j φ_j(x) the reduced loss R (Q/n for MSE and RMSE, Q for SSE, with
Q = θᵀSθ - 2θᵀt + u) depends on the data only through sums of products of the features
and y (``analytic_sgd.symbolic.moment_form``). sympy writes its gradient, proven there, as an affine
function of the parameters whose coefficients are expressions in those sums:

    ∇R(θ) = A θ - c,     A = ∂²R/∂θ²,  c = -∇R(0),     R(θ) = R(0) - cᵀθ + θᵀAθ/2

and the loss's gradient is outer'(R) ∇R (outer' = 1, or 1/(2 sqrt(R)) for RMSE); see
``analytic_sgd.kernels.moment_compiler``, which builds these kernels from a Derivation.

Each sum is one product of two of the arrays φ_0, ..., φ_{P-1}, y, summed by numpy's own
single-threaded loop (``einsum``: BLAS's threads make small calls slow on a busy machine).
Full-data sums go through the data in chunks of CHUNK rows (fewer in float32, whose dot
products accumulate in float32),
so a computed feature (x**2) never makes a temporary as large as the data and the chunk
is read from cache by every sum; the chunk results are added pairwise (float32 stays
float32 and accurate). The loss is Σ r_i² of the residuals r = Φθ - y in the same pass:
Q from the sums cancels badly near the optimum (Q ≪ u), the residuals do not. Dask arrays
take the same sums as dask reductions, computed together by dask's own scheduler.

>>> import numpy as np, analytic_sgd as asgd
>>> mk = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float64").moments
>>> mk.moments
('x**2', 'x', 'x*y', 'y', 'y**2')
>>> loss, grad = mk.loss_and_grad(np.zeros(2), [np.arange(3.0)], np.array([10.0, 12, 14]))
>>> float(loss), grad.tolist()
(146.66666666666666, [-26.666666666666668, -24.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..conventions.arithmetic import Arithmetic

__all__ = ["MomentKernels", "CHUNK", "MOMENTS_MIN_ROWS", "is_dask"]

# rows per chunk of a full-data pass, by dtype (float32 dot products accumulate in float32)
CHUNK = {np.dtype(np.float64): 1 << 18, np.dtype(np.float32): 1 << 16}
MOMENTS_MIN_ROWS = 4096  # from here on Kernels' method "auto" takes the moment form


def is_dask(value) -> bool:
    """True for a dask collection (checked by its type's module: dask is never imported here)."""
    return type(value).__module__.startswith("dask")


def _total(array, dtype):
    """Σ array_i: numpy's own single-threaded loop for chunks of numpy (see ``_dot``)."""
    if is_dask(array) or len(array) > CHUNK[dtype]:
        return array.sum()
    return np.einsum("i->", array)


def _dot(a, b):
    """Σ a_i b_i of one chunk by numpy's own loop (``einsum``), not BLAS: on a machine whose
    cores are busy, each of a gradient's ~190 small BLAS calls waits for its threads (a
    gradient slowed 180 times, np.dot of the data 5 times); numpy's loop on cache-resident
    chunks runs in this thread and slows as np.dot does, at about np.dot's quiet speed."""
    return np.einsum("i,i->", a, b)


def _sum_product(a, b, n: int, dtype):
    """Σ a_i b_i, where a or b may be a constant (a scalar) and the other an array."""
    if np.ndim(a) == 0 and np.ndim(b) == 0:
        return dtype.type(a) * dtype.type(b) * dtype.type(n)
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        scalar, array = (a, b) if np.ndim(a) == 0 else (b, a)
        return dtype.type(scalar) * _total(array, dtype)
    return (a * b).sum() if is_dask(a) or is_dask(b) else _dot(a, b)


@dataclass(frozen=True)
class MomentKernels:
    """The moment form of one model and loss in one float arithmetic.

    ``affine_loss``: the loss is an affine function of R (MSE, SSE; not RMSE, whose gradient
    divides by sqrt(R)), so its gradient is affine in the parameters;
    ``moments``: the per-sample products summed, as text; ``pairs[k]``: the indices in
    (φ_0, ..., φ_{P-1}, y) of the two factors of moment k; ``grad_moments``: the moments
    the gradient needs (the rest, u = Σy², only the loss).
    """

    arithmetic: Arithmetic
    params: tuple[str, ...]
    affine_loss: bool
    moments: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    grad_moments: tuple[int, ...]
    _features: Callable
    _affine: Callable
    _base: Callable
    _outer: Callable
    _outer_grad: Callable
    _reduce: Callable

    @property
    def dtype(self) -> np.dtype:
        return self.arithmetic.dtype

    def features(self, columns) -> list:
        """φ_j of the rows of ``columns`` (one array per input): arrays, or scalars if constant."""
        return [f if np.ndim(f) == 0 else f.astype(self.dtype, copy=False)
                for f in self._features(*columns)]

    def feature_matrix(self, columns, n: int) -> np.ndarray:
        """The (P, n) matrix of the features, one row per parameter."""
        out = np.empty((len(self.params), n), self.dtype)
        for j, f in enumerate(self.features(columns)):
            out[j] = f
        return out

    def sample_moments(self, columns, y: np.ndarray, which: str = "grad") -> np.ndarray:
        """The per-sample products, one row per moment ``wanted(which)``: shape (K', n)."""
        arrays = [*self.features(columns), y]
        wanted = self.wanted(which)
        out = np.empty((len(wanted), len(y)), self.dtype)
        for row, k in enumerate(wanted):
            i, j = self.pairs[k]
            np.multiply(arrays[i], arrays[j], out=out[row], dtype=self.dtype)
        return out

    def outer(self, r):
        """The loss from the reduced value R: R, or sqrt(R) for RMSE."""
        return self._outer(r)

    def outer_grad(self, r):
        """d loss / dR at R: 1, or 1/(2 sqrt(R)) for RMSE."""
        return self._outer_grad(r)

    def affine(self, sums, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A (P, P, B), c (P, B) and R(0) (B,) of B batches from their K moment sums (one
        array (B,) each, or NaN where not taken) and row counts n (B,)."""
        n = np.asarray(n, self.dtype)
        p = len(self.params)
        with np.errstate(all="ignore"):
            entries = self._affine(*sums, n)
            base = self._base(*sums, n)
        flat = np.empty((len(entries),) + n.shape, self.dtype)
        for row, e in enumerate(entries):
            flat[row] = e
        a, c = flat[:p * p].reshape((p, p) + n.shape), flat[p * p:]
        return a, c, np.broadcast_to(np.asarray(base, self.dtype), n.shape)

    def wanted(self, which: str) -> tuple[int, ...]:
        """The moments taken for ``which``: ``grad`` (those the gradient needs), ``all``, ``none``."""
        return {"grad": self.grad_moments, "all": tuple(range(len(self.pairs))), "none": ()}[which]

    def sums(self, columns, y, theta=None, *, which: str = "grad") -> np.ndarray:
        """The moment sums over all rows (those ``wanted(which)``, NaN for the others) and,
        with ``theta``, Σ r_i² of the residuals at ``theta`` as a last entry (else NaN)."""
        wanted, n = self.wanted(which), _rows(y)
        if is_dask(y) or any(is_dask(c) for c in columns):
            return self._dask_sums(columns, y, theta, wanted, n)
        step = CHUNK[self.dtype]
        parts = [self._chunk_sums([c[i:i + step] for c in columns], y[i:i + step], theta, wanted)
                 for i in range(0, n, step)]
        return np.sum(parts, axis=0, dtype=self.dtype) if len(parts) > 1 else parts[0]

    def _chunk_sums(self, columns, y, theta, wanted) -> np.ndarray:
        out = np.full(len(self.pairs) + 1, np.nan, self.dtype)
        arrays = [*self.features(columns), y]
        for k in wanted:
            i, j = self.pairs[k]
            out[k] = _sum_product(arrays[i], arrays[j], len(y), self.dtype)
        if theta is not None:
            r = self.residuals(theta, arrays[:-1], y)
            out[-1] = _dot(r, r)
        return out

    def residuals(self, theta, phi, y):
        """r = Σ_j θ_j φ_j - y for the features ``phi`` (arrays or constants) of the rows of y."""
        arrays = [(t, f) for t, f in zip(theta, phi) if np.ndim(f)]
        shift = sum((t * self.dtype.type(f) for t, f in zip(theta, phi) if not np.ndim(f)),
                    self.dtype.type(0))
        if is_dask(y) or not arrays:
            return sum((t * f for t, f in arrays), shift - y)
        r = arrays[0][1] * arrays[0][0]
        for t, f in arrays[1:]:
            r += f * t
        r -= y
        if shift:
            r += shift
        return r

    def _dask_sums(self, columns, y, theta, wanted, n: int) -> np.ndarray:
        import dask  # only when dask arrays were given

        arrays = [*self.features(columns), y]
        lazy = [_sum_product(arrays[i], arrays[j], n, self.dtype)
                for i, j in (self.pairs[k] for k in wanted)]
        if theta is not None:
            r = self.residuals(theta, arrays[:-1], y)
            lazy.append((r * r).sum())
        values = dask.compute(*lazy)
        out = np.full(len(self.pairs) + 1, np.nan, self.dtype)
        out[list(wanted)] = values[:len(wanted)]
        if theta is not None:
            out[-1] = values[-1]
        return out

    def reduce(self, squares, n):
        """R from Σ r_i² over n rows: the loss's factor (1/n for the mean) times the sum."""
        return self._reduce(squares, np.asarray(n, self.dtype))

    def loss_and_grad(self, theta, columns, y, *, loss: bool = True):
        """The loss (None unless ``loss``) and gradient at ``theta`` over all rows."""
        theta = np.asarray(theta, self.dtype)
        need_r = loss or not self.affine_loss
        s = self.sums(columns, y, theta if need_r else None)
        a, c, _ = self.affine(s[:-1], _rows(y))
        with np.errstate(all="ignore"):
            grad = a @ theta - c
            if not need_r:
                return None, grad
            r = self.reduce(s[-1], _rows(y))
            grad = np.asarray(self._outer_grad(r) * grad, self.dtype)
            return (self.dtype.type(self._outer(r)) if loss else None), grad


def _rows(y) -> int:
    return int(y.shape[0])
