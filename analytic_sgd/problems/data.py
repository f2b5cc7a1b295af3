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
    >>> exact_values(["0.1", "-3", "2.5e-1"])
    [Fraction(1, 10), Fraction(-3, 1), Fraction(1, 4)]
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import DataError, OptionError

__all__ = ["Dataset", "read_csv", "exact_values", "check_number_text"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_MAX_CHARS, _MAX_EXPONENT = 400, 9999  # bounds that keep Fraction() fast on hostile input


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


def check_number_text(text: str) -> str | None:
    """Return None if ``text`` is a finite decimal number, else the reason it is not.

    Accepted: digits with an optional sign, decimal point and exponent (``-1.5``, ``.5``,
    ``2.``, ``3E+2``). Refused: NaN and infinity in any spelling, values that overflow a
    float (``1e999``), hexadecimal, underscores, and everything else float() would take.

    Example:
        >>> check_number_text("1e-3") is None, check_number_text("-Infinity")
        (True, "'-Infinity' is not finite (NaN or infinity); every value must be a finite number")
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        if _NONFINITE.fullmatch(text):
            return f"{text!r} is not finite (NaN or infinity); every value must be a finite number"
        if not text:
            return "every cell needs a number"
        return f"{text!r} is not a number; write decimals such as 12, -0.5 or 3e-4"
    if len(text) > _MAX_CHARS or (match[1] and abs(int(match[1])) > _MAX_EXPONENT):
        return f"{text[:20]!r}... is too long or its exponent too large; write it shorter"
    if not math.isfinite(float(text)):
        return f"{text!r} overflows to infinity as a float; every value must be finite"
    return None


def exact_values(texts: Iterable[str]) -> list[Fraction]:
    """Return the exact value of each decimal text (``"0.1"`` -> 1/10), as ``Fraction``.

    Raises DataError for any text ``check_number_text`` refuses.

    Example:
        >>> exact_values(("1", "1.25", "-2e2"))
        [Fraction(1, 1), Fraction(5, 4), Fraction(-200, 1)]
    """
    out = []
    for text in texts:
        text = text.strip() if isinstance(text, str) else text
        reason = check_number_text(text) if isinstance(text, str) else "it is not text"
        if reason:
            raise DataError(f"cannot read {text!r} exactly: {reason}")
        out.append(Fraction(text))
    return out


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
    if all(check_number_text(name) is None for name in names):
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
            reason = check_number_text(cell)
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
