"""Format version 1 of the golden files: its name and version, the arithmetics, the
dtypes of stored data, and the error raised for a file that cannot be used."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..conventions.arithmetic import ARITHMETICS
from ..conventions.digits import read_fraction
from ..errors import DataError

__all__ = ["FORMAT", "FORMAT_VERSION", "ARITHMETICS", "DATA_DTYPES", "GoldenFileError",
           "fraction_or_none"]

FORMAT, FORMAT_VERSION = "analytic-sgd golden trajectory", 1
# the dtypes of stored data; "decimal": exact values (exact files of data read from text)
DATA_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "decimal": object}


class GoldenFileError(DataError):
    """A golden file that cannot be used: malformed, wrong version, inconsistent data."""


def fraction_or_none(text: str) -> Fraction | None:
    """The Fraction ``text`` writes ("-80/3", "0.5"), or None when it writes none."""
    try:
        return read_fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
