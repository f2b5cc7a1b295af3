import csv
import io
from fractions import Fraction

import numpy as np
import pytest

from analytic_sgd.problems.problem import example_problem
from analytic_sgd.testing import assert_trajectory_close, golden_csv, load_golden, to_columns


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
    obtained = {"loss": g.loss.tolist(), "grad": {"w": g.grad[:, 0], "b": g.grad[:, 1]}}
    assert_trajectory_close(obtained, g, rtol=0, atol=0)


def test_perturbed_trajectory_fails_with_the_formula_and_the_values():
    g = load_golden("worked-linear", "float64")
    grad = g.grad.copy()
    grad[1, 0] *= 1 + 1e-6
    with pytest.raises(AssertionError) as info:
        assert_trajectory_close({"grad": grad, "loss": g.loss}, g)
    message = str(info.value)
    assert "Values are not sufficiently close" in message
    assert "|obtained - expected| <= atol + rtol*|expected| with rtol=1e-07, atol=0.0" in message
    assert "1 of 9 values differ" in message
    header, row = message.splitlines()[-2:]
    assert header.split() == ["step", "epoch", "batch", "quantity", "obtained", "expected", "diff"]
    cells = row.split()
    assert cells[:4] == ["2", "1", "2", "grad[w]"]
    assert float(cells[4]) == grad[1, 0] and float(cells[5]) == g.grad[1, 0]
    assert float(cells[6]) == pytest.approx(abs(grad[1, 0] - g.grad[1, 0]))


def test_exact_values_are_compared_exactly():
    obtained = [{"loss": "440/3", "grad": {"w": Fraction(-80, 3), "b": -24}}]
    assert_trajectory_close(obtained, "worked-linear", arithmetic="exact", rtol=0, steps=1)
    obtained[0]["grad"]["b"] = Fraction(-24) + Fraction(1, 10**30)
    row = r"grad\[b\]\s+-23999999999999999999999999999999/10+\s+-24\s+1/10+$"
    with pytest.raises(AssertionError, match=row):
        assert_trajectory_close(obtained, "worked-linear", arithmetic="exact", rtol=0, steps=1)


def test_nan_and_step_count_mismatches_fail():
    g = load_golden("worked-linear", "float64")
    loss = g.loss.copy()
    loss[2] = np.nan
    with pytest.raises(AssertionError, match="1 of 3 values differ"):
        assert_trajectory_close({"loss": loss}, g)
    with pytest.raises(AssertionError, match="obtained loss has 2 steps"):
        assert_trajectory_close({"loss": loss[:2]}, g)
    assert_trajectory_close({"loss": loss[:2]}, g, steps=2)


@pytest.mark.parametrize("obtained, fragment", [
    ({}, "nothing to compare"),
    ({"grad": [[1.0]]}, "must have shape (steps, 2)"),
    ({"grad": {"w": [1.0]}}, "lacks parameter(s) b"),
    (42, "got int"),
    ([{"loss": "fast"}], "the text 'fast'"),
])
def test_malformed_obtained_data_raise_type_error(obtained, fragment):
    with pytest.raises(TypeError) as info:
        assert_trajectory_close(obtained, "worked-linear")
    assert fragment in str(info.value)


def test_traceback_is_hidden():
    assert "__tracebackhide__" in assert_trajectory_close.__code__.co_varnames


def test_golden_csv_is_num_regression_layout_and_round_trips(tmp_path):
    text = golden_csv("noisy-quadratic", "float64", path=tmp_path / "test_sgd.csv")
    assert (tmp_path / "test_sgd.csv").read_text() == text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["", "epoch", "batch", "n", "params_a", "params_b", "params_c", "loss",
                       "grad_a", "grad_b", "grad_c", "updated_a", "updated_b", "updated_c"]
    g = load_golden("noisy-quadratic", "float64")
    assert [float(r[7]) for r in rows[1:]] == g.loss.tolist()  # %.17g round-trips
    assert [r[0] for r in rows[1:]] == [str(k) for k in range(10)]


def test_to_columns_flattens_any_shape():
    g = load_golden("worked-linear", "exact")
    cols = to_columns(g)
    assert cols["grad_w"][0] == -80 / 3 and cols["n"].tolist() == [3, 3, 3]
    steps = [{"loss": s["loss"], "grad": s["grad"]} for s in g.steps]
    assert to_columns(steps, ("w", "b"))["grad_b"].tolist() == cols["grad_b"].tolist()
    with pytest.raises(TypeError, match="param_names"):
        to_columns(steps)
