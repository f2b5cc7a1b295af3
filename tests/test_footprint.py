"""Sizing a run before it starts: the estimate, the refusal and its ways out, memory sizes."""

from __future__ import annotations

import time

import pytest

import analytic_sgd as asgd
from analytic_sgd.conventions.digits import int_text
from analytic_sgd.errors import OptionError, RunTooLargeError
from analytic_sgd.numeric.footprint import (
    ENGINE_BYTES,
    digit_growth,
    estimate,
    memory_text,
    read_memory,
    refuse_if_too_large,
)
from analytic_sgd.problems.problem import example_problem


def test_memory_sizes_are_read_and_written_in_binary_units():
    assert read_memory("500M") == 500 * 2**20 and read_memory("1.5GiB") == int(1.5 * 2**30)
    assert read_memory(4096) == 4096 and read_memory(" 2 g ") == 2 * 2**30
    assert memory_text(3 * 2**40) == "3 TiB" and memory_text(512) == "512 bytes"
    for bad in ("", "-1G", "1X", "0", "G"):
        with pytest.raises(OptionError, match="max_memory must be a size in bytes"):
            read_memory(bad)


def test_float_rows_cost_their_columns_and_streaming_keeps_a_buffer():
    kept = estimate(10**7, 2, 8)
    streamed = estimate(10**7, 2, 8, streamed=True)
    assert kept.rows == 10**7 and kept.bytes > 10**7 * (24 + 8 * 8)
    assert streamed.bytes < ENGINE_BYTES + 2**30 and estimate(10**9, 2, 8, streamed=True).bytes \
        == streamed.bytes  # flat: the same for a hundred times the steps
    assert estimate(100, 2, 8, every=10).rows == 11
    assert estimate(10**6, 2, 8, printed=True).bytes > estimate(10**6, 2, 8).bytes


def test_exact_growth_is_measured_on_a_probe_and_extrapolated():
    p = example_problem("worked-linear", epochs=4)
    growth = digit_growth(p.run("exact"))
    assert not growth.geometric and 6 < growth.rate < 10  # numerator and denominator digits
    long = p.replace(epochs=400).run("exact")
    last = long.loss[-1]
    measured = len(int_text(int(last.q))) + len(int_text(int(last.p)))
    predicted = growth.digits(len(long) - 1)
    assert abs(predicted - measured) / measured < 0.3
    squared = example_problem("worked-linear", model="w*w*x + b", params="w b", epochs=3,
                              lr="0.001", init={"w": "0.5", "b": "0"})
    assert digit_growth(squared.run("exact")).geometric


def test_a_run_too_large_is_refused_fast_with_the_ways_out():
    start = time.perf_counter()
    with pytest.raises(RunTooLargeError) as caught:
        example_problem("worked-linear", epochs=10**9).run("float64")
    assert time.perf_counter() - start < 5
    text = str(caught.value)
    assert text.startswith("3,000,000,000 steps keep 3,000,000,000 rows: about")
    assert "every=N" in text and "larger batches" in text and "float64" not in text
    assert "--every N" in caught.value.naming({"every": "--every N"})
    with pytest.raises(RunTooLargeError, match="use arithmetic='float64'"):
        example_problem("worked-linear", epochs=3000).run("exact", max_memory="100M")
    refuse_if_too_large(estimate(10, 2, 8), limit=2**40)  # fits: nothing raised


def test_the_api_takes_every_and_max_memory():
    traj = asgd.sgd(asgd.linear(), "mse", [0, 1, 2], [1, 3, 5], lr=0.01, batch_size=1, epochs=50,
                    every=10)
    assert traj.index.tolist() == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130,
                                   140, 149]
    with pytest.raises(RunTooLargeError):
        asgd.sgd(asgd.linear(), "mse", [0, 1, 2], [1, 3, 5], lr=0.01, batch_size=1, epochs=50,
                 max_memory=1000)
