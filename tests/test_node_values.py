"""Every node's value and ∂l/∂node at one sample: checked against the table's first row and
against sympy's derivative of the batch loss with respect to one sample's data."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from analytic_sgd.errors import OptionError
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render.node_values import node_values, read_at


@pytest.mark.parametrize("loss", ["mse", "sse", "half-mse", "rmse"])
def test_the_shares_of_a_batch_add_up_to_the_first_row_of_the_table(loss):
    problem = example_problem("worked-linear", loss=loss)
    first = problem.kernels("exact").loss_and_grad([0, 0], problem.x[:3], problem.y[:3])
    for sample in (1, 2, 3):
        v = node_values(problem, sample)
        assert v.batch == (1, 2, 3)
        assert sp.simplify(v.value[v.graph.output.name] - first[0]) == 0
        assert [sp.simplify(g - e) for g, e in zip(v.batch_grad.values(), first[1])] == [0, 0]
    shares = [node_values(problem, k).grad for k in (1, 2, 3)]
    for p, total in node_values(problem, 1).batch_grad.items():
        assert sp.simplify(sum(s[p] for s in shares) - total) == 0


def test_the_gradient_of_a_sample_s_data_is_the_derivative_of_the_batch_loss():
    problem = example_problem("worked-linear", init={"w": "1/2", "b": "-1"})
    X, Y = sp.symbols("X Y")
    w, b = sp.Rational(1, 2), sp.Integer(-1)
    for sample in (1, 2, 3):
        xs = [sp.Integer(v) for v in range(3)]
        ys = [sp.Integer(2 * v + 10) for v in range(3)]
        xs[sample - 1], ys[sample - 1] = X, Y
        loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / 3
        at = {X: sample - 1, Y: 2 * (sample - 1) + 10}
        v = node_values(problem, sample)
        g = v.graph
        assert v.grad[g.inputs[0]] == sp.diff(loss, X).subs(at)
        assert v.grad[g.target] == sp.diff(loss, Y).subs(at)


def test_at_sets_the_parameters_exactly():
    problem = example_problem("worked-linear")
    v = node_values(problem, 2, read_at("w=0.5,b=-1", ("w", "b")))
    assert str(v.value[v.graph.nodes[0].name]) == "1/2"  # u1 = w*x at x = 1
    with pytest.raises(OptionError, match="not a parameter"):
        read_at("q=1", ("w", "b"))
    with pytest.raises(OptionError, match="NAME=VALUE"):
        read_at("w", ("w", "b"))
    with pytest.raises(OptionError, match="sample"):
        node_values(problem, 10)


def test_a_shuffled_plan_takes_the_batch_that_holds_the_sample():
    problem = example_problem("worked-linear", shuffle=True, seed=1)
    first = [list(map(int, b)) for b in problem.plan.batches(9)[0]]
    v = node_values(problem, 5)
    assert 5 in v.batch and sorted(k - 1 for k in v.batch) in [sorted(b) for b in first]


def test_derive_prints_the_values_in_every_format(capsys):
    from analytic_sgd.cli import main as cli

    assert cli(["derive", "--sample", "2"]) == 0
    out = capsys.readouterr().out
    assert "Values at sample 2 (batch of samples 1, 2, 3)" in out and "-80/3" in out
    assert cli(["derive", "--sample", "2", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("```mermaid") and "r = u2 - y<br>value -12<br>∂l/∂r = -8" in out
    assert cli(["derive", "--at", "w=1", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sample"] == 1 and doc["batch_grad"] == {"w": "-70/3", "b": "-22"}  # r = -10, -11, -12
    assert cli(["derive", "--sample", "2", "--format", "dot"]) == 0
    assert 'label="r = u2 - y\\nvalue -12\\n∂l/∂r = -8"' in capsys.readouterr().out
    assert cli(["derive", "--sample", "2", "--format", "latex"]) == 2
    assert cli(["derive", "--sample", "x"]) == 2
    assert "--sample" in capsys.readouterr().err
