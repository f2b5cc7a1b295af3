import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.symbolic.model import symbol


def test_linear_mse_nodes_are_the_textbook_ones():
    g = asgd.build_graph(asgd.linear(), asgd.mse)
    assert [str(node) for node in g.nodes] == [
        "u1 = w*x", "u2 = u1 + b", "r = u2 - y", "s = r**2", "l = (1/n) Σ s"
    ]
    u1, u2, r, s, b, w, x, y = (symbol(s) for s in ("u1", "u2", "r", "s", "b", "w", "x", "y"))
    assert [node.expr for node in g.nodes[:4]] == [w * x, u1 + b, u2 - y, r**2]
    assert g.nodes[-1].expr == s / g.n
    assert [node.op for node in g.nodes] == ["mul", "add", "sub", "square", "mean"]


def test_node_names_avoid_inputs_params_and_reserved_letters():
    for model in (asgd.quadratic(), asgd.polynomial(10), asgd.two_feature_linear()):
        for loss in (asgd.mse, asgd.rmse):
            g = asgd.build_graph(model, loss)
            names = [node.name.name for node in g.nodes]
            assert names[-1] == "l"
            assert len(set(names)) == len(names)
            taken = set(model.input_names) | set(model.param_names) | {"y", "n", "i", "d", "e"}
            assert not taken & set(names)
            roles = [n.rstrip("0123456789") for n in names[:-1]]
            assert set(roles) <= {"u", "r", "s", "m"}, names  # one letter per role, every model


def test_expanding_the_graph_gives_back_the_squared_residual():
    for model in (asgd.linear(), asgd.quadratic(), asgd.parse_model("w*exp(k*x)/(1 + x)", "w k")):
        g = asgd.build_graph(model, asgd.sse)
        e = g.reduction.children[0]
        assert sp.simplify(g.expand(e) - (model.expr - symbol("y")) ** 2) == 0


def test_rmse_adds_a_square_root_after_the_mean():
    g = asgd.build_graph(asgd.linear(), asgd.rmse)
    f, out = g.nodes[-2], g.nodes[-1]
    assert (f.op, out.op, str(out)) == ("mean", "sqrt", "l = sqrt(m)")
    assert not f.per_sample and not out.per_sample


def test_subtraction_and_division_are_their_own_nodes():
    g = asgd.build_graph(asgd.parse_model("w/x - k", "w k"), asgd.mse)
    assert [node.op for node in g.nodes][:2] == ["div", "sub"]


def test_a_role_letter_taken_by_the_model_passes_to_the_next_letter():
    g = asgd.build_graph(asgd.parse_model("u*x + r", "u r"), asgd.mse)
    assert [str(node) for node in g.nodes] == ["z1 = u*x", "z2 = z1 + r", "q = z2 - y",
                                               "s = q**2", "l = (1/n) Σ s"]


def test_a_model_with_exp_has_no_node_that_reads_as_eulers_e():
    g = asgd.build_graph(asgd.parse_model("w*exp(k*x)", "w k"), asgd.mse)
    assert [str(node.name) for node in g.nodes] == ["u1", "u2", "u3", "r", "s", "l"]
