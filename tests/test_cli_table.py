import json
import subprocess
import sys
from fractions import Fraction

import pytest
from helpers import run


def test_default_table_is_the_worked_example(capsys):
    code, out, err = run(capsys, "table", "--digits", "2")
    assert code == 0 and err == ""
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows[0] == ["1", "3", "-26.67", "-24.00", "0.27", "0.24", "146.67"]
    assert rows[2] == ["3", "3", "-169.19", "-24.10", "3.32", "0.81", "145.28"]


def test_exact_json_has_the_documented_shape_and_rationals(capsys):
    code, out, _ = run(capsys, "table", "--arithmetic", "exact", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert set(doc) == {"model", "inputs", "params", "loss", "arithmetic", "lr", "batch_size",
                        "epochs", "steps"}
    assert doc["model"] == "b + w*x" and doc["lr"] == "1/100" and doc["arithmetic"] == "exact"
    first = doc["steps"][0]
    assert set(first) == {"epoch", "batch", "n", "params", "loss", "grad", "updated"}
    assert (first["grad"]["w"], first["grad"]["b"], first["loss"]) == ("-80/3", "-24", "440/3")
    assert (first["updated"]["w"], first["updated"]["b"]) == ("4/15", "6/25")
    assert Fraction(doc["steps"][-1]["updated"]["w"]) == Fraction(1399427, 421875)


def test_float_json_round_trips_the_binary_values(capsys):
    import numpy as np

    from analytic_sgd.problems.problem import example_problem

    for arithmetic in ("float64", "float32"):
        code, out, _ = run(capsys, "table", "--example", "noisy-quadratic", "--arithmetic",
                           arithmetic, "--format", "json")
        doc = json.loads(out)
        traj = example_problem("noisy-quadratic").run(arithmetic)
        dtype = np.dtype(arithmetic).type
        assert [dtype(s["loss"]) for s in doc["steps"]] == list(traj.loss)


@pytest.mark.parametrize("fmt, marker", [("markdown", "| batch |"), ("latex", r"\toprule"),
                                         ("csv", "epoch,batch,n,w,b,loss")])
def test_other_formats(capsys, fmt, marker):
    code, out, _ = run(capsys, "table", "--format", fmt)
    assert code == 0 and marker in out


def test_rising_loss_gets_a_note(capsys):
    code, out, _ = run(capsys, "table", "--example", "noisy-quadratic", "--digits", "3")
    assert code == 0 and "may be too large" in out


def test_options_override_the_example(capsys):
    code, out, _ = run(capsys, "table", "--batch-size", "4", "--epochs", "2", "--momentum", "0.9",
                       "--init", "w=1,b=2", "--format", "json")
    doc = json.loads(out)
    assert [s["n"] for s in doc["steps"]] == [4, 4, 1, 4, 4, 1]
    assert doc["steps"][0]["params"] == {"w": 1.0, "b": 2.0}


def test_data_file_is_read_exactly(capsys, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("x,y\n0.1,1\n0.2,2\n0.3,3\n")
    code, out, _ = run(capsys, "table", "--data", str(f), "--arithmetic", "exact", "--format",
                       "json", "--batch-size", "3")
    doc = json.loads(out)
    # l = mean of (0 - y)^2 = 14/3; dl/dw = -2/3 * (0.1 + 0.4 + 0.9) = -14/15 exactly
    assert doc["steps"][0]["loss"] == "14/3" and doc["steps"][0]["grad"]["w"] == "-14/15"


def test_examples_lists_one_line_each(capsys):
    code, out, _ = run(capsys, "examples")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "worked-linear", "noisy-quadratic", "rollercoaster", "two-feature-linear",
        "geron-batch-gd", "geron-sgd", "geron-minibatch"]


BAD = [
    (["--batch-size", "-3"], "--batch-size"),
    (["--batch-size", "2.5"], "whole number"),
    (["--lr", "nan"], "--lr 'nan' must be a finite number >= 0"),
    (["--lr", "inf"], "--lr 'inf' must be a finite number >= 0"),
    (["--lr", "fast"], "--lr 'fast': unknown name 'fast' (column 1); the learning rate is a "
                       "number or an expression in t"),
    (["--lr", "5/(t+50"], "--lr '5/(t+50': not a valid expression"),
    (["--lr", "0.1-0.01*t", "--epochs", "5"], "--lr '0.1-0.01*t': at step 12 (epoch 4) the "
                                                  "learning rate is -0.01"),
    (["--lr", "exp(-t)", "--arithmetic", "exact"], "exact arithmetic needs a rational"),
    (["--lr", "0.1", "--schedule", "step:0:0.5"], "--schedule 'step:0:0.5'"),
    (["--lr", "0.1", "--schedule", "linear:3"], "write step:STEP_SIZE:GAMMA"),
    (["--lr", "5/(t+50)", "--schedule", "step:2:0.5"], "--schedule"),
    (["--sample", "with-replacement"], "--seed"),
    (["--rng", "numpy-legacy", "--shuffle"], "--seed"),
    (["--lr", "-0.1"], "--lr '-0.1' must be a finite number >= 0"),
    (["--lr", ""], "--lr '': the lr expression is empty"),
    (["--momentum", "-1"], "--momentum '-1' must be a finite number >= 0"),
    (["--weight-decay", ""], "--weight-decay '' must be a finite number >= 0"),
    (["--batch-size", "0"], "--batch-size '0' must be a whole number >= 1"),
    (["--seed", "-1", "--shuffle"], "--seed '-1' must be a whole number >= 0"),
    (["--loss", "mae"], "invalid choice"),
    (["--epochs", "0"], "--epochs"),
    (["--init", "q=1"], "not a parameter"),
    (["--init", "w=1,w=2"], "twice"),
    (["--init", "w=nan"], "not finite"),
    (["--init", "w"], "NAME=VALUE"),
    (["--example", "nope"], "--example 'nope' must be one of worked-linear"),
    (["--nesterov"], "nesterov"),
    (["--momentum", "0.9", "--dampening", "0.5", "--nesterov"], "nesterov"),
    (["--shuffle"], "--seed"),
    (["--seed", "x", "--shuffle"], "--seed"),
    (["--arithmetic", "float16"], "invalid choice"),
    (["--model", "w*x+", "--params", "w"], "model"),
    (["--model", "poly:3", "--init", "a=1"], "not a parameter"),
    (["--batch-size", "20", "--drop-last"], "drop_last"),
    (["--digits", "-1"], "--digits"),
    (["--lr", "10", "--epochs", "400", "--batch-size", "9"], "not finite"),
]


@pytest.mark.parametrize("argv, fragment", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_options_exit_2_naming_the_problem(capsys, argv, fragment):
    code, _, err = run(capsys, "table", *argv)
    assert code == 2
    assert fragment.lower() in err.lower()
    assert 1 <= len(err.strip().splitlines()) <= 2 and "Traceback" not in err


FILES = {
    "missing column": ("x,z\n1,2\n", "line 1", "y"),
    "non-numeric cell": ("x,y\n1,2\n3,abc\n", "line 3", "abc"),
    "nan": ("x,y\n1,nan\n", "line 2", "finite"),
    "infinity": ("x,y\n1,-Infinity\n", "line 2", "finite"),
    "overflow": ("x,y\n1e999,1\n", "line 2", "finite"),
    "no rows": ("x,y\n", "", "no data"),
    "ragged row": ("x,y\n1,2\n3\n", "line 3", "cells"),
    "empty file": ("", "", "empty"),
    "empty cell": ("x,y\n1,\n", "line 2", ""),
}


@pytest.mark.parametrize("name", FILES)
def test_malformed_files_exit_2_naming_file_and_line(capsys, tmp_path, name):
    text, line, reason = FILES[name]
    f = tmp_path / f"{name.replace(' ', '_')}.csv"
    f.write_text(text)
    code, _, err = run(capsys, "table", "--data", str(f))
    assert code == 2
    assert f.name in err and line in err and reason.lower() in err.lower()
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "table", "--data", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err


def test_installed_command_runs_without_a_traceback():
    out = subprocess.run([sys.executable, "-m", "analytic_sgd", "table", "--lr", "x"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_a_start_too_large_for_float32_is_one_line(capsys):
    code, _, err = run(capsys, "table", "--init", "w=1e39", "--arithmetic", "float32")
    assert code == 2 and err.strip().splitlines() == [
        "analytic-sgd: error: init values must be finite in float32: w=1e39"]


def test_a_start_that_overflows_the_loss_blames_the_start(capsys):
    code, _, err = run(capsys, "table", "--init", "w=1e308,b=1e308")
    assert code == 2 and "step 1" in err and "check the start values" in err


def test_a_long_table_prints_the_same_on_every_kind_of_stdout(tmp_path, monkeypatch):
    """The lines written as bytes to stdout's buffer (a pipe; a text stream over bytes) equal
    the text written to a stdout without one (io.StringIO) and the rendered table."""
    import io
    import os
    from pathlib import Path

    import numpy as np

    import analytic_sgd as asgd
    from analytic_sgd.cli import main
    from analytic_sgd.render.column_text import LAYOUT_ROWS
    from analytic_sgd.render.table import render_table

    pytest.importorskip("orjson")  # without it the table is text from the start
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, 3 * LAYOUT_ROWS + 7)  # two blocks of lines and a few
    y = 2 * x + 10 + rng.normal(0, 1, x.size)
    data = tmp_path / "d.csv"
    data.write_text("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist())))
    argv = ["table", "--data", str(data)]
    outs = {}
    for kind, stream in [("text", io.StringIO()),
                         ("bytes", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))]:
        monkeypatch.setattr(sys, "stdout", stream)
        assert main(argv) == 0
        stream.flush()
        outs[kind] = (stream.getvalue().encode() if kind == "text"
                      else stream.buffer.getvalue())
    monkeypatch.undo()
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    piped = subprocess.run([sys.executable, "-m", "analytic_sgd", *argv], capture_output=True,
                           env=env, timeout=300)
    assert piped.returncode == 0 and piped.stderr == b""
    outs["pipe"] = piped.stdout
    traj = asgd.sgd(asgd.linear(), asgd.mse, x, y, lr=0.01, batch_size=3)  # the defaults
    expected = render_table(traj).encode()
    assert "note: the loss rose" in expected.decode()  # the text after the lines, too
    assert outs == {"text": expected, "bytes": expected, "pipe": expected}
