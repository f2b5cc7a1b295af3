"""`golden --write FILE.json [problem options]` and `golden --check FILE.json`: a golden file
for any run, replayed from the file alone."""

import json

import numpy as np
import pytest
from helpers import run

from analytic_sgd.golden import check_file, load_golden, write_golden
from analytic_sgd.problems.problem import make_problem
from analytic_sgd.symbolic.model import parse_model

CUBIC = ["--data", "d.csv", "--model", "a*x**3+b*x+c", "--params", "a b c", "--momentum", "0.9",
         "--nesterov", "--weight-decay", "0.01", "--lr", "0.05", "--batch-size", "2",
         "--epochs", "3"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("x,y\n0.1,1.3\n0.2,2.1\n0.35,3.7\n-1.5,0.25\n2,7.1\n")
    return tmp_path


def test_write_then_check_one_file_then_one_changed_digit_names_the_step(folder, capsys):
    code, out, err = run(capsys, "golden", "--write", "f.json", *CUBIC)
    assert (code, err) == (0, "")
    assert out.startswith("wrote f.json (") and "d.csv: a*x**3 + b*x + c, mse, 5 rows" in out
    assert "momentum 0.9, weight decay 0.01, nesterov; float64, 9 steps" in out
    (folder / "d.csv").unlink()  # the file alone is enough to replay the run
    code, out, err = run(capsys, "golden", "--check", "f.json")
    assert (code, err) == (0, "") and "ok       f.json" in out and "1 of 1 files equal" in out
    doc = json.loads((folder / "f.json").read_text())
    assert doc["problem"]["update"] == {"momentum": "0.9", "dampening": "0", "nesterov": True,
                                        "weight_decay": "0.01", "maximize": False}
    assert doc["example"] == "d.csv" and doc["problem"]["data"]["recipe"] is None
    text = (folder / "f.json").read_text()
    value = repr(doc["steps"][4]["grad"]["c"])  # step 5: one digit changed
    changed = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert text.count(value) >= 1
    (folder / "f.json").write_text(text.replace(f'"c": {value}}}, "updated"', f'"c": {changed}}},'
                                                                          ' "updated"', 1))
    code, out, err = run(capsys, "golden", "--check", "f.json")
    assert code == 1 and err == ""
    assert "DIFFERS  f.json" in out and "0 of 1 files equal" in out
    assert "first difference: step 5 (epoch 2, batch 2), grad.c" in out
    assert f"expected {changed} (file), obtained {value} (regenerated)" in out


@pytest.mark.parametrize("arithmetic, dtype", [("exact", "decimal"), ("float32", "float32"),
                                               ("float64", "float64")])
def test_each_arithmetic_stores_the_data_its_run_reads(folder, capsys, arithmetic, dtype):
    code, _, err = run(capsys, "golden", "--write", "f.json", *CUBIC, "--arithmetic", arithmetic)
    assert code == 0, err
    (folder / "d.csv").unlink()
    assert run(capsys, "golden", "--check", "f.json")[0] == 0
    g = load_golden(folder / "f.json")
    assert g.problem["data"]["dtype"] == {"x": dtype, "y": dtype} and g.arithmetic == arithmetic
    if arithmetic == "exact":  # the CSV's decimals, read exactly: 0.1 is 1/10
        assert g.problem["data"]["x"][:3] == ["0.1", "0.2", "0.35"]
        assert g.steps[0]["loss"] == "61/20"  # (1.3² + 2.1²)/2
    elif arithmetic == "float32":  # a float32 framework runs on exactly these inputs
        assert g.x.dtype == np.float32 and g.x[0] == np.float32(0.1)
        assert g.problem["data"]["x"][0] == "0.100000001490116119384765625"
    else:
        assert g.x.dtype == np.float64 and g.x[0] == 0.1


def test_the_python_api_writes_and_loads_the_same_file(tmp_path):
    problem = make_problem(parse_model("w*x + b", "w b"), "mse", [0.5, 1.5, 2.5], [1, 2, 4],
                           lr="0.1", batch_size=2, epochs=2, momentum="0.5")
    path = write_golden(problem, tmp_path / "mine.json", "exact")
    g = load_golden(path)
    assert len(g) == 4 and g.problem["update"]["momentum"] == "0.5" and check_file(path) == []
    # no decimals were given: the floats' shortest decimals, as the exact run read them
    assert g.x.dtype == object and g.problem["data"]["x"] == ["0.5", "1.5", "2.5"]


@pytest.mark.parametrize("argv, fragment", [
    (["--write", "out", "--lr", "0.1"], "--write out writes the named examples' golden files; "
                                        "--lr describe one problem: write its file with "
                                        "--write FILE.json"),
    (["--write", "f.json", "--example", "worked-linear", "--example", "rollercoaster"],
     "give --example once"),
    (["--check", "--momentum", "0.9"], "--check takes the problem from the golden files; "
                                       "--momentum cannot change it"),
    (["--write", "f.json", "--momentum", "-1"], "--momentum '-1' must be a finite number >= 0"),
    (["--write", "f.json", "--data", "nope.csv"], "nope.csv"),
])
def test_usage_errors_exit_2(folder, capsys, argv, fragment):
    code, out, err = run(capsys, "golden", *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) <= 2
    assert not (folder / "f.json").exists()


def test_check_file_refuses_example_filters(folder, capsys):
    assert run(capsys, "golden", "--write", "w.json")[0] == 0  # worked-linear, float64
    code, _, err = run(capsys, "golden", "--check", "w.json", "--example", "worked-linear")
    assert code == 2 and "--check FILE.json checks that one file" in err
