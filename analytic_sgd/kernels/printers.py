"""Printers: sympy expressions turned into Python functions, for float and for exact numbers.

``numpy_function`` is ``sympy.lambdify`` with numpy's printer and a namespace holding only
the numpy functions the printer names (``modules="numpy"`` would import all of numpy's
submodules, a third of a cold start). ``exact_function`` prints every rational as
``Rational(p, q)``, never as a Python float, and small integer powers as products
(sympy's ``Pow`` of Rationals is slow), with the sympy namespace pinned: rationals stay
rationals, an irrational value (the square root of an RMSE) stays symbolic.

>>> import numpy as np
>>> x = sp.Symbol("x")
>>> numpy_function([x], sp.sqrt(x) + 1)(np.array([4.0, 9.0])).tolist()
[3.0, 4.0]
>>> exact_function([x], x**2 / 3)(sp.Rational(1, 2))
1/12
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import SymPyPrinter

__all__ = ["numpy_function", "exact_function"]


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


def numpy_function(args, exprs, *, cse: bool = False):
    """``sympy.lambdify`` of ``exprs`` with numpy's printer, the namespace pinned."""
    printer = NumPyPrinter({"fully_qualified_modules": False, "inline": True,
                            "allow_unknown_functions": True})
    return sp.lambdify(args, exprs, modules=[{}], printer=printer, cse=cse)


def exact_function(args, exprs, *, cse: bool = False):
    """``sympy.lambdify`` of ``exprs`` with exact rationals and the sympy namespace pinned."""
    printer = _ExactPrinter({"fully_qualified_modules": False, "inline": True})
    return sp.lambdify(args, exprs, modules=[{"Rational": sp.Rational}, "sympy"],
                       printer=printer, cse=cse)
