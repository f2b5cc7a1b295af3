"""Settings: torch.optim.SGD's options as one value, checked when made, kept as given."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy
from helpers import G, run_exact

from analytic_sgd.conventions.settings import Settings
from analytic_sgd.errors import OptionError, OptionTypeError


@pytest.mark.parametrize("options", [dict(lr=F(1, 10)), dict(lr=sympy.Rational(1, 10)),
                                     dict(lr=0.1), dict(lr="0.1")])
def test_settings_kinds_in_exact(options):
    assert run_exact(Settings(**options), [G]) == [[F(4, 5), F(12, 5)]]


def test_settings_values_are_kept_as_given():
    s = Settings(lr=F(1, 3), momentum=sympy.Rational(1, 2))
    assert s.lr.constant == F(1, 3) and isinstance(s.lr.constant, F)
    assert isinstance(s.momentum, sympy.Rational)


@pytest.mark.parametrize("options, message", [
    (dict(lr=-0.1), "lr must be a finite number >= 0.*-0.1"),
    (dict(lr=float("nan")), "lr must be a finite number.*nan"),
    (dict(lr=float("inf")), "lr must be a finite number.*inf"),
    (dict(lr=sympy.nan), "lr must be a finite number"),
    (dict(lr=sympy.oo), "lr must be a finite number"),
    (dict(lr=True), "lr must be a finite number.*True"),
    (dict(lr=None), "lr must be a finite number.*None"),
    (dict(lr=0.1, momentum=-0.9), "momentum must be .*-0.9"),
    (dict(lr=0.1, dampening=-1), "dampening must be .*-1"),
    (dict(lr=0.1, weight_decay=float("-inf")), "weight_decay must be .*-inf"),
    (dict(lr=0.1, nesterov=True), "nesterov needs momentum > 0 and dampening == 0"),
    (dict(lr=0.1, nesterov=True, momentum=0.9, dampening=0.1), "nesterov needs.*0.1"),
    (dict(lr=0.1, nesterov="yes"), "nesterov must be True or False"),
    (dict(lr=0.1, maximize=1), "maximize must be True or False"),
])
def test_bad_settings_are_refused(options, message):
    with pytest.raises(OptionError, match=message):
        Settings(**options)


def test_replace_checks_again():
    s = Settings(lr=0.1, momentum=0.9, nesterov=True)
    assert s.replace(lr="0.2").lr.text == "0.2"
    with pytest.raises(OptionError, match="nesterov needs momentum > 0"):
        s.replace(momentum=0)


@pytest.mark.parametrize("value", [[0.1], {"lr": 0.1}, b"0.1", object(), 1j])
def test_a_setting_of_the_wrong_type_is_a_type_error(value):
    with pytest.raises(OptionTypeError, match="lr must be a finite number >= 0") as info:
        Settings(lr=value)
    assert isinstance(info.value, TypeError) and info.value.field == "lr"


def test_describe_lists_what_differs_from_the_defaults():
    assert Settings(lr="0.01").describe() == "lr 0.01"
    assert Settings(lr=0.5, momentum="0.9", dampening=0.1, weight_decay=1e-3,
                    maximize=True).describe() == (
        "lr 0.5, momentum 0.9, dampening 0.1, weight decay 0.001, maximize")
    assert Settings(lr=1).plain and not Settings(lr=1, weight_decay="0.1").plain
