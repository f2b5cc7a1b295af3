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

Decimals are read exactly: ``"0.01"`` is 1/100 in exact arithmetic. A float, wherever it
is (a setting, a start value, data, a numpy scalar of any precision), is read by one rule,
the exact arithmetic's ``floats`` (a ``FloatReading``): ``DECIMAL`` by default, the
shortest decimal that prints as the float (``0.1`` is 1/10, ``np.float32(0.01)`` is
1/100), as the CSV reader reads a file; or ``BINARY`` (``exact_floats="binary"``), the
value the float's bits hold, for the exact run of the very floats a framework computes
with (then a decimal text is read as the float64 it rounds to, as a framework would).

>>> EXACT.setting("0.01"), FLOAT32.setting("0.01"), get_arithmetic("float32").dtype
(1/100, 0.01, dtype('float32'))
>>> EXACT.array([0.5, 2, 0.1, np.float32(0.01)]).tolist(), FLOAT64.json(FLOAT64.number("0.1"))
([1/2, 2, 1/10, 1/100], 0.1)
>>> EXACT.array(np.array([0.1, 0.01], np.float32)).tolist()
[1/10, 1/100]
>>> get_arithmetic("exact", exact_floats="binary").array([0.1]).tolist()
[3602879701896397/36028797018963968]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import DataError
from .data_values import real_array
from .decimals import decimal_reason, read_decimal
from .digits import exact_text, int_text
from .lookup import pick

__all__ = ["Arithmetic", "EXACT", "FLOAT64", "FLOAT32", "ARITHMETICS", "get_arithmetic", "for_dtype",
           "to_exact", "decimal_reason", "read_decimal", "NONFINITE", "FloatReading", "DECIMAL",
           "BINARY", "FLOAT_READINGS", "get_float_reading", "shortest_decimal", "rational"]

NONFINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)

def shortest_decimal(value: float | np.floating) -> str:
    """The shortest decimal that reads back as ``value`` in its own precision (a float32's
    own, not the float64 it widens to).

    >>> shortest_decimal(0.1), shortest_decimal(np.float32(0.01)), repr(float(np.float32(0.01)))
    ('0.1', '1e-02', '0.009999999776482582')
    """
    if isinstance(value, np.floating) and not isinstance(value, np.float64):
        return np.format_float_scientific(value, unique=True, trim="-")
    return repr(float(value))


def _finite_float(value: Any) -> float | np.floating:
    if not np.isfinite(value):
        raise DataError(f"{value} has no exact value; exact arithmetic needs finite numbers")
    return value


def rational(p: int, q: int) -> sp.Rational:
    """The sympy Rational p/q of a fraction already in lowest terms (q > 0): no gcd taken,
    which costs more than the arithmetic on numbers of many thousand digits.

    >>> rational(-80, 3), rational(1, 2) is sp.S.Half, rational(6, 1)
    (-80/3, True, 6)
    """
    if q == 1:
        return sp.Integer(p)
    if p == 1 and q == 2:
        return sp.S.Half
    value = sp.Expr.__new__(sp.Rational)  # what Rational() makes after its gcd
    value.p, value.q = p, q
    return value


@dataclass(frozen=True)
class FloatReading:
    """How exact arithmetic reads a float: ``decimal`` (the shortest decimal that prints as
    it) or ``binary`` (the value its bits hold; a decimal text is read as the float64 it
    rounds to). ``decimal``: whether decimal texts (a CSV's cells) are kept as written."""

    name: str
    decimal: bool

    def __str__(self) -> str:
        return self.name

    def fraction(self, value: Any) -> Fraction | None:
        """The exact value of a float, or of a decimal text; None for anything else."""
        if isinstance(value, str):
            return Fraction(value) if self.decimal else Fraction(float(Fraction(value)))
        if isinstance(value, (float, np.floating)):
            value = _finite_float(value)
            return Fraction(shortest_decimal(value)) if self.decimal else Fraction(
                *value.as_integer_ratio())
        return None


DECIMAL, BINARY = FloatReading("decimal", True), FloatReading("binary", False)
FLOAT_READINGS = {r.name: r for r in (DECIMAL, BINARY)}


def get_float_reading(reading: str | FloatReading | None,
                      field: str = "exact_floats") -> FloatReading:
    """The FloatReading called ``reading`` (None: DECIMAL); OptionError naming ``field``."""
    return DECIMAL if reading is None else pick(FLOAT_READINGS, reading, field, FloatReading)


def to_exact(value: Any, floats: FloatReading = DECIMAL) -> sp.Expr:
    """A sympy number equal to ``value``: ints, Fractions and sympy Rationals as they are;
    floats (numpy's of any precision too) and decimal texts by ``floats``: the shortest
    decimal (``0.01`` is 1/100), or ``BINARY``'s value of the bits. A sympy Float is read
    as the decimal it prints.

    >>> to_exact("0.01"), to_exact(0.5), to_exact(0.01), to_exact(np.float32(0.1))
    (1/100, 1/2, 1/100, 1/10)
    >>> to_exact(0.5, BINARY), to_exact(np.float32(0.1), BINARY)
    (1/2, 13421773/134217728)
    """
    if isinstance(value, sp.Float):  # not exact: read the decimal it prints as
        value = str(value)
    elif isinstance(value, sp.Basic):
        return value
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return sp.Integer(int(value))
    exact = floats.fraction(value)
    if exact is None:
        exact = floats.fraction(float(value))  # anything else float() reads (a bool is 0 or 1)
    return sp.Rational(exact.numerator, exact.denominator)


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
    floats: FloatReading = DECIMAL  # how an exact run reads floats (FloatReading)
    scalar: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", np.dtype(self.dtype))
        object.__setattr__(self, "scalar", self.dtype.type)

    def __str__(self) -> str:
        return self.name

    @property
    def ulp_dtype(self) -> np.dtype:
        """The float dtype whose ULPs measure an error in this arithmetic: its own dtype,
        float64 for exact values."""
        return np.dtype(np.float64) if self.exact else self.dtype

    def reading(self, floats: str | FloatReading | None) -> Arithmetic:
        """This arithmetic reading floats by ``floats`` (``decimal``, ``binary``; None: as
        it does); the same object for a float arithmetic, which reads floats as floats."""
        floats = self.floats if floats is None else get_float_reading(floats)
        if not self.exact or floats == self.floats:
            return self
        return dataclasses.replace(self, floats=floats)

    def number(self, value: Any) -> Any:
        """``value`` (a decimal string, int, Fraction, float, sympy number) as a number of this
        arithmetic: exact reads a float by its ``floats`` rule; float rounds once to the
        dtype (a value beyond its range becomes infinite, for the caller to report)."""
        if self.exact:
            return to_exact(value, self.floats)
        if isinstance(value, (Fraction, sp.Basic)):
            value = float(value)
        with np.errstate(over="ignore"):
            return self.scalar(value)

    def setting(self, value: Any) -> Any:
        """A setting as the update rule receives it: a Rational in exact arithmetic (0.01 is
        1/100, by the ``floats`` rule), else the Python float ``torch.optim.SGD`` is given."""
        return to_exact(value, self.floats) if self.exact else float(value)

    def array(self, values: Any, name: str = "data") -> np.ndarray:
        """Data as an array of this arithmetic; in exact arithmetic floats and decimal texts
        are read by the ``floats`` rule. DataTypeError for values that are not real numbers
        (complex, text that is no number, objects), DataError for values out of range."""
        array = real_array(values, name, keep=self.exact)
        if not self.exact:
            with np.errstate(over="ignore"):  # beyond the dtype's range: infinite, reported later
                try:
                    return array.astype(self.dtype, copy=False)  # data are never written
                except OverflowError:  # an int too large for any float
                    big = max((abs(int(v)) for v in array.flat if isinstance(v, int)), default=0)
                    raise DataError(f"{name} holds an integer of {len(int_text(big)):,} digits, "
                                    f"too large for {self}; use exact arithmetic, or smaller "
                                    "numbers") from None
        out = np.empty(array.shape, dtype=object)
        try:
            out.flat[:] = [to_exact(v, self.floats) for v in array.flat]
        except DataError as exc:
            raise DataError(f"{name}: {exc}") from None
        return out

    def data(self, floats: Any, decimals: Any = None, name: str = "data") -> np.ndarray:
        """Data values for a run: the ``decimals`` (exact values of the text as written) in
        exact arithmetic when there are any and it keeps decimals, else ``floats``."""
        keep = self.exact and decimals is not None and self.floats.decimal
        return self.array(decimals if keep else floats, name)

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


def get_arithmetic(arithmetic: str | Arithmetic, *, field: str = "arithmetic",
                   exact_floats: str | FloatReading | None = None) -> Arithmetic:
    """The Arithmetic called ``arithmetic`` (``exact``, ``float64``, ``float32``), or the
    Arithmetic given, reading floats by ``exact_floats`` when given (``Arithmetic.reading``);
    OptionError naming ``field`` and the accepted names otherwise."""
    if exact_floats is not None:
        return get_arithmetic(arithmetic, field=field).reading(exact_floats)
    return pick(ARITHMETICS, arithmetic, field, Arithmetic)
