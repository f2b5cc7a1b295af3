"""The recorder: the engines' record and write_block calls, kept every Nth step, in memory or
handed to a sink as they come, with a run that stops cut at its step."""

from __future__ import annotations

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.kernels.cache import kernels_for
from analytic_sgd.numeric.driver import run
from analytic_sgd.numeric.recorder import BUFFER, Recorder, kept_rows
from analytic_sgd.problems.problem import example_problem

K = kernels_for(asgd.linear(), asgd.mse, "float64")


def block(start, count):
    steps = np.arange(start, start + count, dtype=float)
    return dict(epoch=np.ones(count, int), batch=np.arange(1, count + 1), n=np.ones(count, int),
                params=np.zeros((count, 2)), loss=steps, grad=np.zeros((count, 2)),
                updated=np.zeros((count, 2)), lr=0.1)


@pytest.mark.parametrize("steps, every, cuts", [(10, 4, [3, 3, 4]), (1, 5, [1]), (37, 1, [37]),
                                                (100, 7, [1] * 100), (9000, 1000, [4500, 4500])])
def test_kept_rows_are_step_0_every_nth_and_the_last(steps, every, cuts):
    expected = sorted({*range(0, steps, every), steps - 1})
    for sink in (None, []):
        r = Recorder(steps, K, every, None if sink is None else sink.append)
        start = 0
        for count in cuts:
            if count == 1:
                b = block(start, 1)
                r.record(start, 1, 1, 1, b["params"][0], b["loss"][0], b["grad"][0],
                         b["updated"][0], 0.1)
            else:
                r.write_block(start, **block(start, count))
            start += count
        r.close()
        kept = r.result().index.tolist() if sink is None else [
            i for part in sink for i in part.index.tolist()]
        assert kept == expected and len(kept) == kept_rows(steps, every)
        if sink is not None:
            assert r.result().index.tolist() == [steps - 1]  # the last row: its final values


def test_a_sink_gets_buffers_and_the_recorder_holds_no_more_than_one_block():
    parts = []
    r = Recorder(50_000, K, 1, parts.append)
    for start in range(0, 50_000, 1):
        if start % 5000 == 0:
            r.write_block(start, **block(start, 5000))
    r.close()
    assert sum(len(p) for p in parts) == 50_000 and max(len(p) for p in parts) <= 5000
    singles = []
    r = Recorder(10_000, K, 1, singles.append)
    for k in range(10_000):
        r.record(k, 1, 1, 1, np.zeros(2), float(k), np.zeros(2), np.zeros(2), 0.1)
        assert r._buffered <= BUFFER  # memory stays flat: at most a buffer of single rows
    r.close()
    assert [len(p) for p in singles] == [BUFFER, BUFFER, 10_000 - 2 * BUFFER]


def test_a_diverging_run_is_cut_at_the_failing_step():
    p = example_problem("worked-linear", epochs=500, lr="0.05")
    for engine in ("elementwise", "moments"):
        kernels = p.kernels("float64", with_moments=True)
        x, y = p.data("float64")
        parts = []
        with pytest.raises(asgd.DivergenceError, match="step 1247 ") as caught:
            run(kernels, x, y, p.settings, p.plan, init=p.init, engine=engine, every=5,
                sink=parts.append)
        steps = np.concatenate([q.index for q in parts])
        assert steps[-3:].tolist() == [1240, 1245, 1246] and len(steps) == 251
        assert not np.isfinite(np.concatenate([q.loss for q in parts])[-1])
        assert caught.value.trajectory.step_numbers[-1] == 1246


def test_in_memory_every_matches_the_full_run_in_every_arithmetic():
    p = example_problem("worked-linear", epochs=41)
    for arithmetic in ("exact", "float64", "float32"):
        full = p.run(arithmetic)
        kept = p.run(arithmetic, every=7)
        assert kept.index.tolist() == [*range(0, 123, 7), 122]
        assert (kept.loss == full.loss[kept.index]).all() and kept.meta["every"] == 7


def test_a_sink_interrupted_mid_write_gets_its_rows_again_on_close():
    got, calls = [], []

    def sink(part):
        calls.append(len(part))
        numbers = part.step_numbers.tolist()
        if len(calls) == 1:
            got.extend(numbers[:100])
            raise KeyboardInterrupt  # Ctrl-C while the sink writes: 100 rows made it
        got.extend(n for n in numbers if n >= len(got))  # as the file's writer skips them

    r = Recorder(3 * BUFFER, K, 1, sink)
    with pytest.raises(KeyboardInterrupt):
        for row in range(2 * BUFFER):
            r.record(row, 1, row + 1, 1, [0.0, 0.0], float(row), [0.0, 0.0], [0.0, 0.0], 0.1)
    r.close()
    assert got == list(range(len(got))) and len(got) >= BUFFER
