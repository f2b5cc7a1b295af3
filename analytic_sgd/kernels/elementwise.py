"""Kernels: the derived closed forms as numeric functions.

``lambdify`` (numpy's printer, the namespace pinned to the numpy functions it names,
``cse=True``) turns the per-sample terms of a Derivation into one function returning
the squared residual and, for each parameter, the chain-rule product substituted back.
The kernel reduces them (mean or sum) and applies the outer factor (``1/(2*sqrt(f))``
for RMSE). The generated source is kept in ``Kernels.source`` for inspection.

Two methods in float arithmetic: ``elementwise`` (the per-sample terms, reduced) and,
for a model linear in its parameters, ``moments`` (``analytic_sgd.kernels.moment_kernels``: the
sums of products in one chunked pass, the gradient from them, the loss from the
residuals). ``auto`` takes the moments from MOMENTS_MIN_ROWS rows on, and always for
dask arrays (data larger than memory, summed by dask's scheduler; extra ``dask``). The
two agree to ``|a - b| <= rtol*s``: for the gradient, s = |outer'(R)| (|A| |θ| + |c|)
entry by entry (R the reduced loss, ∇R = Aθ - c: the size of the terms the sums cancel),
for the loss s = |loss|; rtol is ``moment_kernels.RTOL``: 1e-12 in float64, 1e-4 in
float32 (measured: below 4e-15 and 6e-7).

Arithmetics: ``float64``, ``float32`` (float32 in, float32 out, never widened)
and ``exact`` (sympy Rationals; an irrational square root stays symbolic).

>>> import numpy as np
>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse
>>> from analytic_sgd.symbolic.derive import derive
>>> k = derive(linear(), mse).compile("exact")
>>> k.loss([0, 0], [0, 1, 2], [10, 12, 14]), list(k.grad([0, 0], [0, 1, 2], [10, 12, 14]))
(440/3, [-80/3, -24])
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ..errors import DataError, OptionError
from ..numeric.trajectory import DTYPES
from .exact import all_finite, exact_function, to_exact
from .moment_kernels import MOMENTS_MIN_ROWS, is_dask

__all__ = ["Kernels", "compile_kernels", "numpy_function", "ARITHMETICS", "METHODS",
           "MOMENTS_MIN_ROWS", "to_exact"]

ARITHMETICS = ("exact", "float64", "float32")
METHODS = ("auto", "elementwise", "moments")


@dataclass(frozen=True)
class Kernels:
    """``loss(params, x, y)``, ``grad(params, x, y)`` and ``loss_and_grad`` for one arithmetic.

    ``params`` are in the model's order; ``x`` has shape (n,) for one input or
    (n, k) for k inputs (numpy, or dask in float arithmetic). ``grad`` returns an
    array in the parameter order. ``moment_kernels()`` gives the moment form.
    """

    arithmetic: str
    params: tuple[str, ...]
    inputs: tuple[str, ...]
    reduction: str
    source: str
    _per_sample: Any
    _coeffs: tuple
    _outer: Any
    _outer_grad: Any
    derivation: Any = field(default=None, repr=False, compare=False)
    _compiled: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def dtype(self):
        return DTYPES[self.arithmetic]

    def convert(self, value, *, decimal: bool = True):
        """``value`` as a number of this arithmetic (settings: floats read as decimals)."""
        if self.arithmetic == "exact":
            return to_exact(value, decimal=decimal)
        with np.errstate(over="ignore"):  # too large for the dtype: inf, reported by the caller
            return self.dtype(value)

    def convert_data(self, values) -> np.ndarray:
        """An array of this arithmetic (exact: object array of sympy numbers, read exactly)."""
        if self.arithmetic != "exact":
            return np.asarray(values, dtype=self.dtype)
        array = np.asarray(values, dtype=object)
        out = np.empty(array.shape, dtype=object)
        out.flat[:] = [to_exact(v) for v in array.flat]
        return out

    def all_rational(self, values) -> bool:
        """True unless an exact value is irrational (always True in float arithmetic)."""
        return self.arithmetic != "exact" or all(v.is_Rational for v in np.ravel(values))

    def all_finite(self, values) -> bool:
        """True when every value is a finite number."""
        if self.arithmetic == "exact":
            return all_finite(values)
        return bool(np.all(np.isfinite(values)))

    @property
    def linear_in_params(self) -> bool:
        """True when the model is linear in its parameters (the moment form exists)."""
        if "linear" not in self._compiled:
            model = getattr(self.derivation, "model", None)
            self._compiled["linear"] = model is not None and model.is_linear_in_params
        return self._compiled["linear"]

    def moment_kernels(self):
        """The MomentKernels of this model and loss (compiled once), or None in exact
        arithmetic or for a model that is not linear in its parameters."""
        if self.arithmetic == "exact" or not self.linear_in_params:
            return None
        if "moments" not in self._compiled:
            from .moment_compiler import compile_moment_kernels

            self._compiled["moments"] = compile_moment_kernels(self.derivation, self.arithmetic)
        return self._compiled["moments"]

    def loss(self, params, x, y):
        """The batch loss at ``params``: a scalar of the kernel's arithmetic."""
        return self.loss_and_grad(params, x, y)[0]

    def grad(self, params, x, y, *, method: str = "auto") -> np.ndarray:
        """The gradient at ``params``, one entry per parameter (see ``loss_and_grad``)."""
        return self._evaluate(params, x, y, method, loss=False)[1]

    def loss_and_grad(self, params, x, y, *, method: str = "auto"):
        """Loss and gradient in one pass over the batch.

        ``method``: ``elementwise``, ``moments`` (float arithmetic, models linear in their
        parameters) or ``auto`` (moments from MOMENTS_MIN_ROWS rows, or for dask arrays).
        """
        return self._evaluate(params, x, y, method, loss=True)

    def _evaluate(self, params, x, y, method: str, *, loss: bool):
        if method not in METHODS:
            raise OptionError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        lazy = is_dask(x) or is_dask(y)
        if lazy and self.arithmetic == "exact":
            raise DataError("exact arithmetic needs the data in memory; compute the dask "
                            "arrays first, or use float64")
        columns, y = self._columns(x, y)
        theta = self._params(params)
        if self.arithmetic == "exact":
            return self._exact(theta, columns, y)
        n = int(y.shape[0])
        if method == "moments" or (method == "auto" and (lazy or n >= MOMENTS_MIN_ROWS)):
            moments = self.moment_kernels()  # compiled on first use
            if moments is not None:
                return moments.loss_and_grad(theta, columns, y, loss=loss)
            if method == "moments":
                raise OptionError("the moments method needs a model linear in its parameters; "
                                  "use method='elementwise'")
        with np.errstate(all="ignore"):  # non-finite values are the driver's to report
            return self._float(theta, columns, y, n)

    def _float(self, theta, columns, y, n):
        terms = self._per_sample(*theta, *columns, y)
        reduced = [_reduce(t, n, self.reduction, self.dtype) for t in terms]
        if any(is_dask(t) for t in reduced):
            import dask  # only when dask arrays were given

            reduced = dask.compute(*reduced)
        f = self.dtype(reduced[0])
        scale = self.dtype(self._outer_grad(f))
        grad = np.array(
            [scale * (self.dtype(c) * self.dtype(g)) for c, g in zip(self._coeffs, reduced[1:])],
            dtype=self.dtype,
        )
        return self.dtype(self._outer(f)), grad

    def _exact(self, theta, columns, y):
        n = len(y)
        rows = [self._per_sample(*theta, *(c[i] for c in columns), y[i]) for i in range(n)]
        sums = [sp.Add(*column) for column in zip(*rows)]
        reduced = [s / n for s in sums] if self.reduction == "mean" else sums
        f = reduced[0]
        scale = self._outer_grad(f)
        grad = np.empty(len(theta), dtype=object)
        grad[:] = [sp.expand(scale * c * g) for c, g in zip(self._coeffs, reduced[1:])]
        return self._outer(f), grad

    def _params(self, params):
        values = list(params)
        if len(values) != len(self.params):
            raise OptionError(
                f"expected {len(self.params)} parameter values ({', '.join(self.params)}), "
                f"got {len(values)}"
            )
        if self.arithmetic == "exact":
            return [to_exact(v) for v in values]
        return [self.dtype(v) for v in values]

    def _columns(self, x, y):
        k = len(self.inputs)
        if self.arithmetic == "exact":
            rows = [list(r) if np.ndim(r) else [r] for r in x] if k > 1 else [[r] for r in x]
            y_exact = [to_exact(v) for v in y]
            if any(len(r) != k for r in rows) or len(rows) != len(y_exact):
                raise DataError(f"x must have {k} column(s) and as many rows as y")
            return [[to_exact(r[j]) for r in rows] for j in range(k)], y_exact
        x, y = (_as_float(v, self.dtype) for v in (x, y))
        if x.ndim == 1 and k == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != k or y.ndim != 1 or x.shape[0] != y.shape[0]:
            raise DataError(
                f"x must have shape (n,) or (n, {k}) for inputs {', '.join(self.inputs)} and y "
                f"shape (n,); got x {x.shape} and y {y.shape}"
            )
        return [x[:, j] for j in range(k)], y


def _as_float(values, dtype):
    """``values`` as an array of ``dtype``: numpy, or dask kept lazy."""
    if is_dask(values):
        return values if values.dtype == dtype else values.astype(dtype)
    return np.asarray(values, dtype=dtype)


def _reduce(term, n: int, reduction: str, dtype):
    """The mean or sum over n rows of a per-sample term (a constant term stands for n rows)."""
    if np.ndim(term) == 0:
        return dtype(term) if reduction == "mean" else dtype(term) * dtype(n)
    if is_dask(term):
        term = term.astype(dtype)
        return term.mean() if reduction == "mean" else term.sum()
    term = np.asarray(term, dtype=dtype)
    return np.mean(term) if reduction == "mean" else np.sum(term)


def numpy_function(args, exprs, *, cse: bool = False):
    """``sympy.lambdify`` with numpy's printer and a namespace holding only the numpy
    functions the printer names (``modules="numpy"`` would import all of numpy's
    submodules, a third of a cold start).

    >>> x = sp.Symbol("x")
    >>> numpy_function([x], sp.sqrt(x) + 1)(np.array([4.0, 9.0])).tolist()
    [3.0, 4.0]
    """
    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": False, "inline": True,
                            "allow_unknown_functions": True})
    return sp.lambdify(args, exprs, modules=[{}], printer=printer, cse=cse)


def compile_kernels(derivation, arithmetic: str = "float64") -> Kernels:
    """Kernels of ``derivation`` in ``arithmetic`` (``exact``, ``float64`` or ``float32``)."""
    if arithmetic not in ARITHMETICS:
        raise OptionError(f"unknown arithmetic {arithmetic!r}; choose one of {', '.join(ARITHMETICS)}")
    graph = derivation.graph
    reduction = graph.reduction
    squared = graph.expand(reduction.children[0])
    # each gradient term as coefficient * rest, so sympy does not distribute the 2 over
    # the residual and cse can share it; the coefficient is applied after the reduction
    split = [sp.factor_terms(chain.substituted).as_coeff_Mul() for chain in derivation.chains]
    terms = [squared] + [rest for _, rest in split]
    args = [*graph.params, *graph.inputs, graph.target]
    f = sp.Symbol("f")
    after = graph.output.expr.xreplace({reduction.name: f}) if graph.output is not reduction else f
    # the factors above the reduction, without the 1/n the mean already applies
    outer_grad = sp.diff(after, f)
    if arithmetic == "exact":
        per_sample = exact_function(args, terms, cse=True)
        outer = exact_function([f], after)
        outer_g = exact_function([f], outer_grad)
    else:
        per_sample = numpy_function(args, terms, cse=True)
        outer = numpy_function([f], after)
        outer_g = numpy_function([f], outer_grad)
    return Kernels(
        arithmetic,
        tuple(p.name for p in graph.params),
        tuple(s.name for s in graph.inputs),
        reduction.op,
        inspect.getsource(per_sample),
        per_sample,
        tuple(sp.Rational(c) if arithmetic == "exact" else float(c) for c, _ in split),
        outer,
        outer_g,
        derivation,
    )
