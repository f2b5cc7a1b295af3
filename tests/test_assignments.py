"""NAME=VALUE,... text: one reader for --init and --at, values kept as decimal text."""

import pytest

from analytic_sgd.conventions.assignments import read_assignments
from analytic_sgd.errors import OptionError


def test_values_are_kept_as_their_decimal_text():
    assert read_assignments("--init", " w = 0.1 ,b=-2e-3", ("w", "b")) == {"w": "0.1", "b": "-2e-3"}


@pytest.mark.parametrize("text, message", [
    ("w", "--at 'w': write NAME=VALUE pairs separated by commas, e.g. --at w=0.5"),
    ("=1", "write NAME=VALUE pairs"),
    ("w=1,w=2", "--at gives w twice"),
    ("w=abc", "'abc' is not a number"),
    ("w=nan", "'nan' is not finite"),
    ("q=1", "--at names q, which is not a parameter of b + w*x (w, b)"),
])
def test_bad_text_names_the_option_and_the_pair(text, message):
    with pytest.raises(OptionError) as info:
        read_assignments("--at", text, ("w", "b"), "b + w*x")
    assert message in str(info.value) and str(info.value).startswith("--at")


def test_without_names_any_name_is_taken():
    assert read_assignments("--init", "anything=3") == {"anything": "3"}
