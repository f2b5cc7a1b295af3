import pytest

import analytic_sgd as asgd
from analytic_sgd.problems.problem import example_problem


def test_overrides_replace_settings():
    p = example_problem("worked-linear", lr="0.02", batch_size=9)
    assert (p.settings.lr.text, p.plan.batch_size, p.plan.epochs) == ("0.02", 9, 1)
    assert p.replace(lr="0.03", epochs=2).settings.lr.text == "0.03"
    assert p.replace(epochs=2).plan.epochs == 2 and p.plan.epochs == 1


def test_another_model_drops_the_examples_start():
    p = example_problem("worked-linear", model="quadratic")
    assert p.init is None and p.model.param_names == ("a", "b", "c")
    assert len(p.run("float64")) == 3


def test_exact_twins_are_used_in_exact_runs():
    p = example_problem().replace(x=[0.1, 0.2, 0.3], y=[1.0, 2.0, 3.0], batch_size=3,
                                  x_exact=["0.1", "0.2", "0.3"], y_exact=[1, 2, 3])
    assert str(p.run("exact").grad[0][0]) == "-14/15"
    assert str(p.run("exact", ).loss[0]) == "14/3"


def test_model_and_loss_by_name():
    p = example_problem("noisy-quadratic", loss="sse", model="poly:2")
    assert p.loss is asgd.sse and p.model.param_names == ("c0", "c1", "c2")
    with pytest.raises(asgd.ModelError):
        example_problem(model="cubic")


def test_a_random_start_is_shown_as_the_run_draws_it():
    p = example_problem("geron-sgd")
    first = p.run("float64").params[0]
    assert list(p.start) == list(p.model.param_names)
    assert [p.start[n] for n in p.model.param_names] == first.tolist()
    assert "start w=" in repr(p)
