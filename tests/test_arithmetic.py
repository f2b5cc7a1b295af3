"""Arithmetic values: dtype, reading numbers, finiteness, JSON, tolerances, lookup."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.conventions.arithmetic import (
    ARITHMETICS,
    EXACT,
    FLOAT32,
    FLOAT64,
    decimal_reason,
    for_dtype,
    get_arithmetic,
    read_decimal,
    to_exact,
)


def test_the_three_arithmetics():
    assert list(ARITHMETICS) == ["exact", "float64", "float32"]
    assert (EXACT.dtype, FLOAT64.dtype, FLOAT32.dtype) == (np.dtype(object), np.dtype(np.float64),
                                                          np.dtype(np.float32))
    assert EXACT.exact and not FLOAT64.exact and not FLOAT32.exact
    assert FLOAT64.tolerance == (1e-12, 1e-12) and FLOAT32.tolerance == (1e-4, 1e-5)
    assert FLOAT64.central_tolerance == (1e-7, 1e-7) and FLOAT32.engine_rtol == 1e-4
    assert asgd.get_arithmetic("float32") is FLOAT32 and asgd.get_arithmetic(EXACT) is EXACT


def test_settings_are_read_as_the_decimal_they_write_in_exact_arithmetic():
    assert EXACT.setting(0.01) == sp.Rational(1, 100) and EXACT.setting("0.01") == sp.Rational(1, 100)
    assert EXACT.setting(np.float32(0.5)) == sp.Rational(1, 2)
    assert FLOAT64.setting("0.01") == 0.01 and isinstance(FLOAT64.setting("0.01"), float)
    assert FLOAT32.number("0.1") == np.float32(0.1) and FLOAT32.number("0.1").dtype == np.float32
    assert FLOAT64.number(Fraction(1, 3)) == 1 / 3


def test_floats_are_their_shortest_decimal_everywhere_by_default():
    tenth = sp.Rational(1, 10)
    assert EXACT.array([0.5, 0.1]).tolist() == [sp.Rational(1, 2), tenth]
    assert EXACT.array(np.array([0.1], np.float32)).tolist() == [tenth]
    assert EXACT.setting(np.float32(0.01)) == sp.Rational(1, 100) == EXACT.number(np.float16(0.01))
    assert EXACT.data([0.1], ["0.1"]).tolist() == [tenth]
    assert FLOAT32.data([0.1], ["0.1"]).dtype == np.float32


def test_binary_floats_are_the_values_their_bits_hold():
    binary = get_arithmetic("exact", exact_floats="binary")
    assert binary.exact and binary.name == "exact" and binary != EXACT and binary.floats.name == "binary"
    assert binary.array([0.1]).tolist() == [sp.Rational(*0.1.as_integer_ratio())]
    assert binary.setting(np.float32(0.01)) == sp.Rational(*float(np.float32(0.01)).as_integer_ratio())
    assert binary.setting("0.01") == sp.Rational(*0.01.as_integer_ratio())  # as a framework reads it
    assert binary.data([0.1], ["0.1"]).tolist() == binary.array([0.1]).tolist()  # the floats
    assert FLOAT64.reading("binary") is FLOAT64 and EXACT.reading(None) is EXACT
    with pytest.raises(asgd.OptionError, match="exact_floats must be one of decimal, binary"):
        EXACT.reading("bits")


def test_finite_and_rational():
    assert EXACT.all_finite([sp.Integer(1), sp.Rational(1, 3)])
    assert not EXACT.all_finite([sp.zoo]) and not FLOAT64.all_finite([np.inf])
    assert not EXACT.all_rational([sp.sqrt(2)]) and FLOAT32.all_rational([np.float32(0.1)])
    with np.errstate(over="raise"):
        assert FLOAT32.number("1e39") == np.inf  # reported by the caller, not a warning


def test_json_values():
    assert EXACT.json(sp.Rational(-80, 3)) == "-80/3" and EXACT.json(sp.sqrt(2)) == "sqrt(2)"
    assert FLOAT32.json(np.float32(0.1)) == float(np.float32(0.1))


def test_for_dtype():
    assert for_dtype(np.float32) is FLOAT32 and for_dtype(object) is EXACT
    assert for_dtype(np.int64) is FLOAT64


@pytest.mark.parametrize("text, ok", [("1e-3", True), ("-.5", True), ("2.", True),
                                      ("nan", False), ("1e999", False), ("0x10", False),
                                      ("1_000", False), ("", False), ("1e99999", False)])
def test_decimal_reason(text, ok):
    assert (decimal_reason(text) is None) == ok


def test_read_decimal_and_to_exact():
    assert read_decimal("0.1") == Fraction(1, 10)
    with pytest.raises(asgd.DataError, match="cannot read 'inf' exactly"):
        read_decimal("inf")
    assert to_exact(sp.Float("0.25")) == sp.Rational(1, 4)
    with pytest.raises(asgd.DataError, match="no exact value"):
        to_exact(float("nan"))


@pytest.mark.parametrize("name", ["float16", "Exact", "", "double"])
def test_unknown_arithmetic(name):
    with pytest.raises(asgd.OptionError, match="arithmetic must be one of exact, float64, "
                       "float32"):
        asgd.get_arithmetic(name)


@pytest.mark.parametrize("value", [None, 64, np.float64, ["exact"]])
def test_arithmetic_of_the_wrong_type(value):
    with pytest.raises(asgd.OptionTypeError):
        asgd.get_arithmetic(value)
