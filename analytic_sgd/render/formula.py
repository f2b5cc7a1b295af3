r"""Formulas built once and written three ways (text, LaTeX, MathML), broken into lines that fit.

A formula is a small tree: ``M`` (a sympy expression), ``Partial`` (∂a/∂b), ``Seq`` (items
joined by an operator, or side by side), ``Sigma`` (Σ over the samples), ``Paren``, and
``Factors`` (a product written factor by factor, ``·`` between them). Every format of a
derivation prints the same trees, so every format shows the same steps.

``layout`` breaks the right-hand sides of an equation into rows no wider than a budget
in em (the width of an M at 10pt), at the operators between terms and factors, never
inside a fraction; ``tex_width`` estimates a LaTeX string's width (it errs wide).

>>> import sympy as sp
>>> w, x = sp.symbols("w x")
>>> f = Seq([M(sp.Rational(1, 3)), Sigma(Seq([M(w * x), M(w)], "+"))])
>>> text(f), tex(f)
('1/3 · Σ_i [w*x + w]', '\\frac{1}{3} \\sum_{i=1}^{n} \\left(w x + w\\right)')
>>> tex_width(r"\frac{\partial l}{\partial w}") < 2.5
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from . import notation as nt

__all__ = ["M", "Named", "Partial", "Seq", "Sigma", "Paren", "Factors", "text", "tex", "mathml",
           "tex_width", "layout", "tex_rows", "mathml_rows", "BUDGET"]

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
class _Tok:  # a piece of a flattened formula: "atom", "op", "open", "close", "sigma"
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

def _flatten(f) -> list[_Tok]:
    if isinstance(f, Seq):
        out: list[_Tok] = []
        for k, item in enumerate(f.items):
            if k:
                out.append(_Tok("op", f.op))
            out += _flatten(item)
        return out
    if isinstance(f, Sigma):
        body = _flatten(f.body)
        return [_Tok("sigma"), _Tok("open"), *body, _Tok("close")] if _is_sum(f.body) \
            else [_Tok("sigma"), *body]
    if isinstance(f, Paren):
        return [_Tok("open"), *_flatten(f.body), _Tok("close")]
    if isinstance(f, M) and f.expr.is_Add and not f.keep_order:
        terms = f.expr.as_ordered_terms()
        out = [_Tok("atom", M(terms[0]))]
        for t in terms[1:]:
            negative = t.could_extract_minus_sign()
            out += [_Tok("op", "-" if negative else "+"), _Tok("atom", M(-t if negative else t))]
        return out
    if isinstance(f, M) and f.expr.is_Mul and any(a.is_Add for a in f.expr.args) and \
            not any(a.is_Pow and a.exp.is_negative for a in f.expr.args):
        out = []
        for a in f.expr.as_ordered_factors():
            out += [_Tok("open"), *_flatten(M(a)), _Tok("close")] if a.is_Add else \
                [_Tok("atom", M(a))]
        return out
    return [_Tok("atom", f)]


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
    return _tokens_tex(_flatten(f))


def _paren_tex(f) -> str:
    body = _atom_tex(f)
    need = isinstance(f, M) and (f.expr.is_Add or f.expr.could_extract_minus_sign())
    return rf"\left({body}\right)" if need else body


def _tokens_tex(tokens: list[_Tok]) -> str:
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
    return _tokens_tex(_flatten(f))


# --- widths and rows ----------------------------------------------------------------------

_WIDE = {r"\sum": 1.5, r"\partial": 0.6, r"\cdot": 0.8, r"\quad": 1.0, r"\qquad": 2.0,
         r"\hat": 0.0, r"\leftarrow": 1.6, r"\approx": 1.4, r"\sqrt": 0.9, r"\biggl": 0.5,
         r"\biggr": 0.5, r"\left": 0.0, r"\right": 0.0, r"\cdots": 1.6, r"\dots": 1.4}


def _group(s: str, k: int) -> tuple[str, int]:
    """The brace group starting at s[k] == "{" and the index after it."""
    depth = 0
    for j in range(k, len(s)):
        depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth == 0:
            return s[k + 1: j], j + 1
    return s[k + 1:], len(s)


def _width(s: str) -> float:
    k, total = 0, 0.0
    while k < len(s):
        c = s[k]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[k:])
            name = "\\" + m.group(1)
            k += m.end()
            if name in (r"\frac", r"\tfrac"):
                a, k = _group(s, k)
                b, k = _group(s, k)
                total += max(_width(a), _width(b)) * (0.75 if name == r"\tfrac" else 1) + 0.3
            elif name in (r"\mathrm", r"\text", r"\operatorname", r"\mathit"):
                a, k = _group(s, k)
                total += 0.5 * len(a)
            else:
                total += _WIDE.get(name, 0.25 if len(name) == 2 else 0.7)
        elif c in "_^":
            if k + 1 < len(s) and s[k + 1] == "{":
                a, k = _group(s, k + 1)
            else:
                a, k = s[k + 1: k + 2], k + 2
            total += 0.75 * _width(a)
        elif c == "{" :
            a, k = _group(s, k)
            total += _width(a)
        elif c in "+-" and not s[:k].strip():
            total += 0.8  # a sign, not a binary operator
            k += 1
        else:
            total += {" ": 0.0, "+": 1.25, "-": 1.25, "=": 1.35, "(": 0.4, ")": 0.4, ",": 0.3,
                      "&": 0.0, "}": 0.0}.get(c, 0.55)
            k += 1
    return total


def tex_width(s: str) -> float:
    """An estimate of the width of the LaTeX math ``s`` in em (display style), on the wide side."""
    return 1.08 * _width(s)


def layout(lhs, rhs: list, budget: float = BUDGET) -> list[tuple[bool, list[_Tok]]]:
    """Rows of ``lhs = rhs[0] = rhs[1] = ...``: (starts with "=", tokens). Each right-hand
    side starts a row; one too wide is broken before an operator."""
    lead = tex_width(_atom_tex(lhs)) + 1.4
    rows: list[tuple[bool, list[_Tok]]] = []
    for f in rhs:
        tokens = _flatten(f)
        row: list[_Tok] = []
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


# --- MathML -------------------------------------------------------------------------------

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
    return _tokens_mathml(_flatten(f))


def _tokens_mathml(tokens: list[_Tok]) -> str:
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
    return _tokens_mathml(_flatten(f))


def mathml_rows(lhs, rhs: list, budget: float = BUDGET) -> str:
    """An ``<mtable>`` of the same rows as ``tex_rows``, aligned at the = signs."""
    rows = []
    for k, (first, tokens) in enumerate(layout(lhs, rhs, budget)):
        left = _atom_mathml(lhs) if k == 0 else ""
        mark = "<mo>=</mo>" if first else "<mspace width='2em'/>"
        rows.append(f"<mtr><mtd><mrow displaystyle='true'>{left}</mrow></mtd><mtd><mrow "
                    f"displaystyle='true'>{mark}{_tokens_mathml(tokens)}</mrow></mtd></mtr>")
    return "<mtable columnalign='right left' displaystyle='true'>" + "".join(rows) + "</mtable>"
