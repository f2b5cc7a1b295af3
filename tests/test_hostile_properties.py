"""Property-based hostile input (hypothesis): whatever text the option readers and the data
readers are given, they return a value or raise the project's own error; the command line
answers 0 or 2, never a traceback; big numbers print and read back whole."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytic_sgd.cli import main
from analytic_sgd.cli.options import name_values, positive_int, whole_number
from analytic_sgd.conventions.arithmetic import EXACT, FLOAT32, FLOAT64, decimal_reason, read_decimal
from analytic_sgd.conventions.data_values import real_array
from analytic_sgd.conventions.digits import int_text, read_fraction, read_int
from analytic_sgd.conventions.schedule import schedule_from_text
from analytic_sgd.errors import AnalyticSGDError, DataError, OptionError
from analytic_sgd.numeric.footprint import read_every, read_memory

TEXT = st.text(alphabet=string.printable + "éλ∞−", max_size=30)
NUMBERISH = st.from_regex(r"[+-]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
ANY_TEXT = st.one_of(TEXT, NUMBERISH)
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(ANY_TEXT)
def test_number_readers_return_or_refuse_with_a_data_error(text):
    reason = decimal_reason(text.strip())
    if reason is None:
        assert read_decimal(text) == read_fraction(text.strip())
    else:
        with pytest.raises(DataError):
            read_decimal(text)


@FAST
@given(ANY_TEXT)
def test_option_readers_return_or_raise_option_errors(text):
    for reader in (lambda t: whole_number("--epochs", t), lambda t: positive_int("--every", t),
                   read_memory, schedule_from_text, lambda t: name_values("--init", t)):
        try:
            reader(text)
        except OptionError:
            pass
        except AnalyticSGDError:  # the lr parser refuses bad expressions as ModelError
            pass


@FAST
@given(st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.none(), st.booleans()))
def test_every_is_a_whole_number_or_an_option_error(value):
    try:
        assert read_every(value) >= 1
    except OptionError as exc:
        assert exc.field == "every"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.integers(min_value=-10**500, max_value=10**500), st.floats(),
                          st.complex_numbers(max_magnitude=10), st.text(max_size=4), st.none(),
                          st.fractions()), min_size=1, max_size=5))
def test_data_are_read_or_refused_with_a_data_error(values):
    for arithmetic in (EXACT, FLOAT64, FLOAT32):
        try:
            out = arithmetic.array(values, "x")
        except DataError as exc:
            assert str(exc).startswith("x")
        else:
            assert out.shape == (len(values),)


@settings(max_examples=60, deadline=None)
@given(st.tuples(st.integers(0, 40000), st.integers(-10**6, 10**6), st.booleans())
       .map(lambda t: (-1 if t[2] else 1) * (7 ** t[0] + t[1])))
def test_big_integers_print_and_read_back_whole(n):
    text = int_text(n)
    assert read_int(text) == n and (abs(n) >= 10**4000 or text == str(n))


@FAST
@given(lr=ANY_TEXT, init=ANY_TEXT)
def test_the_command_line_answers_0_or_2_for_any_lr_and_init(capsys, lr, init):
    code = main(["table", "--lr", lr, "--init", init, "--epochs", "1"])
    out, err = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in err
    lines = err.strip().splitlines()
    warned = [line for line in lines if line.startswith("analytic-sgd: warning: ")]
    errors = lines[len(warned):]  # warnings first, then the error in one or two lines
    assert lines[:len(warned)] == warned and not any(line in warned for line in errors)
    assert (code == 0) == (not errors) and len(errors) <= 2
    assert not errors or errors[0].startswith(("analytic-sgd: error: ", "analytic-sgd table: "))


def test_a_warning_then_an_error_is_exit_2(capsys):  # the example hypothesis found
    code = main(["table", "--lr", "1E75", "--init", "", "--epochs", "1"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 2
    assert lines[0].startswith("analytic-sgd: warning: the lr 1E75 is above 2/λmax")
    assert lines[1].startswith("analytic-sgd: error: step 3 (epoch 1, batch 3): the loss is not")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="xy,.0123456789-+eE \nna\t\"", max_size=60))
def test_any_csv_text_runs_or_is_refused_in_one_or_two_lines(capsys, tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "d.csv"
    path.write_text(text)
    code = main(["table", "--data", str(path), "--arithmetic", "exact", "--batch-size", "2"])
    out, err = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        said = [line for line in err.splitlines() if "warning" not in line]
        assert 1 <= len(said) <= 2 and ("d.csv" in err or "--" in err or "x" in err), err


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1,
                max_size=6))
def test_exact_reads_any_float32_as_its_shortest_decimal(values):
    array = np.array(values, np.float32)
    exact = EXACT.array(array)
    assert [np.float32(float(v)) for v in exact] == list(array)  # prints back as itself
    assert real_array(array) is array
