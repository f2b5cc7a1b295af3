r"""Formulas built once and written three ways (text, LaTeX, MathML), broken into lines that fit.

A formula is a small tree: ``M`` (a sympy expression), ``Partial`` (∂a/∂b), ``Seq`` (items
joined by an operator, or side by side), ``Sigma`` (Σ over the samples), ``Paren``, and
``Factors`` (a product written factor by factor, ``·`` between them). Every format of a
derivation prints the same trees, so every format shows the same steps.

``layout`` breaks the right-hand sides of an equation into rows no wider than a budget
in em (the width of an M at 10pt, estimated by ``tex_width``), at the operators between
terms and factors, never inside a fraction; ``formula_mathml`` writes the same rows as MathML.

>>> import sympy as sp
>>> w, x = sp.symbols("w x")
>>> f = Seq([M(sp.Rational(1, 3)), Sigma(Seq([M(w * x), M(w)], "+"))])
>>> text(f), tex(f)
('1/3 · Σ_i [w*x + w]', '\\frac{1}{3} \\sum_{i=1}^{n} \\left(w x + w\\right)')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import notation as nt
from .tex_width import tex_width

__all__ = ["M", "Named", "Partial", "Seq", "Sigma", "Paren", "Factors", "Token", "flatten", "text",
           "tex", "layout", "tex_rows", "BUDGET"]

BUDGET = 25.0  # em: fits a beamer frame at 11pt (about 28 em) and an article (34 em)


@dataclass(frozen=True)
class M:
    expr: sp.Expr
    keep_order: bool = False  # print the operands in the order given (a node's expression)


@dataclass(frozen=True)
class Named:
    """A piece written by hand in each format (``ŷ``, a loss's own definition)."""

    text: str
    tex: str
    mathml: str


@dataclass(frozen=True)
class Partial:
    of: sp.Expr
    wrt: sp.Expr


@dataclass(frozen=True)
class Seq:
    items: list
    op: str = ""   # "" side by side, "+", "=", "·"


@dataclass(frozen=True)
class Sigma:
    body: object


@dataclass(frozen=True)
class Paren:
    body: object


@dataclass(frozen=True)
class Factors:
    items: list


@dataclass(frozen=True)
class Token:  # a piece of a flattened formula: "atom", "op", "open", "close", "sigma"
    kind: str
    value: object = None


def _is_sum(f) -> bool:
    return (isinstance(f, Seq) and f.op == "+" and len(f.items) > 1) or \
        (isinstance(f, M) and sp.sympify(f.expr).is_Add)


def _simple(f) -> bool:
    return isinstance(f, M) and (f.expr.is_Atom or isinstance(f.expr, sp.Indexed))


# --- text ---------------------------------------------------------------------------------

def text(f) -> str:
    if isinstance(f, M):
        return nt.expr_text(f.expr, order="none" if f.keep_order else None)
    if isinstance(f, Named):
        return f.text
    if isinstance(f, Partial):
        return f"∂{nt.expr_text(f.of)}/∂{nt.expr_text(f.wrt)}"
    if isinstance(f, Sigma):
        if isinstance(f.body, M) and f.body.expr.is_Pow:
            return f"Σ_i {text(f.body)}"
        return f"Σ_i [{text(f.body)}]" if _is_sum(f.body) else f"Σ_i {_text_factor(f.body)}"
    if isinstance(f, Paren):
        return f"({text(f.body)})"
    if isinstance(f, Factors):
        return " · ".join(text(i) if _simple(i) else f"({text(i)})" for i in f.items)
    if f.op == "":
        out = ""
        for k, i in enumerate(f.items):
            both = k and isinstance(i, Partial) and isinstance(f.items[k - 1], Partial)
            out += ("" if both or not k else " · ") + \
                (f"({text(i)})" if isinstance(i, Partial) else _text_factor(i))
        return out
    if f.op == "+":
        return " + ".join(text(i) for i in f.items).replace("+ -", "- ")
    return f" {f.op} ".join(text(i) for i in f.items)


def _text_factor(f) -> str:
    if isinstance(f, M) and not _simple(f):
        return f"({text(f)})" if f.expr.is_Add or f.expr.is_Mul or f.expr.is_Pow else text(f)
    if isinstance(f, Factors):
        return f"[{text(f)}]"
    return text(f) if not isinstance(f, Seq) or f.op == "" else f"({text(f)})"


# --- flattening into pieces a line may break between ---------------------------------------

def flatten(f) -> list[Token]:
    if isinstance(f, Seq):
        out: list[Token] = []
        for k, item in enumerate(f.items):
            if k:
                out.append(Token("op", f.op))
            out += flatten(item)
        return out
    if isinstance(f, Sigma):
        body = flatten(f.body)
        return [Token("sigma"), Token("open"), *body, Token("close")] if _is_sum(f.body) \
            else [Token("sigma"), *body]
    if isinstance(f, Paren):
        return [Token("open"), *flatten(f.body), Token("close")]
    if isinstance(f, M) and f.expr.is_Add and not f.keep_order:
        terms = f.expr.as_ordered_terms()
        out = [Token("atom", M(terms[0]))]
        for t in terms[1:]:
            negative = t.could_extract_minus_sign()
            out += [Token("op", "-" if negative else "+"), Token("atom", M(-t if negative else t))]
        return out
    if isinstance(f, M) and f.expr.is_Mul and any(a.is_Add for a in f.expr.args) and \
            not any(a.is_Pow and a.exp.is_negative for a in f.expr.args):
        out = []
        for a in f.expr.as_ordered_factors():
            out += [Token("open"), *flatten(M(a)), Token("close")] if a.is_Add else \
                [Token("atom", M(a))]
        return out
    return [Token("atom", f)]


_OPS_TEX = {"": " ", "+": " + ", "-": " - ", "=": " = ", "·": r" \cdot "}


def _atom_tex(f) -> str:
    if isinstance(f, M):
        return nt.expr_tex(f.expr, order="none" if f.keep_order else None)
    if isinstance(f, Named):
        return f.tex
    if isinstance(f, Partial):
        return rf"\frac{{\partial {nt.expr_tex(f.of)}}}{{\partial {nt.expr_tex(f.wrt)}}}"
    if isinstance(f, Factors):
        return r" \cdot ".join(_paren_tex(i) for i in f.items)
    return _tokens_tex(flatten(f))


def _paren_tex(f) -> str:
    body = _atom_tex(f)
    need = isinstance(f, M) and (f.expr.is_Add or f.expr.could_extract_minus_sign())
    return rf"\left({body}\right)" if need else body


def _tokens_tex(tokens: list[Token]) -> str:
    out = []
    depth = sum(1 if t.kind == "open" else -1 if t.kind == "close" else 0 for t in tokens)
    for t in tokens:
        if t.kind == "atom":
            out.append(_atom_tex(t.value))
        elif t.kind == "op":
            out.append(_OPS_TEX[t.value])
        elif t.kind == "sigma":
            out.append(r"\sum_{i=1}^{n} ")
        else:
            sized = depth != 0  # a bracket whose partner is on another row has a fixed size
            big = r"\biggl(" if t.kind == "open" else r"\biggr)"
            out.append(big if sized else (r"\left(" if t.kind == "open" else r"\right)"))
    return "".join(out).replace("  ", " ").strip()


def tex(f) -> str:
    """``f`` in LaTeX on one line."""
    return _tokens_tex(flatten(f))


# --- rows that fit ------------------------------------------------------------------------

def layout(lhs, rhs: list, budget: float = BUDGET) -> list[tuple[bool, list[Token]]]:
    """Rows of ``lhs = rhs[0] = rhs[1] = ...``: (starts with "=", tokens). Each right-hand
    side starts a row; one too wide is broken before an operator."""
    lead = tex_width(_atom_tex(lhs)) + 1.4
    rows: list[tuple[bool, list[Token]]] = []
    for f in rhs:
        tokens = flatten(f)
        row: list[Token] = []
        first = True
        for k, t in enumerate(tokens):
            candidate = row + [t]
            room = budget - lead - (0 if first else 1.0)
            if t.kind == "op" and row and tex_width(_tokens_tex(candidate + tokens[k + 1: k + 2])) > room:
                rows.append((first, row))
                first, row = False, [t]
            else:
                row = candidate
        rows.append((first, row))
    return rows


def tex_rows(lhs, rhs: list, budget: float = BUDGET) -> list[str]:
    """Rows for an ``align*``/``aligned`` block: ``lhs &= ...``, ``&= ...``, ``&\\quad ...``."""
    out = []
    for k, (first, tokens) in enumerate(layout(lhs, rhs, budget)):
        body = _tokens_tex(tokens)
        if tokens and tokens[0].kind == "op":
            body = "{}" + body
        head = _atom_tex(lhs) + " " if k == 0 else ""
        out.append(f"{head}&= {body}" if first else rf"&\qquad {body}")
    return out
