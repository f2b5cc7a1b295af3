"""The unit-node graph as Graphviz DOT text, and as SVG with the ``graphviz`` package.

Like micrograd's ``draw_dot``: one box per node, and with ``values`` (a ``NodeValues``)
each box also shows the node's value and ∂l/∂ of it at one sample. Solid edges are the
forward pass; dashed edges the backward pass, labelled with the local derivative.
The DOT text needs nothing; SVG needs the extra ``graph`` (the ``graphviz`` package and
Graphviz's ``dot`` program).

>>> import analytic_sgd as asgd
>>> dot = to_dot(asgd.derive(asgd.linear(), asgd.mse))
>>> dot.splitlines()[0], '  n_u1 -> n_w [style=dashed, label="∂u1/∂w = x"];' in dot
('digraph unit_nodes {', True)
"""

from __future__ import annotations

from ..errors import MissingExtraError
from .mermaid import DATA_STYLE, NODE_STYLE, PARAM_STYLE, node_text, plain, with_values

__all__ = ["to_dot", "to_svg"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _hex6(color: str) -> str:
    """``#555`` as ``#555555``: Graphviz reads six hex digits only."""
    return "#" + "".join(c * 2 for c in color[1:]) if len(color) == 4 else color


def _colors(style: str) -> str:
    fill = _hex6(style.split("fill:")[1].split(",")[0])
    stroke = _hex6(style.split("stroke:")[1].split(",")[0])
    return f'style=filled, fillcolor="{fill}", color="{stroke}"'


def to_dot(d, values=None) -> str:
    """DOT text of ``d``'s graph, with the values and gradients of ``values`` when given."""
    g = d.graph
    title = "each sample i" if values is None else f"sample i = {values.sample}"
    lines = ["digraph unit_nodes {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];',
             f"  label={_quote('unit nodes, ' + title)};"]
    for s in [*g.inputs, g.target]:
        lines.append(f"  n_{s} [shape=ellipse, {_colors(DATA_STYLE)}, "
                     f"label={_quote(with_values(str(s), s, values))}];")
    for p in g.params:
        lines.append(f"  n_{p} [shape=ellipse, {_colors(PARAM_STYLE)}, "
                     f"label={_quote(with_values(str(p), p, values))}];")
    for node in g.nodes:
        lines.append(f"  n_{node.name} [shape=box, {_colors(NODE_STYLE)}, "
                     f"label={_quote(with_values(node_text(node), node.name, values))}];")
    lines += [f"  n_{child} -> n_{node.name};" for node in g.nodes for child in node.children]
    lines += [f"  n_{of} -> n_{wrt} [style=dashed, label={_quote(f'∂{of}/∂{wrt} = {plain(e)}')}];"
              for (of, wrt), e in d.used_local.items()]
    return "\n".join([*lines, "}"]) + "\n"


def to_svg(d, values=None) -> str:
    """The graph as SVG text, drawn by Graphviz (extra ``graph``)."""
    try:
        import graphviz
    except ImportError:
        raise MissingExtraError("SVG needs the graphviz package and Graphviz's dot program; "
                                "install them with pip install 'analytic-sgd[graph]' and your "
                                "system's graphviz (or use --format dot)") from None
    try:
        return graphviz.Source(to_dot(d, values)).pipe(format="svg").decode("utf-8")
    except graphviz.ExecutableNotFound:
        raise MissingExtraError("SVG needs Graphviz's dot program (the system package graphviz); "
                                "use --format dot for the DOT text") from None
