"""The data of a golden file: stored as the run in the file's arithmetic reads them, each
value written exactly, with the SHA-256 of the values.

=========  =================================================================================
file       data stored
=========  =================================================================================
float32    float data as float32 (the values a float32 run computes with: float64 data are
           rounded once); integers as int64 when float32 holds each exactly
float64    float32 and float64 data in their own dtype (float64 holds both exactly);
           integers as int64 when float64 holds each exactly
exact      the exact values the run reads: the decimals as written when the problem has them
           (a CSV's ``0.1`` is 1/10; dtype ``decimal``), floats as the arithmetic reads them
           (their shortest decimals, dtype ``decimal``; or with ``exact_floats="binary"``,
           and for the examples' own data, the arrays, whose binary values are read)
=========  =================================================================================

A value is written as its exact decimal expansion (a float32 0.1 is
"0.100000001490116119384765625"); a ``decimal`` value as the shortest exact decimal of the
number ("0.1"), or "p/q" when it has none. ``sha256`` is the SHA-256 of x's bytes then
y's: for float32, float64 and int64 the C-ordered little-endian bytes of the array, for
``decimal`` the UTF-8 text of each value followed by a newline.

>>> import numpy as np
>>> from fractions import Fraction
>>> from analytic_sgd.conventions.arithmetic import FLOAT32
>>> stored_array(np.array([0.1, 0.5]), None, FLOAT32).dtype.name
'float32'
>>> decimal_text(Fraction(1, 10)), decimal_text(Fraction(-5, 2)), decimal_text(Fraction(1, 3))
('0.1', '-2.5', '1/3')
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic
from .spec import DATA_DTYPES, GoldenFileError

__all__ = ["stored_array", "data_sha256", "decimal_text", "value_text"]


def decimal_text(q: Fraction) -> str:
    """The shortest exact decimal of ``q`` ("0.1", "-2.5", "3"), or "p/q" when it has none."""
    q = Fraction(q)
    twos = fives = 0
    d = q.denominator
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return f"{q.numerator}/{q.denominator}"
    places = max(twos, fives)
    digits = str(abs(q.numerator) * 10**places // q.denominator).rjust(places + 1, "0")
    sign = "-" if q < 0 else ""
    if not places:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _canonical(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == object:
        return a
    a = a.astype(np.int64) if a.dtype.kind in "iub" else a
    if a.dtype.name not in DATA_DTYPES:
        raise GoldenFileError(f"golden data must be float32, float64 or integers, not {a.dtype}")
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))


def _decimals(values: Any) -> np.ndarray:
    """Exact values (Fractions, ints, decimal strings, sympy Rationals) as Fractions."""
    array = np.asarray(values, dtype=object)
    out = np.empty(array.shape, dtype=object)
    out.flat[:] = [Fraction(int(v.p), int(v.q)) if getattr(v, "is_Rational", False) is True
                   else Fraction(v) for v in array.flat]
    return out


def stored_array(values: Any, exact_values: Any, arithmetic: Arithmetic) -> np.ndarray:
    """The array a golden file of ``arithmetic`` stores for one data column (module docstring):
    an object array of Fractions (dtype ``decimal``) or a numeric array."""
    if arithmetic.exact:
        if arithmetic.floats.decimal and exact_values is not None:
            return _decimals(exact_values)
        if arithmetic.floats.decimal and np.asarray(values).dtype.kind not in "iub":
            return _decimals(arithmetic.array(values))
        return _canonical(values)
    a = _canonical(values)
    if a.dtype.kind == "f" and a.dtype.itemsize <= arithmetic.dtype.itemsize:
        return a
    cast = a.astype(arithmetic.dtype)
    if a.dtype.kind == "i" and np.array_equal(cast.astype(np.int64), a) and np.all(np.isfinite(cast)):
        return a
    return _canonical(cast)


def dtype_name(a: np.ndarray) -> str:
    """The name of a stored array's dtype in a golden file (``decimal`` for exact values)."""
    return "decimal" if a.dtype == object else a.dtype.name


def _bytes(a: np.ndarray) -> bytes:
    a = _canonical(a)
    if a.dtype == object:
        return "".join(decimal_text(v) + "\n" for v in a.flat).encode("utf-8")
    return a.tobytes()


def data_sha256(x: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 (hex) of x's bytes then y's: C order, little-endian, in their dtypes; for exact
    (``decimal``) data the text of each value and a newline."""
    return hashlib.sha256(_bytes(x) + _bytes(y)).hexdigest()


def value_text(v: Any) -> str:
    """One stored value as written in the file: exactly, as a decimal (or "p/q")."""
    if isinstance(v, Fraction):
        return decimal_text(v)
    return str(int(v)) if isinstance(v, (int, np.integer)) else format(Decimal(float(v)), "f")
