"""Learning-rate schedules: the constant schedule, and checking the numbers schedules give."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.conventions.schedule import Constant, Schedule, as_schedule, check_number


def test_a_constant_is_a_schedule():
    lr = Constant("0.01")
    assert isinstance(lr, Schedule) and lr(0, 0) == lr(10**6, 99) == "0.01"
    assert lr.constant == "0.01" and lr.text == "0.01" and str(lr) == "0.01"
    assert Constant(0.1).text == "0.1" and Constant(Fraction(1, 3)).text == "1/3"
    assert as_schedule(lr) is lr and as_schedule(2).constant == 2


@pytest.mark.parametrize("value", [0, 1, 0.5, "0.25", Fraction(1, 3), sp.Rational(2, 7), " 3 "])
def test_numbers_kept_as_given(value):
    assert check_number("lr", value) == (value.strip() if isinstance(value, str) else value)


@pytest.mark.parametrize("value", ["-1", -0.5, float("nan"), "inf", sp.oo, sp.zoo, "abc", ""])
def test_bad_numbers(value):
    with pytest.raises(asgd.OptionError, match="lr must be a finite number >= 0"):
        check_number("lr", value)


def test_a_custom_schedule_drives_the_run():
    class Halving:
        """Half the learning rate every step: a schedule written by a user."""

        text = "0.1*(1/2)**t"
        constant = None

        def __call__(self, t, epoch):
            return Fraction(1, 10) / 2**t

    traj = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2 * v + 10 for v in range(9)],
                    lr=Halving(), batch_size=3, arithmetic="exact")
    plain = asgd.sgd(asgd.linear(), asgd.mse, range(3), [10, 12, 14], lr="0.1", batch_size=3,
                     arithmetic="exact")
    assert traj.updated[0].tolist() == plain.updated[0].tolist()
    step2 = traj.params[1] - sp.Rational(1, 20) * traj.grad[1]
    assert traj.updated[1].tolist() == step2.tolist()
