r"""How expressions are written: plain text, LaTeX and MathML, with one notation.

A per-sample quantity carries the sample index i: ``x_i``, ``r_i``, and a node or input
with a number keeps its number before the index (``u_{1,i}``, ``x_{1,i}``). ``indexed``
puts the index on every per-sample symbol of an expression (nodes, inputs, the target);
the printers write ``Σ_i`` / ``\sum_{i=1}^{n}`` for sums and never ``idx(i)``.

>>> import sympy as sp
>>> import analytic_sgd as asgd
>>> d = asgd.derive(asgd.linear(), asgd.mse)
>>> e = indexed(d.graph, d.chain("w").per_sample)
>>> expr_text(e), expr_tex(e)
('2*r_i*x_i', '2 r_{i} x_{i}')
>>> expr_tex(indexed(d.graph, sp.Symbol("u1", real=True) * 2))
'2 u_{1,i}'
>>> "<mi>i</mi>" in expr_mathml(e) and "idx" not in expr_mathml(d.chain("w").closed_form)
True
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.str import StrPrinter

from ..symbolic.derive import INDEX

__all__ = ["HAT", "indexed", "expr_text", "expr_tex", "expr_mathml", "split_name", "per_sample_symbols"]

_NAME = re.compile(r"^([A-Za-z]+)_?(\d*)$")


def split_name(name: str) -> tuple[str, str]:
    """``"u12"`` -> ``("u", "12")``; a name without digits keeps an empty number."""
    match = _NAME.match(name)
    return (match.group(1), match.group(2)) if match else (name, "")


def per_sample_symbols(graph) -> tuple[sp.Symbol, ...]:
    """The symbols that take one value per sample: inputs, the target, per-sample nodes."""
    return (*graph.inputs, graph.target, *(node.name for node in graph.nodes if node.per_sample))


def indexed(graph, expr) -> sp.Expr:
    """``expr`` with every per-sample symbol ``s`` replaced by ``s[i]`` (a number in front of a
    sum stays in front: ``2*(b + w*x_i - y_i)``, not distributed over it)."""
    mapping = {s: sp.IndexedBase(s.name, real=True)[INDEX] for s in per_sample_symbols(graph)}
    coeff, rest = sp.sympify(expr).as_coeff_Mul()
    if coeff != 1 and rest.is_Add:
        return sp.Mul(coeff, rest.xreplace(mapping), evaluate=False)
    return sp.sympify(expr).xreplace(mapping)


HAT = "yhat"  # the name of the prediction ŷ as a symbol (ŷ_i as an indexed one)


class _Text(StrPrinter):
    printmethod = "_analytic_sgd_text"

    def _print_Indexed(self, expr) -> str:
        base = "ŷ" if expr.base.name == HAT else expr.base
        return f"{base}_{expr.indices[0]}"

    def _print_Symbol(self, expr) -> str:
        return "ŷ" if expr.name == HAT else super()._print_Symbol(expr)

    def _print_Sum(self, expr) -> str:
        return f"Σ_{expr.limits[0][0]} ({self._print(expr.function)})"


def expr_text(expr, order: str | None = None) -> str:
    """``expr`` for a terminal: ``*`` for products, ``^`` for powers, ``x_i``, ``Σ_i (...)``."""
    settings = {"order": order} if order else {}
    return _Text(settings).doprint(expr).replace("**", "^")


class _Tex(LatexPrinter):
    printmethod = "_analytic_sgd_latex"

    def _print_Symbol(self, expr, style="plain") -> str:
        return r"\hat{y}" if expr.name == HAT else super()._print_Symbol(expr, style)

    def _print_Indexed(self, expr) -> str:
        letters, number = split_name(expr.base.name)
        if expr.base.name == HAT:
            letters = r"\hat{y}"
        index = self._print(expr.indices[0])
        return f"{letters}_{{{number},{index}}}" if number else f"{letters}_{{{index}}}"

    def _print_Idx(self, expr) -> str:
        return expr.name


def expr_tex(expr, order: str | None = None) -> str:
    """``expr`` in LaTeX, with ``u_{1,i}`` for indexed numbered names."""
    settings = {"order": order} if order else {}
    return _Tex(settings).doprint(expr)


class _MathML(MathMLPresentationPrinter):
    printmethod = "_analytic_sgd_mathml"

    def _mi(self, text: str):
        node = self.dom.createElement("mi")
        node.appendChild(self.dom.createTextNode(text))
        return node

    def _print_Idx(self, expr):
        return self._mi(expr.name)

    def _hat(self):
        over = self.dom.createElement("mover")
        over.setAttribute("accent", "true")
        over.appendChild(self._mi("y"))
        mark = self.dom.createElement("mo")
        mark.appendChild(self.dom.createTextNode("^"))
        over.appendChild(mark)
        return over

    def _print_Symbol(self, sym, style="plain"):
        return self._hat() if sym.name == HAT else super()._print_Symbol(sym, style)

    def _print_Indexed(self, expr):
        letters, number = split_name(expr.base.name)
        sub = self.dom.createElement("msub")
        sub.appendChild(self._hat() if expr.base.name == HAT else self._mi(letters))
        row = self.dom.createElement("mrow")
        if number:
            mn = self.dom.createElement("mn")
            mn.appendChild(self.dom.createTextNode(number))
            comma = self.dom.createElement("mo")
            comma.appendChild(self.dom.createTextNode(","))
            row.appendChild(mn)
            row.appendChild(comma)
        row.appendChild(self._print(expr.indices[0]))
        sub.appendChild(row)
        return sub


def expr_mathml(expr, order: str | None = None) -> str:
    """``expr`` as presentation MathML (the content of a ``<math>`` element)."""
    settings = {"order": order} if order else {}
    return _MathML(settings).doprint(expr).replace("<mo>-</mo>", "<mo>&#x2212;</mo>")
