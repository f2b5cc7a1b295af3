"""Decimal texts: which texts are finite decimal numbers, and their exact values.

The one reader of numbers written as text (a setting, a CSV cell, a data value given as a
string): digits with an optional sign, point and exponent, read exactly (``"0.1"`` is
1/10); NaN, infinity, hexadecimal and everything else ``float()`` would take are refused
with the reason.

>>> read_decimal("0.1"), decimal_reason("nan")
(Fraction(1, 10), "'nan' is not finite (NaN or infinity); every value must be a finite number")
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ..errors import DataError

__all__ = ["decimal_reason", "read_decimal", "decimal_fraction"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_PLAIN = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")  # a decimal without exponent
_MAX_CHARS, _MAX_EXPONENT = 400, 9999  # bounds that keep Fraction() fast on hostile input


def decimal_reason(text: str, *, exact: bool = False) -> str | None:
    """None if ``text`` is a finite decimal number, else the reason it is not.

    Accepted: digits with an optional sign, decimal point and exponent (``-1.5``, ``.5``,
    ``2.``, ``3E+2``). Refused: NaN and infinity in any spelling, values that overflow a
    float (``1e999``; with ``exact``, read as an exact fraction, they are finite decimals and
    taken), hexadecimal, underscores, and everything else float() would take.

    >>> decimal_reason("1e-3") is None, decimal_reason("-Infinity")
    (True, "'-Infinity' is not finite (NaN or infinity); every value must be a finite number")
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        if _NOT_FINITE.fullmatch(text):
            return f"{text!r} is not finite (NaN or infinity); every value must be a finite number"
        if not text:
            return "every cell needs a number"
        return f"{text!r} is not a number; write decimals such as 12, -0.5 or 3e-4"
    if len(text) > _MAX_CHARS or (match[1] and abs(int(match[1])) > _MAX_EXPONENT):
        return f"{text[:20]!r}... is too long or its exponent too large; write it shorter"
    if not exact and not math.isfinite(float(text)):
        return f"{text!r} overflows to infinity as a float; every value must be finite"
    return None


def read_decimal(text: str) -> Fraction:
    """The exact value of a decimal text (``"0.1"`` is 1/10); DataError for anything
    ``decimal_reason`` refuses.

    >>> read_decimal(" 2.5e-1 ")
    Fraction(1, 4)
    """
    text = text.strip() if isinstance(text, str) else text
    reason = decimal_reason(text) if isinstance(text, str) else "it is not text"
    if reason:
        raise DataError(f"cannot read {text!r} exactly: {reason}")
    return decimal_fraction(text)


def decimal_fraction(text: str) -> Fraction:
    """The exact value of a decimal text ``decimal_reason`` accepted: plain decimals
    (``-12.50``) by integer arithmetic, which is several times faster than ``Fraction``'s
    own parser, the others (exponents) by ``Fraction``.

    >>> decimal_fraction("-12.50"), decimal_fraction("1e-3")
    (Fraction(-25, 2), Fraction(1, 1000))
    """
    plain = _PLAIN.fullmatch(text)
    if plain is None:
        return Fraction(text)
    sign, whole, frac = plain.groups()
    frac = frac or ""
    value = Fraction(int(whole + frac or "0"), 10 ** len(frac))
    return -value if sign == "-" else value
