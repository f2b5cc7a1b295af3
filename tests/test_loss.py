"""Loss values: the registered losses, their fields, their text, and refusal of what they
cannot compute."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.conventions.loss import REDUCTIONS, RESIDUAL, Outer, Reduction

X, Y = [0, 1, 2], [10, 12, 14]  # the worked example's first batch


def fields(loss):
    return (loss.reduction.name, loss.scale, loss.outer.name, loss.term.name)


def test_the_registered_losses():
    assert fields(asgd.mse) == ("mean", 1, "identity", "squared")
    assert fields(asgd.rmse) == ("mean", 1, "sqrt", "squared")
    assert fields(asgd.sse) == ("sum", 1, "identity", "squared")
    assert fields(asgd.half_mse) == ("mean", sp.Rational(1, 2), "identity", "squared")
    assert fields(asgd.half_sse) == ("sum", sp.Rational(1, 2), "identity", "squared")
    assert asgd.get_loss("rmse") is asgd.rmse and asgd.get_loss(asgd.sse) is asgd.sse
    assert list(asgd.LOSSES) == ["mse", "rmse", "sse", "half-mse", "half-sse"]


def test_text_and_latex_follow_the_fields():
    assert asgd.mse.text == "l = (1/n) Σ_i (ŷ_i - y_i)^2"
    assert asgd.rmse.text == "l = sqrt((1/n) Σ_i (ŷ_i - y_i)^2)"
    assert asgd.sse.text == "l = Σ_i (ŷ_i - y_i)^2"
    assert asgd.half_mse.text == "l = (1/(2n)) Σ_i (ŷ_i - y_i)^2"
    assert asgd.half_sse.text == "l = (1/2) Σ_i (ŷ_i - y_i)^2"
    assert asgd.half_mse.latex.startswith(r"\frac{1}{2 n} \sum_{i=1}^{n}")
    assert asgd.rmse.latex.startswith(r"\sqrt{\frac{1}{n}")


def test_factor_and_inner():
    n = sp.Symbol("n", integer=True, positive=True)
    assert asgd.half_mse.factor(n) == 1 / (2 * n) and asgd.sse.factor(n) == 1
    assert asgd.rmse.inner is asgd.mse and asgd.mse.inner is asgd.mse
    root_of_sse = asgd.Loss("root-sse", "sum", "sqrt")
    assert fields(root_of_sse.inner) == fields(asgd.sse) and root_of_sse.inner is asgd.sse


@pytest.mark.parametrize("name, expected", [
    ("mse", Fraction(440, 3)), ("sse", Fraction(440)), ("half-mse", Fraction(220, 3)),
    ("half-sse", Fraction(220))])
def test_exact_losses_on_the_first_batch(name, expected):
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), name), "exact")
    value = k.loss([0, 0], X, Y)
    assert Fraction(str(value)) == expected


def test_exact_rmse_is_the_root_of_mse():
    k = asgd.compile_kernels(asgd.derive(asgd.linear(), "rmse"), "exact")
    assert k.loss([0, 0], X, Y) ** 2 == sp.Rational(440, 3)


@pytest.mark.parametrize("name", ["mae", "", "MSE", "half_mse"])
def test_unknown_loss_names_the_registered_ones(name):
    with pytest.raises(asgd.OptionError, match="loss must be one of mse, rmse, sse, half-mse, "
                       "half-sse"):
        asgd.get_loss(name)


@pytest.mark.parametrize("value", [None, 3, ["mse"], b"mse"])
def test_a_loss_that_is_not_a_name_is_a_type_error(value):
    with pytest.raises(asgd.OptionTypeError,
                       match=r"loss must be one of mse, .* \(or a value of type Loss\)"):
        asgd.get_loss(value)


# -- every field is checked when a Loss is made ---------------------------------------------

def test_the_issue_example_is_refused_not_computed_as_mse():
    with pytest.raises(asgd.OptionError, match="loss outer must be one of identity, sqrt, "
                       "got 'half'"):
        asgd.Loss("half_mse", "mean", "half")


@pytest.mark.parametrize("outer", ["abs", "square", "log", "", "Sqrt"])
def test_unknown_outer_function(outer):
    with pytest.raises(asgd.OptionError, match=f"loss outer must be one of identity, sqrt, got "
                       f"{outer!r}"):
        asgd.Loss("custom", "mean", outer)


@pytest.mark.parametrize("reduction", ["max", "median", "Mean", ""])
def test_unknown_reduction(reduction):
    with pytest.raises(asgd.OptionError, match=f"loss reduction must be one of mean, sum, got "
                       f"{reduction!r}"):
        asgd.Loss("custom", reduction)


@pytest.mark.parametrize("scale", [0, -1, "half", "1/0", float("nan"), float("inf"), "-0.5"])
def test_bad_scale(scale):
    with pytest.raises(asgd.OptionError, match="loss scale must be a positive rational number"):
        asgd.Loss("custom", "mean", scale=scale)


@pytest.mark.parametrize("scale", [True, None, [1], sp.Symbol("k"), 1j])
def test_scale_of_the_wrong_type(scale):
    with pytest.raises(asgd.OptionTypeError, match="loss scale must be a positive rational"):
        asgd.Loss("custom", "mean", scale=scale)


@pytest.mark.parametrize("scale, expected", [(3, 3), ("1/2", sp.Rational(1, 2)), (0.5,
                         sp.Rational(1, 2)), (Fraction(2, 3), sp.Rational(2, 3)), ("0.1",
                         sp.Rational(1, 10)), (sp.Rational(5, 4), sp.Rational(5, 4)),
                         (np.float32(0.1), sp.Rational(1, 10))])
def test_scale_kinds(scale, expected):
    assert asgd.Loss("custom", "mean", scale=scale).scale == expected


def test_unknown_term():
    with pytest.raises(asgd.OptionError, match="loss term must be one of squared, got 'absolute'"):
        asgd.Loss("custom", "mean", term="absolute")


@pytest.mark.parametrize("name", ["", "two words", "a/b", 3, None])
def test_bad_name(name):
    with pytest.raises(asgd.OptionError, match="loss name must be a non-empty name"):
        asgd.Loss(name, "mean")


def test_a_reduction_value_that_is_not_the_registered_one_is_refused():
    impostor = Reduction("mean", lambda n: 1, REDUCTIONS["sum"].numpy, "sum")
    with pytest.raises(asgd.OptionError, match="loss reduction"):
        asgd.Loss("custom", impostor)
    fake = Outer("identity", sp.sqrt, lambda b: b, lambda b: b)
    with pytest.raises(asgd.OptionError, match="loss outer"):
        asgd.Loss("custom", "mean", fake)


def test_a_registered_name_means_the_registered_loss():
    with pytest.raises(asgd.OptionError, match="the name 'mse' belongs to the registered loss"):
        asgd.Loss("mse", "sum")
    assert asgd.Loss("mse", "mean") == asgd.mse  # the same loss again is fine


def test_register_and_unregister():
    triple = asgd.Loss("triple-mse-test", "mean", scale=3)
    try:
        assert asgd.register_loss(triple) is triple
        assert asgd.get_loss("triple-mse-test") is triple
        assert asgd.register_loss(asgd.Loss("triple-mse-test", "mean", scale=3)) is not None
        with pytest.raises(asgd.OptionError, match="belongs to the registered loss"):
            asgd.Loss("triple-mse-test", "mean", scale=4)
        with pytest.raises(asgd.OptionTypeError):
            asgd.register_loss("triple-mse-test")
    finally:
        asgd.unregister_loss("triple-mse-test")
    with pytest.raises(asgd.OptionError):
        asgd.get_loss("triple-mse-test")


def test_reductions_of_constants_and_exact_values():
    mean, total = REDUCTIONS["mean"], REDUCTIONS["sum"]
    import numpy as np

    assert mean.of_constant(np.float32(2.5), 7) == np.float32(2.5)
    assert total.of_constant(np.float32(2.5), 4) == np.float32(10) and \
        total.of_constant(np.float32(2.5), 4).dtype == np.float32
    assert mean.of_exact([sp.Integer(1), sp.Integer(2)]) == sp.Rational(3, 2)
    assert total.of_exact([sp.Integer(1), sp.Integer(2)]) == 3


def test_the_term_is_the_squared_residual():
    assert asgd.mse.term.expr == RESIDUAL**2 and asgd.mse.term.is_square
