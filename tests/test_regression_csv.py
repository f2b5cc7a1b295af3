"""The CSV of `table --format csv` is the expected file of pytest-regressions' num_regression."""

import csv
import io

import numpy as np
import pytest
from helpers import run

from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render.table import table_csv
from analytic_sgd.testing import golden_csv, load_golden, to_columns

HEADER = ["", "epoch", "batch", "n", "a", "b", "c", "loss", "dl/da", "dl/db", "dl/dc",
          "a_after", "b_after", "c_after"]


@pytest.fixture
def num_regression(request):
    pytest.importorskip("pytest_regressions")
    pytest.importorskip("pandas")
    return request.getfixturevalue("num_regression")


def framework_run(golden, scale=1.0):
    """What a framework's loop records, parameters by position."""
    return [{"loss": s["loss"], "grad": [v * scale for v in s["grad"].values()],
             "updated": list(s["updated"].values()), "epoch": s["epoch"], "batch": s["batch"],
             "n": s["n"]} for s in golden.steps]


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
def test_table_csv_is_the_file_num_regression_reads(num_regression, tmp_path, capsys, arithmetic):
    code, out, _ = run(capsys, "table", "--example", "noisy-quadratic", "--format", "csv",
                       "--arithmetic", arithmetic)
    assert code == 0
    expected = tmp_path / "noisy-quadratic.csv"
    expected.write_text(out)
    golden = load_golden("noisy-quadratic", arithmetic)
    num_regression.check(to_columns(framework_run(golden), golden.param_names), fullpath=expected,
                         default_tolerance={"rtol": 0, "atol": 0})
    with pytest.raises(AssertionError, match=r"Values are not sufficiently close[\s\S]*dl/da"):
        num_regression.check(to_columns(framework_run(golden, 1 + 1e-6), golden.param_names),
                             fullpath=expected, default_tolerance={"rtol": 1e-7, "atol": 0})


def test_golden_csv_is_the_table_csv_and_round_trips():
    text = golden_csv("noisy-quadratic", "float64")
    assert text == table_csv(example_problem("noisy-quadratic").run("float64"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    g = load_golden("noisy-quadratic", "float64")
    assert [float(r[7]) for r in rows[1:]] == g.loss.tolist()  # round-trips
    assert [r[0] for r in rows[1:]] == [str(k) for k in range(10)]
    f32 = golden_csv("noisy-quadratic", "float32")
    assert f32 == table_csv(example_problem("noisy-quadratic").run("float32"))


def test_golden_csv_writes_the_file(tmp_path):
    path = tmp_path / "worked.csv"
    assert golden_csv("worked-linear", "exact", path=path) == path.read_text()
    assert path.read_text().splitlines()[1] == "0,1,1,3,0,0,440/3,-80/3,-24,4/15,6/25"


def test_to_columns_flattens_any_shape_into_the_csv_columns():
    g = load_golden("worked-linear", "exact")
    cols = to_columns(g)
    assert list(cols) == ["epoch", "batch", "n", "w", "b", "loss", "dl/dw", "dl/db", "w_after",
                          "b_after"]
    assert cols["dl/dw"][0] == -80 / 3 and cols["n"].dtype == np.int64
    steps = [{"loss": s["loss"], "grad": s["grad"]} for s in g.steps]
    assert to_columns(steps, ("w", "b"))["dl/db"].tolist() == cols["dl/db"].tolist()
    with pytest.raises(TypeError, match="param_names"):
        to_columns(steps)
