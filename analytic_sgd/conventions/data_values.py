"""Data given to the Python API, checked before any arithmetic reads it.

``real_array`` takes what a user passes as x or y (a list, a nested list, a numpy array, a
pandas column) and returns a numpy array of real numbers: a numeric array as it is, or an
object array of Python numbers (ints of any size, Fractions, sympy numbers, decimal
texts) when the values need it. It refuses, naming the argument, the value and what is
accepted, everything numpy would silently turn into something else: complex numbers (the
imaginary part would be dropped), text that is no number, objects, None, and iterators
such as generators (which numpy wraps as one object).

>>> real_array([1, 2.5]).dtype, real_array([10**400, 1]).dtype
(dtype('float64'), dtype('O'))
>>> real_array(np.array([1 + 2j]), "x")
Traceback (most recent call last):
...
analytic_sgd.errors.DataTypeError: x holds complex numbers (such as (1+2j)); give real numbers
>>> real_array(v for v in [1, 2])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analytic_sgd.errors.DataTypeError: data must be a list or an array of numbers, got a generator; ...
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import DataError, DataTypeError
from .decimals import decimal_reason

__all__ = ["real_array", "NUMBER_KINDS"]

NUMBER_KINDS = "ints, floats, Fractions, sympy numbers or decimal strings"
_NUMBERS = (int, float, Fraction, np.integer, np.floating)


def _is_number(v: Any) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return True  # numpy reads True as 1, as every framework does
    if isinstance(v, _NUMBERS):
        return True
    return getattr(v, "is_Number", False) is True and getattr(v, "is_real", False) is True


def real_array(values: Any, name: str = "data", *, keep: bool = False) -> np.ndarray:
    """``values`` as a numpy array of real numbers (see the module docstring); DataTypeError
    or DataError naming ``name`` for values that are not. ``keep``: a list keeps each value as
    it is (an object array: a float32 stays a float32, an int of any size an int) instead of
    numpy's common type."""
    if values is None or isinstance(values, (Iterator, set, frozenset, dict, str, bytes)) or (
            not hasattr(values, "__len__") and not np.isscalar(values)
            and not hasattr(values, "__array__")):
        kind = "None" if values is None else f"a {type(values).__name__}"
        raise DataTypeError(f"{name} must be a list or an array of numbers, got {kind}; "
                            "give a list or a numpy array (list(...) turns a generator into one)")
    try:
        array = np.asarray(values, dtype=object if keep and not isinstance(values, np.ndarray)
                           else None)
    except (ValueError, TypeError):  # ragged rows, or values numpy cannot hold
        array = np.empty(len(values), dtype=object)
        array[:] = list(values)
    kind = array.dtype.kind
    if kind in "biuf":
        return array
    if kind == "c":
        bad = array.flat[int(np.argmax(array.ravel().imag != 0))] if array.size else 0
        raise DataTypeError(f"{name} holds complex numbers (such as {complex(bad)}); give "
                            "real numbers")
    if kind in "US":
        array = array.astype(object)
    if kind not in "OUS":
        raise DataTypeError(f"{name} holds {array.dtype} values; give {NUMBER_KINDS}")
    for i, v in enumerate(array.flat):
        if isinstance(v, str):
            reason = decimal_reason(v.strip())
            if reason is not None:
                raise DataError(f"{name}[{i}]: {reason}")
        elif not _is_number(v):
            shown = repr(v) if len(repr(v)) <= 40 else repr(v)[:37] + "..."
            raise DataTypeError(f"{name}[{i}] is {shown} of type {type(v).__name__}; give "
                                f"{NUMBER_KINDS}")
    return array
