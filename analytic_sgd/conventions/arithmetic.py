"""Arithmetic: exact (rationals), float64 or float32, as one value each.

An ``Arithmetic`` knows its numpy dtype, how it reads a number (a setting, a start
value, a data value), whether its values are finite or rational, how it writes a value
to JSON, and its default tolerances. Every other module asks the arithmetic object; none
compares arithmetic names.

=========  ========  =================================  ==================================
name       dtype     a number is                        default tolerances (per step k)
=========  ========  =================================  ==================================
exact      object    a sympy Rational (an irrational    (none: values are equal or not)
                     square root stays symbolic)
float64    float64   numpy.float64                      atol = rtol = 1e-12·k
float32    float32   numpy.float32, never widened       atol = 1e-4·k, rtol = 1e-5·k
=========  ========  =================================  ==================================

Decimals are read exactly: ``"0.01"`` is 1/100 in exact arithmetic. A float *setting*
(``lr=0.01``) is the shortest decimal that prints as it; a float in *data* is the binary
value it holds.

>>> EXACT.setting("0.01"), FLOAT32.setting("0.01"), get_arithmetic("float32").dtype
(1/100, 0.01, dtype('float32'))
>>> EXACT.array([0.5, 2]).tolist(), FLOAT64.json(FLOAT64.number("0.1"))
([1/2, 2], 0.1)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import DataError, OptionError, OptionTypeError
from .digits import exact_text

__all__ = ["Arithmetic", "EXACT", "FLOAT64", "FLOAT32", "ARITHMETICS", "get_arithmetic", "for_dtype",
           "to_exact", "decimal_reason", "read_decimal", "NONFINITE"]

NONFINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_MAX_CHARS, _MAX_EXPONENT = 400, 9999  # bounds that keep Fraction() fast on hostile input


def decimal_reason(text: str) -> str | None:
    """None if ``text`` is a finite decimal number, else the reason it is not.

    Accepted: digits with an optional sign, decimal point and exponent (``-1.5``, ``.5``,
    ``2.``, ``3E+2``). Refused: NaN and infinity in any spelling, values that overflow a
    float (``1e999``), hexadecimal, underscores, and everything else float() would take.

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
    if not math.isfinite(float(text)):
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
    return Fraction(text)


def to_exact(value: Any, *, decimal: bool = False) -> sp.Expr:
    """A sympy number equal to ``value``: ints, Fractions and decimal strings exactly.

    A float is read as the binary value it holds (data: ``0.1`` is not 1/10), or, with
    ``decimal=True``, as the shortest decimal that prints it (settings: ``lr=0.01`` is
    1/100). A sympy Float is read as the decimal it prints.

    >>> to_exact("0.01"), to_exact(0.5), to_exact(0.01, decimal=True)
    (1/100, 1/2, 1/100)
    """
    if isinstance(value, sp.Float):  # not exact: read the decimal it prints as
        value = str(value)
    elif isinstance(value, sp.Basic):
        return value
    if decimal and isinstance(value, (float, np.floating)) and np.isfinite(value):
        value = repr(float(value))
    if isinstance(value, (str, Fraction)):
        value = Fraction(value)
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    value = float(value)
    if not np.isfinite(value):
        raise DataError(f"{value} has no exact value; exact arithmetic needs finite numbers")
    return sp.Rational(*value.as_integer_ratio())


@dataclass(frozen=True)
class Arithmetic:
    """One arithmetic: ``name``, numpy ``dtype`` (object for exact), whether it is
    ``exact``, and its default tolerances: ``tolerance`` (atol, rtol per step of a run
    compared with the exact one, for gradients from derivatives), ``central_tolerance``
    (the same for central differences), ``engine_rtol`` (two engines' agreement, relative
    to the size of the values), ``cancellation`` (the RMSE moment path is trusted while the
    reduced loss keeps more than this fraction of the terms that make it up)."""

    name: str
    dtype: np.dtype
    exact: bool
    tolerance: tuple[float, float] = (0.0, 0.0)
    central_tolerance: tuple[float, float] = (0.0, 0.0)
    engine_rtol: float = 0.0
    cancellation: float = 0.0
    scalar: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", np.dtype(self.dtype))
        object.__setattr__(self, "scalar", self.dtype.type)

    def __str__(self) -> str:
        return self.name

    def number(self, value: Any) -> Any:
        """``value`` (a decimal string, int, Fraction, float, sympy number) as a number of this
        arithmetic: exact reads a float as the decimal it prints as; float rounds once to the
        dtype (a value beyond its range becomes infinite, for the caller to report)."""
        if self.exact:
            return to_exact(value, decimal=True)
        if isinstance(value, (Fraction, sp.Basic)):
            value = float(value)
        with np.errstate(over="ignore"):
            return self.scalar(value)

    def setting(self, value: Any) -> Any:
        """A setting as the update rule receives it: a Rational in exact arithmetic (0.01 is
        1/100), else the Python float that ``torch.optim.SGD`` would be given."""
        return to_exact(value, decimal=True) if self.exact else float(value)

    def array(self, values: Any) -> np.ndarray:
        """Data as an array of this arithmetic; in exact arithmetic a float is the binary value
        it holds, a decimal string the decimal it writes."""
        if not self.exact:
            return np.asarray(values, dtype=self.dtype)
        array = np.asarray(values, dtype=object)
        out = np.empty(array.shape, dtype=object)
        out.flat[:] = [to_exact(v) for v in array.flat]
        return out

    def data(self, floats: Any, decimals: Any = None) -> np.ndarray:
        """Data values for a run: the ``decimals`` (exact values of the text as written) in
        exact arithmetic when there are any, else ``floats`` in this arithmetic."""
        return self.array(decimals if self.exact and decimals is not None else floats)

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape, dtype=self.dtype)

    def all_finite(self, values: Iterable) -> bool:
        """True when every value is a finite number (exact: not NaN, ``zoo`` or ``oo``)."""
        if self.exact:
            return all(v not in NONFINITE for v in np.ravel(values))
        return bool(np.all(np.isfinite(values)))

    def finite(self, values: Any) -> np.ndarray:
        """Element by element: True where a value is a finite number."""
        if self.exact:
            return np.vectorize(lambda v: v not in NONFINITE, otypes=[bool])(values)
        return np.isfinite(values)

    def all_rational(self, values: Iterable) -> bool:
        """True unless an exact value is irrational (always True for floats)."""
        return not self.exact or all(v.is_Rational for v in np.ravel(values))

    def json(self, value: Any) -> str | float:
        """A JSON value: a string ``fractions.Fraction`` reads (exact; an irrational value as
        sympy's ``str``; every digit, however many), or a float that round-trips the binary
        value."""
        return exact_text(value) if self.exact else float(value)


EXACT = Arithmetic("exact", np.dtype(object), True)
FLOAT64 = Arithmetic("float64", np.float64, False, (1e-12, 1e-12), (1e-7, 1e-7), 1e-12, 1e-3)
FLOAT32 = Arithmetic("float32", np.float32, False, (1e-4, 1e-5), (1e-2, 1e-2), 1e-4, 1e-1)
ARITHMETICS = {a.name: a for a in (EXACT, FLOAT64, FLOAT32)}


def for_dtype(dtype: Any) -> Arithmetic:
    """The Arithmetic of a numpy dtype: object is exact, float32 is float32, anything else
    (float64, integers) float64.

    >>> for_dtype(np.float32).name, for_dtype(object).name, for_dtype(int).name
    ('float32', 'exact', 'float64')
    """
    dtype = np.dtype(dtype)
    return next((a for a in ARITHMETICS.values() if a.dtype == dtype), FLOAT64)


def get_arithmetic(arithmetic: str | Arithmetic, *, field: str = "arithmetic") -> Arithmetic:
    """The Arithmetic called ``arithmetic`` (``exact``, ``float64``, ``float32``), or the
    Arithmetic given; OptionError naming ``field`` and the accepted names otherwise."""
    if isinstance(arithmetic, Arithmetic):
        return arithmetic
    if not isinstance(arithmetic, str):
        raise OptionTypeError.for_field(field, arithmetic, f"one of {', '.join(ARITHMETICS)}")
    try:
        return ARITHMETICS[arithmetic]
    except KeyError:
        raise OptionError.for_field(field, arithmetic, f"one of {', '.join(ARITHMETICS)}") from None
