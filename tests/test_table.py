import csv
import io
import json

import numpy as np
import pytest

from analytic_sgd.errors import OptionError
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import table as render


def test_text_is_aligned_and_digits_round():
    traj = example_problem().run("float64")
    lines = render.table_text(traj, digits=3).splitlines()
    assert len({len(line) for line in lines}) == 1  # every row as wide as the header
    assert lines[1].split()[2] == "-26.667"


def test_exact_text_shows_fractions():
    text = render.table_text(example_problem().run("exact"))
    assert "-80/3" in text and "1399427/421875" in text


def test_csv_is_unrounded_and_reads_back():
    traj = example_problem("noisy-quadratic").run("float64")
    rows = list(csv.DictReader(io.StringIO(render.table_csv(traj))))
    assert len(rows) == 10
    assert [float(r["loss"]) for r in rows] == traj.loss.tolist()
    assert list(rows[0]) == ["", "epoch", "batch", "n", "a", "b", "c", "loss", "dl/da", "dl/db",
                             "dl/dc", "a_after", "b_after", "c_after"]
    assert [r[""] for r in rows] == [str(k) for k in range(10)]  # pandas' row index


def test_json_float32_round_trips_as_float32_and_float64():
    traj = example_problem("noisy-quadratic").run("float32")
    doc = json.loads(render.table_json(traj))
    values = [s["loss"] for s in doc["steps"]]
    assert [np.float32(v) for v in values] == list(traj.loss)
    assert [float(v) for v in traj.loss] == values  # the exact float64 of each float32


def test_latex_is_a_booktabs_tabular():
    tex = render.table_latex(example_problem().run("exact"), digits=2)
    assert tex.startswith(r"\begin{tabular}{r") and r"\midrule" in tex
    blocks = tex.count(r"\midrule") - tex.count(r"\midrule") // 2  # a header and 3 rows per block
    assert tex.count(r"\\") == 4 * blocks and tex.rstrip().endswith(r"\end{tabular}")


def test_markdown_table_has_a_row_per_step():
    md = render.table_markdown(example_problem().run("float64"), digits=2)
    assert md.count("\n|") == 4  # separator + 3 rows


def test_pieces_join_to_the_rendered_table():
    traj = example_problem("noisy-quadratic").run("float64")
    for fmt, digits, standalone in [("text", None, None), ("text", 2, None), ("csv", None, None),
                                    ("json", None, None), ("markdown", 3, None),
                                    ("latex", None, "article")]:
        pieces = list(render.render_table_pieces(traj, fmt, digits, standalone))
        text = "".join(p if isinstance(p, str) else str(p, "ascii") for p in pieces)
        assert text == render.render_table(traj, fmt, digits, standalone)
    with pytest.raises(OptionError):  # when asked, as render_table
        render.render_table_pieces(traj, "text", None, "article")
