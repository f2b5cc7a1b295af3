"""Random expression models: the chain rule, node by node, always equals sympy.diff."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from model_strategies import expressions

import analytic_sgd as asgd

EXPRESSIONS = expressions(max_leaves=6)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=EXPRESSIONS, loss=st.sampled_from(["mse", "rmse", "sse"]))
def test_random_models_prove(text, loss):
    try:
        model = asgd.parse_model(text, "w k")
    except asgd.ModelError:  # a parameter or the input missing, or a constant out of range
        assume(False)
    derivation = asgd.derive(model, loss)  # raises DerivationError on a wrong chain rule
    assert derivation.proved
    assert [c.param.name for c in derivation.chains] == ["w", "k"]
