"""Cross-checks on random polynomial problems (hypothesis) and on models with functions."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytic_sgd.conventions.loss import get_loss
from analytic_sgd.crosscheck import BACKENDS, crosscheck
from analytic_sgd.problems.problem import make_problem
from analytic_sgd.symbolic.model import parse_model, polynomial

for framework in (spec[2] for spec in BACKENDS.values() if spec[2]):  # "all" runs each
    pytest.importorskip(framework)

float32s = st.floats(-2, 2, width=32, allow_subnormal=False)


@st.composite
def polynomial_problems(draw):
    """Degree 1..3 on up to 8 rows of [-2, 2] (float32 values, so both dtypes see the same
    data), a start in [-1, 1], a small learning rate, optional momentum and weight decay."""
    degree = draw(st.integers(1, 3))
    n = draw(st.integers(2, 8))
    x = np.array(draw(st.lists(float32s, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(float32s, min_size=n, max_size=n))) * 5
    momentum = draw(st.sampled_from(["0", "0.9"]))
    return make_problem(
        polynomial(degree), get_loss(draw(st.sampled_from(["mse", "sse", "rmse"]))), x, y,
        lr=draw(st.sampled_from(["0.001", "0.005", "0.01"])),
        batch_size=draw(st.integers(1, n)), epochs=draw(st.integers(1, 2)),
        init={f"c{j}": draw(float32s) / 2 for j in range(degree + 1)},
        momentum=momentum, nesterov=momentum != "0" and draw(st.booleans()),
        weight_decay=draw(st.sampled_from(["0", "0.01"])), name="random polynomial")


def disagreements(reports):
    return [(r.backend, r.dtype, r.worst.step, r.worst.quantity, r.worst.abs_err)
            for r in reports if not r.passed]


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(polynomial_problems())
def test_every_backend_agrees_on_random_polynomials(problem):
    for dtype in ("float64", "float32"):
        reports = crosscheck(problem, "all", dtype=dtype)
        assert [r.backend for r in reports] == list(BACKENDS)
        assert not disagreements(reports), problem


@settings(max_examples=5, deadline=None, derandomize=True)
@given(polynomial_problems())
def test_gradients_agree_on_random_polynomials_and_central_differences_too(problem):
    for dtype in ("float64", "float32"):
        reports = crosscheck(problem, ["autograd", "finite-difference"], dtype=dtype,
                             mode="gradient")
        reports += crosscheck(problem, ["finite-difference"], dtype=dtype, fd_method="central")
        assert not disagreements(reports), problem


@pytest.mark.parametrize("text, params", [
    ("w*exp(k*x)", "w k"),
    ("a*sin(w*x) + b*cos(x)", "a w b"),
    ("w*x/(k + x**2)", "w k"),
    ("tanh(w*x) + b", "w b"),
    ("sqrt(w + x) + log(c + x)", "w c"),
    ("sinh(w*x) + cosh(c)", "w c"),
    ("tan(w*x) + c", "w c"),
    ("w*x**3 - 2**x*b + 1/(w + 4)", "w b"),
])
def test_models_with_functions_agree(text, params):
    """The translator writes each function in each framework; exact runs of such models stop
    after one step (irrational parameters), so trajectories are measured against float64."""
    x = np.linspace(0.1, 1.0, 6)
    problem = make_problem(parse_model(text, params), get_loss("mse"), x, 2 * x + 1, lr="0.01",
                      batch_size=3, epochs=1, init={p: "0.5" for p in params.split()})
    for dtype in ("float64", "float32"):
        for mode in ("gradient", "trajectory"):
            reports = crosscheck(problem, "all", dtype=dtype, mode=mode)
            assert not disagreements(reports), (text, dtype, mode)
