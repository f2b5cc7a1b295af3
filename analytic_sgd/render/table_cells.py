"""The cells of a table, shared by every table format: its columns, how a number is written,
and the note when the loss keeps rising.

>>> number_text(-80 / 3, 2), number_text("440/3", None)
('-26.67', '440/3')
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..conventions.digits import exact_text
from .column_text import Cells, columns_cells
from .float_text import float_texts

__all__ = ["RISING_STEPS", "number_text", "table_columns", "cells", "column_cells",
           "rising_note"]

RISING_STEPS = 3  # a note is added when the loss rises this many steps in a row


def number_text(v, digits: int | None) -> str:
    """``v`` as written in a table: shortest round-trip decimal, a fraction (every digit,
    however many), or rounded."""
    if digits is None:
        return exact_text(v)
    if getattr(v, "is_Rational", False) is True:  # rounded from the fraction, never via text
        return f"{float(Fraction(int(v.p), int(v.q))):.{digits}f}"
    try:
        return f"{float(Fraction(str(v))):.{digits}f}"
    except ValueError:  # an irrational exact value, such as 2*sqrt(330)/3
        return f"{float(v):.{digits}f}"


def table_columns(traj) -> list[tuple[str, list]]:
    """(header, values) pairs in table order: epoch (if more than one), batch, n, lr (when it
    changes from step to step), grads, after, loss."""
    return [(head, values.tolist() if values.dtype.kind in "iu" else list(values))
            for head, values in _column_arrays(traj)]


def _column_arrays(traj) -> list[tuple[str, np.ndarray]]:
    names = traj.param_names
    cols = []
    if traj.meta.get("every", 1) > 1:  # only some steps kept: their numbers, from 1
        cols.append(("step", traj.step_numbers + 1))
    if traj.epoch.size and traj.epoch.max() > 1:
        cols.append(("epoch", traj.epoch))
    cols += [("batch", traj.batch), ("n", traj.n)]
    if traj.varying_lr:
        cols.append(("lr", np.asarray(traj.lr)))
    cols += [(f"dl/d{p}", traj.grad[:, j]) for j, p in enumerate(names)]
    cols += [(f"{p} after", traj.updated[:, j]) for j, p in enumerate(names)]
    cols.append(("loss", traj.loss))
    return cols


def cells(traj, digits) -> list[tuple[str, list[str]]]:
    """(header, texts): every cell of ``table_columns`` as text (``number_text``)."""
    if traj.arithmetic.dtype == np.float64:  # Python floats: repr is the shortest round trip
        return [(head, _float_texts(values, digits)) for head, values in _column_arrays(traj)]
    return [(head, [str(v) if isinstance(v, int) else number_text(v, digits) for v in values])
            for head, values in table_columns(traj)]


def column_cells(traj) -> list[tuple[str, Cells]] | None:
    """(header, Cells) of a float64 table's columns, unrounded (``column_text``); None
    unless the table is float64 and orjson is installed (then ``cells`` is the way)."""
    if traj.arithmetic.dtype != np.float64:
        return None
    heads, arrays = zip(*_column_arrays(traj))
    columns = columns_cells(list(arrays))
    return None if columns is None else list(zip(heads, columns))


def _float_texts(values: np.ndarray, digits: int | None) -> list[str]:
    """float64 (and integer) cells as ``number_text`` writes them, a column at a time."""
    if values.dtype.kind in "iu":
        return list(map(str, values.tolist()))
    if digits is None:
        return float_texts(values)
    return list(map(f"{{:.{digits}f}}".format, values.astype(np.float64).tolist()))


def rising_note(traj) -> str:
    """``note: the loss rose K steps in a row; ...`` when it rose ``RISING_STEPS`` times or more
    in a row, else ""."""
    streak = traj.rising_streak()
    if streak < RISING_STEPS:
        return ""
    settings = traj.meta.get("settings")
    lr = f" ({settings.lr.text})" if settings is not None else ""
    return (f"note: the loss rose {streak} steps in a row; the learning rate{lr} may be too "
            f"large")
