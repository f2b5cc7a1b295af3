"""Columns of floats as text: ``repr`` of each value (the shortest decimal that reads back
as it), many at a time.

A long table prints millions of numbers, and CPython's ``float.__repr__`` costs about
0.5 µs each. With the ``fast`` extra, ``orjson`` (whose Ryu code writes the same shortest
digits, chosen the same way, nearest the exact value) writes a whole column at once, about
6 times faster; its text equals ``repr`` character for character for every finite value
but those below 1e-4 in magnitude, which it writes in positional notation
(``0.00001``) where ``repr`` writes ``1e-05``: those, and NaN and the infinities (JSON's
``null``), are left to ``repr``. Without orjson every value goes through ``repr``.
``tests/test_float_text.py`` compares the two on random bit patterns of every exponent.

>>> import numpy as np
>>> float_texts(np.array([0.1, -0.0, 1e16, 1e-05, np.nan, 2.5e-4]))
['0.1', '-0.0', '1e+16', '1e-05', 'nan', '0.00025']
"""

from __future__ import annotations

import numpy as np

__all__ = ["float_texts", "repr_rows", "POSITIONAL_BELOW"]

POSITIONAL_BELOW = 1e-4  # repr writes nonzero magnitudes below this with an exponent


def float_texts(values: np.ndarray) -> list[str]:
    """``[repr(float(v)) for v in values]`` for a 1-D array of floats (any float dtype:
    the float64 value each holds)."""
    values = np.asarray(values, np.float64)
    floats = values.tolist()
    try:
        import orjson
    except ImportError:  # the fast extra is optional: repr, one value at a time
        return list(map(float.__repr__, floats))
    if not floats:
        return []
    texts = orjson.dumps(floats).decode()[1:-1].split(",")
    for k in repr_rows(values).tolist():
        texts[k] = repr(floats[k])
    return texts


def repr_rows(values: np.ndarray) -> np.ndarray:
    """The rows whose text orjson writes otherwise than ``repr``: magnitudes below
    POSITIONAL_BELOW (but 0), NaN and the infinities (JSON's ``null``)."""
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        return np.flatnonzero(~np.isfinite(values) | ((size < POSITIONAL_BELOW) & (size > 0)))
