"""Hostile input, as a user who means to break things would give it: every case exits 2 with
one or two lines naming the option (or raises the project's error type in the API), never a
traceback, never a silent wrong answer. The cases of issue 16 that failed, and the ones that
already held (so that none of them comes back). Property-based cases: test_hostile_properties.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from helpers import run

import analytic_sgd as asgd
from analytic_sgd import errors
from analytic_sgd.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cli(*argv, timeout=60, cwd=None):
    """The command in a fresh interpreter: (exit code, stdout, stderr, seconds)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analytic_sgd", *map(str, argv)], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=cwd)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - start


def assert_refused(code, err, *fragments, lines=(1, 2)):
    assert code == 2, err
    said = [line for line in err.splitlines() if not line.startswith("analytic-sgd: warning:")]
    assert "Traceback" not in err and len(said) in lines, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


# --- bad options on the command line ------------------------------------------------------

@pytest.mark.parametrize("argv, fragment", [
    (["--lr", ""], "--lr"),
    (["--momentum", ""], "--momentum ''"),
    (["--dampening", ""], "--dampening ''"),
    (["--weight-decay", ""], "--weight-decay ''"),
    (["--model", ""], "the model text is empty"),
    (["--model", "  "], "the model text is empty"),
    (["--lr", "1e-400"], "--lr '1e-400': the learning rate is 1e-400: it rounds to 0 in float64"),
    (["--lr", "1e-50", "--arithmetic", "float32"], "it rounds to 0 in float32"),
    (["--digits", "0"], "--digits '0' must be a whole number >= 1"),
    (["--digits", "-3"], "--digits '-3'"),
    (["--every", "0"], "--every '0' must be a whole number >= 1"),
    (["--every", "many"], "--every 'many' must be a whole number"),
    (["--max-memory", "12Q"], "--max-memory '12Q' must be a size in bytes"),
    (["--max-memory", "0"], "--max-memory '0'"),
    (["--epochs", "1e9"], "--epochs '1e9' must be a whole number"),
    (["--init", "w"], "--init 'w': write NAME=VALUE pairs"),
    (["--init", "w=abc"], "--init w"),
    (["--lr", "__import__('os').system('echo pwned')"], "--lr"),
    (["--model", "__import__('os').system('echo pwned')", "--params", "w"], "model"),
    (["--model", "w*x; import os", "--params", "w"], "model"),
    (["--format", "text", "--out", "rows.txt"], "--format 'text' must be csv or json"),
    (["--out", "rows.csv", "--digits", "2"], "--digits is for tables printed here"),
    (["--exact-floats", "bits"], "--exact-floats"),
])
def test_bad_options_exit_2_naming_the_option(capsys, tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "table", *argv)
    assert_refused(code, err, fragment)
    assert "pwned" not in out and not (tmp_path / "rows.txt").exists()


def test_a_billion_epochs_are_refused_at_once_with_the_estimate():
    code, out, err, seconds = cli("table", "--epochs", "1000000000")
    assert_refused(code, err, "3,000,000,000 steps keep 3,000,000,000 rows: about 3.6 TiB",
                   "--every N", "--out FILE", "larger batches", "--max-memory", lines=(1,))
    assert out == "" and seconds < 5


def test_an_exact_run_too_large_names_its_digit_growth_and_float64(capsys):
    code, _, err = run(capsys, "table", "--arithmetic", "exact", "--epochs", "4000",
                       "--max-memory", "1G")
    assert_refused(code, err, "12,000 steps keep 12,000 rows", "digits a step",
                   "digits at the last step", "--arithmetic float64", "above the limit "
                   "--max-memory (1 GiB)")


@pytest.mark.parametrize("model, cause", [("w*exp(x)", "exp in the model"),
                                          ("w*log(x + 1)", "log in the model"),
                                          ("w*sqrt(x)", "sqrt in the model")])
def test_an_exact_run_that_turns_irrational_names_the_function(capsys, model, cause):
    code, _, err = run(capsys, "table", "--arithmetic", "exact", "--model", model, "--params",
                       "w", "--epochs", "2")
    assert_refused(code, err, f"({cause} makes them so)")


def test_an_exact_rmse_run_names_the_square_root_of_the_loss(capsys):
    code, _, err = run(capsys, "table", "--arithmetic", "exact", "--loss", "rmse", "--epochs", "2")
    assert_refused(code, err, "(the square root of the loss makes them so)")


# --- long exact runs print whole --------------------------------------------------------

def test_exact_runs_past_the_digit_limit_print_every_row(capsys):
    code, out, err = run(capsys, "table", "--arithmetic", "exact", "--epochs", "400", "--format",
                         "json")
    assert code == 0, err
    doc = json.loads(out)  # json reads big integers without the interpreter's limit
    last = doc["steps"][-1]["loss"]
    assert len(doc["steps"]) == 1200 and len(last) > 4300 * 2
    numerator, denominator = last.split("/")
    assert len(denominator) > 4300 and numerator.isdigit()


# --- files: missing, not a folder, full disk, killed writers, parallel writers ----------

def test_out_into_a_missing_folder_or_a_file_as_folder_is_named(capsys, tmp_path):
    (tmp_path / "plain").write_text("")
    for target, why in ((tmp_path / "nope" / "r.csv", "does not exist"),
                        (tmp_path / "plain" / "r.csv", "is not a folder"),
                        (tmp_path, "it is a folder")):
        code, out, err = run(capsys, "table", "--out", target)
        assert_refused(code, err, f"cannot write {target}", why)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]


def test_golden_write_on_a_full_disk_exits_2_and_leaves_nothing(capsys, tmp_path, monkeypatch):
    import errno

    from analytic_sgd import files

    (tmp_path / "old.json").write_text("{}")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    code, out, err = run(capsys, "golden", "--write", tmp_path / "new.json")
    assert_refused(code, err, f"cannot write {tmp_path / 'new.json'}: no space is left")
    code, out, err = run(capsys, "table", "--out", tmp_path / "rows.csv")
    assert_refused(code, err, "rows.csv: no space is left")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


def test_golden_write_over_an_existing_file_replaces_it_whole(capsys, tmp_path):
    target = tmp_path / "g.json"
    target.write_text("not json")
    code, out, err = run(capsys, "golden", "--write", target)
    assert code == 0 and err == "" and json.loads(target.read_text())["format_version"] == 1
    code, out, err = run(capsys, "golden", "--write", tmp_path / "g.json" / "under.json")
    assert_refused(code, err, "is not a folder")


def test_a_killed_writers_temporary_is_removed_by_the_next_write(capsys, tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = tmp_path / f".worked-linear.exact.json.{gone}.abc123.tmp.json"
    left.write_text('{"trunc')
    code, out, err = run(capsys, "golden", "--write", tmp_path, "--example", "worked-linear")
    assert code == 0, err
    assert not left.exists() and not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_kill_9_during_golden_write_then_the_next_write_cleans_up(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = ("import os, time\nfrom analytic_sgd import files\n"
              "def slow(tmp):\n    open(tmp, 'w').write('half')\n    time.sleep(60)\n"
              f"files.write_atomic({str(tmp_path / 'g.json')!r}, writer=slow)\n")
    proc = subprocess.Popen([sys.executable, "-c", writer], env=env)
    deadline = time.time() + 30
    while not list(tmp_path.glob(".g.json.*.tmp.json")) and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(list(tmp_path.glob(".g.json.*.tmp.json"))) == 1  # left by the killed process
    code, _, err, _ = cli("golden", "--write", tmp_path / "g.json")
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_parallel_golden_writes_leave_one_whole_file(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    target = tmp_path / "g.json"
    procs = [subprocess.Popen([sys.executable, "-m", "analytic_sgd", "golden", "--write",
                               str(target), "--lr", lr], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for lr in ("0.01", "0.02", "0.03")]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    doc = json.loads(target.read_text())
    assert doc["problem"]["lr"] in ("0.01", "0.02", "0.03")
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_tampered_and_truncated_golden_files_are_named(capsys, tmp_path):
    code, _, err = run(capsys, "golden", "--write", tmp_path / "g.json")
    assert code == 0, err
    text = (tmp_path / "g.json").read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    code, out, err = run(capsys, "golden", "--check", tmp_path / "cut.json")
    assert code in (1, 2) and "Traceback" not in out + err and "cut.json" in out + err
    doc = json.loads(text)
    doc["problem"]["data"]["x"][0] = "5"
    (tmp_path / "edited.json").write_text(json.dumps(doc))
    code, out, err = run(capsys, "golden", "--check", tmp_path / "edited.json")
    assert code in (1, 2) and "sha256" in out + err and "Traceback" not in out + err


@pytest.mark.parametrize("content, fragments", [
    ("x,y\n1,2\n3,abc\n", ["line 3", "column 'y'", "'abc' is not a number"]),
    ("x,y\n1,2\n3\n", ["line 3", "expected 2 cells"]),
    ("", ["line 1", "empty"]),
    ("x,z\n1,2\n", ["line 1", "missing column 'y'"]),
    ("x,y\n1,nan\n", ["line 2", "column 'y'", "not finite"]),
    ("x,y\n1,0x1F\n", ["line 2", "column 'y'", "not a number"]),
])
def test_malformed_csvs_name_file_line_and_column(capsys, tmp_path, content, fragments):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = run(capsys, "table", "--data", path)
    assert_refused(code, err, "bad.csv", *fragments)


def test_ctrl_c_exits_130_in_one_line_and_keeps_the_streamed_rows(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "analytic_sgd", "table", "--engine",
                             "elementwise", "--epochs", "1000000", "--out", "rows.csv"],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".rows.csv.*")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # some rows made
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    first, second = err.splitlines()
    assert first == "analytic-sgd: interrupted"
    rows = (tmp_path / "rows.csv").read_text().splitlines()
    assert f"holds the {len(rows) - 1:,} rows made before the run stopped" in second
    assert len(rows) > 10 and all(len(r.split(",")) == 11 for r in rows)
    assert [int(r.split(",")[0]) for r in rows[1:]] == list(range(len(rows) - 1))
    assert [p.name for p in tmp_path.iterdir()] == ["rows.csv"]


def test_a_run_that_diverges_keeps_its_streamed_rows_up_to_the_step(capsys, tmp_path):
    code, out, err = run(capsys, "table", "--lr", "0.05", "--epochs", "500", "--every", "5",
                         "--out", tmp_path / "rows.json")
    assert_refused(code, err, "step 1247 (epoch 416, batch 2): the loss is not finite",
                   "rows.json holds the 251 rows made before the run stopped", lines=(2,))
    doc = json.loads((tmp_path / "rows.json").read_text())
    assert [s["step"] for s in doc["steps"][-3:]] == [1241, 1246, 1247]
    assert "the loss is not finite" in doc["stopped"] and doc["every"] == 5


# --- API misuse: the project's error types, naming the argument -------------------------

X, Y = [0, 1, 2], [1, 3, 5]


def sgd(**changes):
    args = dict(model=asgd.linear(), loss="mse", x=X, y=Y, lr=0.01, batch_size=3)
    args.update(changes)
    return asgd.sgd(args.pop("model"), args.pop("loss"), args.pop("x"), args.pop("y"), **args)


@pytest.mark.parametrize("changes, kind, builtin, fragment", [
    (dict(init="12"), errors.OptionTypeError, TypeError, "init must be a mapping"),
    (dict(init={"w": "abc"}), errors.OptionError, ValueError, "init must be finite real numbers"),
    (dict(lr=[0.01, 0.02]), errors.OptionTypeError, TypeError, "lr must be"),
    (dict(lr=None), errors.OptionTypeError, TypeError, "lr must be"),
    (dict(lr="abc"), errors.OptionError, ValueError, "lr 'abc'"),
    (dict(lr="1e-400"), errors.OptionError, ValueError, "rounds to 0 in float64"),
    (dict(model="w*x"), errors.ModelTypeError, TypeError, "sgd needs a Model"),
    (dict(x=[10**400, 1, 2]), errors.DataError, ValueError, "x holds an integer of 401 digits"),
    (dict(y=(v for v in Y)), errors.DataTypeError, TypeError, "y must be a list or an array"),
    (dict(x=np.array([1 + 1j, 2, 3])), errors.DataTypeError, TypeError, "x holds complex"),
    (dict(x=np.array([object(), 2, 3], dtype=object)), errors.DataTypeError, TypeError, "x[0] is"),
    (dict(x=["a", "b", "c"]), errors.DataError, ValueError, "x[0]: 'a' is not a number"),
    (dict(x=None), errors.DataTypeError, TypeError, "x must be a list or an array"),
    (dict(loss="mae"), errors.OptionError, ValueError, "loss must be one of"),
    (dict(arithmetic="exact", exact_floats="bits"), errors.OptionError, ValueError, "exact_floats"),
    (dict(every=0), errors.OptionError, ValueError, "every must be a whole number >= 1"),
    (dict(every=2.5), errors.OptionTypeError, TypeError, "every must be"),
    (dict(max_memory="lots"), errors.OptionError, ValueError, "max_memory must be a size"),
    (dict(epochs=10**9), errors.RunTooLargeError, MemoryError, "every=N"),
])
def test_api_misuse_raises_the_projects_error_naming_the_argument(changes, kind, builtin, fragment):
    with pytest.raises(kind, match=None) as caught:
        sgd(**changes)
    assert isinstance(caught.value, errors.AnalyticSGDError) and isinstance(caught.value, builtin)
    assert fragment in str(caught.value)


def test_a_loss_with_an_unknown_field_is_refused():
    with pytest.raises(errors.OptionError, match="loss outer must be one of identity, sqrt"):
        asgd.Loss("mae", "mean", outer="abs")


# --- one rule for floats in exact arithmetic ------------------------------------------

def test_float_arrays_in_exact_runs_equal_the_csv_of_the_same_decimals(capsys, tmp_path):
    x, y = np.array([0.1, 0.2, 0.3]), np.array([0.5, 0.7, 1.3])
    api = sgd(x=x, y=y, lr=np.float32(0.01), arithmetic="exact", epochs=2)
    (tmp_path / "d.csv").write_text("x,y\n0.1,0.5\n0.2,0.7\n0.3,1.3\n")
    code, out, err = run(capsys, "table", "--data", tmp_path / "d.csv", "--arithmetic", "exact",
                         "--lr", "0.01", "--batch-size", "3", "--epochs", "2", "--format", "json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [Fraction(s["loss"]) for s in steps] == [Fraction(str(v)) for v in api.loss]
    assert [Fraction(s["updated"]["w"]) for s in steps] == [Fraction(str(v)) for v in api.updated[:, 0]]
    assert api.lr[0] == Fraction(1, 100) and api.steps[0].params.tolist() == [0, 0]


def test_binary_floats_are_what_a_framework_holds(capsys, tmp_path):
    x = np.array([0.1, 0.2, 0.3])
    binary = sgd(x=x, arithmetic="exact", exact_floats="binary")
    decimal = sgd(x=x, arithmetic="exact")
    assert binary.grad[0][0] != decimal.grad[0][0] and binary.updated[0][0] != decimal.updated[0][0]
    exact_x = [Fraction(v) for v in x]  # the floats' binary values, exactly
    assert binary.loss[0] == Fraction(sum((0 - yv) ** 2 for yv in Y), 3)
    assert binary.grad[0][0] == Fraction(2, 3) * sum(xv * (0 - yv) for xv, yv in zip(exact_x, Y))
    (tmp_path / "d.csv").write_text("x,y\n0.1,1\n0.2,3\n0.3,5\n")
    code, out, err = run(capsys, "table", "--data", tmp_path / "d.csv", "--arithmetic", "exact",
                         "--exact-floats", "binary", "--lr", "0.01", "--format", "json")
    assert code == 0, err
    step = json.loads(out)["steps"][0]
    assert Fraction(step["grad"]["w"]) == binary.grad[0][0]
    assert Fraction(step["updated"]["w"]) == binary.updated[0][0]  # lr 0.01 as its float, too


def test_main_never_lets_a_plain_exception_through_for_bad_text(capsys):
    for argv in (["table", "--seed", "x"], ["table", "--batch-size", ""], ["table", "--epochs", ""],
                 ["table", "--schedule", "step:0:0.5"], ["stability", "--lr", ""],
                 ["derive", "--model", ""], ["golden", "--check", "/nonexistent.json"]):
        code = main(argv)
        _, err = capsys.readouterr()
        assert code == 2 and "Traceback" not in err and 1 <= len(err.splitlines()) <= 2, (argv, err)


def test_golden_write_never_replaces_a_file_that_is_not_json(capsys, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x,y\n1,2\n")
    assert main(["golden", "--write", str(data)]) == 2
    assert "golden files end in .json" in capsys.readouterr().err
    assert data.read_text() == "x,y\n1,2\n"
