"""Format version 1 of the golden files: its name and version, the arithmetics, the
dtypes of stored data, and the error raised for a file that cannot be used."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..errors import DataError

FORMAT, FORMAT_VERSION = "analytic-sgd golden trajectory", 1
ARITHMETICS = ("exact", "float64", "float32")
_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64}


class GoldenFileError(DataError):
    """A golden file that cannot be used: malformed, wrong version, inconsistent data."""


def _fraction(text: str) -> Fraction | None:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
