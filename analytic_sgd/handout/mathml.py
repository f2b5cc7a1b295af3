"""MathML pieces of the handout: displayed equations and numbers.

>>> import sympy as sp
>>> number(sp.Rational(-80, 3))
'<math><mrow><mo>&#x2212;</mo><mfrac><mn>80</mn><mn>3</mn></mfrac></mrow></math>'
"""

from __future__ import annotations

import sympy as sp

from ..render import formula_mathml as fmm
from ..render import notation as nt
from ..render.first_step import rounds

__all__ = ["block", "math_equation", "number", "inline"]


def block(content: str) -> str:
    return f'<math display="block">{content}</math>'


def inline(content: str) -> str:
    return f"<math>{content}</math>"


def math_equation(lhs, rhs: list) -> str:
    """``lhs = rhs[0] = ...`` as a displayed table of rows, broken like the LaTeX."""
    return block(fmm.mathml_rows(lhs, rhs))


def number(value, digits: int | None = None) -> str:
    """An exact value as inline MathML; rounded to ``digits`` decimals (with ≈) when its exact
    form is long."""
    value = sp.sympify(value)
    if rounds(value, digits):
        return inline(f"<mo>≈</mo><mn>{float(value):.{digits}f}</mn>")
    return inline(nt.expr_mathml(value))
