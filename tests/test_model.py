import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.symbolic.model import symbol

w, b, x, a, c = (symbol(s) for s in "wbxac")


def test_named_models_are_the_textbook_expressions():
    assert asgd.linear().expr == w * x + b
    assert asgd.linear().param_names == ("w", "b")
    assert asgd.quadratic().expr == a * x**2 + b * x + c
    assert asgd.quadratic().param_names == ("a", "b", "c")
    m = asgd.two_feature_linear()
    assert m.input_names == ("x1", "x2") and m.param_names == ("a1", "a2")
    assert m.expr == symbol("x1") * symbol("a1") + symbol("x2") * symbol("a2")


@pytest.mark.parametrize("degree", range(11))
def test_polynomial_has_one_coefficient_per_power(degree):
    m = asgd.polynomial(degree)
    assert len(m.params) == degree + 1
    assert sp.Poly(m.expr, x).degree() == degree


@pytest.mark.parametrize("degree", [-1, 11, 2.0, True, "3"])
def test_polynomial_degree_out_of_range_is_refused(degree):
    with pytest.raises(asgd.ModelError, match="degree"):
        asgd.polynomial(degree)


def test_linearity_in_parameters():
    assert asgd.linear().features() == (x, 1)
    assert asgd.linear().is_linear_in_params
    assert not asgd.parse_model("w*exp(k*x)", "w k").is_linear_in_params


def test_features_of_polynomial_and_two_feature_form():
    assert asgd.polynomial(2).features() == (1, x, x**2)
    assert asgd.two_feature_linear().features() == (symbol("x1"), symbol("x2"))
    assert asgd.parse_model("w*exp(k*x)", "w k").features() is None


@pytest.mark.parametrize(
    "spec, params",
    [("linear", None), ("quadratic", None), ("poly:3", None), ("two-feature-linear", None),
     ("w*exp(k*x)", "w k"), ("a1*x1 + a2*x2**2", "a1, a2")],
)
def test_model_from_name(spec, params):
    m = asgd.model_from_name(spec, params)
    assert m.params


@pytest.mark.parametrize(
    "spec, params, fragment",
    [("poly:x", None, "poly:N"), ("poly:11", None, "degree"), ("w*x + q", None, "--params"),
     ("w*x + q", "w", "q"), ("w*x", "w k", "k does not appear"), ("linear", "w b", "--params"),
     ("w*k", "w k", "does not use any input"), ("w*x99999999", "w", "x1 .. x20"),
     ("w*x21", "w", "x1 .. x20")],
)
def test_bad_model_specs_are_model_errors(spec, params, fragment):
    with pytest.raises(asgd.ModelError, match=fragment):
        asgd.model_from_name(spec, params)
