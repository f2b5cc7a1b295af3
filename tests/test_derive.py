import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.symbolic.derive import INDEX
from analytic_sgd.symbolic.model import symbol

n = sp.Symbol("n", integer=True, positive=True)
X, Y = sp.IndexedBase("x", real=True), sp.IndexedBase("y", real=True)
xi, yi = X[INDEX], Y[INDEX]
w, b, a, c = (symbol(s) for s in "wbac")


def mean(term):
    return sp.Sum(term, (INDEX, 1, n)) / n


def equal(lhs, rhs):
    return sp.simplify(lhs - rhs) == 0


def test_linear_mse_local_derivatives_and_paths():
    d = asgd.derive(asgd.linear(), asgd.mse)
    s = {name: symbol(name) for name in ("u1", "u2", "r", "s", "l", "w", "b", "x")}
    assert d.chain("w").paths == ((s["l"], s["s"], s["r"], s["u2"], s["u1"], s["w"]),)
    assert d.chain("w").factors == ((1 / n, 2 * s["r"], 1, 1, s["x"]),)
    assert d.chain("b").factors == ((1 / n, 2 * s["r"], 1, 1),)
    assert d.local[(s["l"], s["s"])] == 1 / n
    assert d.local[(s["s"], s["r"])] == 2 * s["r"]
    assert d.local[(s["u1"], s["w"])] == s["x"]


def test_only_the_local_derivatives_a_path_uses_are_used():
    d = asgd.derive(asgd.quadratic(), asgd.mse)
    u1, u2 = symbol("u1"), symbol("u2")
    assert (u2, u1) in d.local and (u2, u1) not in d.used_local  # u1 = x**2 leads to no parameter
    assert len(d.used_local) == len(d.local) - 1


def test_linear_mse_closed_forms_equal_the_hand_written_ones():
    d = asgd.derive(asgd.linear(), asgd.mse)
    residual = w * xi + b - yi
    assert equal(d.chain("w").closed_form, 2 * mean(residual * xi))
    assert equal(d.chain("b").closed_form, 2 * mean(residual))


def test_quadratic_mse_closed_forms_equal_the_hand_written_ones():
    d = asgd.derive(asgd.quadratic(), asgd.mse)
    residual = a * xi**2 + b * xi + c - yi
    assert equal(d.chain("a").closed_form, 2 * mean(residual * xi**2))
    assert equal(d.chain("b").closed_form, 2 * mean(residual * xi))
    assert equal(d.chain("c").closed_form, 2 * mean(residual))


def test_rmse_chains_through_the_square_root():
    d = asgd.derive(asgd.linear(), asgd.rmse)
    residual = w * xi + b - yi
    rms = sp.sqrt(mean(residual**2))
    assert equal(d.chain("b").closed_form, mean(residual) / rms)
    assert d.chain("b").factors[0][0] == 1 / (2 * sp.sqrt(symbol("m")))


def test_a_parameter_on_two_paths_sums_over_them():
    d = asgd.derive(asgd.parse_model("w*x + w**2", "w"), asgd.sse)
    chain = d.chain("w")
    assert len(chain.paths) == 2
    assert equal(chain.closed_form, sp.Sum(2 * (w * xi + w**2 - yi) * (xi + 2 * w), (INDEX, 1, n)))


MODELS = ["linear", "quadratic", "poly:0", "poly:3", "two-feature-linear"]
PARSED = [("w*exp(k*x)", "w k"), ("a*sin(k*x) + c", "a k c"), ("tanh(w*x + b)", "w b"),
          ("w/(1 + x**2) - sqrt(k)*x", "w k"), ("log(k*x + 1)*w", "w k"),
          ("abs(w*x) + b", "w b"), ("x**w**w", "w"), ("w**w*x", "w")]


@pytest.mark.parametrize("loss", ["mse", "rmse", "sse"])
@pytest.mark.parametrize("spec", MODELS + PARSED, ids=str)
def test_the_proof_holds_for_every_model_and_loss(spec, loss):
    model = asgd.model_from_name(*spec) if isinstance(spec, tuple) else asgd.model_from_name(spec)
    d = asgd.derive(model, loss)
    assert d.proved
    for chain, p in zip(d.chains, model.params):
        assert chain.param == p
        assert equal(chain.closed_form, sp.diff(d.loss_expr, p))


def test_a_wrong_chain_is_caught(monkeypatch):
    import importlib

    derive_module = importlib.import_module("analytic_sgd.symbolic.derive")  # the module, not the function

    real = derive_module._paths
    # forget every path but the first: w in w*x + w**2 then misses its second path
    monkeypatch.setattr(derive_module, "_paths", lambda g, s, t: real(g, s, t)[:1])
    with pytest.raises(asgd.DerivationError, match="bug"):
        asgd.derive(asgd.parse_model("w*x + w**2", "w"), asgd.mse)


def test_prove_false_skips_the_proof():
    d = asgd.derive(asgd.linear(), asgd.mse, prove=False)
    assert not d.proved


def test_a_node_using_a_parameter_twice_has_one_edge_to_it():
    d = asgd.derive(asgd.parse_model("w**w*x", "w"), asgd.mse)
    assert len(d.chain("w").paths) == 1  # a = w**w: da/dw = w**w*(log(w) + 1) covers both uses
