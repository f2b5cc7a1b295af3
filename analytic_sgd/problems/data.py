"""Data files: CSV with a header naming the model's inputs and ``y``.

A file looks like::

    x,y
    0,10
    1,12.5

Columns may come in any order; columns that are neither an input nor ``y`` are ignored.
Blank lines are skipped, a UTF-8 byte-order mark is allowed, and spaces around a cell are
ignored. Every cell of a used column must be a finite decimal number (``12``, ``-0.5``,
``3e-4``); the text is kept as written so exact arithmetic reads ``0.1`` as 1/10, not as
the nearest double. A bad file raises DataError naming the file, the line (the header is
line 1) and the reason.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text("x,y\\n0.1,1\\n0.2,2.5\\n")
    >>> ds = read_csv(path, ["x"])
    >>> ds.x.tolist(), ds.y_text
    ([0.1, 0.2], ('1', '2.5'))
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..conventions.arithmetic import decimal_reason
from ..errors import DataError, OptionError

__all__ = ["Dataset", "read_csv"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Rows read from a data file.

    Attributes:
        x: float64, shape (n,) for one input, (n, k) for k inputs (columns in ``inputs`` order).
        y: float64, shape (n,).
        x_text: the input cells as written (spaces trimmed), one tuple of k strings per row.
        y_text: the ``y`` cells as written.
        source: the file name, as given.
        inputs: the input column names, in the order of the columns of ``x``.
    """

    x: np.ndarray
    y: np.ndarray
    x_text: tuple[tuple[str, ...], ...]
    y_text: tuple[str, ...]
    source: str
    inputs: tuple[str, ...] = ()

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


def _rows(source: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) of every non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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


def read_csv(path: str | os.PathLike, inputs: Sequence[str]) -> Dataset:
    """Read a data file with a header naming ``inputs`` and ``y``; return a Dataset.

    Args:
        path: the CSV file.
        inputs: the model's input names, e.g. ``["x"]`` or ``["x1", "x2"]``.

    Returns:
        A Dataset: ``x`` of shape (n,) for one input or (n, k), ``y`` of shape (n,), and
        the cells' text for exact arithmetic.

    Raises:
        DataError naming the file, the line and the reason: file not found or unreadable,
        not UTF-8, empty, no header, a missing or duplicated column, no data rows, a row
        with the wrong number of cells, an empty, non-numeric or non-finite cell.
    """
    inputs = (inputs,) if isinstance(inputs, str) else tuple(inputs)
    if not inputs or "y" in inputs or len(set(inputs)) != len(inputs):
        raise OptionError(f"inputs must be distinct column names other than 'y', got {inputs}")
    source = os.fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace")
    wanted = (*inputs, "y")
    example = ",".join(wanted)
    rows = _rows(source, _read_text(source, path))
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
    where = [names.index(name) for name in wanted]
    texts: list[tuple[str, ...]] = []
    for line, row in rows:
        if len(row) != len(names):
            raise DataError(f"{source}: line {line}: expected {len(names)} cells (one per "
                            f"header column), found {len(row)}; fix the separators")
        cells = tuple(row[i].strip() for i in where)
        for name, cell in zip(wanted, cells, strict=True):
            reason = decimal_reason(cell)
            if reason:
                place = f"empty cell in column {name!r}" if not cell else f"column {name!r}"
                raise DataError(f"{source}: line {line}: {place}: {reason}")
        texts.append(cells)
    if not texts:
        raise DataError(f"{source}: line {header_line}: no data rows below the header; add at "
                        "least one row of numbers")
    values = np.array([[float(cell) for cell in row] for row in texts], dtype=np.float64)
    x = (values[:, 0] if len(inputs) == 1 else values[:, :-1]).copy()
    y = values[:, -1].copy()
    for array in (x, y):
        array.flags.writeable = False
    return Dataset(x=x, y=y, x_text=tuple(row[:-1] for row in texts),
                   y_text=tuple(row[-1] for row in texts), source=source, inputs=inputs)
