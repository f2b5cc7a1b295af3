"""Data given to the API: real numbers, or the project's error naming the argument."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from analytic_sgd.conventions.data_values import real_array
from analytic_sgd.errors import DataError, DataTypeError


def test_numbers_of_every_kind_are_kept():
    assert real_array([1, 2.5]).dtype == np.float64 and real_array(np.arange(3)).dtype.kind == "i"
    mixed = real_array([Fraction(1, 3), sp.Rational(2, 7), "0.5", 10**400], keep=True)
    assert mixed.dtype == object and mixed[3] == 10**400
    assert real_array(np.float32([0.1]), keep=True).dtype == np.float32  # arrays stay arrays
    assert real_array([[1, 2], [3, 4]]).shape == (2, 2)


@pytest.mark.parametrize("values, kind, fragment", [
    ((v for v in [1]), DataTypeError, "x must be a list or an array of numbers, got a generator"),
    ({1, 2}, DataTypeError, "got a set"),
    ("12", DataTypeError, "got a str"),
    (None, DataTypeError, "got None"),
    (np.array([1, 2j]), DataTypeError, "x holds complex numbers (such as 2j)"),
    ([1, 1j], DataTypeError, "x[1] is 1j of type complex"),
    ([1, None], DataTypeError, "x[1] is None"),
    ([1, "one"], DataError, "x[1]: 'one' is not a number"),
    ([1, "nan"], DataError, "not finite"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), DataTypeError, "datetime64"),
])
def test_what_is_not_a_real_number_is_refused_by_name(values, kind, fragment):
    with pytest.raises(kind) as caught:
        real_array(values, "x", keep=True)
    assert fragment in str(caught.value) and isinstance(caught.value, DataError)
