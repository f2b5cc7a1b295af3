import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.symbolic.model import symbol


def test_linear_mse_nodes_are_the_textbook_ones():
    g = asgd.build_graph(asgd.linear(), asgd.mse)
    assert [str(node) for node in g.nodes] == [
        "a = w*x", "c = a + b", "d = c - y", "e = d**2", "l = (1/n) Σ e"
    ]
    a, b, c, d, e, w, x, y = (symbol(s) for s in "abcdewxy")
    assert [node.expr for node in g.nodes[:4]] == [w * x, a + b, c - y, d**2]
    assert g.nodes[-1].expr == e / g.n
    assert [node.op for node in g.nodes] == ["mul", "add", "sub", "square", "mean"]


def test_node_names_avoid_inputs_params_and_reserved_letters():
    for model in (asgd.quadratic(), asgd.polynomial(10), asgd.two_feature_linear()):
        for loss in (asgd.mse, asgd.rmse):
            g = asgd.build_graph(model, loss)
            names = [node.name.name for node in g.nodes]
            assert names[-1] == "l"
            assert len(set(names)) == len(names)
            taken = set(model.input_names) | set(model.param_names) | {"y", "n", "i"}
            assert not taken & set(names)


def test_expanding_the_graph_gives_back_the_squared_residual():
    for model in (asgd.linear(), asgd.quadratic(), asgd.parse_model("w*exp(k*x)/(1 + x)", "w k")):
        g = asgd.build_graph(model, asgd.sse)
        e = g.reduction.children[0]
        assert sp.simplify(g.expand(e) - (model.expr - symbol("y")) ** 2) == 0


def test_rmse_adds_a_square_root_after_the_mean():
    g = asgd.build_graph(asgd.linear(), asgd.rmse)
    f, out = g.nodes[-2], g.nodes[-1]
    assert (f.op, out.op, str(out)) == ("mean", "sqrt", "l = sqrt(f)")
    assert not f.per_sample and not out.per_sample


def test_subtraction_and_division_are_their_own_nodes():
    g = asgd.build_graph(asgd.parse_model("w/x - k", "w k"), asgd.mse)
    assert [node.op for node in g.nodes][:2] == ["div", "sub"]
