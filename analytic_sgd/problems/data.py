"""Data files: CSV with a header naming the model's inputs and ``y``.

A file looks like::

    x,y
    0,10
    1,12.5

Columns may come in any order; columns that are neither an input nor ``y`` are ignored.
Blank lines are skipped, a UTF-8 byte-order mark is allowed, and spaces around a cell are
ignored. Every cell of a used column must be a finite decimal number (``12``, ``-0.5``,
``3e-4``). A bad file raises DataError naming the file, the line (the header is line 1),
the column and the reason.

Float runs read the file with numpy's compiled reader (``numpy.loadtxt``) straight into
their dtype (float64 or float32; a value the dtype cannot hold, such as ``1e400``, is
refused). Only exact runs read every cell as an exact fraction (``0.1`` is 1/10), plain
decimals by integer arithmetic, others by ``fractions.Fraction``; ``1e400`` is a finite
decimal and reads exactly. When the compiled reader meets anything it does not take, the
file is read again cell by cell, which names the first bad cell.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text("x,y\\n0.1,1\\n0.2,2.5\\n")
    >>> ds = read_csv(path, ["x"])
    >>> ds.x.tolist(), ds.y_exact
    ([0.1, 0.2], None)
    >>> [str(v) for v in read_csv(path, ["x"], exact=True).x_exact]
    ['1/10', '1/5']
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..conventions.arithmetic import decimal_reason
from ..conventions.decimals import decimal_fraction
from ..errors import DataError, OptionError

__all__ = ["Dataset", "read_csv"]



@dataclass(frozen=True, eq=False)
class Dataset:
    """Rows read from a data file.

    Attributes:
        x: shape (n,) for one input, (n, k) for k inputs (columns in ``inputs`` order), in
            the dtype asked for (float64 by default).
        y: shape (n,).
        x_exact, y_exact: with ``exact=True``, the cells' exact values (object arrays of
            Fractions shaped as x and y), else None.
        source: the file name, as given.
        inputs: the input column names, in the order of the columns of ``x``.
    """

    x: np.ndarray
    y: np.ndarray
    source: str
    inputs: tuple[str, ...] = ()
    x_exact: Any = None
    y_exact: Any = None

    @property
    def n(self) -> int:
        """The number of rows."""
        return len(self.y)


def _read_text(source: str, path: str | os.PathLike) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataError(f"{source}: file not found; check the path") from None
    except OSError as e:
        raise DataError(f"{source}: cannot read the file ({e.strerror or e}); check that it "
                        "is a readable file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise DataError(f"{source}: line {line}: the file is not UTF-8 text (byte "
                        f"0x{raw[e.start]:02x}); save it as UTF-8 CSV") from None
    return text[1:] if text.startswith("\ufeff") else text


def _rows(source: str, lines) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) of every non-blank record."""
    reader = csv.reader(lines, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise DataError(f"{source}: line {line}: malformed CSV ({e}); check the quotes "
                            "and separators of this line") from None
        if any(cell.strip() for cell in row) or len(row) > 1:
            yield line, row
        line = reader.line_num + 1


def _header(source: str, rows, wanted: tuple[str, ...]) -> tuple[int, list[str]]:
    """The header's line number and names, checked against the columns the model needs."""
    example = ",".join(wanted)
    header_line, header = next(rows, (1, None))
    if header is None:
        raise DataError(f"{source}: line 1: the file is empty; it needs a header line such as "
                        f"{example!r} and at least one data row")
    names = [name.strip() for name in header]
    if all(decimal_reason(name) is None for name in names):
        raise DataError(f"{source}: line {header_line}: no header (the first line holds "
                        f"numbers); add a first line naming the columns, such as {example!r}")
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"{source}: line {header_line}: column {i + 1} of the header has "
                            "no name; name every column")
        if names.index(name) != i:
            raise DataError(f"{source}: line {header_line}: column {name!r} appears twice in "
                            "the header; rename or remove one")
    for name in wanted:
        if name not in names:
            raise DataError(f"{source}: line {header_line}: missing column {name!r}; the "
                            f"header has {', '.join(names)} and the model needs "
                            f"{', '.join(wanted)}: add or rename the column")
    return header_line, names


def _cells(source: str, rows, header_line: int, wanted, names, exact: bool):
    """Every used cell of ``rows`` (the records below the header), checked one by one:
    (rows of float64 values, rows of Fractions or None); DataError naming the first bad
    cell's line and column."""
    where = [names.index(name) for name in wanted]
    values, fractions = [], [] if exact else None
    for line, row in rows:
        if len(row) != len(names):
            raise DataError(f"{source}: line {line}: expected {len(names)} cells (one per "
                            f"header column), found {len(row)}; fix the separators")
        cells = [row[i].strip() for i in where]
        for name, cell in zip(wanted, cells, strict=True):
            reason = decimal_reason(cell, exact=exact)
            if reason:
                place = f"empty cell in column {name!r}" if not cell else f"column {name!r}"
                raise DataError(f"{source}: line {line}: {place}: {reason}")
        values.append([float(cell) for cell in cells])
        if exact:
            fractions.append([decimal_fraction(cell) for cell in cells])
    if not values:
        raise DataError(f"{source}: line {header_line}: no data rows below the header; add at "
                        "least one row of numbers")
    return values, fractions


def _fast(path, header_line: int, names, wanted, dtype) -> np.ndarray | None:
    """numpy's compiled reader: the used columns in ``dtype``, or None where it meets
    anything it does not take (then the cells are read one by one, for the message)."""
    unused = {i: (lambda s: 0.0) for i, name in enumerate(names) if name not in wanted}
    try:  # quoted cells are left to the cell-by-cell reader, which checks the quotes
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": said below
            values = np.loadtxt(path, dtype=np.float64 if unused else dtype, delimiter=",",
                                skiprows=header_line, ndmin=2, comments=None, quotechar=None,
                                encoding="utf-8", converters=unused or None)
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    if values.shape[0] == 0 or values.shape[1] != len(names):
        return None
    where = [names.index(name) for name in wanted]
    with np.errstate(over="ignore"):
        if where != list(range(len(names))):  # other columns, or another order: a copy
            values = values[:, where]
        values = values.astype(dtype, copy=False)
    return values if np.isfinite(values).all() else None


def _overflow(source: str, text: str, wanted, names, values: np.ndarray, dtype) -> None:
    """DataError naming the first cell too large for ``dtype`` (finite in float64)."""
    with np.errstate(over="ignore"):
        bad = ~np.isfinite(values.astype(dtype))
    if not bad.any():
        return
    row, col = np.argwhere(bad)[0]
    records = _rows(source, io.StringIO(text, newline=""))  # the header, then the rows
    line, cells = next(record for k, record in enumerate(records) if k == row + 1)
    cell = cells[names.index(wanted[col])].strip()
    raise DataError(f"{source}: line {line}: column {wanted[col]!r}: {cell!r} overflows to "
                    f"infinity in {np.dtype(dtype).name}; every value must be finite in the "
                    "run's arithmetic")


def read_csv(path: str | os.PathLike, inputs: Sequence[str], *, exact: bool = False,
             dtype: Any = np.float64) -> Dataset:
    """Read a data file with a header naming ``inputs`` and ``y``; return a Dataset.

    Args:
        path: the CSV file.
        inputs: the model's input names, e.g. ``["x"]`` or ``["x1", "x2"]``.
        exact: also read every cell's exact value (exact runs).
        dtype: the dtype of ``x`` and ``y`` (float64 or float32).

    Raises:
        DataError naming the file, the line and the reason: file not found or unreadable,
        not UTF-8, empty, no header, a missing or duplicated column, no data rows, a row
        with the wrong number of cells, an empty, non-numeric or non-finite cell, a value
        too large for ``dtype`` (exact reads take any finite decimal).
    """
    inputs = (inputs,) if isinstance(inputs, str) else tuple(inputs)
    if not inputs or "y" in inputs or len(set(inputs)) != len(inputs):
        raise OptionError(f"inputs must be distinct column names other than 'y', got {inputs}")
    dtype = np.dtype(dtype)
    source = os.fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace")
    wanted = (*inputs, "y")
    values = None
    if not exact:
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                header_line, names = _header(source, _rows(source, f), wanted)
        except (OSError, UnicodeDecodeError):
            header_line = names = None
        if names is not None:
            values = _fast(path, header_line, names, wanted, dtype)
    fractions = None
    if values is None:
        text = _read_text(source, path)
        records = _rows(source, io.StringIO(text, newline=""))
        header_line, names = _header(source, records, wanted)
        rows, fractions = _cells(source, records, header_line, wanted, names, exact)
        values = np.array(rows, dtype=np.float64)
        if not exact:
            _overflow(source, text, wanted, names, values, dtype)
        with np.errstate(over="ignore"):
            values = values.astype(dtype) if not exact else values
    # views of the one array read (no copy: a large file's data are held once)
    x = values[:, 0] if len(inputs) == 1 else values[:, :-1]
    y = values[:, -1]
    x_exact = y_exact = None
    if fractions is not None:
        table = np.empty((len(fractions), len(wanted)), dtype=object)
        table[:] = fractions
        x_exact = table[:, 0].copy() if len(inputs) == 1 else table[:, :-1].copy()
        y_exact = table[:, -1].copy()
    for array in (x, y):
        array.flags.writeable = False
    return Dataset(x=x, y=y, source=source, inputs=inputs, x_exact=x_exact, y_exact=y_exact)
