"""Formulas (``analytic_sgd.render.formula``) as presentation MathML, in the rows LaTeX gets.

>>> import sympy as sp
>>> from analytic_sgd.render.formula import M, Partial, Seq
>>> mathml(Seq([Partial(sp.Symbol("l"), sp.Symbol("w")), M(sp.Symbol("x"))])).count("<mfrac>")
1
"""

from __future__ import annotations

from . import notation as nt
from .formula import BUDGET, Factors, M, Named, Partial, Token, flatten, layout

__all__ = ["mathml", "mathml_rows"]


def _mo(op: str) -> str:
    return f"<mo>{ {'-': '−', '·': '·', '': '&#x2062;'}.get(op, op) }</mo>"


def _atom_mathml(f) -> str:
    if isinstance(f, M):
        return nt.expr_mathml(f.expr, order="none" if f.keep_order else None)
    if isinstance(f, Named):
        return f.mathml
    if isinstance(f, Partial):
        return (f"<mfrac><mrow><mo>∂</mo>{nt.expr_mathml(f.of)}</mrow>"
                f"<mrow><mo>∂</mo>{nt.expr_mathml(f.wrt)}</mrow></mfrac>")
    if isinstance(f, Factors):
        parts = []
        for i in f.items:
            body = _atom_mathml(i)
            need = isinstance(i, M) and (i.expr.is_Add or i.expr.could_extract_minus_sign())
            parts.append(f"<mrow><mo>(</mo>{body}<mo>)</mo></mrow>" if need else body)
        return "<mo>·</mo>".join(parts)
    return _tokens_mathml(flatten(f))


def _tokens_mathml(tokens: list[Token]) -> str:
    out = []
    for t in tokens:
        if t.kind == "atom":
            out.append(_atom_mathml(t.value))
        elif t.kind == "op":
            out.append(_mo(t.value))
        elif t.kind == "sigma":
            out.append("<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow>"
                       "<mi>n</mi></munderover>")
        else:
            out.append("<mo>(</mo>" if t.kind == "open" else "<mo>)</mo>")
    return "<mrow>" + "".join(out) + "</mrow>"


def mathml(f) -> str:
    """``f`` as the content of a ``<math>`` element, on one line."""
    return _tokens_mathml(flatten(f))


def mathml_rows(lhs, rhs: list, budget: float = BUDGET) -> str:
    """An ``<mtable>`` of the same rows as ``tex_rows``, aligned at the = signs."""
    rows = []
    for k, (first, tokens) in enumerate(layout(lhs, rhs, budget)):
        left = _atom_mathml(lhs) if k == 0 else ""
        mark = "<mo>=</mo>" if first else "<mspace width='2em'/>"
        rows.append(f"<mtr><mtd><mrow displaystyle='true'>{left}</mrow></mtd><mtd><mrow "
                    f"displaystyle='true'>{mark}{_tokens_mathml(tokens)}</mrow></mtd></mtr>")
    return "<mtable columnalign='right left' displaystyle='true'>" + "".join(rows) + "</mtable>"
