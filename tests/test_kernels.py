import functools

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import analytic_sgd as asgd

X1, Y1 = [0, 1, 2], [10, 12, 14]  # the worked example's first batch


def test_exact_kernels_reproduce_the_first_row_of_the_worked_table():
    k = asgd.derive(asgd.linear(), asgd.mse).compile("exact")
    loss, grad = k.loss_and_grad([0, 0], X1, Y1)
    assert loss == sp.Rational(440, 3)
    assert list(grad) == [sp.Rational(-80, 3), -24]
    assert all(isinstance(v, sp.Rational) for v in (loss, *grad))


def test_exact_rmse_keeps_an_irrational_square_root_symbolic():
    k = asgd.derive(asgd.linear(), asgd.rmse).compile("exact")
    loss = k.loss([0, 0], X1, Y1)
    assert not loss.is_Rational and loss**2 == sp.Rational(440, 3)


@pytest.mark.parametrize("loss", ["mse", "rmse", "sse"])
def test_float32_stays_float32(loss):
    k = asgd.derive(asgd.quadratic(), loss).compile("float32")
    x = np.linspace(-2, 2, 20, dtype=np.float32)
    value, grad = k.loss_and_grad(np.float32([4, 5, 7]), x, 3 * x)
    assert value.dtype == np.float32 and grad.dtype == np.float32
    k64 = asgd.derive(asgd.quadratic(), loss).compile("float64")
    assert k64.loss([4, 5, 7], x, 3 * x).dtype == np.float64


def test_float_kernels_agree_with_exact_on_the_worked_batch():
    d = asgd.derive(asgd.linear(), asgd.mse)
    assert d.compile("float64").loss([0, 0], X1, Y1) == pytest.approx(440 / 3, rel=1e-15)
    np.testing.assert_allclose(d.compile("float64").grad([0, 0], X1, Y1), [-80 / 3, -24])


def test_constant_partials_are_broadcast():
    # the sum of a constant per-sample term over n samples is n times the constant
    k = asgd.derive(asgd.parse_model("w*x + k", "w k"), asgd.sse).compile("float64")
    grad = k.grad([0.0, 1.0], np.zeros(5), np.zeros(5))
    assert grad[1] == pytest.approx(2 * 5 * 1.0)


def test_two_inputs_take_an_n_by_k_array():
    k = asgd.derive(asgd.two_feature_linear(), asgd.mse).compile("float64")
    x = np.array([[0.5, 1.0], [-0.25, 1.0]])
    y = x @ np.array([3.0, 2.0])
    np.testing.assert_allclose(k.grad([3.0, 2.0], x, y), [0.0, 0.0], atol=1e-15)
    with pytest.raises(asgd.DataError, match="shape"):
        k.grad([3.0, 2.0], x[:, 0], y)


def test_wrong_number_of_parameters():
    k = asgd.derive(asgd.linear(), asgd.mse).compile("float64")
    with pytest.raises(asgd.OptionError, match="expected 2 parameter values"):
        k.grad([1.0], X1, Y1)


def test_generated_source_is_inspectable():
    k = asgd.derive(asgd.linear(), asgd.mse).compile("float64")
    assert "def _lambdifygenerated(w, b, x, y)" in k.source


def test_unknown_arithmetic():
    with pytest.raises(asgd.OptionError, match="unknown arithmetic"):
        asgd.derive(asgd.linear(), asgd.mse).compile("float16")


@functools.cache
def kernels(degree, loss):
    return asgd.derive(asgd.polynomial(degree), loss).compile("float64")


def central_difference(k, params, x, y, j, h):
    up, down = params.copy(), params.copy()
    up[j] += h
    down[j] -= h
    return (k.loss(up, x, y) - k.loss(down, x, y)) / (2 * h)


finite = st.floats(-2, 2, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    degree=st.integers(0, 4),
    loss=st.sampled_from(["mse", "rmse", "sse"]),
    params=st.lists(finite, min_size=5, max_size=5),
    data=st.lists(st.tuples(finite, st.floats(-10, 10)), min_size=1, max_size=12),
)
def test_kernels_agree_with_central_differences(degree, loss, params, data):
    k = kernels(degree, loss)
    theta = np.array(params[: degree + 1])
    x, y = np.array(data).T
    loss_value, grad = k.loss_and_grad(theta, x, y)
    if loss == "rmse":  # sqrt is not differentiable at 0: the gradient is 0/0 there
        assume(loss_value > 1e-3)
    for j in range(degree + 1):
        h = 1e-6 * (1 + abs(theta[j]))
        fd = central_difference(k, theta, x, y, j, h)
        scale = 1 + float(np.max(np.abs(grad)))
        # |a - b| <= atol + rtol*|b| with atol = 1e-6*scale, rtol = 1e-6
        assert abs(grad[j] - fd) <= 1e-6 * scale + 1e-6 * abs(fd), (j, grad[j], fd)
