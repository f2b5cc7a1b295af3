import json
from fractions import Fraction

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.problems.examples import EXAMPLES, get_example
from analytic_sgd.problems.problem import example_problem


def test_every_example_runs_in_float():
    for name in EXAMPLES:
        for arithmetic in ("float64", "float32"):
            traj = example_problem(name).run(arithmetic)
            ex = get_example(name)
            assert len(traj) == ex.epochs * -(-len(ex.data()[1]) // ex.batch_size)


def test_worked_linear_data():
    x, y = get_example("worked-linear").data()
    assert x.tolist() == list(range(9)) and y.tolist() == [2 * v + 10 for v in range(9)]


def test_noisy_quadratic_recipe():
    x, y = get_example("noisy-quadratic").data()
    assert x.dtype == y.dtype == np.float32 and x[0] == -2 and x[-1] == 2 and len(x) == 20
    noise = y - (2 * x**2 + 3 * x + 4)
    assert noise.min() >= -5.001 and noise.max() < 5.001


def test_rollercoaster_recipe_matches_torch_when_installed():
    t, speed = get_example("rollercoaster").data()
    assert t.tolist() == list(range(20))
    torch = pytest.importorskip("torch")
    torch.manual_seed(42)
    time = torch.arange(0, 20).float()
    expected = torch.randn(20) * 3 + 0.75 * (time - 9.5) ** 2 + 1
    start = torch.randn(3)
    np.testing.assert_array_equal(speed.view(np.uint32), expected.numpy().view(np.uint32))
    assert list(map(float, get_example("rollercoaster").start().values())) == start.tolist()


def test_two_feature_recipe():
    x, y = get_example("two-feature-linear").data()
    assert x.shape == (100, 2) and np.all(x[:, 1] == 1) and np.all(np.abs(x[:, 0]) <= 1)
    residual = y - x @ np.array([3, 2], np.float32)
    assert residual.min() >= -1e-5 and residual.max() < 1 + 1e-5
    traj = example_problem("two-feature-linear").run("float64")
    np.testing.assert_allclose(traj.final, [3, 2.5], atol=0.3)


def test_unknown_example():
    with pytest.raises(asgd.OptionError, match="example must be one of worked-linear"):
        get_example("nope")


# -- Géron's recipes: the book's printed results ---------------------------------------------

GERON = {"geron-batch-gd": (4.21509616, 2.77011339), "geron-sgd": (4.21076011, 2.74856079),
         "geron-minibatch": (4.25214635, 2.7896408)}


@pytest.mark.parametrize("name", list(GERON))
def test_geron_recipes_print_the_book_s_theta(name, capsys):
    from helpers import run

    code, out, _ = run(capsys, "table", "--example", name, "--format", "json")
    final = json.loads(out)["steps"][-1]["updated"]
    assert (round(final["b"], 8), round(final["w"], 8)) == GERON[name]  # (b, w): bias first


@pytest.mark.parametrize("name", list(GERON))
def test_both_engines_give_the_book_s_theta(name):
    from analytic_sgd.problems.problem import example_problem

    for engine in ("elementwise", "moments"):
        final = example_problem(name).run("float64", engine=engine).final
        assert (round(float(final[1]), 8), round(float(final[0]), 8)) == GERON[name]


def test_the_book_s_stream_is_replayed_step_by_step():
    """geron-sgd is the book's loop: np.random.seed(42); theta = randn(2, 1); then one
    randint per step and eta = 5/(t + 50)."""
    from analytic_sgd.problems.problem import example_problem

    x, y = get_example("geron-sgd").data()
    np.random.seed(42)
    theta = np.random.randn(2)
    traj = example_problem("geron-sgd", epochs=2).run("float64", engine="elementwise")
    for t in range(200):
        i = np.random.randint(100)
        # the book rounds each update twice (numpy), the table once (torch's fused multiply-add)
        np.testing.assert_allclose(traj.params[t][::-1], theta, rtol=1e-12)
        g = 2 * (theta[0] + theta[1] * x[i] - y[i]) * np.array([1.0, x[i]])
        theta = theta - 5 / (t + 50) * g
        np.testing.assert_allclose(traj.updated[t][::-1], theta, rtol=1e-12)


def test_seed_reseeds_the_start_and_the_draws_but_not_the_data():
    from analytic_sgd.problems.problem import example_problem

    book, other = example_problem("geron-sgd", epochs=1), example_problem("geron-sgd", epochs=1,
                                                                          seed=7)
    np.testing.assert_array_equal(book.x, other.x)
    a, b = book.run("float64"), other.run("float64")
    assert not np.array_equal(a.params[0], b.params[0])
    np.random.seed(7)
    assert b.params[0][::-1].tolist() == np.random.randn(2).tolist()


def test_geron_recipes_run_exactly():
    from analytic_sgd.problems.problem import example_problem

    traj = example_problem("geron-minibatch", epochs=1).run("exact")
    assert all(v.is_Rational for v in traj.updated.ravel()) and len(traj) == 5
    assert str(traj.lr[0]) == "200/1001" and traj.lr[4] == Fraction(200, 1005)


def test_the_summary_is_made_from_the_fields_it_names():
    import dataclasses

    ex = asgd.get_example("worked-linear")
    assert ex.summary == "x = 0..8, y = 2x + 10; linear, MSE, lr 0.01, batch 3, 1 epoch"
    other = dataclasses.replace(ex, lr="0.5", batch_size=9, epochs=4, loss="rmse")
    assert other.summary == "x = 0..8, y = 2x + 10; linear, RMSE, lr 0.5, full batch, 4 steps"
