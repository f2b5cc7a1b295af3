r"""The width of a LaTeX math string, estimated in em (display style, 10pt), on the wide side.

Enough to break a formula's rows before they overflow a page or a beamer frame: a fraction
is as wide as its wider part, a script is three quarters of its size, ``\\sum`` 1.5 em, a
binary operator with its spaces 1.25 em, a letter 0.55 em. The LaTeX tests compile the
output and measure the real boxes.

>>> tex_width(r"\frac{\partial l}{\partial w}") < 2.5 < tex_width(r"a + b")
True
"""

from __future__ import annotations

import re

__all__ = ["tex_width"]

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
