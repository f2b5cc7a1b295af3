"""The learning rate of each step: converted once, checked, and named by step when wrong."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.conventions.arithmetic import EXACT, FLOAT32, FLOAT64
from analytic_sgd.conventions.schedule import schedule_from_text
from analytic_sgd.numeric.learning_rate import learning_rate_at, learning_rates


def test_constant_schedules_give_one_value():
    assert learning_rates(schedule_from_text("0.01"), EXACT, 0, 10**12, 3) == sp.Rational(1, 100)
    value = learning_rates(schedule_from_text("0.1"), FLOAT32, 0, 5, 5)
    assert value.dtype == np.float32 and value == np.float32(0.1)


def test_each_step_of_an_expression_in_every_arithmetic():
    lr = schedule_from_text("5/(t+50)")
    assert learning_rates(lr, EXACT, 4, 3, 2).tolist() == [sp.Rational(5, 54), sp.Rational(5, 55),
                                                           sp.Rational(5, 56)]
    assert learning_rates(lr, FLOAT64, 0, 3, 1).tolist() == [0.1, 5 / 51, 5 / 52]
    assert learning_rates(lr, FLOAT32, 0, 3, 1).dtype == np.float32
    epochs = schedule_from_text("epoch + 1")
    assert learning_rates(epochs, FLOAT64, 0, 7, 3).tolist() == [1, 1, 1, 2, 2, 2, 3]
    assert learning_rate_at(epochs, EXACT, 100, 4) == 5


@pytest.mark.parametrize("text, arithmetic, message", [
    ("0.3-0.1*t", FLOAT64, "at step 5 (epoch 2) the learning rate is -0.1"),
    ("1/(t-1)", FLOAT64, "at step 1 (epoch 1) the learning rate is -1.0"),
    ("1/(t-1)", EXACT, "at step 1 (epoch 1) the learning rate is -1"),
    ("sqrt(t)", EXACT, "at step 3 (epoch 1) the learning rate is sqrt(2): exact arithmetic needs a "
                       "rational"),
    ("10**(t*40)", FLOAT32, "it is too large for float32"),
])
def test_a_learning_rate_that_cannot_be_used_names_the_step(text, arithmetic, message):
    with pytest.raises(asgd.OptionError, match=message.replace("(", r"\(").replace(")", r"\)")) \
            as info:
        learning_rates(schedule_from_text(text), arithmetic, 0, 8, 4)
    assert info.value.field == "lr"
