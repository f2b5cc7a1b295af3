import functools

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import analytic_sgd as asgd

X1, Y1 = [0, 1, 2], [10, 12, 14]  # the worked example's first batch


def test_exact_kernels_reproduce_the_first_row_of_the_worked_table():
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "exact")
    loss, grad = k.loss_and_grad([0, 0], X1, Y1)
    assert loss == sp.Rational(440, 3)
    assert list(grad) == [sp.Rational(-80, 3), -24]
    assert all(isinstance(v, sp.Rational) for v in (loss, *grad))


def test_exact_rmse_keeps_an_irrational_square_root_symbolic():
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.rmse), "exact")
    loss = k.loss([0, 0], X1, Y1)
    assert not loss.is_Rational and loss**2 == sp.Rational(440, 3)


@pytest.mark.parametrize("loss", ["mse", "rmse", "sse"])
def test_float32_stays_float32(loss):
    k = asgd.compile_kernels(asgd.derive(asgd.quadratic(), loss), "float32")
    x = np.linspace(-2, 2, 20, dtype=np.float32)
    value, grad = k.loss_and_grad(np.float32([4, 5, 7]), x, 3 * x)
    assert value.dtype == np.float32 and grad.dtype == np.float32
    k64 = asgd.compile_kernels(asgd.derive(asgd.quadratic(), loss), "float64")
    assert k64.loss([4, 5, 7], x, 3 * x).dtype == np.float64


def test_float_kernels_agree_with_exact_on_the_worked_batch():
    d = asgd.derive(asgd.linear(), asgd.mse)
    assert asgd.compile_kernels(d, "float64").loss([0, 0], X1, Y1) == pytest.approx(440 / 3, rel=1e-15)
    np.testing.assert_allclose(asgd.compile_kernels(d, "float64").grad([0, 0], X1, Y1), [-80 / 3, -24])


def test_constant_partials_are_broadcast():
    # the sum of a constant per-sample term over n samples is n times the constant
    k = asgd.compile_kernels(asgd.derive(asgd.parse_model("w*x + k", "w k"), asgd.sse), "float64")
    grad = k.grad([0.0, 1.0], np.zeros(5), np.zeros(5))
    assert grad[1] == pytest.approx(2 * 5 * 1.0)


def test_two_inputs_take_an_n_by_k_array():
    k = asgd.compile_kernels(asgd.derive(asgd.two_feature_linear(), asgd.mse), "float64")
    x = np.array([[0.5, 1.0], [-0.25, 1.0]])
    y = x @ np.array([3.0, 2.0])
    np.testing.assert_allclose(k.grad([3.0, 2.0], x, y), [0.0, 0.0], atol=1e-15)
    with pytest.raises(asgd.DataError, match="shape"):
        k.grad([3.0, 2.0], x[:, 0], y)


def test_wrong_number_of_parameters():
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float64")
    with pytest.raises(asgd.OptionError, match="expected 2 parameter values"):
        k.grad([1.0], X1, Y1)


def test_generated_source_is_inspectable():
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float64")
    assert "def _lambdifygenerated(w, b, x, y)" in k.source


def test_unknown_arithmetic():
    with pytest.raises(asgd.OptionError, match="arithmetic must be one of exact, float64, float32"):
        asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float16")


@functools.cache
def kernels(degree, loss):
    return asgd.compile_kernels(asgd.derive(asgd.polynomial(degree), loss), "float64")


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


# -- the moment form of the full-batch kernels ---------------------------------------------

def moment_scale(k, theta, x, y):
    """s = |outer'(R)| (|A| |θ| + |c|) per parameter: the size of the terms the sums cancel."""
    mk = k.moments
    columns = [x] if x.ndim == 1 else list(x.T)
    sums = mk.sums([np.asarray(c, k.dtype) for c in columns], np.asarray(y, k.dtype),
                   np.asarray(theta, k.dtype), which="all")
    a, c, _ = mk.affine(sums[:-1], len(y))
    r = mk.reduce(sums[-1], len(y))
    return np.abs(mk.outer_grad(r)) * (np.abs(a) @ np.abs(theta) + np.abs(c))


def assert_methods_agree(k, theta, x, y):
    rtol = k.arithmetic.engine_rtol
    loss_m, grad_m = k.loss_and_grad(theta, x, y, method="moments")
    loss_e, grad_e = k.loss_and_grad(theta, x, y, method="elementwise")
    assert loss_m.dtype == grad_m.dtype == k.arithmetic.dtype
    assert abs(loss_m - loss_e) <= rtol * abs(loss_e)
    assert np.all(np.abs(grad_m - grad_e) <= rtol * moment_scale(k, theta, x, y))


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("model", ["linear", "quadratic", "poly:3", "poly:0", "two-feature-linear"])
@pytest.mark.parametrize("loss", ["mse", "rmse", "sse"])
def test_moments_and_elementwise_agree_within_the_stated_tolerance(model, loss, arithmetic):
    k = asgd.compile_kernels(asgd.derive(asgd.model_from_name(model), loss), arithmetic)
    rng = np.random.default_rng(len(model) + len(loss))
    n = 5000
    x = rng.uniform(-2, 2, (n, 2)) if model == "two-feature-linear" else rng.uniform(-2, 2, n)
    y = rng.normal(3, 2, n)
    for theta in (rng.normal(size=len(k.params)), np.zeros(len(k.params))):
        assert_methods_agree(k, theta, x, y)


def test_auto_takes_the_moments_from_enough_rows_and_the_sums_go_in_chunks(monkeypatch):
    from analytic_sgd.kernels import moment_kernels

    k = asgd.compile_kernels(asgd.derive(asgd.quadratic(), "mse"), "float64")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, 10_000), rng.normal(size=10_000)
    theta = np.array([0.5, -1.0, 2.0])
    one = k.loss_and_grad(theta, x, y)
    assert one[0] == k.loss_and_grad(theta, x, y, method="moments")[0]
    monkeypatch.setitem(moment_kernels.CHUNK, np.dtype(np.float64), 999)  # 11 chunks, the last short
    chunked = k.loss_and_grad(theta, x, y, method="moments")
    np.testing.assert_allclose(chunked[1], one[1], rtol=1e-13)
    assert chunked[0] == pytest.approx(one[0], rel=1e-14)
    np.testing.assert_array_equal(k.grad(theta, x, y), k.loss_and_grad(theta, x, y)[1])


def test_the_moments_need_a_model_linear_in_its_parameters():
    k = asgd.compile_kernels(asgd.derive(asgd.parse_model("w*exp(k*x)", "w k"), "mse"), "float64")
    assert k.moments is None
    x = np.linspace(0, 1, 5000)
    with pytest.raises(asgd.OptionError, match="linear in its parameters"):
        k.grad([1.0, 1.0], x, x, method="moments")
    with pytest.raises(asgd.OptionError, match="method must be one of auto, elementwise, moments"):
        k.grad([1.0, 1.0], x, x, method="fast")
    assert asgd.compile_kernels(asgd.derive(asgd.linear(), "mse"), "exact").moments is None


def test_the_moment_form_of_the_worked_batch():
    mk = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "float64").moments
    assert mk.moments == ("x**2", "x", "x*y", "y", "y**2")
    loss, grad = mk.loss_and_grad([0.0, 0.0], [np.array([0.0, 1, 2])], np.array([10.0, 12, 14]))
    assert loss == pytest.approx(440 / 3, rel=1e-15)
    np.testing.assert_allclose(grad, [-80 / 3, -24], rtol=1e-15)


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("model, loss", [("linear", "mse"), ("quadratic", "rmse"),
                                         ("two-feature-linear", "sse"),
                                         (("w*exp(k*x)", "w k"), "mse")])
def test_a_chunked_dask_array_gives_the_numpy_result(model, loss, arithmetic):
    da = pytest.importorskip("dask.array")
    m = asgd.parse_model(*model) if isinstance(model, tuple) else asgd.model_from_name(model)
    k = asgd.compile_kernels(asgd.derive(m, loss), arithmetic)
    rng = np.random.default_rng(4)
    n = 20_000
    x = rng.uniform(-1, 1, (n, 2)) if model == "two-feature-linear" else rng.uniform(-1, 1, n)
    y = rng.normal(2, 1, n)
    lazy_x = da.from_array(x, chunks=(3001, 2) if x.ndim == 2 else 3001)
    lazy_y = da.from_array(y, chunks=3001)
    theta = np.linspace(0.5, 1.5, len(k.params))
    loss_d, grad_d = k.loss_and_grad(theta, lazy_x, lazy_y)
    loss_n, grad_n = k.loss_and_grad(theta, x, y)
    assert loss_d.dtype == grad_d.dtype == np.dtype(arithmetic)
    rtol = 1e-12 if arithmetic == "float64" else 1e-5
    assert loss_d == pytest.approx(loss_n, rel=rtol)
    np.testing.assert_allclose(grad_d, grad_n, rtol=rtol, atol=rtol * np.abs(grad_n).max())


def test_dask_arrays_are_refused_in_exact_arithmetic():
    da = pytest.importorskip("dask.array")
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "exact")
    with pytest.raises(asgd.DataError, match="in memory"):
        k.grad([0, 0], da.from_array(np.arange(3.0)), da.from_array(np.arange(3.0)))


def test_exact_powers_in_denominators_keep_their_parentheses():
    # 1/(w + 4)**2 appears in dl/dw; printed without parentheses it would be 1/x*x
    d = asgd.derive(asgd.parse_model("w*x**3 + 1/(w + 4) + w/x**2", "w"), asgd.mse)
    x, y = [1, 2, 3], [0, 1, 0]
    exact = asgd.compile_kernels(d, "exact").grad([1], x, y)
    floats = asgd.compile_kernels(d, "float64").grad([1.0], x, y)
    np.testing.assert_allclose([float(v) for v in exact], floats, rtol=1e-14)
