"""How golden files store data: as the run in the file's arithmetic reads them."""

import copy
import json
from fractions import Fraction

import numpy as np
import pytest

from analytic_sgd.conventions.arithmetic import EXACT, FLOAT32, FLOAT64
from analytic_sgd.golden import GoldenFileError, read_document, shipped_directory
from analytic_sgd.golden.data import data_sha256, decimal_text, stored_array


@pytest.mark.parametrize("q, text", [(Fraction(1, 10), "0.1"), (Fraction(-5, 2), "-2.5"),
                                     (Fraction(3), "3"), (Fraction(0), "0"),
                                     (Fraction(-1, 1000), "-0.001"), (Fraction(1, 3), "1/3"),
                                     (Fraction(7, 1024), "0.0068359375")])
def test_decimal_text_is_exact_and_shortest(q, text):
    assert decimal_text(q) == text and Fraction(text) == q


def test_each_arithmetic_keeps_what_its_run_reads():
    floats = np.array([0.1, 0.25])
    assert stored_array(floats, None, FLOAT32).dtype == np.float32
    assert stored_array(floats, None, FLOAT64).dtype == np.float64
    assert stored_array(floats.astype(np.float32), None, FLOAT64).dtype == np.float32  # exact
    assert stored_array(np.arange(3), None, FLOAT32).dtype == np.int64
    assert stored_array(np.array([2**24 + 1]), None, FLOAT32).dtype == np.float32  # rounded
    # exact: floats are read as their shortest decimals (0.1 is 1/10), or with exact_floats="binary"
    # as the values their bits hold: the file keeps what the run read
    assert stored_array(floats, None, EXACT).tolist() == [Fraction(1, 10), Fraction(1, 4)]
    assert stored_array(floats, None, EXACT.reading("binary")).dtype == np.float64
    assert stored_array(np.arange(3), None, EXACT).dtype == np.int64
    exact = stored_array(floats, [Fraction(1, 10), "0.25"], EXACT)
    assert exact.tolist() == [Fraction(1, 10), Fraction(1, 4)]


def test_the_hash_of_decimals_is_that_of_their_text():
    x = np.array([Fraction(1, 10), Fraction(1, 3)], dtype=object)
    y = np.array([Fraction(2)], dtype=object)
    import hashlib

    assert data_sha256(x, y) == hashlib.sha256(b"0.1\n1/3\n2\n").hexdigest()


def test_decimal_data_belong_in_exact_files_only(tmp_path):
    doc = copy.deepcopy(read_document(shipped_directory() / "worked-linear.float64.json"))
    data = doc["problem"]["data"]
    data["dtype"] = {"x": "decimal", "y": "decimal"}
    x = np.array([Fraction(v) for v in data["x"]], dtype=object)
    y = np.array([Fraction(v) for v in data["y"]], dtype=object)
    data["sha256"], data["recipe"] = data_sha256(x, y), None
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GoldenFileError, match="decimal data belong in exact files, not in float64"):
        read_document(path)
    doc["arithmetic"] = "exact"
    doc["steps"] = read_document(shipped_directory() / "worked-linear.exact.json")["steps"]
    path.write_text(json.dumps(doc))
    assert read_document(path)["problem"]["data"]["dtype"]["x"] == "decimal"
