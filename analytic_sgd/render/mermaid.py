"""The unit-node graph of a Derivation as a Mermaid flowchart.

Forward pass: a solid arrow from each child to the node computed from it.
Backward pass: a dashed arrow from each node to a child it depends on, labelled
with the local derivative in plain text (Mermaid labels cannot hold LaTeX).
Inputs and ``y`` sit inside a box "each sample i" with the per-sample nodes;
parameters and the batch nodes (the reduction and what follows it) sit outside.

Syntax relied on (and checked by the tests): node ids ``n_<name>``; labels in
double quotes with ``"``, ``<`` and ``>`` written as Mermaid entity codes;
``A --> B`` and ``A -.->|"label"| B``; ``subgraph id["title"]`` ... ``end``;
``classDef`` and ``class``.

>>> import analytic_sgd as asgd
>>> chart = to_mermaid(asgd.derive(asgd.linear(), asgd.mse))
>>> chart.splitlines()[0], '    n_l -.->|"∂l/∂s = 1/n"| n_s' in chart.splitlines()
('flowchart LR', True)
"""

from __future__ import annotations

from . import notation as nt

__all__ = ["to_mermaid", "label", "plain", "node_text", "with_values"]

PARAM_STYLE = "fill:#fde9d0,stroke:#c26b00,color:#000"
DATA_STYLE = "fill:#dcebfb,stroke:#2f6db5,color:#000"
NODE_STYLE = "fill:#f4f4f4,stroke:#555,color:#000"
_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}


def plain(expr, order: str | None = None) -> str:
    """``expr`` in plain text for a label: ``2·x_i``, powers as ``^``, sums as ``Σ_i``."""
    return nt.expr_text(expr, order).replace("*", "·")


def label(text: str) -> str:
    """``text`` as a quoted Mermaid label, with the characters that end a label escaped and
    each newline written ``<br>``."""
    return '"' + "".join(_ENTITIES.get(c, c) for c in text).replace("\n", "<br>") + '"'


def _id(symbol) -> str:
    return f"n_{symbol}"


def node_text(node) -> str:
    """``u2 = u1 + b``; the reduction as ``l = (1/n) Σ_i s_i``."""
    if node.is_reduction:
        factor = "" if node.factor == 1 else f"({str(node.factor).replace('*', '')}) "
        return f"{node.name} = {factor}Σ_i {node.children[0]}_i"
    return f"{node.name} = {plain(node.ordered, 'none')}"


def with_values(text: str, symbol, values) -> str:
    """``text`` of a node or leaf, with its value and ∂l/∂ of it on lines below (``values``:
    a ``NodeValues``, or None: the text alone)."""
    if values is None or symbol not in values.value:
        return text
    grad = values.grad.get(symbol)
    extra = f"value {nt.expr_text(values.value[symbol])}"
    return text + "\n" + extra + ("" if grad is None else f"\n∂l/∂{symbol} = {nt.expr_text(grad)}")


def to_mermaid(d, values=None) -> str:
    """A ``flowchart LR`` of ``d``'s unit nodes: forward edges and labelled backward edges; with
    ``values`` (a ``NodeValues``) each node and leaf also shows its value and ∂l/∂ of it."""
    graph = d.graph
    per_sample = [node for node in graph.nodes if node.per_sample]
    batch = [node for node in graph.nodes if not node.per_sample]
    data = [*graph.inputs, graph.target]
    title = "each sample i" if values is None else f"sample i = {values.sample}"
    lines = ["flowchart LR",
             "    %% solid: forward pass; dashed: backward pass, labelled with the local derivative",
             f'    subgraph sample["{title}"]']
    lines += [f"        {_id(s)}([{label(with_values(str(s), s, values))}])" for s in data]
    lines += [f"        {_id(node.name)}[{label(with_values(node_text(node), node.name, values))}]"
              for node in per_sample]
    lines.append("    end")
    lines += [f"    {_id(p)}([{label(with_values(str(p), p, values))}])" for p in graph.params]
    lines += [f"    {_id(node.name)}[{label(with_values(node_text(node), node.name, values))}]"
              for node in batch]
    lines += [f"    {_id(child)} --> {_id(node.name)}" for node in graph.nodes for child in node.children]
    lines += [f"    {_id(of)} -.->|{label(f'∂{of}/∂{wrt} = {plain(expr)}')}| {_id(wrt)}"
              for (of, wrt), expr in d.used_local.items()]
    lines += [f"    classDef param {PARAM_STYLE}", f"    classDef data {DATA_STYLE}",
              f"    classDef unit {NODE_STYLE}",
              f"    class {','.join(_id(p) for p in graph.params)} param",
              f"    class {','.join(_id(s) for s in data)} data",
              f"    class {','.join(_id(node.name) for node in graph.nodes)} unit"]
    return "\n".join(lines) + "\n"
