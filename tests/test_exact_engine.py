"""Exact runs on GMP equal the sympy path and a plain Fraction loop, and say how long they take."""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.cli.progress import Phases
from analytic_sgd.kernels.cache import kernels_for
from analytic_sgd.numeric import engines, exact_engine
from analytic_sgd.numeric.exact_estimate import ExactEstimate

X = ["0.1", "0.4", "-1.5", "2", "0.25", "3.5", "1.1"]
Y = ["1", "2.5", "-0.5", "4", "1.25", "7", "2.2"]


def sympy_path(monkeypatch, *args, **kwargs):
    """The same run on the sympy kernels (the rational form switched off)."""
    with monkeypatch.context() as m:
        m.setattr("analytic_sgd.numeric.driver.rational_form", lambda kernels: None)
        return asgd.sgd(*args, **kwargs)


@pytest.mark.parametrize("rational", ["gmpy2", "fractions"])
@pytest.mark.parametrize("model, loss", [("linear", "mse"), ("quadratic", "half-sse"),
                                         ("w*x**5 + 1/(k + 3*x**2)", "sse")])
def test_equal_to_the_sympy_path_with_every_update_option(monkeypatch, rational, model, loss):
    if rational == "gmpy2":
        pytest.importorskip("gmpy2")
    else:
        monkeypatch.setattr(exact_engine, "rational_type", lambda: Fraction)
    m = asgd.model_from_name(model) if ":" in model or model in ("linear", "quadratic") else \
        asgd.parse_model(model, "w k")
    options = dict(lr="5/(t+50)", batch_size=3, epochs=2, shuffle=True, seed=1, momentum="0.9",
                   dampening="0.1", weight_decay="0.01", maximize=True, arithmetic="exact")
    ours = asgd.sgd(m, loss, X, Y, **options)
    theirs = sympy_path(monkeypatch, m, loss, X, Y, **options)
    for name in ("params", "loss", "grad", "updated", "lr", "epoch", "batch", "n"):
        assert getattr(ours, name).tolist() == getattr(theirs, name).tolist(), name
    assert engines.rational_form(kernels_for(m, loss, "exact")) is not None


def test_equal_to_a_plain_fraction_loop():
    xs, ys = [Fraction(v) for v in X], [Fraction(v) for v in Y]
    w = b = Fraction(0)
    traj = asgd.sgd(asgd.linear(), "mse", X, Y, lr="0.01", batch_size=3, epochs=20,
                    arithmetic="exact")
    for step in traj.steps:
        i = (step.batch - 1) * 3
        xb, yb = xs[i:i + 3], ys[i:i + 3]
        r = [w * x + b - y for x, y in zip(xb, yb)]
        gw, gb = 2 * sum(v * x for v, x in zip(r, xb)) / len(r), 2 * sum(r) / len(r)
        assert step.loss == sum(v * v for v in r) / len(r)
        w, b = w - Fraction(1, 100) * gw, b - Fraction(1, 100) * gb
        assert list(step.updated) == [w, b] and list(step.grad) == [gw, gb]


def test_irrational_losses_keep_the_sympy_path():
    assert engines.rational_form(kernels_for(asgd.linear(), "rmse", "exact")) is None
    curve = asgd.parse_model("w*exp(k*x)", "w k")
    assert engines.rational_form(kernels_for(curve, "mse", "exact")) is None
    t = asgd.sgd(asgd.linear(), "rmse", X, Y, lr="0.01", batch_size=7, arithmetic="exact")
    assert len(t) == 1


def test_the_estimate_grows_with_the_steps():
    early = ExactEstimate(1000).seconds(40, 0.1)
    assert ExactEstimate(2000).seconds(40, 0.1) > 2 * early
    assert ExactEstimate(1000).digits(40, 400) == int(400 * 25 * np.log10(2))


class Terminal(io.StringIO):
    """stderr as a terminal."""

    def isatty(self):
        return True


def test_a_long_exact_run_gives_its_estimate_and_a_bar_on_a_terminal(monkeypatch):
    """The engine hands the hook its estimate before the run goes on; the command line's hook
    prints it and draws tqdm's bar on a terminal, and no bar elsewhere."""
    pytest.importorskip("tqdm")
    monkeypatch.setattr("analytic_sgd.numeric.exact_estimate.LONG_SECONDS", 0.0)
    monkeypatch.setattr("analytic_sgd.cli.progress.BAR_SECONDS", 0.0)
    for stream, bar in ((Terminal(), True), (io.StringIO(), False)):
        hook = Phases(stream=stream)
        problem = asgd.example_problem("worked-linear", epochs=100)
        problem.run("exact", hook=hook)
        hook.finish()
        text = stream.getvalue()
        assert "analytic-sgd: exact run of 300 steps: values of about" in text
        assert ("/300 [" in text) == bar, text  # tqdm's "k/300 [elapsed<left, rate]"
