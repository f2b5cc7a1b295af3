"""Every public value refuses what it cannot compute, with the project's own error types.

No public constructor reaches a bare StopIteration, KeyError, AttributeError, IndexError or
ZeroDivisionError on bad arguments: each raises an AnalyticSGDError that is a ValueError
(a value out of range) or a TypeError (a value of the wrong kind) and names the field.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import analytic_sgd as asgd
from analytic_sgd.problems.problem import make_problem

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
    st.text(max_size=8), st.binary(max_size=4), st.lists(st.integers(-2, 2), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([Fraction(1, 3), sp.Rational(-1, 2), sp.oo, sp.nan, sp.Symbol("q"), 1j,
                     np.float32("nan"), np.int64(-1), object(), "mean", "sum", "sqrt", "exact",
                     "float64", "0.01", "-1", "1/2", [[0, 1]], ((1, 0),), asgd.mse]),
)
ALLOWED = (asgd.AnalyticSGDError,)


def refuses_cleanly(make, *args, **kwargs):
    """``make(*args, **kwargs)`` either works or raises the project's own error, which is a
    ValueError or a TypeError."""
    try:
        make(*args, **kwargs)
    except ALLOWED as exc:
        assert isinstance(exc, (ValueError, TypeError)), type(exc)
        assert str(exc)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{make.__name__}{args!r:.80} {kwargs!r:.80} raised "
                    f"{type(exc).__name__}: {exc}")


@settings(max_examples=150, deadline=None)
@given(name=ANYTHING, reduction=ANYTHING, outer=ANYTHING, title=ANYTHING, scale=ANYTHING,
       term=ANYTHING)
def test_loss_fields(name, reduction, outer, title, scale, term):
    refuses_cleanly(asgd.Loss, name, reduction, outer, title, scale, term)


@settings(max_examples=150, deadline=None)
@given(lr=ANYTHING, momentum=ANYTHING, dampening=ANYTHING, nesterov=ANYTHING,
       weight_decay=ANYTHING, maximize=ANYTHING)
def test_settings_fields(lr, momentum, dampening, nesterov, weight_decay, maximize):
    refuses_cleanly(asgd.Settings, lr, momentum, dampening, nesterov, weight_decay, maximize)


@settings(max_examples=150, deadline=None)
@given(batch_size=ANYTHING, epochs=ANYTHING, shuffle=ANYTHING, seed=ANYTHING,
       drop_last=ANYTHING, orders=ANYTHING)
def test_batch_plan_fields(batch_size, epochs, shuffle, seed, drop_last, orders):
    refuses_cleanly(asgd.BatchPlan, batch_size, epochs, shuffle, seed, drop_last, orders)


@settings(max_examples=100, deadline=None)
@given(value=ANYTHING)
def test_single_argument_lookups(value):
    for make in (asgd.get_loss, asgd.get_arithmetic, asgd.get_example, asgd.Constant,
                 asgd.polynomial, asgd.model_from_name):
        refuses_cleanly(make, value)


@settings(max_examples=100, deadline=None)
@given(expr=ANYTHING, inputs=ANYTHING, params=ANYTHING, name=ANYTHING)
def test_model_fields(expr, inputs, params, name):
    refuses_cleanly(asgd.Model, expr, inputs, params, name)
    refuses_cleanly(asgd.parse_model, expr, params)


@settings(max_examples=60, deadline=None)
@given(model=ANYTHING, loss=ANYTHING, arithmetic=ANYTHING)
def test_derive_compile_and_run_with_bad_values(model, loss, arithmetic):
    refuses_cleanly(asgd.derive, model, loss)
    refuses_cleanly(asgd.compile_kernels, asgd.derive(asgd.linear(), asgd.mse), arithmetic)
    refuses_cleanly(asgd.sgd, model, loss, [0, 1], [1, 2], lr="0.1", batch_size=1)
    refuses_cleanly(asgd.sgd, asgd.linear(), loss, [0, 1], [1, 2], lr="0.1", batch_size=1,
                    arithmetic=arithmetic)


def test_each_error_names_the_field_the_value_and_what_is_accepted():
    cases = [
        (lambda: asgd.Loss("x", "max"), "loss reduction", "'max'", "mean, sum"),
        (lambda: asgd.Loss("x", "mean", "abs"), "loss outer", "'abs'", "identity, sqrt"),
        (lambda: asgd.Loss("x", "mean", scale=-1), "loss scale", "-1", "positive rational"),
        (lambda: asgd.Settings(lr=-1), "lr", "-1", "a finite number >= 0"),
        (lambda: asgd.Settings(lr=1, momentum="x"), "momentum", "'x'", "a finite number >= 0"),
        (lambda: asgd.BatchPlan(0), "batch_size", "0", "a whole number >= 1"),
        (lambda: asgd.BatchPlan(1, epochs=2.0), "epochs", "2.0", "a whole number >= 1"),
        (lambda: asgd.BatchPlan(1, seed=-3), "seed", "-3", "a whole number >= 0"),
        (lambda: asgd.get_arithmetic("float16"), "arithmetic", "'float16'", "exact, float64"),
    ]
    for make, field, value, accepted in cases:
        with pytest.raises(asgd.OptionError) as info:
            make()
        message = str(info.value)
        assert message.startswith(f"{field} must be") and value in message and accepted in \
            message, message


def test_a_problem_takes_only_its_own_values():
    with pytest.raises(asgd.ModelError, match="a Problem needs a Model"):
        make_problem("w*x", "mse", [0], [1], lr=1, batch_size=1)
    with pytest.raises(TypeError, match="unknown settings lrate"):
        make_problem(asgd.linear(), "mse", [0], [1], lrate=1, batch_size=1)
    with pytest.raises(asgd.OptionError, match="loss must be one of"):
        make_problem(asgd.linear(), "mae", [0], [1], lr=1, batch_size=1)
