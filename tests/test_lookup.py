"""pick(): one rule for conventions found by name."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from analytic_sgd.conventions.lookup import pick
from analytic_sgd.conventions.sampling import SAMPLERS, Sampler, get_sampler
from analytic_sgd.errors import OptionError, OptionTypeError


@dataclass(frozen=True)
class Unit:
    name: str
    size: int


TABLE = {"metre": Unit("metre", 1), "inch": Unit("inch", 254)}


def test_a_name_gives_the_table_value_and_an_unknown_name_says_what_is_accepted():
    assert pick(TABLE, "inch", "unit", Unit) is TABLE["inch"]
    with pytest.raises(OptionError, match="unit must be one of metre, inch, got 'foot'; try SI"):
        pick(TABLE, "foot", "unit", Unit, hint="try SI")


def test_values_pass_as_they_are_unless_only_registered_ones_may():
    mine = Unit("metre", 100)
    assert pick(TABLE, mine, "unit", Unit) is mine
    with pytest.raises(OptionError, match="a Unit is used by its registered value"):
        pick(TABLE, mine, "unit", Unit, registered=True)
    assert pick(TABLE, Unit("inch", 254), "unit", Unit, registered=True) is TABLE["inch"]


@pytest.mark.parametrize("value", [None, 3, b"inch", ["inch"]])
def test_anything_else_is_a_type_error(value):
    with pytest.raises(OptionTypeError, match=r"unit must be one of metre, inch \(or a value of type Unit\)"):
        pick(TABLE, value, "unit", Unit)


def test_a_sampler_that_is_not_the_registered_one_is_refused_not_replaced():
    fake = Sampler("with-replacement", False)  # the name of one, the behaviour of the other
    with pytest.raises(OptionError, match="sample must be one of"):
        get_sampler(fake)
    assert get_sampler(SAMPLERS["with-replacement"]) is SAMPLERS["with-replacement"]
