"""Tables written a column at a time as bytes (orjson and numpy): the same text as the
cell-by-cell path, for every kind of value a table holds."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from analytic_sgd.numeric.trajectory import Trajectory
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import column_text
from analytic_sgd.render.table import table_csv, table_text

pytest.importorskip("orjson")


def both(render, traj, monkeypatch):
    fast = render(traj)
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "orjson", None)  # import orjson fails: cell by cell
        slow = render(traj)
    return fast, slow


def odd_trajectory(rows: int, seed: int) -> Trajectory:
    """Values of every kind: tiny, huge, negative zero, NaN, infinities, integers as floats."""
    rng = np.random.default_rng(seed)
    pool = np.array([0.0, -0.0, 1e-05, -9.99e-05, 1e-4, 5e-324, 1e16, -1e300, np.nan, np.inf,
                     -np.inf, 3.0, 0.1, 1 / 3])

    def values(shape):
        mixed = rng.normal(size=shape) * 10.0 ** rng.integers(-9, 20, shape)
        pick = rng.random(shape) < 0.3
        return np.where(pick, rng.choice(pool, shape), mixed)

    steps = np.arange(rows)
    return Trajectory.from_columns(("w", "b"), "float64", epoch=steps // 7 + 1,
                                   batch=steps % 7 + 1, n=np.full(rows, 3),
                                   params=values((rows, 2)), loss=values(rows),
                                   grad=values((rows, 2)), updated=values((rows, 2)),
                                   lr=values(rows))


@pytest.mark.parametrize("render", [table_text, table_csv])
@pytest.mark.parametrize("rows, seed", [(1, 0), (5, 1), (column_text.LAYOUT_ROWS + 3, 2)])
def test_odd_values_print_as_cell_by_cell(render, rows, seed, monkeypatch):
    fast, slow = both(render, odd_trajectory(rows, seed), monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("example, every", [("worked-linear", 1), ("geron-sgd", 1),
                                            ("two-feature-linear", 1), ("noisy-quadratic", 4)])
def test_example_tables_print_as_cell_by_cell(example, every, monkeypatch):
    traj = example_problem(example).run("float64", every=every)
    for render in (table_text, table_csv):
        fast, slow = both(render, traj, monkeypatch)
        assert fast == slow


def test_the_fast_path_is_taken_with_orjson(monkeypatch):
    calls = []
    original = column_text.lines
    monkeypatch.setattr(column_text, "lines", lambda *a, **k: calls.append(1) or original(*a, **k))
    import analytic_sgd.render.table as table

    monkeypatch.setattr(table, "text_lines", column_text.lines)
    traj = example_problem("worked-linear").run("float64")
    table_text(traj)
    table_csv(traj)
    assert len(calls) == 2
