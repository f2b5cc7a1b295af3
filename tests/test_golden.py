import copy
import json
import os
import shutil
import signal
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from helpers import run

from analytic_sgd import files
from analytic_sgd.golden import (
    ARITHMETICS,
    FORMAT_VERSION,
    GoldenFileError,
    check_file,
    data_sha256,
    dumps,
    file_name,
    golden_document,
    load_golden,
    read_document,
    shipped_directory,
    write_golden,
)
from analytic_sgd.golden.store import SHIPPED as SHIPPED_EXAMPLES

SHIPPED = shipped_directory()




@pytest.fixture
def worked(tmp_path):
    """A copy of the worked-linear golden files in a temporary directory."""
    for a in ARITHMETICS:
        shutil.copy(SHIPPED / file_name("worked-linear", a), tmp_path)
    return tmp_path


def test_check_passes_on_every_shipped_file(capsys):
    code, out, err = run(capsys, "golden", "--check")
    assert (code, err) == (0, "")
    assert "12 of 12 files equal" in out and "DIFFERS" not in out and "MISSING" not in out
    assert "|obtained - expected| <= atol + rtol*|expected|" in out


@pytest.mark.parametrize("example", SHIPPED_EXAMPLES)
@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_every_example_is_shipped_in_every_arithmetic(example, arithmetic):
    g = load_golden(example, arithmetic)
    assert (g.example, g.arithmetic, g.document["format_version"]) == (example, arithmetic, 1)
    assert g.document["written_by"].startswith("analytic-sgd ")
    assert (SHIPPED / file_name(example, arithmetic)).stat().st_size < 2_000_000
    assert len(g) == sum(len(b) for b in g.problem["batches"])
    assert data_sha256(g.x, g.y) == g.problem["data"]["sha256"]


def test_golden_values_are_the_published_ones():
    exact = load_golden("worked-linear", "exact")
    assert exact.loss[0] == Fraction(440, 3) and list(exact.updated[0]) == [Fraction(4, 15),
                                                                           Fraction(6, 25)]
    f32 = load_golden("two-feature-linear", "float32")
    assert f32.updated.dtype == np.float32 and f32.x.dtype == np.float32 and f32.x.shape == (100, 2)
    assert f32.problem["data"]["x"][0][1] == "1"  # x2 = 1, written exactly


def test_rollercoaster_exact_holds_one_step_with_float64_of_irrationals():
    g = load_golden("rollercoaster", "exact")
    assert len(g) == 1 and g.problem["epochs"] == 1 and "first full-batch step" in g.note
    step = g.steps[0]
    assert "sqrt(" in step["loss"] and set(step["float64"]) == {"loss", "grad", "updated"}
    f64 = load_golden("rollercoaster", "float64")
    assert g.loss[0] == pytest.approx(f64.loss[0], rel=1e-12)  # irrational: its float64


def test_tampered_copy_fails_naming_file_step_quantity_and_values(worked, capsys):
    path = worked / "worked-linear.float64.json"
    doc = json.loads(path.read_text())
    true_value = doc["steps"][1]["grad"]["w"]
    doc["steps"][1]["grad"]["w"] = true_value + 1e-9
    path.write_text(dumps(doc))
    code, out, err = run(capsys, "golden", "--check", worked, "--example", "worked-linear")
    assert code == 1 and err == ""
    line = next(s for s in out.splitlines() if "grad.w" in s)
    assert "worked-linear.float64.json: float64, step 2 (epoch 1, batch 2), grad.w" in line
    assert f"expected {true_value + 1e-9!r} (file), obtained {true_value!r} (regenerated)" in line
    assert "> atol + rtol*|expected|" in line
    assert "2 of 3 files equal" in out
    # a tolerance wide enough lets it pass
    assert run(capsys, "golden", "--check", worked, "--example", "worked-linear",
               "--atol", "1e-6")[0] == 0


def test_tampered_exact_value_must_be_equal_exactly(worked):
    path = worked / "worked-linear.exact.json"
    path.write_text(path.read_text().replace('"9142/5625"', '"9143/5625"', 1))
    [d] = check_file(path, rtol=1, atol=1)  # tolerances do not apply to exact files
    assert (d.where, d.quantity, d.expected, d.obtained) == (
        "step 2 (epoch 1, batch 2)", "updated.w", "9143/5625", "9142/5625")
    path.write_text(path.read_text().replace('"9143/5625"', '"18284/11250"', 1))
    assert check_file(path) == []  # the same number, written unreduced


def test_check_reports_a_missing_file(worked, capsys):
    (worked / "worked-linear.float32.json").unlink()
    code, out, _ = run(capsys, "golden", "--check", worked, "--example", "worked-linear")
    assert code == 1 and "MISSING  worked-linear.float32.json" in out


def test_write_then_check_round_trips(tmp_path, capsys):
    code, out, _ = run(capsys, "golden", "--write", tmp_path / "new", "--example", "worked-linear")
    assert code == 0 and out.count("wrote ") == 3
    for a in ARITHMETICS:
        name = file_name("worked-linear", a)
        assert (tmp_path / "new" / name).read_bytes() == (SHIPPED / name).read_bytes()
    code, out, _ = run(capsys, "golden", "--check", tmp_path / "new", "--example", "worked-linear")
    assert code == 0 and "3 of 3 files equal" in out


def test_dumps_round_trips_and_keeps_one_step_per_line():
    doc = golden_document("noisy-quadratic", "float32")
    text = dumps(doc)
    assert json.loads(text) == doc
    assert sum(line.lstrip().startswith('{"epoch"') for line in text.splitlines()) == 10


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, fail_at):
    path = write_golden(golden_document("worked-linear", "exact"),
                        tmp_path / "worked-linear.exact.json")
    old = path.read_bytes()
    new = golden_document("worked-linear", "exact")
    new["note"] = "a new version"

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, fail_at, crash)
    with pytest.raises(OSError, match="disk full"):
        write_golden(new, path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_write_killed_midway_leaves_the_old_file(tmp_path):
    path = write_golden("worked-linear", tmp_path / "worked-linear.float64.json", "float64")
    old = path.read_bytes()
    script = (
        "import os, signal\n"
        "from analytic_sgd import golden\n"
        "from analytic_sgd import files\n"
        "doc = golden.golden_document('worked-linear', 'float64')\n"
        "doc['note'] = 'never written'\n"
        "files.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        f"golden.write_golden(doc, {str(path)!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == old
    leftovers = [n for n in os.listdir(tmp_path) if n != path.name]
    assert leftovers and all(n.startswith(".") and n.endswith(".tmp.json") for n in leftovers)
    assert check_file(path) == []  # the leftover is not a golden file


def _mutated(mutate):
    doc = copy.deepcopy(read_document(SHIPPED / "worked-linear.float64.json"))
    mutate(doc)
    return doc


def _set(path, value):
    def mutate(doc):
        *head, last = path
        target = doc
        for key in head:
            target = target[key]
        target[last] = value
    return mutate


def _edit_data(doc, rehash=False):
    doc["problem"]["data"]["y"][0] = "11"
    if rehash:
        x = np.array([int(v) for v in doc["problem"]["data"]["x"]])
        y = np.array([int(v) for v in doc["problem"]["data"]["y"]])
        doc["problem"]["data"]["sha256"] = data_sha256(x, y)


@pytest.mark.parametrize("mutate, fragment", [
    (_set(("format_version",), 2), "format_version: is 2; analytic-sgd 0.1.0 reads version 1"),
    (_set(("format_version",), "1"), "format_version: must be a whole number, found a string"),
    (_set(("format",), "something else"), "not a golden file"),
    (lambda d: d.pop("steps"), "top level: missing key(s) ['steps']"),
    (lambda d: d.update(extra=1), "unknown key(s) ['extra']"),
    (_set(("arithmetic",), "float16"), "'float16' is not one of exact, float64, float32"),
    (_set(("steps", 0, "loss"), "146.67"), "steps[0] (step 1).loss: must be a number, found a string"),
    (_set(("steps", 0, "n"), True), "steps[0] (step 1).n: must be a whole number >= 1"),
    (lambda d: d["steps"][1]["grad"].pop("b"), "steps[1] (step 2).grad: missing key(s) ['b']"),
    (_set(("steps", 0, "grad"), [1.0, 2.0]), "steps[0] (step 1).grad: must be an object"),
    (lambda d: d["steps"].pop(), "3 batches"),
    (_set(("problem", "lr"), "fast"), "problem.lr: 'fast' is not a decimal number"),
    (_set(("problem", "batches"), [[[0, 1, 2], [3, 4, 5], [6, 7, 99]]]), "outside 0..8"),
    (_set(("problem", "data", "x"), ["0", "1"]), "problem.data.x: must be 9 decimal strings"),
    (_set(("problem", "data", "x", 0), "0.5"), "0.5 is not exactly a int64 value"),
    (_edit_data, "the data or the hash was edited"),
    (lambda d: _edit_data(d, rehash=True), "the data are not those of the recipe 'worked-linear'"),
])
def test_malformed_files_are_refused_with_the_place(tmp_path, mutate, fragment):
    path = tmp_path / "worked-linear.float64.json"
    path.write_text(json.dumps(_mutated(mutate)))
    with pytest.raises(GoldenFileError) as info:
        read_document(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("text, fragment", [
    ("{", "is not valid JSON"),
    ('{"a": NaN}', "NaN is not allowed"),
    ('{"a": 1, "a": 2}', "a key appears twice: 'a'"),
    ("[1, 2]", "top level: must be an object, found a list"),
    ('{"format": "analytic-sgd golden trajectory", "format_version": 2}', "format_version: is 2"),
    (b"\xff\xfe", "cannot be read"),
])
def test_unreadable_files_are_refused(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(GoldenFileError, match="golden file .*bad.json") as info:
        read_document(path)
    assert fragment in str(info.value)


def test_float32_file_values_must_be_float32(tmp_path):
    doc = copy.deepcopy(read_document(SHIPPED / "worked-linear.float32.json"))
    doc["steps"][0]["loss"] = 0.1
    path = tmp_path / "worked-linear.float32.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GoldenFileError, match=r"loss: 0.1 is not exactly a float32 value"):
        read_document(path)


def test_exact_irrational_value_needs_its_float64(tmp_path):
    doc = copy.deepcopy(read_document(SHIPPED / "rollercoaster.exact.json"))
    del doc["steps"][0]["float64"]["loss"]
    path = tmp_path / "rollercoaster.exact.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GoldenFileError, match=r"steps\[0\] \(step 1\).loss: .* neither a fraction"):
        read_document(path)


def test_writer_refuses_an_invalid_document(tmp_path):
    doc = golden_document("worked-linear", "float64")
    doc["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(GoldenFileError):
        write_golden(doc, tmp_path / "x.json")
    assert os.listdir(tmp_path) == []


def test_load_golden_by_name_path_and_arithmetic(tmp_path):
    assert load_golden("worked-linear").arithmetic == "float64"
    path = SHIPPED / "worked-linear.float32.json"
    g = load_golden(path)
    assert g.arithmetic == "float32" and load_golden(g) is g
    with pytest.raises(GoldenFileError, match="holds float32 values, not exact"):
        load_golden(str(path), "exact")
    with pytest.raises(GoldenFileError, match="does not exist"):
        load_golden(tmp_path / "none.json")
    with pytest.raises(GoldenFileError, match="unknown arithmetic"):
        load_golden("worked-linear", "float16")


def test_cli_malformed_or_misnamed_file_exits_2(worked, capsys):
    (worked / "worked-linear.exact.json").write_text(
        '{"format": "analytic-sgd golden trajectory", "format_version": 2, "new": 1}')
    code, out, err = run(capsys, "golden", "--check", worked)
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert "worked-linear.exact.json: format_version: is 2; analytic-sgd 0.1.0 reads version 1" in err
    (worked / "worked-linear.exact.json").unlink()
    shutil.copy(worked / "worked-linear.float32.json", worked / "worked-linear.float64.json")
    code, _, err = run(capsys, "golden", "--check", worked)
    assert code == 2 and "name it worked-linear.float32.json" in err


@pytest.mark.parametrize("argv, fragment", [
    (["golden"], "one of the arguments --check --write is required"),
    (["golden", "--check", "--write", "x"], "not allowed with argument"),
    (["golden", "--check", "--rtol", "-1"], "--rtol '-1' must be a finite number >= 0"),
    (["golden", "--check", "--example", "nope"], "--example 'nope' must be one of"),
    (["golden", "--check", "/no/such/dir"], "no such file or directory"),
])
def test_cli_usage_errors_exit_2(capsys, argv, fragment):
    code, _, err = run(capsys, *argv)
    assert code == 2 and fragment in err


@pytest.mark.parametrize("text, fragment", [
    ("1e400", "loss: inf is not a finite float64 number"),
    (str(10**400), "is not a finite float64 number"),
])
def test_float_values_must_be_finite(tmp_path, text, fragment):
    doc = read_document(SHIPPED / "worked-linear.float64.json")
    doc["steps"][0]["loss"] = "PLACEHOLDER"
    path = tmp_path / "worked-linear.float64.json"
    path.write_text(json.dumps(doc).replace('"PLACEHOLDER"', text))
    with pytest.raises(GoldenFileError) as info:
        read_document(path)
    assert fragment in str(info.value)
