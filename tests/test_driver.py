from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.problems.problem import example_problem

X = np.arange(9)
Y = 2 * X + 10

# The worked table as published (../shared/references, 003): batch, n, dl/dw, dl/db, w, b, loss
PUBLISHED = [
    (1, 3, "-26.67", "-24", "0.267", "0.24", "146.67"),
    (2, 3, "-135.86", "-33.39", "1.63", "0.57", "280.67"),
    (3, 3, "-169.19", "-24.10", "3.32", "0.81", "145.28"),
]


def at_published_rounding(value, published: str) -> str:
    places = len(published.split(".")[1]) if "." in published else 0
    exact = Fraction(str(value))
    d = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("arithmetic", ["exact", "float64", "float32"])
def test_every_published_figure_at_its_rounding(arithmetic):
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic=arithmetic)
    assert len(traj) == 3
    for step, (batch, n, dw, db, w, b, loss) in zip(traj.steps, PUBLISHED):
        assert (step.batch, step.n) == (batch, n)
        computed = [step.grad[0], step.grad[1], step.updated[0], step.updated[1], step.loss]
        for value, published in zip(computed, (dw, db, w, b, loss)):
            assert Decimal(at_published_rounding(value, published)) == Decimal(published), (
                step.batch, published, str(value))


def test_exact_values_of_the_worked_table():
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic="exact")
    first = traj.steps[0]
    assert [str(v) for v in (*first.grad, *first.updated, first.loss)] == [
        "-80/3", "-24", "4/15", "6/25", "440/3"]
    assert str(traj.final[0]) == "1399427/421875"
    # the loss is taken at the parameters before the update, the gradient at the same ones
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), asgd.mse), "exact")
    for s in traj.steps:
        idx = slice(3 * (s.batch - 1), 3 * s.batch)
        assert k.loss(s.params, X[idx], Y[idx]) == s.loss


def test_a_float_lr_means_its_decimal_in_exact_arithmetic():
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, arithmetic="exact")
    assert str(traj.steps[0].updated[0]) == "4/15"


def test_partial_last_batch_keeps_its_own_n_unless_dropped():
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=4)
    assert traj.n.tolist() == [4, 4, 1]
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=4, drop_last=True)
    assert traj.n.tolist() == [4, 4]


def test_shuffle_is_reproducible_and_orders_replay_it():
    run = dict(lr=0.01, batch_size=2, epochs=3, shuffle=True)
    a = asgd.sgd(asgd.linear(), asgd.mse, X, Y, seed=7, **run)
    b = asgd.sgd(asgd.linear(), asgd.mse, X, Y, seed=7, **run)
    c = asgd.sgd(asgd.linear(), asgd.mse, X, Y, seed=8, **run)
    np.testing.assert_array_equal(a.updated, b.updated)
    assert not np.array_equal(a.updated, c.updated)
    from analytic_sgd.conventions.batch_plan import batch_orders

    plan = batch_orders(9, 2, epochs=3, shuffle=True, seed=7)
    orders = [np.concatenate(epoch) for epoch in plan]
    replay = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=2, epochs=3, orders=orders)
    np.testing.assert_array_equal(a.updated, replay.updated)


def test_update_options_reach_the_rule():
    plain = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic="exact")
    heavy = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic="exact",
                     momentum="0.9")
    # the first momentum step equals plain SGD (buffer = gradient); the second differs by 0.9*buf
    assert list(heavy.steps[0].updated) == list(plain.steps[0].updated)
    g1, g2 = heavy.grad[0], heavy.grad[1]
    expected = heavy.params[1] - Fraction(1, 100) * (g2 + Fraction(9, 10) * g1)
    assert [Fraction(str(v)) for v in heavy.updated[1]] == [Fraction(str(v)) for v in expected]
    up = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic="exact",
                  maximize=True)
    assert str(up.steps[0].updated[0]) == "-4/15"
    decayed = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3, arithmetic="exact",
                       weight_decay="0.5", init={"w": 1, "b": 0})
    g = decayed.grad[0][0] + Fraction(1, 2) * 1
    assert Fraction(str(decayed.updated[0][0])) == 1 - Fraction(1, 100) * Fraction(str(g))


def test_init_by_name_and_errors():
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, init={"b": 10})
    assert traj.params[0].tolist() == [0.0, 10.0]
    with pytest.raises(asgd.OptionError, match="not a parameter"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, init={"q": 1})
    with pytest.raises(asgd.OptionError, match="finite"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, init=[float("nan"), 0])
    with pytest.raises(asgd.OptionError, match="needs 2 values"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, init=[1])


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
def test_float_arithmetic_stays_in_its_dtype(arithmetic):
    traj = example_problem("noisy-quadratic").run(arithmetic)
    dtype = np.dtype(arithmetic)
    assert traj.loss.dtype == dtype and traj.grad.dtype == dtype and traj.updated.dtype == dtype


def test_noisy_quadratic_first_loss_in_float32():
    traj = example_problem("noisy-quadratic").run("float32")
    assert float(traj.loss[0]) == pytest.approx(41.75225067138672, abs=1e-5)
    assert traj.rising_streak() >= 3  # it diverges, as the errata say


def test_divergence_names_the_step_and_keeps_the_steps_before():
    with pytest.raises(asgd.DivergenceError, match=r"step \d+ \(epoch \d+, batch 1\)") as info:
        asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=10, batch_size=9, epochs=400)
    partial = info.value.trajectory
    assert partial is not None and len(partial) >= 1
    assert np.isfinite(partial.loss[0])


def test_exact_rmse_stops_after_one_step_with_a_clear_error():
    p = example_problem("rollercoaster")
    one = p.replace(epochs=1).run("exact")
    assert len(one) == 1 and not one.loss[0].is_Rational
    with pytest.raises(asgd.OptionError, match="irrational"):
        p.run("exact")


def test_bad_data_shapes():
    with pytest.raises(asgd.DataError, match="shape"):
        asgd.sgd(asgd.linear(), asgd.mse, X, Y[:-1], lr=0.01, batch_size=3)
    with pytest.raises(asgd.DataError, match="finite"):
        asgd.sgd(asgd.linear(), asgd.mse, [0.0, np.inf], [1.0, 2.0], lr=0.01, batch_size=1)


@pytest.mark.parametrize("options", [
    dict(momentum=0.9), dict(momentum=0.9, nesterov=True), dict(momentum=0.9, dampening=0.5),
    dict(weight_decay=0.01), dict(maximize=True), dict(momentum=0.5, weight_decay=0.1),
])
def test_step_by_step_against_torch_optim_sgd(options):
    pytest.importorskip("torch")
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, epochs=2, **options)
    assert_steps_match_torch(traj, options, rtol=1e-13, loss_rtol=1e-14)


@pytest.mark.parametrize("engine", ["elementwise", "moments"])
def test_both_engines_reproduce_the_published_table(engine):
    for arithmetic in ("float64", "float32"):
        traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr="0.01", batch_size=3,
                        arithmetic=arithmetic, engine=engine)
        assert traj.meta["engine"] == engine and traj.loss.dtype == np.dtype(arithmetic)
        for step, (_, _, dw, db, w, b, loss) in zip(traj.steps, PUBLISHED):
            computed = [step.grad[0], step.grad[1], step.updated[0], step.updated[1], step.loss]
            for value, published in zip(computed, (dw, db, w, b, loss)):
                assert Decimal(at_published_rounding(value, published)) == Decimal(published)


@pytest.mark.parametrize("options", [dict(momentum=0.9, nesterov=True),
                                     dict(momentum=0.5, dampening=0.2, weight_decay=0.1),
                                     dict(maximize=True)])
def test_the_moment_engine_step_by_step_against_torch_optim_sgd(options):
    pytest.importorskip("torch")
    traj = asgd.sgd(asgd.linear(), asgd.mse, X, Y, lr=0.01, batch_size=3, epochs=2,
                    engine="moments", **options)
    assert_steps_match_torch(traj, options, rtol=1e-12, loss_rtol=1e-12)


def assert_steps_match_torch(traj, options, *, rtol, loss_rtol):
    """Replay traj's batches through torch.optim.SGD (float64) and compare every step."""
    import torch

    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.01, **options)
    xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    for k, step in enumerate(traj.steps):
        idx = slice(3 * (step.batch - 1), 3 * step.batch)
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(xt[idx] * w + b, yt[idx])
        loss.backward()
        np.testing.assert_allclose([w.grad.item(), b.grad.item()], step.grad, rtol=rtol, atol=rtol)
        assert loss.item() == pytest.approx(float(step.loss), rel=loss_rtol)
        opt.step()
        np.testing.assert_allclose([w.item(), b.item()], step.updated, rtol=rtol, atol=rtol,
                                   err_msg=f"step {k + 1}")
