r"""A Derivation written out like a textbook page: Markdown sections with numbered equations.

Each display is a ``$$`` block ending in ``\tag{k}`` (one number per block,
``aligned`` inside for several rows), as GitHub's math renderer accepts. No line
inside a block starts with a character Markdown would read as a list, quote or
heading. ``Equations`` hands out the numbers so that prose can refer to them.

>>> import analytic_sgd as asgd
>>> eq = Equations()
>>> print(eq(r"\hat y = w x + b"))
$$
\hat y = w x + b \tag{1}
$$
>>> loss = model_and_loss(asgd.derive(asgd.linear(), asgd.mse), eq)[-1]
>>> loss.splitlines()[1].endswith(r"\left(b + w {x}_{i} - {y}_{i}\right)^{2}}{n} \tag{3}")
True
"""

from __future__ import annotations

import sympy as sp

from . import derivation as rd
from .mermaid import to_mermaid

__all__ = ["Equations", "display", "model_and_loss", "unit_nodes", "local_derivatives",
           "chain_rule", "path_text", "factors_tex"]

_UNSAFE_START = ("-", "+", "*", ">", "#", "=", "|", "~", "`")


def display(body: str, tag: int | None = None) -> str:
    """``body`` as a ``$$`` block, numbered when ``tag`` is given."""
    lines = [("{}" + line if line.lstrip().startswith(_UNSAFE_START) or line[:1].isdigit()
              else line) for line in body.strip().split("\n")]
    if tag is not None:
        lines[-1] += rf" \tag{{{tag}}}"
    return "$$\n" + "\n".join(lines) + "\n$$"


def aligned(rows: list[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


class Equations:
    """Numbers display equations 1, 2, ...; ``eq(body)`` returns the numbered block and
    ``eq(body, label)`` also remembers its number in ``eq.labels[label]``."""

    def __init__(self) -> None:
        self.count = 0
        self.labels: dict[str, int] = {}

    def __call__(self, body: str, label: str | None = None) -> str:
        self.count += 1
        if label is not None:
            self.labels[label] = self.count
        return display(body, self.count)


def _d(of, wrt) -> str:
    return rd.partial_tex(of, wrt)


def model_and_loss(d, eq: Equations) -> list[str]:
    """The model (1), the loss's definition and its value for this model (2)."""
    m = d.model
    inputs, params = ", ".join(m.input_names), ", ".join(m.param_names)
    return [
        "## 1. Model and loss",
        f"The model predicts ŷ from the input{'s' if len(m.inputs) > 1 else ''} {inputs} with "
        f"the parameters {params}:",
        eq(rf"\hat y = {sp.latex(m.expr, order='none')}"),
        f"The loss, the {d.loss.title} ({d.loss.name}), compares the predictions with the "
        "targets y over a batch of n samples i = 1, …, n:",
        eq(rf"l = {d.loss.latex} = {sp.latex(d.loss_expr)}"),
    ]


def unit_nodes(d, eq: Equations) -> list[str]:
    """The Mermaid graph and the node equations."""
    per_sample = [rd.node_tex(n) for n in d.graph.nodes if n.per_sample]
    batch = [rd.node_tex(n) for n in d.graph.nodes if not n.per_sample]
    return [
        "## 2. The graph of unit nodes",
        "The loss is computed by a chain of unit nodes, one operation each. Solid arrows are the "
        "forward pass (a node is computed from the nodes that point to it); dashed arrows are the "
        "backward pass, each labelled with the local derivative it carries. Parameters are "
        "orange, data blue.",
        "```mermaid\n" + to_mermaid(d) + "```",
        "Forward pass, for each sample i:",
        eq(aligned(per_sample)),
        "then once for the batch:",
        eq(aligned(batch)),
    ]


def local_derivatives(d, eq: Equations) -> list[str]:
    """One row per edge of the backward pass, top down."""
    rows = [rf"{_d(of, wrt)} &= {sp.latex(e)}" for (of, wrt), e in d.local.items()]
    return [
        "## 3. Local derivatives",
        "Each node is differentiated with respect to each of its inputs, the others held fixed. "
        "These are the labels of the dashed arrows:",
        eq(aligned(rows), "local"),
    ]


def path_text(path) -> str:
    return " → ".join(str(s) for s in path)


def factors_tex(factors) -> str:
    """The local derivatives of one path as a product, sums in parentheses."""
    return r" \cdot ".join(rf"\left({sp.latex(f)}\right)" if f.is_Add else sp.latex(f)
                           for f in factors)


def chain_rule(d, eq: Equations) -> list[str]:
    """Per parameter: the paths, the chain rule, the product, the split at Σ, the closed form.

    Labels the split equation of parameter p ``split:p`` (see ``first_step_section``)."""
    parts = ["## 4. The chain rule, parameter by parameter"]
    reduction = d.graph.reduction.name
    for k, c in enumerate(d.chains, start=1):
        p, top = c.param, d.graph.output.name
        paths = "; ".join(path_text(path) for path in c.paths)
        count = "One path leads" if len(c.paths) == 1 else f"{len(c.paths)} paths lead"
        chain = " + ".join("".join(_d(a, b) for a, b in zip(path, path[1:])) for path in c.paths)
        product = " + ".join(factors_tex(f) for f in c.factors)
        start = eq.count + 1
        parts += [
            f"### 4.{k} The gradient for {p}",
            f"{count} from {top} down to {p}: {paths}. The chain rule multiplies the local "
            f"derivatives along {'it' if len(c.paths) == 1 else 'each path and adds the paths'}:",
            eq(rf"{_d(top, p)} = {chain}"),
            f"Taking each factor from ({eq.labels['local']}):",
            eq(rf"{_d(top, p)} = {product}"),
            f"The factors at and above the reduction {reduction} apply once to the batch; the "
            "rest are taken for each sample and summed:",
            eq(rf"{_d(top, p)} = {sp.latex(c.outer)} \sum_{{i=1}}^{{n}} {sp.latex(c.per_sample)}",
               f"split:{p}"),
            "Writing the nodes back in terms of the inputs, the target and the parameters gives "
            "the closed form:",
            eq(rf"{_d(top, p)} = {sp.latex(c.closed_form)}"),
            f"Equations ({start})–({eq.count}) are one derivative written four ways; the "
            f"last is what the kernels compute.",
        ]
    names = ", ".join(f"∂l/∂{c.param}" for c in d.chains)
    status = ("holds: each closed form minus sympy's direct derivative of the loss simplifies to 0"
              if d.proved else "was not checked")
    parts.append(f"**Proof.** The chain rule for {names} {status}.")
    return parts
