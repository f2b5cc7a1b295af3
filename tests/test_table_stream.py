"""Tables streamed to a file as the run makes them: the same bytes as the table made in
memory, memory flat for any number of steps, what was made kept when a run stops."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

from analytic_sgd.errors import DivergenceError, OptionError, RunTooLargeError
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render.table import table_csv, table_json
from analytic_sgd.render.table_stream import stream_format, stream_table


@pytest.mark.parametrize("example, epochs, arithmetic", [
    ("worked-linear", 40, "exact"), ("worked-linear", 4000, "float64"),
    ("two-feature-linear", 3, "float32"), ("geron-sgd", 2, "float64")])
@pytest.mark.parametrize("every", [1, 7])
def test_the_streamed_file_is_the_table_made_in_memory(tmp_path, example, epochs, arithmetic,
                                                        every):
    p = example_problem(example, epochs=epochs)
    traj = p.run(arithmetic, every=every)
    for fmt, whole in (("csv", table_csv), ("json", table_json)):
        s = stream_table(p, tmp_path / f"t.{fmt}", None, arithmetic, every=every)
        assert (tmp_path / f"t.{fmt}").read_text() == whole(traj) and s.rows == len(traj)
    assert sorted(q.name for q in tmp_path.iterdir()) == ["t.csv", "t.json"]


def test_streaming_memory_does_not_grow_with_the_steps(tmp_path):
    def peak(epochs):
        tracemalloc.start()
        stream_table(example_problem("worked-linear", epochs=epochs), tmp_path / "r.csv",
                     every=1000)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    peak(1_600_000)  # warm: the engine picked for the long run compiles (numba) on first use
    small, large = peak(400_000), peak(1_600_000)  # 1.2 and 4.8 million steps
    assert large < 1.3 * small, (small, large)
    in_memory = 4.8e6 * 8 * 11  # the kept columns of every step, had they been kept
    assert large < in_memory / 2


def test_a_stopped_run_keeps_complete_rows_and_says_where(tmp_path):
    p = example_problem("worked-linear", epochs=500, lr="0.05")
    with pytest.raises(DivergenceError) as caught:
        stream_table(p, tmp_path / "r.csv", every=100)
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [*map(str, range(0, 1201, 100)), "1246"]
    s = caught.value.streamed
    assert (s.rows, s.last_step, s.steps) == (14, 1247, 1500)
    assert "holds the 14 rows made before the run stopped" in s.describe()
    with pytest.raises(DivergenceError):
        stream_table(p, tmp_path / "r.json", every=100)
    doc = json.loads((tmp_path / "r.json").read_text())
    assert len(doc["steps"]) == 14 and doc["stopped"].startswith("step 1247")


def test_a_refused_run_writes_no_file(tmp_path):
    with pytest.raises(RunTooLargeError, match="3,000,000,000 steps streamed"):
        stream_table(example_problem("worked-linear", epochs=10**9), tmp_path / "r.csv",
                     max_memory="1M")
    assert list(tmp_path.iterdir()) == []


def test_formats_are_csv_or_json():
    assert stream_format("a.JSON") == "json" and stream_format("rows.txt") == "csv"
    with pytest.raises(OptionError, match="format must be csv or json"):
        stream_format("a.csv", "latex")


def test_rows_handed_twice_to_the_file_are_written_once(tmp_path):
    from analytic_sgd.files import AtomicFile
    from analytic_sgd.render.table_stream import _Writer

    p = example_problem("worked-linear", epochs=4)
    traj = p.run("float64")
    out = AtomicFile(tmp_path / "t.csv")
    writer = _Writer(out, "csv", p, 1)
    writer(traj.head(5))
    writer(traj.head(8))   # rows 0-4 again (an interrupted hand-over), then 5-7
    writer(traj.head(8))   # nothing new
    twice = traj.head(12)
    twice.index = np.array([*range(11), 10])  # the held step handed twice after an interruption
    writer(twice)
    out.commit()
    assert (tmp_path / "t.csv").read_text() == table_csv(traj.head(11))
    assert (writer.rows, writer.last) == (11, 11)
