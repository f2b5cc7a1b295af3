"""The exact evaluator: sympy numbers in, sympy numbers out, nothing rounded.

Rationals stay rationals; an irrational value (the square root of an RMSE) stays
symbolic. Generated code prints every rational as ``Rational(p, q)``, never as a
Python float, and small integer powers as products (sympy's ``Pow`` of Rationals is
slow).

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> exact_function([x], x**2 / 3)(to_exact("0.5"))
1/12
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.pycode import SymPyPrinter

from ..errors import DataError

__all__ = ["to_exact", "exact_function", "all_finite", "NONFINITE"]

NONFINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)


class _ExactPrinter(SymPyPrinter):
    """Prints rationals as ``Rational(p, q)`` so that generated code stays exact."""

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"Rational({expr.p}, {expr.q})"

    def _print_Half(self, expr: sp.Rational) -> str:
        return self._print_Rational(expr)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        # a small positive integer power as a product: sympy's Pow of Rationals is slow
        if expr.exp.is_Integer and 2 <= expr.exp <= 4:
            base = self.parenthesize(expr.base, 60)  # PRECEDENCE["Pow"]
            return "(" + "*".join([base] * int(expr.exp)) + ")"  # safe inside 1/(...) too
        return super()._print_Pow(expr, rational)


def to_exact(value: Any, *, decimal: bool = False) -> sp.Expr:
    """A sympy number equal to ``value``: ints, Fractions and decimal strings exactly.

    A float is read as the binary value it holds (data: ``0.1`` is not 1/10),
    or, with ``decimal=True``, as the shortest decimal that prints it (settings:
    ``lr=0.01`` is 1/100).

    >>> to_exact("0.01"), to_exact(0.5), to_exact(0.01, decimal=True)
    (1/100, 1/2, 1/100)
    """
    if isinstance(value, sp.Float):  # not exact: read the decimal it prints as
        value = str(value)
    elif isinstance(value, sp.Basic):
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


def exact_function(args, exprs, *, cse: bool = False):
    """``sympy.lambdify`` of ``exprs`` with exact rationals and the sympy namespace pinned."""
    printer = _ExactPrinter({"fully_qualified_modules": False, "inline": True})
    return sp.lambdify(args, exprs, modules=[{"Rational": sp.Rational}, "sympy"],
                       printer=printer, cse=cse)


def all_finite(values) -> bool:
    """True unless an exact value is NaN or infinite (``zoo``, ``oo``)."""
    return all(v not in NONFINITE for v in np.ravel(values))
