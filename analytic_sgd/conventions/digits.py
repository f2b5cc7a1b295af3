"""Big integers as text and back, without the interpreter's digit limit.

Python refuses to convert an int of more than 4300 decimal digits to text or back
(``sys.set_int_max_str_digits``), to protect servers from slow conversions. The values of
a long exact run pass that size after about a thousand steps, and the project must still
print and read them: these functions cut a big number into pieces below the limit (divide
and conquer, about as fast as ``str`` itself), and never change the interpreter's setting.

>>> n = 7 ** 20_000                      # 16,902 digits: str(n) would raise
>>> text = int_text(n)
>>> len(text), read_int(text) == n
(16902, True)
>>> rational_text(n, 3)[:12], read_fraction("-80/3")
('913692973567', Fraction(-80, 3))
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction
from typing import Any

__all__ = ["int_text", "rational_text", "exact_text", "read_int", "read_fraction", "SAFE_DIGITS"]

SAFE_DIGITS = 4000  # pieces of at most this many digits are converted by str() and int()
_SAFE_BITS = int(SAFE_DIGITS * 3.32)  # an int of fewer bits has fewer than SAFE_DIGITS digits
_FRACTION = re.compile(r"\s*([+-]?)(\d+)(?:/(\d+))?\s*")
@functools.lru_cache(maxsize=64)  # the powers a run's numbers share, not one per number
def _power(k: int) -> int:
    return 10**k


def int_text(n: int) -> str:
    """The decimal digits of ``n`` (any size), as ``str(n)`` writes them."""
    n = int(n)
    if n < 0:
        return "-" + int_text(-n)
    if n.bit_length() < _SAFE_BITS:
        return str(n)
    half = int(n.bit_length() * 0.30103) // 2  # about half of the digits
    high, low = divmod(n, _power(half))
    return int_text(high) + int_text(low).rjust(half, "0")


def read_int(text: str) -> int:
    """The int a text of digits (with an optional sign) writes, of any length."""
    text = text.strip()
    sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.lstrip("+"))
    if len(digits) <= SAFE_DIGITS or not digits.isdigit():
        return sign * int(digits)  # int() reports text that is not digits
    half = len(digits) // 2
    return sign * (read_int(digits[:-half]) * _power(half) + read_int(digits[-half:]))


def rational_text(p: int, q: int = 1) -> str:
    """``p/q`` (or ``p`` when q is 1), as sympy and Fraction write a rational."""
    return int_text(p) if q == 1 else f"{int_text(p)}/{int_text(q)}"


def exact_text(value: Any) -> str:
    """An exact value as text: a sympy Rational, Fraction or int as ``p/q`` with every digit;
    anything else (an irrational sympy value such as ``2*sqrt(330)/3``) as ``str`` writes it."""
    if getattr(value, "is_Rational", False) is True:
        return rational_text(int(value.p), int(value.q))
    if isinstance(value, Fraction):
        return rational_text(value.numerator, value.denominator)
    if isinstance(value, int):
        return int_text(value)
    return str(value)


def read_fraction(text: str) -> Fraction:
    """The Fraction of ``p/q``, an integer, or a decimal (``0.5``, ``1e-3``), of any length;
    ValueError (or ZeroDivisionError) as ``Fraction(text)`` raises them."""
    match = _FRACTION.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return Fraction(text)
    sign, p, q = match.groups()
    p = read_int(p) * (-1 if sign == "-" else 1)
    return Fraction(p, read_int(q)) if q else Fraction(p)
