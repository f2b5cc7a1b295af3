"""The compiled engine gives the elementwise engine's bits, on random models and settings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from model_strategies import expressions

import analytic_sgd as asgd
from analytic_sgd.numeric import compiled_engine

pytest.importorskip("numba")

COLUMNS = ("epoch", "batch", "n", "params", "loss", "grad", "updated", "lr")
EXPRESSIONS = expressions(max_leaves=5)
OPTIONS = st.fixed_dictionaries({
    "lr": st.sampled_from(["0.01", "0.003", "5/(t+50)", "0.02*0.9**epoch"]),
    "momentum": st.sampled_from([0.0, 0.9]), "dampening": st.sampled_from([0.0, 0.3]),
    "nesterov": st.booleans(), "weight_decay": st.sampled_from([0.0, 0.01]),
    "maximize": st.booleans(), "batch_size": st.sampled_from([1, 3, 7, 8, 25]),
    "epochs": st.integers(1, 3), "order": st.sampled_from(["in order", "shuffle", "replacement"]),
    "drop_last": st.booleans()})


def same_bits(a, b) -> bool:
    """True when two trajectories hold the same bits in every column."""
    for name in COLUMNS:
        left, right = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        if left.shape != right.shape or left.tobytes() != right.tobytes():
            return False
    return True


def run_both(model, loss, x, y, arithmetic, options):
    options = dict(options)
    order = options.pop("order")
    if options["momentum"] == 0 or options["dampening"]:
        options["nesterov"] = False
    plan = {"shuffle": order == "shuffle", "sample": "with-replacement" if order == "replacement"
            else "without-replacement", "seed": 5}
    out = []
    for engine in ("compiled", "elementwise"):
        try:
            out.append(asgd.sgd(model, loss, x, y, arithmetic=arithmetic, engine=engine,
                                **options, **plan))
        except asgd.DivergenceError as exc:
            out.append(exc.trajectory)
    return out


@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=EXPRESSIONS, loss=st.sampled_from(["mse", "rmse", "half-sse"]),
       arithmetic=st.sampled_from(["float64", "float32"]), options=st.lists(OPTIONS, min_size=3,
                                                                           max_size=3))
def test_random_models_and_settings_give_the_same_bits(text, loss, arithmetic, options):
    try:
        model = asgd.parse_model(text, "w k")
    except asgd.ModelError:
        assume(False)
    rng = np.random.default_rng(len(text))
    x = rng.uniform(0.1, 2, 40)
    y = rng.uniform(-1, 3, 40)
    for option in options:
        try:
            compiled, elementwise = run_both(model, loss, x, y, arithmetic, option)
        except asgd.OptionError as exc:  # a construct the compiled engine refuses: say which
            assert "cannot reproduce" in str(exc) or "learning rate" in str(exc)
            return
        assert compiled.meta["engine"] == "compiled"
        assert same_bits(compiled, elementwise), (text, loss, arithmetic, option)


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
def test_named_models_every_update_option_and_large_batches(arithmetic):
    rng = np.random.default_rng(0)
    x2 = rng.normal(size=(500, 2))
    y2 = x2 @ [3.0, 2.0] + rng.normal(0, 0.1, 500)
    x, y = x2[:, 0], y2
    cases = [(asgd.linear(), x, y), (asgd.quadratic(), x, y), (asgd.two_feature_linear(), x2, y2),
             (asgd.parse_model("w*exp(k*x)", "w k"), x / 3, y),
             (asgd.parse_model("a*sin(b*x)+c*x**3/3 + tanh(a)", "a b c"), x, y),
             (asgd.parse_model("w*sqrt(x) + k*log(x) + abs(w)*x**(-2)", "w k"), abs(x) + 1, y)]
    for model, xs, ys in cases:
        for batch in (3, 9, 100, 500):  # fused below 8 rows, pairwise sums from 8 on
            options = {"lr": "0.001", "momentum": 0.9, "dampening": 0.1, "nesterov": False,
                       "weight_decay": 0.01, "maximize": False, "batch_size": batch, "epochs": 2,
                       "order": "shuffle", "drop_last": False}
            compiled, elementwise = run_both(model, "mse", xs, ys, arithmetic, options)
            assert same_bits(compiled, elementwise), (model, batch)


def test_blocks_split_anywhere(monkeypatch):
    """Blocks of 7 steps cut epochs anywhere; with-replacement rows and a schedule."""
    monkeypatch.setattr(compiled_engine, "BLOCK_STEPS", 7)
    x = np.linspace(0, 1, 50)
    y = 2 * x + 1
    for order in ("in order", "shuffle", "replacement"):
        options = {"lr": "5/(t+50)", "momentum": 0.5, "dampening": 0.0, "nesterov": True,
                   "weight_decay": 0.0, "maximize": False, "batch_size": 4, "epochs": 3,
                   "order": order, "drop_last": True}
        compiled, elementwise = run_both(asgd.linear(), "mse", x, y, "float32", options)
        assert len(compiled) == 36 and same_bits(compiled, elementwise)


def test_divergence_stops_at_the_same_step():
    x = np.arange(9.0)
    y = 2 * x + 10
    errors = []
    for engine in ("compiled", "elementwise"):
        with pytest.raises(asgd.DivergenceError) as info:
            asgd.sgd(asgd.quadratic(), asgd.mse, x, y, lr=5, batch_size=3, epochs=200,
                     engine=engine)
        errors.append(info.value)
    assert str(errors[0]) == str(errors[1])
    assert same_bits(errors[0].trajectory, errors[1].trajectory)


def test_the_compiled_engine_refuses_what_it_cannot_reproduce():
    model = asgd.parse_model("w*x*exp(2)", "w")  # numpy takes exp(2) in float64, even in float32
    with pytest.raises(asgd.OptionError, match="cannot reproduce"):
        asgd.sgd(model, asgd.mse, np.arange(3.0), np.arange(3.0), lr=0.01, batch_size=3,
                 arithmetic="float32", engine="compiled")
    with pytest.raises(asgd.OptionError, match="float arithmetic"):
        asgd.sgd(asgd.linear(), asgd.mse, [0, 1], [1, 2], lr="0.1", batch_size=1,
                 arithmetic="exact", engine="compiled")
