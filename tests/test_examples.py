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
    assert [float(v) for v in get_example("rollercoaster").init] == start.tolist()


def test_two_feature_recipe():
    x, y = get_example("two-feature-linear").data()
    assert x.shape == (100, 2) and np.all(x[:, 1] == 1) and np.all(np.abs(x[:, 0]) <= 1)
    residual = y - x @ np.array([3, 2], np.float32)
    assert residual.min() >= -1e-5 and residual.max() < 1 + 1e-5
    traj = example_problem("two-feature-linear").run("float64")
    np.testing.assert_allclose(traj.final, [3, 2.5], atol=0.3)


def test_unknown_example():
    with pytest.raises(asgd.OptionError, match="unknown example"):
        get_example("nope")
