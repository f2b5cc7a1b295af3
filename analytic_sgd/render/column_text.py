"""Long tables of numbers written a column at a time, as bytes: the text of every cell made
by ``orjson`` (extra ``fast``) in one call per column, the lines laid out by numpy.

Each column becomes ``Cells``: one byte buffer and, per row, where its text starts and how
long it is. A float is written as ``repr`` writes it (``float_text``: orjson's shortest
digits, with ``repr`` itself for the values below 1e-4 and those that are not finite), an
integer as ``str`` does. ``lines`` puts the rows together, right-aligned to fixed widths
(text tables) or as they are (CSV), a block of rows at a time, so that no Python string is
made per cell: a table of 333,334 rows and 7 float columns takes about a fifth of the time
of ``repr`` and ``str.rjust`` cell by cell. The bytes equal what the cell-by-cell path
writes (``tests/test_column_text.py``). Without orjson ``float_cells`` returns None and
the callers take that path.

>>> import numpy as np
>>> cols = [int_cells(np.array([1, 22])), float_cells(np.array([0.5, -1e-05]))]
>>> lines(cols, [3, 7]).decode()
'  1      0.5\\n 22   -1e-05\\n'
>>> lines(cols, None, b",").decode()
'1,0.5\\n22,-1e-05\\n'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .float_text import repr_rows

__all__ = ["Cells", "float_cells", "int_cells", "lines", "LAYOUT_ROWS"]

LAYOUT_ROWS = 1 << 14  # rows laid out at a time (index arrays of a few MB)
_COMMA, _SPACE, _NEWLINE = 44, 32, 10


@dataclass(frozen=True)
class Cells:
    """The texts of a column: ``data`` (bytes as uint8), and per row ``starts``, ``sizes``."""

    data: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    @property
    def width(self) -> int:
        return int(self.sizes.max(initial=0))


def _orjson():
    try:
        import orjson
    except ImportError:
        return None
    return orjson


def _from_json(raw: bytes, rows: int) -> Cells:
    """Cells of a JSON array of ``rows`` numbers (``[a,b,...]``)."""
    data = np.frombuffer(raw, np.uint8)
    if rows == 0:
        return Cells(data, np.zeros(0, np.int64), np.zeros(0, np.int64))
    commas = np.flatnonzero(data == _COMMA)
    starts = np.concatenate([[1], commas + 1])
    ends = np.concatenate([commas, [len(data) - 1]])
    return Cells(data, starts, ends - starts)


def int_cells(values: np.ndarray) -> Cells:
    """Cells of integers, as ``str`` writes them (no orjson needed)."""
    values = np.ascontiguousarray(values, np.int64)
    orjson = _orjson()
    if orjson is not None:
        raw = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)
    else:
        raw = ("[" + ",".join(map(str, values.tolist())) + "]").encode()
    return _from_json(raw, len(values))


def float_cells(values: np.ndarray) -> Cells | None:
    """Cells of floats (the float64 each holds) as ``repr`` writes them; None without orjson."""
    orjson = _orjson()
    if orjson is None:
        return None
    values = np.ascontiguousarray(values, np.float64)
    cells = _from_json(orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY), len(values))
    own = repr_rows(values)
    if not len(own):
        return cells
    texts = [repr(v).encode() for v in values[own].tolist()]
    extra = np.frombuffer(b"".join(texts), np.uint8)
    sizes = np.array([len(t) for t in texts], np.int64)
    starts, lengths = cells.starts.copy(), cells.sizes.copy()
    starts[own] = len(cells.data) + np.cumsum(sizes) - sizes
    lengths[own] = sizes
    return Cells(np.concatenate([cells.data, extra]), starts, lengths)


def _copy(out: np.ndarray, dst: np.ndarray, cells: Cells, rows: slice) -> None:
    """Copy the texts of ``rows`` of ``cells`` into ``out`` from offsets ``dst``."""
    sizes, starts = cells.sizes[rows], cells.starts[rows]
    before = np.cumsum(sizes) - sizes  # where each text starts among the block's characters
    step = np.arange(int(sizes.sum()))
    out[np.repeat(dst - before, sizes) + step] = cells.data[np.repeat(starts - before, sizes) + step]


def lines(columns: list[Cells], widths: list[int] | None, sep: bytes = b"  ") -> bytes:
    """The rows of ``columns`` as lines ended by a newline, cells separated by ``sep``: each
    right-aligned to its column's width in ``widths``, or (None) as long as its text."""
    rows = len(columns[0].sizes)
    parts = []
    for first in range(0, rows, LAYOUT_ROWS):
        block = slice(first, min(rows, first + LAYOUT_ROWS))
        sizes = [c.sizes[block] for c in columns]
        slots = sizes if widths is None else [np.full(len(sizes[0]), w) for w in widths]
        length = sum(slots) + len(sep) * (len(columns) - 1) + 1
        offset = np.cumsum(length) - length  # where each line starts
        out = np.full(int(length.sum()), _SPACE, np.uint8)
        for j, (cells, size, slot) in enumerate(zip(columns, sizes, slots)):
            _copy(out, offset + (slot - size), cells, block)
            offset = offset + slot
            if j < len(columns) - 1:
                for k, byte in enumerate(sep):
                    out[offset + k] = byte
                offset = offset + len(sep)
        out[offset] = _NEWLINE
        parts.append(out.tobytes())
    return b"".join(parts)
