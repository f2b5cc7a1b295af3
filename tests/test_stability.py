"""Stability before a run: the Hessian, the largest stable learning rate, the spectral
radius of one epoch, the verdict, and the warning the commands print."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from helpers import run

import analytic_sgd as asgd
from analytic_sgd.problems.problem import example_problem, make_problem


def test_the_noisy_quadratic_diverges_and_the_analysis_says_why():
    s = example_problem("noisy-quadratic").stability()
    assert s.constant and s.arithmetic == "exact" and s.verdict == "diverges"
    assert s.max_stable_lr == pytest.approx(0.22152864851857, rel=1e-12)
    assert s.lr == "0.23" and s.lr_too_large
    # one full batch per epoch: ρ = |1 - lr λmax|
    assert s.epoch_spectral_radius == pytest.approx(abs(1 - 0.23 * s.eigenvalues[-1]), rel=1e-12)
    # and the run does diverge: the loss grows from step 2 on
    loss = example_problem("noisy-quadratic", epochs=40).run("float64").loss
    assert loss[-1] > 100 * loss[1]


def test_just_below_the_bound_the_same_run_converges():
    s = example_problem("noisy-quadratic", lr="0.22").stability()
    assert s.verdict == "converges" and s.epoch_spectral_radius < 1 and not s.lr_too_large
    loss = example_problem("noisy-quadratic", lr="0.22", epochs=400).run("float64").loss
    assert loss[-1] < loss[0]


def test_the_exact_hessian_of_the_worked_example():
    s = example_problem("worked-linear").stability()
    assert s.hessian.tolist() == [[sp.Rational(136, 3), 8], [8, 2]]  # (2/n) Σ [x², x; x, 1]
    assert s.verdict == "converges" and s.batches == 3


def test_momentum_moves_the_bound_and_enters_the_epoch_map():
    plain = example_problem("noisy-quadratic", lr="0.3").stability()
    heavy = example_problem("noisy-quadratic", lr="0.3", momentum="0.5").stability()
    assert heavy.max_stable_lr == pytest.approx(1.5 * plain.max_stable_lr, rel=1e-12)
    assert plain.verdict == "diverges" and heavy.verdict == "converges"
    loss = example_problem("noisy-quadratic", lr="0.3", momentum="0.5", epochs=300).run().loss
    assert loss[-1] < loss[0]


def test_nonlinear_models_are_local_and_the_hessian_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.linspace(0, 1.5, 12)
    y = 2 * np.exp(0.7 * x) + np.sin(5 * x) / 10
    model = asgd.parse_model("w*exp(k*x)", "w k")
    for loss in ("mse", "rmse", "half-sse"):
        problem = make_problem(model, loss, x, y, lr="0.01", batch_size=4, init={"w": "1.5",
                                                                                 "k": "0.5"})
        s = problem.stability()
        assert s.verdict == "local" and s.epoch_spectral_radius is None
        xt, yt = torch.tensor(x), torch.tensor(y)

        def f(theta, loss=loss, xt=xt, yt=yt):
            r = theta[0] * torch.exp(theta[1] * xt) - yt
            mean = (r**2).mean()
            return {"mse": mean, "rmse": mean.sqrt(), "half-sse": 0.5 * (r**2).sum()}[loss]

        theirs = torch.autograd.functional.hessian(f, torch.tensor([1.5, 0.5], dtype=torch.float64))
        ours = np.array(s.hessian, dtype=np.float64)
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10)


def test_the_hessian_at_a_given_point():
    problem = make_problem(asgd.parse_model("w*exp(k*x)", "w k"), "mse", [0, 1, 2], [1, 2, 4],
                           lr="0.01", batch_size=3)
    s = problem.stability(at={"w": 1, "k": "0.1"})
    assert s.at == {"w": 1.0, "k": 0.1}  # exp: the Hessian is taken in float64
    assert float(s.hessian[0, 0]) == pytest.approx(2 * (1 + np.exp(0.2) + np.exp(0.4)) / 3)


def test_the_cli_prints_the_figures_and_json(capsys):
    code, out, err = run(capsys, "stability", "--example", "noisy-quadratic")
    assert code == 0 and err == ""
    assert "max stable lr 2/λmax = 0.221529; the lr 0.23 is above it" in out
    assert "verdict: diverges" in out
    code, out, _ = run(capsys, "stability", "--example", "worked-linear", "--format", "json")
    doc = json.loads(out)
    assert list(doc) == ["params", "hessian", "eigenvalues", "max_stable_lr", "lr", "momentum",
                         "epoch_spectral_radius", "verdict"]
    assert doc["hessian"] == [["136/3", "8"], ["8", "2"]] and doc["verdict"] == "converges"
    code, out, _ = run(capsys, "stability", "--model", "w*exp(k*x)", "--params", "w k", "--at",
                       "w=1,k=0.1", "--format", "json")
    assert json.loads(out)["verdict"] == "local" and json.loads(out)["epoch_spectral_radius"] is None


@pytest.mark.parametrize("command", [["table"], ["crosscheck", "--against", "finite-difference"],
                                     ["stability"]])
def test_a_run_above_the_bound_gets_one_warning_line(capsys, command):
    code, _, err = run(capsys, *command, "--example", "noisy-quadratic")
    warnings = [line for line in err.splitlines() if "warning" in line]
    if command == ["stability"]:
        assert warnings == []  # the analysis itself says it
    else:
        assert len(warnings) == 1 and "the lr 0.23 is above 2/λmax = 0.221529" in warnings[0]
    code, _, err = run(capsys, *command, "--example", "worked-linear")
    assert "warning" not in err


def test_at_must_name_parameters(capsys):
    code, _, err = run(capsys, "stability", "--at", "q=1")
    assert code == 2 and "--at names q, which is not a parameter" in err
