"""The moment engine against the elementwise engine, within the stated tolerance.

Tolerance (``analytic_sgd.numeric.moment_engine``): for each quantity (parameters, gradient,
parameters after, loss) at step k, |moments - elementwise| <= engine_rtol * s_k (the
arithmetic's engine_rtol), with s_k the
largest magnitude of that quantity over steps 1..k (for parameters, also the start; for
the loss, at least the loss at θ = 0).
"""

import functools

import numpy as np
import pytest
from helpers import run_kernels as run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytic_sgd as asgd
from analytic_sgd.numeric import moment_engine as engine
from analytic_sgd.numeric import recurrence
from analytic_sgd.numeric.batch_sums import segment_sums
from analytic_sgd.numeric.engines import choose_engine
from analytic_sgd.problems.problem import example_problem

X = np.arange(9)
Y = 2 * X + 10


@functools.cache
def kernels(model: str, loss: str, arithmetic: str):
    return asgd.kernels_for(asgd.model_from_name(model), loss, arithmetic, with_moments=True)


def assert_agree(a, b, arithmetic: str, loss_floor: float = 0.0):
    assert a.meta["engine"] == "moments" and b.meta["engine"] == "elementwise"
    for name in ("epoch", "batch", "n"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    rtol = asgd.get_arithmetic(arithmetic).engine_rtol
    for name in ("params", "grad", "updated", "loss"):
        got, want = getattr(a, name), getattr(b, name)
        assert got.dtype == want.dtype == np.dtype(arithmetic), name
        got, want = got.reshape(len(got), -1).astype(float), want.reshape(len(want), -1).astype(float)
        scale = np.maximum.accumulate(np.abs(want).max(1))
        if name in ("params", "updated"):
            scale = np.maximum(scale, np.abs(b.params[0].astype(float)).max())
        if name == "loss":
            scale = np.maximum(scale, loss_floor)
        error = np.abs(got - want).max(1)
        bad = np.flatnonzero(error > rtol * scale)
        assert not bad.size, (name, int(bad[0]) + 1, error[bad[0]], scale[bad[0]])


def both(k, x, y, **options):
    return (run(k, x, y, engine="moments", **options), run(k, x, y, engine="elementwise", **options))


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("name", ["worked-linear", "noisy-quadratic", "rollercoaster",
                                  "two-feature-linear"])
def test_engines_agree_on_every_named_example(name, arithmetic):
    p = example_problem(name)
    x, y = p.data(arithmetic)
    a = p.run(arithmetic, p.kernels(arithmetic, with_moments=True), engine="moments")
    b = p.run(arithmetic, engine="elementwise")
    assert_agree(a, b, arithmetic)


OPTIONS = [{}, dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
           dict(momentum=0.5, dampening=0.3), dict(weight_decay=0.1), dict(maximize=True),
           dict(momentum=0.8, weight_decay=0.05, maximize=True)]


@pytest.mark.parametrize("loss", ["mse", "sse", "rmse"])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_every_update_option_with_partial_batches_and_shuffling(options, loss):
    for arithmetic in ("float64", "float32"):
        k = kernels("linear", loss, arithmetic)
        lr = 0.002 if loss == "sse" else 0.01
        a, b = both(k, X, Y, lr=lr, batch_size=4, epochs=3, shuffle=True, seed=5, **options)
        assert a.n.tolist()[:3] == [4, 4, 1]
        assert_agree(a, b, arithmetic)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(["linear", "quadratic", "poly:3", "poly:0", "two-feature-linear"]),
       loss=st.sampled_from(["mse", "sse", "rmse"]),
       arithmetic=st.sampled_from(["float64", "float32"]),
       n=st.integers(1, 40), batch=st.integers(1, 45), epochs=st.integers(1, 4),
       momentum=st.sampled_from([0.0, 0.5, 0.9]), nesterov=st.booleans(),
       dampening=st.sampled_from([0.0, 0.4]), weight_decay=st.sampled_from([0.0, 0.03]),
       maximize=st.booleans(), order=st.sampled_from(["in order", "shuffle", "drop_last"]),
       seed=st.integers(0, 2**16))
def test_engines_agree_on_random_problems(model, loss, arithmetic, n, batch, epochs, momentum,
                                          nesterov, dampening, weight_decay, maximize, order, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)) if model == "two-feature-linear" else rng.uniform(-1, 1, n)
    y = rng.normal(1, 2, n)
    nesterov = nesterov and momentum > 0
    options = dict(lr=0.02 / (min(batch, n) if loss == "sse" else 1), batch_size=batch,
                   epochs=epochs, momentum=momentum, nesterov=nesterov,
                   dampening=0.0 if nesterov else dampening, weight_decay=weight_decay,
                   maximize=maximize, shuffle=order == "shuffle", seed=seed,
                   drop_last=order == "drop_last" and batch <= n)
    assert_agree(*both(kernels(model, loss, arithmetic), x, y, **options), arithmetic)


def test_large_batches_blocks_and_scan_chunks(monkeypatch):
    # batches summed one by one (more than SMALL_BATCH rows), epochs in several blocks,
    # the scan in several chunks: all still agree
    monkeypatch.setattr(engine, "SMALL_BATCH", 4)
    monkeypatch.setattr(engine, "BLOCK_ROWS", 20)
    monkeypatch.setattr(recurrence, "SCAN_CHUNK", 5)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, 30), rng.normal(size=30)
    for loss in ("mse", "rmse"):
        for options in (dict(batch_size=7), dict(batch_size=3, shuffle=True, seed=2, momentum=0.9),
                        dict(batch_size=8, drop_last=True)):
            a, b = both(kernels("quadratic", loss, "float64"), x, y, lr=0.05, epochs=5, **options)
            assert_agree(a, b, "float64")


def test_explicit_orders_replay_the_shuffle():
    a = run(kernels("linear", "mse", "float64"), X, Y, lr=0.01, batch_size=2, epochs=3,
            shuffle=True, seed=7, engine="moments")
    from analytic_sgd.conventions.batch_plan import batch_orders

    orders = [np.concatenate(epoch) for epoch in batch_orders(9, 2, epochs=3, shuffle=True, seed=7)]
    b = run(kernels("linear", "mse", "float64"), X, Y, lr=0.01, batch_size=2, epochs=3,
            orders=orders, engine="moments")
    np.testing.assert_array_equal(a.updated, b.updated)


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("loss", ["mse", "sse"])
def test_divergence_names_the_same_step_in_both_engines(loss, arithmetic):
    k = kernels("linear", loss, arithmetic)
    messages = []
    for name in ("moments", "elementwise"):
        with pytest.raises(asgd.DivergenceError, match=r"step \d+ \(epoch \d+, batch 1\)") as info:
            run(k, X, Y, lr=10, batch_size=9, epochs=400, engine=name)
        partial = info.value.trajectory
        assert np.isfinite(partial.loss[0]) and not np.isfinite(partial.loss[-1])
        messages.append((str(info.value), len(partial)))
    assert messages[0] == messages[1]


def test_auto_takes_the_moment_engine_for_long_float_runs_only():
    x = np.linspace(0, 1, 3000)
    long = asgd.sgd(asgd.linear(), asgd.mse, x, 2 * x + 1, lr=0.01, batch_size=3)
    assert long.meta["engine"] == "moments" and len(long) == 1000
    short = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3)
    assert short.meta["engine"] == "elementwise"  # the worked table keeps torch's rounding
    assert choose_engine(kernels("linear", "mse", "exact"), "auto", 10**6, 3) == "elementwise"
    assert choose_engine(kernels("linear", "mse", "float32"), "auto", 1, 5000) == "moments"
    curve = asgd.sgd(asgd.parse_model("w*exp(k*x)", "w k"), asgd.mse, x, x, lr=0.01,
                     batch_size=3, epochs=1)
    assert curve.meta["engine"] == "elementwise"


def test_engine_option_errors():
    with pytest.raises(asgd.OptionError, match="engine must be one of auto, compiled, moments, elementwise"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, engine="fast")
    with pytest.raises(asgd.OptionError, match="irrational"):
        asgd.sgd(asgd.linear(), asgd.rmse, X, Y, lr="0.01", batch_size=3, arithmetic="exact",
                 engine="moments")
    with pytest.raises(asgd.OptionError, match="linear in its parameters"):
        asgd.sgd(asgd.parse_model("w*exp(k*x)", "w k"), asgd.mse, X / 9, Y, lr=0.01, batch_size=3,
                 engine="moments")
    with pytest.raises(asgd.OptionError, match="drop_last"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=20, drop_last=True,
                 engine="moments")


def test_segment_sums_add_each_batch_in_row_order():
    values = np.arange(1.0, 12.0)  # one epoch of 11 rows in batches of 4: 4 + 4 + 3
    assert segment_sums(values, 1, 11, 4).tolist() == [10.0, 26.0, 30.0]
    two = np.arange(40.0).reshape(2, 20)  # two rows, two epochs of 10, batches of 20 > 16
    np.testing.assert_array_equal(segment_sums(two, 2, 10, 20), two.reshape(2, 2, 10).sum(-1))


def test_the_scan_equals_the_sequential_recurrence_and_stops_where_it_overflows():
    rng = np.random.default_rng(3)
    m = np.eye(2)[:, :, None] - rng.uniform(0, 0.2, (2, 2, 1000))
    v = rng.normal(size=(2, 1000))
    s, expected = np.zeros(2), []
    for k in range(1000):
        s = m[:, :, k] @ s + v[:, k]
        expected.append(s)
    np.testing.assert_allclose(recurrence.affine_scan(m, v, np.zeros(2)).T, expected, rtol=1e-12,
                               atol=1e-12)
    grow = np.full((1, 1, 3000), 10.0)
    out = recurrence.affine_scan(grow, np.ones((1, 3000)), np.zeros(1))[0]
    first = int(np.argmax(~np.isfinite(out)))
    assert np.isfinite(out[first - 1]) and out[first - 1] > 1e307 and not np.isfinite(out[-1])


def test_rmse_near_an_exact_fit_takes_the_rows_of_the_batch(monkeypatch):
    # R = θᵀSθ/n - ... cancels at an exact fit and 1/sqrt(R) would magnify what the sums lose:
    # there the moment engine evaluates the batch with the derived kernels instead
    x = np.linspace(0, 1, 40)
    k = kernels("linear", "rmse", "float64")
    calls = []
    original = type(k).loss_and_grad

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("method"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(k), "loss_and_grad", counting)
    options = dict(lr=1e-9, batch_size=8, epochs=2, init={"w": 2 + 1e-7, "b": 1})
    a = run(k, x, 2 * x + 1, engine="moments", **options)
    assert calls.count("elementwise") == len(a)  # the moment engine: every step
    b = run(k, x, 2 * x + 1, engine="elementwise", **options)
    y = 2 * x + 1  # the loss scale is at least the loss at θ = 0, the size the residuals cancel
    assert_agree(a, b, "float64", loss_floor=float(np.sqrt(np.mean(y**2))))


@pytest.mark.parametrize("loss", ["mse", "half-mse", "sse", "half-sse"])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_in_exact_arithmetic_the_engines_agree_to_the_last_bit(loss, options):
    """Exact rationals round nothing: the moment form's sums and the per-batch kernels give
    the very same fractions, with every update option, partial batches and shuffling."""
    k = kernels("linear", loss, "exact")
    settings = dict(lr="0.01", batch_size=4, epochs=3, shuffle=True, seed=5, **options)
    a = run(k, X, Y, engine="moments", **settings)
    b = run(k, X, Y, engine="elementwise", **settings)
    assert a.meta["engine"] == "moments" and b.meta["engine"] == "elementwise"
    for name in ("params", "grad", "updated", "loss"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    assert all(v.is_Rational for v in a.updated.ravel())


def test_exact_rmse_in_the_moment_engine_is_one_step_as_in_the_driver():
    k = kernels("linear", "rmse", "exact")
    a = run(k, X, Y, engine="moments", lr="0.01", batch_size=9)
    b = run(k, X, Y, engine="elementwise", lr="0.01", batch_size=9)
    assert a.updated.tolist() == b.updated.tolist() and a.loss.tolist() == b.loss.tolist()


@pytest.mark.parametrize("options", [{}, {"shuffle": True, "seed": 2}, {"drop_last": True}])
def test_epochs_larger_than_a_block_run_in_parts(monkeypatch, options):
    """An epoch of more rows than BLOCK_ROWS is summed part by part (bounded memory): the
    same steps, numbered the same, within the engines' tolerance."""
    x = np.random.default_rng(0).uniform(0, 1, 1000)
    y = 3 * x + 1
    whole = asgd.sgd(asgd.linear(), "mse", x, y, lr=0.05, batch_size=7, epochs=2,
                     engine="moments", **options)
    monkeypatch.setattr(engine, "BLOCK_ROWS", 100)
    parts = asgd.sgd(asgd.linear(), "mse", x, y, lr=0.05, batch_size=7, epochs=2,
                     engine="moments", **options)
    for name in ("epoch", "batch", "n"):
        assert getattr(whole, name).tolist() == getattr(parts, name).tolist()
    for name in ("params", "grad", "updated", "loss"):
        assert np.allclose(getattr(whole, name), getattr(parts, name), rtol=1e-12, atol=1e-12)
