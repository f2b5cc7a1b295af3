import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.numeric.trajectory import Step, Trajectory
from analytic_sgd.problems.problem import example_problem


def test_steps_are_views_made_on_access():
    traj = example_problem().run("float64")
    step = traj.steps[1]
    assert isinstance(step, Step) and (step.epoch, step.batch, step.n) == (1, 2, 3)
    assert step.loss == traj.loss[1]
    np.testing.assert_array_equal(step.grad, traj.grad[1])
    np.testing.assert_array_equal(step.params, traj.updated[0])  # before = after of the step before
    assert traj.steps[-1].batch == 3 and len(traj.steps[0:2]) == 2
    with pytest.raises(IndexError):
        traj.steps[3]


def test_columns_are_plain_arrays_one_per_quantity():
    traj = example_problem("two-feature-linear").run("float64")
    assert traj.params.shape == traj.grad.shape == traj.updated.shape == (100, 2)
    assert traj.loss.shape == traj.epoch.shape == (100,)
    assert traj.loss[-1] < traj.loss[0]


def test_from_columns_and_head():
    t = Trajectory.from_columns(("w",), "float64", epoch=[1, 1], batch=[1, 2], n=[3, 3],
                                params=[[0.0], [1.0]], loss=[2.0, 1.0], grad=[[1.0], [0.5]],
                                updated=[[1.0], [1.5]])
    assert len(t) == 2 and t.head(1).loss.tolist() == [2.0]
    assert t.rising_streak() == 0


def test_rising_streak_counts_consecutive_rises():
    t = Trajectory.from_columns(("w",), "float64", epoch=[1] * 5, batch=[1, 2, 3, 4, 5],
                                n=[1] * 5, params=[[0]] * 5, loss=[1, 2, 3, 2, 5],
                                grad=[[0]] * 5, updated=[[0]] * 5)
    assert t.rising_streak() == 2


def test_repr_of_a_step_names_the_parameters():
    traj = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2 * v + 10 for v in range(9)],
                    lr="0.01", batch_size=3, arithmetic="exact")
    assert repr(traj.steps[0]) == (
        "Step(epoch=1, batch=1, n=3, params={'w': 0, 'b': 0}, loss=440/3, "
        "grad={'w': -80/3, 'b': -24}, updated={'w': 4/15, 'b': 6/25})")
