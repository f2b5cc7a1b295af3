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
    import analytic_sgd.render.table as table

    calls = []
    original = column_text.line_blocks

    def counted(*a, **k):
        calls.append(1)
        return original(*a, **k)

    monkeypatch.setattr(column_text, "line_blocks", counted)  # lines (CSV) calls it
    monkeypatch.setattr(table, "line_blocks", counted)  # the text table calls it
    traj = example_problem("worked-linear").run("float64")
    table_text(traj)
    table_csv(traj)
    assert len(calls) == 2


@pytest.mark.parametrize("rows", [1, 2, column_text.LAYOUT_ROWS + 1])
@pytest.mark.parametrize("extra", [0, 1, 40])
def test_aligned_lines_are_rjust_cell_by_cell(rows, extra):
    """Slots wider than the texts (wider than all of a short column's text, too), the texts
    repr writes itself (below 1e-4, not finite) and orjson's, in blocks."""
    traj = odd_trajectory(rows, rows + extra)
    columns = [column_text.int_cells(traj.batch), column_text.float_cells(traj.loss),
               column_text.float_cells(traj.grad[:, 0])]
    texts = [list(map(str, traj.batch.tolist())), list(map(repr, traj.loss.tolist())),
             list(map(repr, traj.grad[:, 0].tolist()))]
    widths = [c.width + extra for c in columns]
    expected = "".join(" | ".join(t.rjust(w) for t, w in zip(row, widths)) + "\n"
                       for row in zip(*texts))
    assert column_text.lines(columns, widths, b" | ").decode() == expected
    blocks = list(column_text.line_blocks(columns, widths, b" | "))
    assert len(blocks) == -(-rows // column_text.LAYOUT_ROWS)
    assert b"".join(blocks).decode() == expected
    csv_rows = "".join(",".join(row) + "\n" for row in zip(*texts))
    assert b"".join(column_text.line_blocks(columns, None, b",")).decode() == csv_rows


def test_a_width_narrower_than_its_texts_is_refused():
    cells = column_text.float_cells(np.array([0.5, -1.25]))
    with pytest.raises(ValueError, match="narrower"):
        column_text.lines([cells], [4])
