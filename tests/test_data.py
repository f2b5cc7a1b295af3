"""Data files: good CSV read as numbers and text, every kind of bad file refused clearly."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from analytic_sgd.conventions.arithmetic import decimal_reason as check_number_text
from analytic_sgd.conventions.arithmetic import read_decimal
from analytic_sgd.errors import DataError, OptionError
from analytic_sgd.problems.data import Dataset, read_csv


def exact_values(texts):
    return [read_decimal(t) for t in texts]


def write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def refused(path, inputs=("x",), *, exact_too: bool = True) -> str:
    """The message of a refused file; the float reader (numpy's) and, with ``exact_too``,
    the exact reader refuse it with the same message."""
    messages = []
    for exact in (False, True) if exact_too else (False,):
        with pytest.raises(DataError) as info:
            read_csv(path, inputs, exact=exact)
        messages.append(str(info.value))
    assert str(path) in messages[0] and len(set(messages)) == 1, messages
    return messages[0]


# ---- good files --------------------------------------------------------------------------

def test_reads_numbers_and_exact_values(tmp_path):
    path = write(tmp_path, "x,y\n0,10\n1,12.5\n2,-1e-3\n")
    data = read_csv(path, ["x"])
    assert isinstance(data, Dataset)
    assert data.x.dtype == np.float64 and data.x.shape == (3,)
    assert data.x.tolist() == [0.0, 1.0, 2.0] and data.y.tolist() == [10.0, 12.5, -0.001]
    assert data.x_exact is None and data.y_exact is None  # a float run reads no fractions
    exact = read_csv(path, ["x"], exact=True)
    assert exact.x_exact.tolist() == [0, 1, 2]
    assert exact.y_exact.tolist() == [10, Fraction(25, 2), Fraction(-1, 1000)]
    assert data.source == str(tmp_path / "data.csv") and data.inputs == ("x",) and data.n == 3


def test_exact_reads_decimals_exactly_and_any_finite_decimal(tmp_path):
    data = read_csv(write(tmp_path, "x,y\n0.1,0.3\n-2.50,1e400\n+.5,7E-3\n"), "x", exact=True)
    assert data.x_exact.tolist() == [Fraction(1, 10), Fraction(-5, 2), Fraction(1, 2)]
    assert data.y_exact.tolist() == [Fraction(3, 10), Fraction(10**400), Fraction(7, 1000)]
    assert data.y[0] == 0.3


def test_float_reads_into_the_runs_dtype(tmp_path):
    path = write(tmp_path, "x,y\n0.1,0.3\n1e39,2\n")
    data = read_csv(path, "x")
    assert data.x.tolist() == [0.1, 1e39]
    with pytest.raises(DataError) as info:
        read_csv(path, "x", dtype=np.float32)
    assert "line 3: column 'x': '1e39' overflows to infinity in float32" in str(info.value)
    small = read_csv(write(tmp_path, "x,y\n0.1,0.3\n", "f.csv"), "x", dtype=np.float32)
    assert small.x.dtype == np.float32 and small.x[0] == np.float32(0.1)


def test_columns_in_any_order_extras_ignored_blank_lines_skipped(tmp_path):
    text = "\ufeffnote,y, x2 ,x1\r\n\r\nfirst,1,2,3\r\n  \r\nsecond, 4 ,5,6\r\n\r\n"
    data = read_csv(write(tmp_path, text), ["x1", "x2"])
    assert data.x.shape == (2, 2)
    assert data.x.tolist() == [[3.0, 2.0], [6.0, 5.0]] and data.y.tolist() == [1.0, 4.0]
    exact = read_csv(write(tmp_path, text), ["x1", "x2"], exact=True)
    assert exact.x_exact.tolist() == [[3, 2], [6, 5]] and exact.y_exact.tolist() == [1, 4]


def test_quoted_cells(tmp_path):
    data = read_csv(write(tmp_path, 'x,y,note\n"1","2","a, b"\n3,4,"two\nlines"\n'), ["x"])
    assert data.y.tolist() == [2.0, 4.0]


def test_accepted_number_spellings():
    for text in ("0", "-0", "+1", "1.", ".5", "-.5", "1e3", "1E+3", "2.5e-7", "007"):
        assert check_number_text(text) is None, text


def test_dataset_is_immutable(tmp_path):
    data = read_csv(write(tmp_path, "x,y\n1,2\n"), ["x"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.x = np.zeros(1)
    with pytest.raises(ValueError):
        data.x[0] = 5.0


def test_path_objects_and_strings(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n")
    assert read_csv(str(path), ["x"]).y.tolist() == read_csv(path, ["x"]).y.tolist() == [2.0]


# ---- bad files: one test per kind, each naming the file, the line and the reason ---------

def test_file_not_found(tmp_path):
    message = refused(tmp_path / "missing.csv")
    assert "file not found" in message


def test_unreadable_file(tmp_path):
    message = refused(tmp_path)  # a directory
    assert "cannot read the file" in message


def test_not_utf8(tmp_path):
    message = refused(write(tmp_path, b"x,y\n1,2\n3,\xff4\n"))
    assert "line 3" in message and "not UTF-8" in message and "0xff" in message


def test_empty_file(tmp_path):
    for text in ("", "\n\n  \n", '""\n'):
        message = refused(write(tmp_path, text))
        assert "line 1" in message and "empty" in message and "'x,y'" in message


def test_missing_header(tmp_path):
    message = refused(write(tmp_path, "\n1,2\n3,4\n"))
    assert "line 2" in message and "no header" in message and "'x,y'" in message


def test_missing_column(tmp_path):
    message = refused(write(tmp_path, "x,z\n1,2\n"))
    assert "line 1" in message and "missing column 'y'" in message and "x, z" in message
    message = refused(write(tmp_path, "x1,y\n1,2\n"), ["x1", "x2"])
    assert "missing column 'x2'" in message and "header has x1, y" in message


def test_duplicate_column(tmp_path):
    message = refused(write(tmp_path, "x,y,x\n1,2,3\n"))
    assert "line 1" in message and "'x' appears twice" in message


def test_unnamed_column(tmp_path):
    message = refused(write(tmp_path, "x,,y\n1,2,3\n"))
    assert "line 1" in message and "column 2 of the header has no name" in message


def test_no_data_rows(tmp_path):
    for text in ("x,y\n", "x,y\n\n\n"):
        message = refused(write(tmp_path, text))
        assert "line 1" in message and "no data rows" in message


def test_ragged_row(tmp_path):
    message = refused(write(tmp_path, "x,y\n1,2\n\n3,4,5\n"))
    assert "line 4" in message and "expected 2 cells" in message and "found 3" in message
    message = refused(write(tmp_path, "x,y\n1\n"))
    assert "line 2" in message and "found 1" in message


def test_empty_cell(tmp_path):
    message = refused(write(tmp_path, "x,y\n1,2\n3, \n"))
    assert "line 3" in message and "empty cell in column 'y'" in message


def test_line_numbers_count_multiline_cells(tmp_path):
    message = refused(write(tmp_path, 'x,y,note\n1,2,"a\nb"\n3,abc,c\n'))
    assert "line 4" in message and "'abc' is not a number" in message


@pytest.mark.parametrize("cell", ["abc", "0x10", "1_000", "1,5e", "--1", "1e", "e3", "1.2.3",
                                  "\u0663", "\u00bd", "1 2", "+"])
def test_non_numeric_cell(tmp_path, cell):
    message = refused(write(tmp_path, f'x,y\n1,2\n"{cell}",3\n'))
    assert "line 3" in message and "column 'x'" in message
    assert f"{cell.strip()!r} is not a number" in message


@pytest.mark.parametrize("cell", ["nan", "NaN", " nan", "inf", "-inf", "+Infinity", "-Infinity",
                                  "INF"])
def test_nan_or_infinity(tmp_path, cell):
    message = refused(write(tmp_path, f"x,y\n1,{cell}\n"))
    assert "line 2" in message and "column 'y'" in message and "not finite" in message


def test_overflow_to_infinity_in_float_runs_only(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n1e999,3\n")
    message = refused(path, exact_too=False)
    assert "line 3" in message and "'1e999' overflows to infinity" in message
    assert read_csv(path, "x", exact=True).x_exact[1] == 10**999


def test_absurd_numbers_are_refused_quickly_in_exact_runs(tmp_path):
    path = write(tmp_path, "x,y\n1,1e-99999999999\n")
    with pytest.raises(DataError, match="line 2.*exponent too large"):
        read_csv(path, "x", exact=True)
    assert read_csv(path, "x").y.tolist() == [0.0]  # a float run reads the float it is
    message = refused(write(tmp_path, "x,y\n1," + "1" * 5000 + "\n"))
    assert "too long" in message


def test_malformed_quotes(tmp_path):
    message = refused(write(tmp_path, 'x,y\n1,2\n3,"4"5\n'))
    assert "line 3" in message and "malformed CSV" in message


@pytest.mark.parametrize("inputs", [[], ["y"], ["x", "x"]])
def test_bad_inputs(tmp_path, inputs):
    with pytest.raises(OptionError, match="inputs must be distinct column names"):
        read_csv(write(tmp_path, "x,y\n1,2\n"), inputs)


def test_exact_values():
    assert exact_values(["0.1", " -2 ", "1e-2", "3."]) == [Fraction(1, 10), Fraction(-2),
                                                            Fraction(1, 100), Fraction(3)]
    for bad in ("nan", "1/3", "0x1", ""):
        with pytest.raises(DataError, match="cannot read"):
            exact_values([bad])
