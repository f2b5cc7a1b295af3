"""Cross-checks on the named examples, and the ``crosscheck`` command's verdicts and exit codes."""

import functools
import subprocess
import sys

import numpy as np
import pytest
from helpers import needs_backend as needs
from helpers import run

from analytic_sgd.crosscheck import BACKENDS, check, crosscheck, plan_backends, reference_for
from analytic_sgd.crosscheck.report import measure
from analytic_sgd.crosscheck.tolerance import Tolerance, default_tolerance
from analytic_sgd.golden.store import SHIPPED as WRITE_UPS  # the write-ups' four examples
from analytic_sgd.kernels.elementwise import Kernels
from analytic_sgd.problems.examples import EXAMPLES
from analytic_sgd.problems.problem import example_problem


def reference(name, mode, dtype):
    """The reference of an example, computed once (two-feature-linear's exact run takes seconds)."""
    return _reference(name, mode, dtype if mode == "gradient" else "float64")


@functools.cache
def _reference(name, mode, dtype):
    return reference_for(example_problem(name), mode, dtype)


def explain(report):
    rows = report.worst_rows(3)
    return "; ".join(f"step {r.step} {r.quantity}: b={r.reference!r} a={r.value!r} "
                     f"|a-b|={r.abs_err:.3g}" for r in rows)


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", WRITE_UPS)
def test_every_backend_follows_every_example(name, dtype, backend):
    needs(backend)
    report = check(example_problem(name), backend, dtype=dtype,
                   reference=reference(name, "trajectory", dtype))
    assert report.passed, explain(report)
    steps = EXAMPLES[name].epochs * -(-len(example_problem(name).y) // EXAMPLES[name].batch_size)
    params = len(example_problem(name).model.params)
    assert len(report.rows) == steps * (1 + 2 * params)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", WRITE_UPS)
def test_central_differences_agree_on_every_example(name, dtype):
    report = check(example_problem(name), "finite-difference", dtype=dtype, fd_method="central",
                   reference=reference(name, "trajectory", dtype))
    assert report.passed, explain(report)
    assert report.tolerance == default_tolerance("finite-difference", dtype, "trajectory",
                                                 method="central")


@pytest.mark.parametrize("backend", ["torch", "jax", "autograd"])
@pytest.mark.parametrize("name", WRITE_UPS)
def test_gradients_are_within_a_few_ulps_of_exact_at_the_same_inputs(name, backend):
    """Gradient mode compares at the dtype-rounded inputs: what is left is the framework's
    own rounding, a few ULPs where nothing cancels."""
    needs(backend)
    for dtype in ("float64", "float32"):
        report = check(example_problem(name), backend, dtype=dtype, mode="gradient",
                       reference=reference(name, "gradient", dtype))
        assert report.passed, explain(report)
        assert {r.quantity for r in report.rows} == {"loss"} | {
            f"dl/d{p}" for p in example_problem(name).model.param_names}
        large = [r for r in report.rows if abs(r.reference) > 1]
        assert large and max(r.ulps for r in large) < 8


def test_rmse_trajectories_are_measured_against_float64_and_say_so():
    ref = reference("rollercoaster", "trajectory", "float64")
    assert not ref.exact and ref.label.startswith("analytic float64 (exact not available")


def test_the_default_command_agrees_and_prints_the_formula(capsys):
    pytest.importorskip("torch")
    code, out, err = run(capsys, "crosscheck", "--against", "torch")
    assert code == 0 and err == ""
    assert "|a - b| <= atol + rtol*|b|" in out
    assert "reference: exact (rational arithmetic)" in out
    assert "torch" in out and "agrees in all 15 rows" in out


def test_all_rows_prints_each_step_and_quantity(capsys):
    code, out, _ = run(capsys, "crosscheck", "--against", "finite-difference", "--all-rows",
                       "--dtype", "float32")
    assert code == 0
    for quantity in ("loss", "dl/dw", "dl/db", "w after", "b after"):
        assert out.count(f" {quantity} ") >= 3
    assert "ULPs" in out and "reference b" in out


def _scaled_gradient(monkeypatch, factor="1.001"):
    original = Kernels.loss_and_grad

    def off(self, params, x, y, **options):
        loss, grad = original(self, params, x, y, **options)
        return loss, grad * self.arithmetic.number(factor)

    monkeypatch.setattr(Kernels, "loss_and_grad", off)
    # exact runs of rational losses compute without the kernels' sympy path: keep it here
    monkeypatch.setattr("analytic_sgd.numeric.driver.rational_form", lambda kernels: None)


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_a_gradient_off_by_a_thousandth_is_caught_at_step_1(monkeypatch, capsys, backend):
    needs(backend)
    _scaled_gradient(monkeypatch)
    code, out, err = run(capsys, "crosscheck", "--against", backend)
    assert code == 1, out
    assert "DISAGREES" in out
    assert "first disagreement: step 1 (epoch 1, batch 1) dl/dw" in out
    table = out[out.index("worst rows:"):]
    assert " dl/dw " in table and "  no" in table
    assert out.rstrip().endswith(f"{backend} disagrees with the reference")


def test_a_wrong_gradient_in_float32_and_in_gradient_mode_is_caught(monkeypatch, capsys):
    _scaled_gradient(monkeypatch)
    for argv in (["--dtype", "float32"], ["--mode", "gradient"],
                 ["--mode", "gradient", "--dtype", "float32"]):
        code, out, _ = run(capsys, "crosscheck", "--against", "finite-difference", *argv)
        assert code == 1 and "dl/dw" in out, argv


@pytest.mark.parametrize("against, extra", [("jax", "jax"), ("torch", "torch"), ("optax", "optax"),
                                            ("autograd", "autograd")])
def test_a_missing_framework_exits_2_naming_the_extra(monkeypatch, capsys, against, extra):
    monkeypatch.setitem(sys.modules, extra, None)  # import fails as if not installed
    code, out, err = run(capsys, "crosscheck", "--against", against)
    assert code == 2 and out == ""
    assert "pip install 'analytic-sgd[" in err and extra in err.rsplit("[", 1)[1]
    assert len(err.strip().splitlines()) <= 2


def test_naming_missing_backends_names_every_missing_extra(monkeypatch):
    from analytic_sgd.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "jax", None)
    monkeypatch.setitem(sys.modules, "autograd", None)
    with pytest.raises(MissingExtraError, match=r"analytic-sgd\[jax,autograd\]"):
        crosscheck(example_problem(), ["jax", "autograd", "finite-difference"])


def test_all_runs_the_installed_backends_and_names_each_missing_one(monkeypatch, capsys):
    for module in ("torch", "jax", "optax", "autograd"):
        monkeypatch.setitem(sys.modules, module, None)  # as if none were installed
    code, out, err = run(capsys, "crosscheck", "--against", "all")
    assert (code, err) == (0, "")
    assert "finite-difference complex-step: agrees in all 15 rows" in out
    for name, extra in (("torch", "torch"), ("jax", "jax"), ("optax", "optax"),
                        ("autograd", "autograd")):
        assert f"{name}: skipped, {name} is not installed (pip install 'analytic-sgd[{extra}]')" \
            in out
    assert out.rstrip().endswith("finite-difference agrees with the reference")
    names, skipped = plan_backends(example_problem(), "all")
    assert names == ["finite-difference"] and len(skipped) == 4


@pytest.mark.parametrize("argv, fragment", [
    (["--against", "mxnet"], "--against 'mxnet': choose one of torch, jax, optax, autograd, "
                             "finite-difference, all, or MODULE:CALLABLE"),
    ([], "--against"),
    (["--against", "torch", "--dtype", "float16"], "invalid choice"),
    (["--against", "finite-difference", "--atol", "-1"], "--atol"),
    (["--against", "finite-difference", "--rtol", "x"], "--rtol"),
    (["--against", "finite-difference", "--lr", "abc"], "--lr"),
    (["--against", "finite-difference", "--fd-method", "complex-step", "--model", "abs(w*x)",
      "--params", "w"], "complex step"),
])
def test_bad_usage_exits_2(capsys, argv, fragment):
    code, out, err = run(capsys, "crosscheck", *argv)
    assert code == 2 and fragment in err


def test_given_tolerances_replace_the_defaults_flat(capsys):
    code, out, _ = run(capsys, "crosscheck", "--against", "finite-difference", "--dtype",
                       "float32", "--atol", "0", "--rtol", "0")
    assert code == 1 and "atol = 0, rtol = 0)" in out
    code, out, _ = run(capsys, "crosscheck", "--against", "finite-difference", "--rtol", "1e-3")
    assert code == 0 and "atol = 1e-12, rtol = 0.001)" in out


def test_the_tolerance_grows_with_the_step_in_trajectory_mode():
    t = default_tolerance("jax", "float32", "trajectory")
    assert t.allowed(10.0, step=4) == pytest.approx(4 * (1e-4 + 1e-5 * 10))
    assert default_tolerance("jax", "float32", "gradient").allowed(10.0, step=4) == (
        pytest.approx(1e-4 + 1e-5 * 10))


def test_a_value_that_is_not_finite_never_agrees():
    row = measure(2, 1, 2, "loss", 3.0, np.float32("nan"), "float32", Tolerance(1, 1))
    assert not row.ok and row.over(Tolerance(1, 1)) == float("inf")
    row = measure(2, 1, 2, "loss", float("inf"), np.float64("inf"), "float64", Tolerance(0, 0))
    assert row.ok


def test_importing_the_crosscheck_imports_no_framework():
    code = ("import sys, analytic_sgd.crosscheck, analytic_sgd.cli.crosscheck\n"
            "from analytic_sgd.cli import build_parser; build_parser()\n"
            "print([m for m in ('torch', 'jax', 'optax', 'autograd') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
