"""Kernels: the derived closed forms as numeric functions, plain data built before a run.

``compile_kernels(derivation, arithmetic)`` turns the per-sample terms of a Derivation
into one function (``lambdify`` with the arithmetic's printer and ``cse=True``) returning
the loss's per-sample term and, for each parameter, the chain-rule product substituted
back. The kernel reduces them as the loss says (``Loss.reduction``), applies the loss's
``scale`` and the outer factor (``1/(2*sqrt(f))`` for RMSE). The generated source is kept
in ``Kernels.source`` for inspection. Nothing is compiled later: a Kernels holds
functions and numbers, no Derivation.

Two methods in float arithmetic: ``elementwise`` (the per-sample terms, reduced) and,
for a model linear in its parameters when compiled ``with_moments``, ``moments``
(``analytic_sgd.kernels.moment_kernels``: the sums of products in one chunked pass, the
gradient from them, the loss from the residuals). ``auto`` takes the moments from
MOMENTS_MIN_ROWS rows on, and always for dask arrays (data larger than memory, summed by
dask's scheduler; extra ``dask``). The two agree to ``|a - b| <= rtol*s``: for the
gradient, s = |outer'(R)| (|A| |θ| + |c|) entry by entry (R the reduced loss, ∇R = Aθ - c:
the size of the terms the sums cancel), for the loss s = |loss|; rtol is the arithmetic's
``engine_rtol``: 1e-12 in float64, 1e-4 in float32 (measured: below 4e-15 and 6e-7).

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse
>>> from analytic_sgd.symbolic.derive import derive
>>> k = compile_kernels(derive(linear(), mse), "exact")
>>> k.loss([0, 0], [0, 1, 2], [10, 12, 14]), list(k.grad([0, 0], [0, 1, 2], [10, 12, 14]))
(440/3, [-80/3, -24])
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..conventions.loss import Reduction
from ..errors import DataError, OptionError
from .moment_compiler import compile_moment_kernels
from .moment_kernels import MOMENTS_MIN_ROWS, MomentKernels, is_dask
from .printers import exact_function, numpy_function

__all__ = ["Kernels", "compile_kernels", "KERNEL_METHODS", "MOMENTS_MIN_ROWS", "param_values",
           "data_columns"]

KERNEL_METHODS = ("auto", "elementwise", "moments")


@dataclass(frozen=True)
class Kernels:
    """``loss(params, x, y)``, ``grad(params, x, y)`` and ``loss_and_grad`` in one arithmetic.

    ``params`` are in the model's order; ``x`` has shape (n,) for one input or (n, k) for
    k inputs (numpy, or dask in float arithmetic). ``grad`` returns an array in the
    parameter order. ``moments``: the moment form's kernels when compiled (float
    arithmetic, a model linear in its parameters, ``with_moments``), else None.
    ``linear_in_params``: whether the model is linear in its parameters.
    """

    arithmetic: Arithmetic
    params: tuple[str, ...]
    inputs: tuple[str, ...]
    reduction: Reduction
    scale: Any
    source: str
    linear_in_params: bool
    per_sample: Any
    coeffs: tuple
    outer: Any
    outer_grad: Any
    moments: MomentKernels | None = None

    @property
    def dtype(self) -> np.dtype:
        return self.arithmetic.dtype

    def loss(self, params, x, y):
        """The batch loss at ``params``: a scalar of the kernel's arithmetic."""
        return self.loss_and_grad(params, x, y)[0]

    def grad(self, params, x, y, *, method: str = "auto") -> np.ndarray:
        """The gradient at ``params``, one entry per parameter (see ``loss_and_grad``)."""
        return self._evaluate(params, x, y, method, loss=False)[1]

    def loss_and_grad(self, params, x, y, *, method: str = "auto"):
        """Loss and gradient in one pass over the batch.

        ``method``: ``elementwise``, ``moments`` (needs ``moments``) or ``auto`` (moments,
        when compiled, from MOMENTS_MIN_ROWS rows, or for dask arrays).
        """
        return self._evaluate(params, x, y, method, loss=True)

    def _evaluate(self, params, x, y, method: str, *, loss: bool):
        if method not in KERNEL_METHODS:
            raise OptionError.for_field("method", method, f"one of {', '.join(KERNEL_METHODS)}")
        lazy = is_dask(x) or is_dask(y)
        if lazy and self.arithmetic.exact:
            raise DataError("exact arithmetic needs the data in memory; compute the dask "
                            "arrays first, or use float64")
        if method == "moments" and self.moments is None:
            raise OptionError("the moments method needs float arithmetic, a model linear in its "
                              "parameters and kernels compiled with_moments=True; use "
                              "method='elementwise'")
        columns, y = self._columns(x, y)
        theta = self._params(params)
        if self.arithmetic.exact:
            return self._exact(theta, columns, y)
        n = int(y.shape[0])
        if self.moments is not None and (method == "moments" or (
                method == "auto" and (lazy or n >= MOMENTS_MIN_ROWS))):
            return self.moments.loss_and_grad(theta, columns, y, loss=loss)
        with np.errstate(all="ignore"):  # non-finite values are the driver's to report
            return self._float(theta, columns, y, n)

    def _float(self, theta, columns, y, n):
        dtype = self.arithmetic.scalar
        terms = self.per_sample(*theta, *columns, y)
        reduced = [_reduce(t, n, self.reduction, self.dtype) for t in terms]
        if any(is_dask(t) for t in reduced):
            import dask  # only when dask arrays were given

            reduced = dask.compute(*reduced)
        f = dtype(self.scale) * dtype(reduced[0])
        outer = dtype(self.outer_grad(f))
        grad = np.array([outer * (dtype(c) * dtype(g)) for c, g in zip(self.coeffs, reduced[1:])],
                        dtype=self.dtype)
        return dtype(self.outer(f)), grad

    def _exact(self, theta, columns, y):
        n = len(y)
        rows = [self.per_sample(*theta, *(c[i] for c in columns), y[i]) for i in range(n)]
        reduced = [self.reduction.of_exact(list(column)) for column in zip(*rows)]
        f = self.scale * reduced[0]
        outer = self.outer_grad(f)
        grad = np.empty(len(theta), dtype=object)
        grad[:] = [sp.expand(outer * c * g) for c, g in zip(self.coeffs, reduced[1:])]
        return self.outer(f), grad

    def _params(self, params):
        return param_values(self.arithmetic, self.params, params)

    def _columns(self, x, y):
        return data_columns(self.arithmetic, self.inputs, x, y)


def param_values(arithmetic: Arithmetic, names: tuple[str, ...], params) -> list:
    """``params`` as numbers of ``arithmetic``, one per name (in exact arithmetic a float is
    the binary value it holds, as in the data); OptionError for a wrong count."""
    values = list(params)
    if len(values) != len(names):
        raise OptionError(f"expected {len(names)} parameter values ({', '.join(names)}), "
                          f"got {len(values)}")
    if arithmetic.exact:
        return list(arithmetic.array(values))
    return [arithmetic.scalar(v) for v in values]


def data_columns(arithmetic: Arithmetic, inputs: tuple[str, ...], x, y):
    """The inputs as one column each and y, in ``arithmetic`` (numpy or dask arrays in float
    arithmetic, lists of sympy numbers in exact arithmetic); DataError for wrong shapes."""
    k = len(inputs)
    if arithmetic.exact:
        rows = [list(r) if np.ndim(r) else [r] for r in x] if k > 1 else [[r] for r in x]
        y_exact = list(arithmetic.array(list(y)))
        if any(len(r) != k for r in rows) or len(rows) != len(y_exact):
            raise DataError(f"x must have {k} column(s) and as many rows as y")
        return [list(arithmetic.array([r[j] for r in rows])) for j in range(k)], y_exact
    x, y = (_as_float(v, arithmetic.dtype) for v in (x, y))
    if x.ndim == 1 and k == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != k or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise DataError(
            f"x must have shape (n,) or (n, {k}) for inputs {', '.join(inputs)} and y "
            f"shape (n,); got x {x.shape} and y {y.shape}"
        )
    return [x[:, j] for j in range(k)], y


def _as_float(values, dtype):
    """``values`` as an array of ``dtype``: numpy, or dask kept lazy."""
    if is_dask(values):
        return values if values.dtype == dtype else values.astype(dtype)
    return np.asarray(values, dtype=dtype)


def _reduce(term, n: int, reduction: Reduction, dtype):
    """The reduction over n rows of a per-sample term (a constant term stands for n rows)."""
    if np.ndim(term) == 0:
        return reduction.of_constant(dtype.type(term), n)
    if is_dask(term):
        return getattr(term.astype(dtype), reduction.function)()
    return reduction.of_array(term, dtype)


def compile_kernels(derivation, arithmetic: str | Arithmetic = "float64", *,
                    with_moments: bool | None = None) -> Kernels:
    """Kernels of ``derivation`` in ``arithmetic`` (``exact``, ``float64`` or ``float32``).

    ``with_moments``: also compile the moment form (a model linear in its parameters only;
    it costs 0.05-0.3 s more). None (the default) compiles it in float arithmetic where it
    exists. Raises DerivationError on a bug in the derivation.
    """
    arithmetic = get_arithmetic(arithmetic)
    graph, loss = derivation.graph, derivation.loss
    reduction = graph.reduction
    term = graph.expand(reduction.children[0])
    # each gradient term as coefficient * rest, so sympy does not distribute the 2 over
    # the residual and cse can share it; the coefficient is applied after the reduction
    split = [sp.factor_terms(chain.substituted).as_coeff_Mul() for chain in derivation.chains]
    terms = [term] + [rest for _, rest in split]
    args = [*graph.params, *graph.inputs, graph.target]
    f = sp.Symbol("f")
    after = graph.output.expr.xreplace({reduction.name: f}) if graph.output is not reduction else f
    # the factors above the reduction (the reduction's own factor is applied by the kernel)
    outer_grad = sp.diff(after, f)
    printer = exact_function if arithmetic.exact else numpy_function
    per_sample = printer(args, terms, cse=True)
    linear = derivation.model.is_linear_in_params
    moments = None
    if linear and (with_moments or (with_moments is None and not arithmetic.exact)):
        moments = compile_moment_kernels(derivation, arithmetic)
    return Kernels(
        arithmetic,
        tuple(p.name for p in graph.params),
        tuple(s.name for s in graph.inputs),
        loss.reduction,
        loss.scale if arithmetic.exact else float(loss.scale),
        inspect.getsource(per_sample),
        linear,
        per_sample,
        tuple(loss.scale * c if arithmetic.exact else float(loss.scale * c) for c, _ in split),
        printer([f], after),
        printer([f], outer_grad),
        moments,
    )
