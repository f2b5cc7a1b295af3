"""Kernels: the derived closed forms as numeric functions.

``lambdify`` (``modules`` pinned, ``cse=True``) turns the per-sample terms of a
Derivation into one function returning the squared residual and, for each
parameter, the chain-rule product substituted back. The kernel reduces them
(mean or sum) and applies the outer factor (``1/(2*sqrt(f))`` for RMSE). The
generated source is kept in ``Kernels.source`` for inspection.

Arithmetics: ``float64``, ``float32`` (float32 in, float32 out, never widened)
and ``exact`` (sympy Rationals; an irrational square root stays symbolic).

>>> import numpy as np
>>> from analytic_sgd.model import linear
>>> from analytic_sgd.loss import mse
>>> from analytic_sgd.derive import derive
>>> k = derive(linear(), mse).compile("exact")
>>> k.loss([0, 0], [0, 1, 2], [10, 12, 14]), list(k.grad([0, 0], [0, 1, 2], [10, 12, 14]))
(440/3, [-80/3, -24])
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.pycode import SymPyPrinter

from .errors import DataError, OptionError

__all__ = ["Kernels", "compile_kernels", "ARITHMETICS", "to_exact"]

ARITHMETICS = ("exact", "float64", "float32")
DTYPES = {"float64": np.float64, "float32": np.float32, "exact": object}
_NONFINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)


class _ExactPrinter(SymPyPrinter):
    """Prints rationals as ``Rational(p, q)`` so that generated code stays exact."""

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"Rational({expr.p}, {expr.q})"

    def _print_Half(self, expr: sp.Rational) -> str:
        return self._print_Rational(expr)


def to_exact(value: Any, *, decimal: bool = False) -> sp.Expr:
    """A sympy number equal to ``value``: ints, Fractions and decimal strings exactly.

    A float is read as the binary value it holds (data: ``0.1`` is not 1/10),
    or, with ``decimal=True``, as the shortest decimal that prints it (settings:
    ``lr=0.01`` is 1/100).

    >>> to_exact("0.01"), to_exact(0.5), to_exact(0.01, decimal=True)
    (1/100, 1/2, 1/100)
    """
    if isinstance(value, sp.Basic):
        return value
    if decimal and isinstance(value, (float, np.floating)) and np.isfinite(value):
        value = repr(float(value))
    if isinstance(value, (str, Fraction)):
        value = Fraction(value)
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    value = float(value)
    if not np.isfinite(value):
        raise DataError(f"{value} has no exact value; exact arithmetic needs finite numbers")
    return sp.Rational(*value.as_integer_ratio())


@dataclass(frozen=True)
class Kernels:
    """``loss(params, x, y)``, ``grad(params, x, y)`` and ``loss_and_grad`` for one arithmetic.

    ``params`` are in the model's order; ``x`` has shape (n,) for one input or
    (n, k) for k inputs. ``grad`` returns an array in the parameter order.
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

    @property
    def dtype(self):
        return DTYPES[self.arithmetic]

    def convert(self, value, *, decimal: bool = True):
        """``value`` as a number of this arithmetic (settings: floats read as decimals)."""
        if self.arithmetic == "exact":
            return to_exact(value, decimal=decimal)
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
            return all(v not in _NONFINITE for v in np.ravel(values))
        return bool(np.all(np.isfinite(values)))

    def loss(self, params, x, y):
        """The batch loss at ``params``: a scalar of the kernel's arithmetic."""
        return self.loss_and_grad(params, x, y)[0]

    def grad(self, params, x, y) -> np.ndarray:
        """The gradient at ``params``, one entry per parameter."""
        return self.loss_and_grad(params, x, y)[1]

    def loss_and_grad(self, params, x, y):
        """Loss and gradient in one pass over the batch."""
        columns, y = self._columns(x, y)
        theta = self._params(params)
        if self.arithmetic == "exact":
            return self._exact(theta, columns, y)
        n = y.shape[0]
        with np.errstate(all="ignore"):  # non-finite values are the driver's to report
            return self._float(theta, columns, y, n)

    def _float(self, theta, columns, y, n):
        terms = self._per_sample(*theta, *columns, y)
        reduce = np.mean if self.reduction == "mean" else np.sum
        reduced = [reduce(np.broadcast_to(np.asarray(t, dtype=self.dtype), (n,))) for t in terms]
        f = self.dtype(reduced[0])
        scale = self.dtype(self._outer_grad(f))
        grad = np.array(
            [scale * (self.dtype(c) * g) for c, g in zip(self._coeffs, reduced[1:])],
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
        x = np.asarray(x, dtype=self.dtype)
        y = np.asarray(y, dtype=self.dtype)
        if x.ndim == 1 and k == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != k or y.ndim != 1 or x.shape[0] != y.shape[0]:
            raise DataError(
                f"x must have shape (n,) or (n, {k}) for inputs {', '.join(self.inputs)} and y "
                f"shape (n,); got x {x.shape} and y {y.shape}"
            )
        return [x[:, j] for j in range(k)], y


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
        printer = _ExactPrinter({"fully_qualified_modules": False, "inline": True})
        modules = [{"Rational": sp.Rational}, "sympy"]
        per_sample = sp.lambdify(args, terms, modules=modules, printer=printer, cse=True)
        outer = sp.lambdify([f], after, modules=modules, printer=printer)
        outer_g = sp.lambdify([f], outer_grad, modules=modules, printer=printer)
    else:
        per_sample = sp.lambdify(args, terms, modules="numpy", cse=True)
        outer = sp.lambdify([f], after, modules="numpy")
        outer_g = sp.lambdify([f], outer_grad, modules="numpy")
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
    )
