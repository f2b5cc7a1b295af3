"""The strict comparer: every shape it reads, every refusal, and the failure message."""

import json
import re
from fractions import Fraction

import numpy as np
import pytest
from helpers import run

from analytic_sgd.problems.problem import example_problem
from analytic_sgd.testing import assert_trajectory_close, load_golden, obtained_path


def steps_of(golden, quantities=("loss", "grad", "updated")):
    """A framework's record: one dict per step, parameters by name."""
    return [{q: s[q] for q in quantities} for s in golden.steps]


def test_the_package_s_own_runs_match_their_golden_files_bitwise():
    for arithmetic in ("exact", "float64", "float32"):
        traj = example_problem("worked-linear").run(arithmetic)
        assert_trajectory_close(traj, "worked-linear", rtol=0, atol=0)
    traj = example_problem("noisy-quadratic").run("float32")
    assert_trajectory_close(traj, "noisy-quadratic", rtol=0, atol=0)


def test_torch_like_list_of_steps_passes():
    """A framework's loop records one dict per step, float32 scalars and grads in order."""
    g = load_golden("two-feature-linear", "float32")
    steps = [{"loss": np.float32(s["loss"]), "grad": [np.float32(s["grad"]["a1"]),
                                                     np.float32(s["grad"]["a2"])],
              "updated": [np.float32(v) for v in s["updated"].values()]} for s in g.steps]
    assert_trajectory_close(steps, g, rtol=0, atol=0)
    assert_trajectory_close(steps, "two-feature-linear", arithmetic="float32")


def test_mapping_of_columns_with_named_parameters_passes():
    g = load_golden("worked-linear", "float64")
    obtained = {"loss": g.loss.tolist(), "grad": {"w": g.grad[:, 0], "b": g.grad[:, 1]},
                "epoch": [1, 1, 1], "batch": [1, 2, 3], "n": [3, 3, 3]}
    assert_trajectory_close(obtained, g, rtol=0, atol=0)
    obtained["batch"] = [1, 2, 4]
    with pytest.raises(AssertionError, match="step 3 .*batch"):
        assert_trajectory_close(obtained, g, rtol=0, atol=0)


def test_a_1e_6_perturbation_names_step_quantity_parameter_errors_and_formula():
    g = load_golden("worked-linear", "float64")
    grad = g.grad.copy()
    grad[1, 0] *= 1 + 1e-6
    with pytest.raises(AssertionError) as info:
        assert_trajectory_close({"grad": grad, "loss": g.loss}, g)
    message = str(info.value)
    assert "worked-linear.float64.json (float64) in 1 of 9 values" in message
    assert "a value passes when |a - b| <= atol + rtol*|b|  (a: obtained, b: expected)" in message
    assert "tolerances: loss rtol=1e-07 atol=0; grad rtol=1e-07 atol=0" in message
    assert "first difference: step 2 (epoch 1, batch 2), grad, parameter w" in message
    header, row = message.splitlines()[-2:]
    assert header.split() == ["step", "epoch", "batch", "quantity", "parameter", "obtained", "a",
                              "expected", "b", "|a", "-", "b|", "|a", "-", "b|/|b|", "ULPs",
                              "(float64)", "allowed"]
    cells = row.split()
    assert cells[:5] == ["2", "1", "2", "grad", "w"]
    assert float(cells[5]) == grad[1, 0] and float(cells[6]) == g.grad[1, 0]
    assert float(cells[7]) == pytest.approx(abs(grad[1, 0] - g.grad[1, 0]), rel=1e-2)
    assert float(cells[8]) == pytest.approx(1e-6, rel=1e-2)  # the relative error
    ulps = abs(grad[1, 0] - g.grad[1, 0]) / np.spacing(abs(g.grad[1, 0]))
    assert float(cells[9]) == pytest.approx(ulps, rel=1e-2)
    assert float(cells[10]) == pytest.approx(1e-7 * abs(g.grad[1, 0]), rel=1e-2)


def test_ulps_are_counted_in_the_golden_s_arithmetic():
    g = load_golden("worked-linear", "float32")
    loss = g.loss.copy()
    loss[0] = np.nextafter(loss[0], np.float32(np.inf))
    with pytest.raises(AssertionError, match=r"ULPs \(float32\)") as info:
        assert_trajectory_close({"loss": loss}, g, rtol=0)
    assert info.value.args[0].splitlines()[-1].split()[-2] == "1.00e+00"


def test_exact_values_are_compared_exactly():
    obtained = [{"loss": "440/3", "grad": {"w": Fraction(-80, 3), "b": -24}}]
    assert_trajectory_close(obtained, "worked-linear", arithmetic="exact", rtol=0, steps=1)
    obtained[0]["grad"]["b"] = Fraction(-24) + Fraction(1, 10**30)
    with pytest.raises(AssertionError, match=r"grad\s+b\s+≈-24 \(65-character fraction\)\s+-24\s+"
                                             r"1.00e-30"):
        assert_trajectory_close(obtained, "worked-linear", arithmetic="exact", rtol=0, steps=1)


@pytest.mark.parametrize("key", ["grads", "gradient", "Loss"])
def test_a_misspelt_key_is_an_error_listing_the_accepted_ones(key):
    g = load_golden("worked-linear", "float64")
    accepted = "the accepted keys are epoch, batch, n, params, loss, grad, updated"
    with pytest.raises(TypeError, match=f"obtained has the key '{key}', which is not accepted; "
                                        f"{accepted}"):
        assert_trajectory_close({"loss": g.loss, key: g.grad}, g)
    steps = [{"loss": s["loss"], key: s["grad"]} for s in g.steps]
    with pytest.raises(TypeError, match=f"obtained step 1 has the key '{key}'.*{accepted}"):
        assert_trajectory_close(steps, g)


def test_a_missing_step_names_both_counts():
    g = load_golden("worked-linear", "float64")
    steps = steps_of(g)
    with pytest.raises(AssertionError, match=r"obtained loss has 2 steps, the golden trajectory "
                                             r".*worked-linear.float64.json has 3"):
        assert_trajectory_close(steps[:2], g)
    assert_trajectory_close(steps[:2], g, steps=2)
    with pytest.raises(AssertionError, match="obtained loss has 4 steps"):
        assert_trajectory_close(steps + steps[:1], g)


def test_parameter_names_are_mapped_and_a_mismatch_names_both_sets():
    g = load_golden("worked-linear", "float64")
    steps = [{"loss": s["loss"], "grad": {"weight": s["grad"]["w"], "bias": s["grad"]["b"]}}
             for s in g.steps]
    with pytest.raises(AssertionError, match=r"parameter names differ: obtained grad has "
                                             r"\{weight, bias\}, the golden trajectory has \{w, b\}"):
        assert_trajectory_close(steps, g)
    assert_trajectory_close(steps, g, names={"weight": "w", "bias": "b"}, rtol=0)
    with pytest.raises(AssertionError, match=r"obtained grad has \{w, bias\} \(after names="):
        assert_trajectory_close(steps, g, names={"weight": "w"})
    with pytest.raises(TypeError, match="names= maps to 'x', which the golden trajectory does "
                                        "not have; its parameters are w, b"):
        assert_trajectory_close(steps, g, names={"weight": "x"})
    with pytest.raises(TypeError, match="by position"):
        assert_trajectory_close({"grad": g.grad}, g, names={"weight": "w"})


def test_tolerances_per_quantity_and_a_choice_of_quantities():
    g = load_golden("worked-linear", "float64")
    grad, loss = g.grad * (1 + 1e-9), g.loss * (1 + 1e-9)
    obtained = {"grad": grad, "loss": loss}
    assert_trajectory_close(obtained, g, rtol={"loss": 1e-8, "grad": 1e-8})
    with pytest.raises(AssertionError) as info:
        assert_trajectory_close(obtained, g, rtol={"loss": 1e-12, "grad": 1e-8})
    assert "tolerances: loss rtol=1e-12 atol=0; grad rtol=1e-08 atol=0" in str(info.value)
    assert "in 3 of 9 values" in str(info.value)
    assert_trajectory_close(obtained, g, rtol=1e-12, quantities=["grad"], atol={"grad": 1e-6})
    with pytest.raises(TypeError, match="rtol names 'grads'; the quantities are params, loss, "
                                        "grad, updated"):
        assert_trajectory_close(obtained, g, rtol={"grads": 1e-9})
    with pytest.raises(TypeError, match="quantities names 'gradient'"):
        assert_trajectory_close(obtained, g, quantities=["gradient"])
    with pytest.raises(TypeError, match="obtained has no updated; it has loss, grad"):
        assert_trajectory_close(obtained, g, quantities=["updated"])
    with pytest.raises(TypeError, match="atol for loss must be a finite number >= 0"):
        assert_trajectory_close(obtained, g, atol={"loss": -1})


def test_nan_never_passes():
    g = load_golden("worked-linear", "float64")
    loss = g.loss.copy()
    loss[2] = np.nan
    with pytest.raises(AssertionError, match="in 1 of 3 values"):
        assert_trajectory_close({"loss": loss}, g, rtol=1)
    with pytest.raises(AssertionError, match="in 1 of 3 values"):
        assert_trajectory_close({"loss": loss}, "worked-linear", arithmetic="exact", rtol=1)


def test_table_json_and_trajectories_are_golden_trajectories(tmp_path, capsys):
    code, out, _ = run(capsys, "table", "--format", "json", "--arithmetic", "exact")
    assert code == 0
    table = tmp_path / "table.json"
    table.write_text(out)
    traj = example_problem("worked-linear").run("float64")
    assert_trajectory_close(traj, table, rtol=1e-15)
    assert_trajectory_close(traj, json.loads(out), rtol=1e-15)
    assert_trajectory_close(steps_of(load_golden("worked-linear", "float64")), traj, rtol=0)
    assert_trajectory_close(table, "worked-linear", arithmetic="exact", rtol=0)  # either side
    with pytest.raises(AssertionError, match="in 16 of 30 values"):
        assert_trajectory_close(example_problem("worked-linear", lr="0.02").run("float64"), table)
    written = obtained_path(table)
    assert written.name == "table.obtained.json"
    obtained = json.loads(written.read_text())
    assert obtained["steps"][0]["updated"]["w"] == pytest.approx(0.5333333333333333)
    with pytest.raises(TypeError, match="neither a golden file nor a table JSON document"):
        assert_trajectory_close(traj, {"steps": []})


def test_the_obtained_file_is_written_only_beside_a_golden_file_given_by_path(tmp_path):
    import shutil

    from analytic_sgd.golden import shipped_directory

    path = tmp_path / "run.float64.json"
    shutil.copy(shipped_directory() / "worked-linear.float64.json", path)
    g = load_golden(path)
    bad = {"loss": g.loss * 2}
    with pytest.raises(AssertionError, match=re.escape(f"obtained values written to "
                                                       f"{tmp_path / 'run.float64.obtained.json'}")):
        assert_trajectory_close(bad, path)
    assert json.loads((tmp_path / "run.float64.obtained.json").read_text())["steps"][2]["loss"] \
        == g.loss[2] * 2
    (tmp_path / "run.float64.obtained.json").unlink()
    with pytest.raises(AssertionError):
        assert_trajectory_close(bad, g)  # a loaded Golden: nothing written
    with pytest.raises(AssertionError):
        assert_trajectory_close(bad, "worked-linear")  # shipped: never written into the package
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.float64.json"]


@pytest.mark.parametrize("obtained, fragment", [
    ({}, "nothing to compare"),
    ({"grad": [[1.0]]}, "must have shape (steps, 2)"),
    (42, "got int"),
    ([{"loss": "fast"}], "the text 'fast'"),
    ([{"loss": 1.0}, {"grad": [1.0, 2.0]}], "obtained step 2 has the keys ['grad'], step 1 ['loss']"),
])
def test_malformed_obtained_data_raise_type_error(obtained, fragment):
    with pytest.raises(TypeError) as info:
        assert_trajectory_close(obtained, "worked-linear")
    assert fragment in str(info.value)


def test_traceback_is_hidden():
    assert "__tracebackhide__" in assert_trajectory_close.__code__.co_varnames


def test_a_golden_file_by_path_keeps_its_own_arithmetic():
    from analytic_sgd.golden import shipped_directory

    traj = example_problem("worked-linear").run("float64")
    path = shipped_directory() / "worked-linear.float32.json"
    assert_trajectory_close(traj, path, rtol=1e-6)  # a float64 run against the float32 file
    with pytest.raises(AssertionError, match=r"\(float32\) in \d+ of 30 values") as info:
        assert_trajectory_close(traj, path, rtol=0)
    assert "obtained values written" not in str(info.value)  # never into the package
    assert not list(shipped_directory().glob("*.obtained.json"))


def test_exact_values_of_any_length_are_read_as_fractions():
    from fractions import Fraction

    from analytic_sgd.testing.columns import exact_or_float

    text = "7" * 5000 + "/3"  # beyond the interpreter's 4300-digit limit for int("...")
    assert exact_or_float(text) == Fraction(7 * (10**5000 - 1) // 9, 3)
