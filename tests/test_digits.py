"""Big integers as text and back, whatever their size, without touching the interpreter's
limit (sys.get_int_max_str_digits stays what it was)."""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest
import sympy as sp

from analytic_sgd.conventions.digits import exact_text, int_text, read_fraction, read_int


def test_numbers_past_the_limit_are_written_and_read_whole():
    n = -(3**40_000) + 12345  # 19,085 digits
    with pytest.raises(ValueError):
        str(n)  # the interpreter refuses: the limit is on
    text = int_text(n)
    assert text.startswith("-") and len(text) == 19_086 and read_int(text) == n
    assert int_text(10**8000) == "1" + "0" * 8000 and int_text(0) == "0"
    assert sys.get_int_max_str_digits() == 4300


def test_rationals_are_written_as_sympy_and_fraction_write_them():
    big = sp.Rational(2**20_000 + 1, 3**9_000)
    text = exact_text(big)
    assert read_fraction(text) == Fraction(2**20_000 + 1, 3**9_000)
    assert exact_text(sp.Rational(-80, 3)) == "-80/3" == exact_text(Fraction(-80, 3))
    assert exact_text(sp.Integer(7)) == "7" and exact_text(2 * sp.sqrt(330) / 3) == "2*sqrt(330)/3"


def test_reading_refuses_what_fraction_refuses():
    assert read_fraction(" 0.25 ") == Fraction(1, 4) and read_fraction("1e-3") == Fraction(1, 1000)
    for bad in ("1/0", "abc", "1//2", ""):
        with pytest.raises((ValueError, ZeroDivisionError)):
            read_fraction(bad)
