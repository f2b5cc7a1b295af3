"""The graph as DOT text (no extra needed) and SVG (extra ``graph``)."""

from __future__ import annotations

import re
import shutil
import sys

import pytest

import analytic_sgd as asgd
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render.dot import to_dot, to_svg
from analytic_sgd.render.node_values import node_values


def test_dot_has_every_node_and_edge():
    d = asgd.derive(asgd.quadratic(), asgd.rmse)
    dot = to_dot(d)
    assert dot.startswith("digraph unit_nodes {") and dot.rstrip().endswith("}")
    assert dot.count(" -> ") == sum(len(n.children) for n in d.graph.nodes) + len(d.used_local)
    assert len(re.findall(r"^  n_\w+ \[shape=", dot, re.M)) == len(d.graph.nodes) + 2 + 3
    assert "#555555" in dot and "#555\"" not in dot  # six hex digits, as Graphviz reads them


def test_dot_with_values_shows_value_and_gradient():
    problem = example_problem()
    dot = to_dot(problem.derivation(), node_values(problem, 3))
    assert 'label="w\\nvalue 0\\n∂l/∂w = -56/3"' in dot and "sample i = 3" in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")
def test_svg_is_drawn_by_graphviz():
    pytest.importorskip("graphviz")
    svg = to_svg(asgd.derive(asgd.linear(), asgd.mse))
    assert "<svg" in svg and "u1 = w·x" in svg


def test_svg_without_the_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(asgd.MissingExtraError, match=r"analytic-sgd\[graph\]"):
        to_svg(asgd.derive(asgd.linear(), asgd.mse))
