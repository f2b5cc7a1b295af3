"""The second-order cross-check (``--mode hessian``): every framework's Hessian against the
exact one derived by sympy, and the refusals of backends that have none of their own."""

import numpy as np
import pytest
from helpers import needs_backend as needs
from helpers import run

import analytic_sgd as asgd
from analytic_sgd.crosscheck import check, crosscheck, plan_backends, reference_for
from analytic_sgd.crosscheck.finite_difference import FiniteDifferenceAdapter
from analytic_sgd.crosscheck.report import exact_value
from analytic_sgd.crosscheck.tolerance import default_tolerance
from analytic_sgd.errors import OptionError
from analytic_sgd.problems.problem import example_problem, make_problem

DERIVATIVES = ("torch", "jax", "autograd", "finite-difference")  # the backends with a Hessian


def nonlinear():
    """w*exp(k*x): a Hessian that changes with the parameters, with every entry non-zero."""
    return make_problem(asgd.parse_model("w*exp(k*x)", "w,k"), "mse",
                        [0, 0.5, 1, 1.5, 2, 2.5], [1, 1.8, 3.1, 4.4, 7.6, 12.1],
                        init={"w": "0.5", "k": "0.3"}, lr="0.01", batch_size=2)


@pytest.mark.parametrize("backend", list(DERIVATIVES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("problem", [lambda: example_problem("noisy-quadratic"), nonlinear,
                                     lambda: example_problem("rollercoaster")],
                         ids=["noisy-quadratic", "w*exp(k*x)", "rollercoaster (rmse)"])
def test_every_framework_hessian_agrees(problem, dtype, backend):
    needs(backend)
    p = problem()
    report = check(p, backend, dtype=dtype, mode="hessian")
    assert report.passed, report.worst_rows(3)
    batches = len(reference_for(p, "hessian", dtype).hessians)
    assert len(report.rows) == batches * len(p.model.params) ** 2
    assert report.rows[0].quantity == f"d2l/d{p.model.param_names[0]}d{p.model.param_names[0]}"


def test_the_reference_is_the_exact_hessian_of_each_batch():
    ref = reference_for(nonlinear(), "hessian", "float64")
    assert len(ref.hessians) == 3  # 6 rows, batch 2
    # d²/dw² of (1/2) Σ (w e^{kx} - y)² over the first batch (x = 0, 1/2) is (1/2)·2·Σ e^{2kx}
    expected = 1 + np.exp(2 * 0.3 * 0.5)
    assert float(exact_value(ref.hessians[0][0, 0])) == pytest.approx(expected, rel=1e-15)


def test_a_wrong_hessian_is_caught(monkeypatch):
    """A Hessian off by one part in 1e9 in one entry fails the float64 check."""
    good = FiniteDifferenceAdapter.hessian

    def off(self, theta, x, y):
        h = good(self, theta, x, y).copy()
        h[0, 1] *= 1 + 1e-6
        return h

    monkeypatch.setattr(FiniteDifferenceAdapter, "hessian", off)
    report = check(nonlinear(), "finite-difference", mode="hessian")
    assert not report.passed
    assert {r.quantity for r in report.failures} == {"d2l/dwdk"}


def test_torch_hessian_to_1e10_relative_on_a_nonlinear_model():
    pytest.importorskip("torch")
    report = check(nonlinear(), "torch", mode="hessian")
    assert max(r.rel_err for r in report.rows) < 1e-10


def test_second_differences_have_their_own_tolerance():
    t = default_tolerance("finite-difference", "float64", "hessian", method="central")
    assert t.atol == pytest.approx(100 * np.sqrt(np.finfo(np.float64).eps))
    assert not t.per_step
    report = check(example_problem("worked-linear"), "finite-difference", mode="hessian",
                   fd_method="central")
    assert report.passed and report.tolerance == t


def test_optax_and_user_functions_have_no_hessian_of_their_own():
    problem = example_problem("worked-linear")
    with pytest.raises(OptionError, match="optax gives no Hessian of its own.*--against jax"):
        crosscheck(problem, ["optax"], mode="hessian")
    with pytest.raises(OptionError, match="loss and gradient only"):
        crosscheck(problem, ["docs/examples/micrograd_backend.py:gradient"], mode="hessian")
    names, skipped = plan_backends(problem, "all", "hessian")
    assert "optax" not in names
    assert any(line.startswith("optax: skipped, no Hessian of its own") for line in skipped)


def test_an_unknown_mode_is_refused():
    with pytest.raises(OptionError, match="gradient, trajectory or hessian"):
        crosscheck(example_problem("worked-linear"), ["finite-difference"], mode="third")


def test_cli_hessian_mode(capsys):
    code, out, err = run(capsys, "crosscheck", "--against", "finite-difference", "--mode",
                         "hessian", "--example", "noisy-quadratic")
    assert code == 0, err
    assert "mode: hessian, float64 (the Hessian of the loss at the start, on the one batch)" in out
    assert "finite-difference complex-step: agrees in all 9 rows" in out
    assert "warning" not in err  # no SGD runs in this mode: no learning-rate warning
    code, out, err = run(capsys, "crosscheck", "--against", "optax", "--mode", "hessian",
                         "--example", "noisy-quadratic")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "analytic-sgd: error: optax gives no Hessian of its own, so it cannot run in hessian "
        "mode: optax differentiates with JAX: use --against jax"]
