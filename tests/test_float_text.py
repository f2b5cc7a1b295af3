"""Floats as text, a column at a time: the same characters as ``repr``, with orjson or
without it."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic_sgd.render.float_text import float_texts


def reprs(values) -> list[str]:
    return [repr(v) for v in np.asarray(values, np.float64).tolist()]


EDGES = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e-4,
         -1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, 1e15, 0.1, 100.0, 1e22,
         123456789012345680.0, np.nan, np.inf, -np.inf, 2.0 ** 60, 1 / 3]


def test_every_exponent_and_the_edges_print_as_repr():
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, 400_000, dtype=np.uint64, endpoint=False).view(np.float64)
    scaled = rng.normal(size=200_000) * 10.0 ** rng.integers(-12, 24, 200_000)
    values = np.concatenate([bits, scaled, EDGES])
    assert float_texts(values) == reprs(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_any_list_of_floats_prints_as_repr(values):
    assert float_texts(np.array(values, np.float64)) == reprs(values)


def test_float32_columns_print_the_float64_they_hold():
    values = np.array([0.1, 1e-5, 3.4e38], np.float32)
    assert float_texts(values) == reprs(values.astype(np.float64))


def test_without_orjson_every_value_goes_through_repr(monkeypatch):
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson raises ImportError
    values = np.array(EDGES)
    assert float_texts(values) == reprs(values)
    assert float_texts(np.array([])) == []


def test_orjson_writes_the_column_when_installed(monkeypatch):
    orjson = pytest.importorskip("orjson")
    calls, original = [], orjson.dumps

    def dumps(values):
        calls.append(len(values))
        return original(values)

    monkeypatch.setattr(orjson, "dumps", dumps)
    values = np.random.default_rng(1).normal(size=10)
    assert float_texts(values) == reprs(values) and calls == [10]
