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
>>> print(loss.splitlines()[-2])
\end{aligned} \tag{3}
"""

from __future__ import annotations

import sympy as sp

from . import derivation as rd
from . import formula as fm
from .mermaid import to_mermaid

__all__ = ["Equations", "display", "aligned", "equation", "model_and_loss", "unit_nodes",
           "local_derivatives", "chain_rule", "path_text"]

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


def equation(lhs, rhs: list) -> str:
    """``lhs = rhs[0] = rhs[1] ...`` in LaTeX: one line, or ``aligned`` rows when it is broken."""
    rows = fm.tex_rows(lhs, rhs)
    return rows[0].replace("&", "") if len(rows) == 1 else aligned(rows)


def model_and_loss(d, eq: Equations) -> list[str]:
    """The model (1) and the loss, defined once and written out for this model (2)."""
    m = d.model
    inputs, params = ", ".join(m.input_names), ", ".join(m.param_names)
    return [
        "## 1. Model and loss",
        f"The model predicts ŷ from the input{'s' if len(m.inputs) > 1 else ''} {inputs} with "
        f"the parameters {params}:",
        eq(equation(rd.yhat(), [fm.M(m.expr)])),
        f"The loss, the {d.loss.title} ({d.loss.name}), compares the predictions with the "
        "targets y over a batch of n samples i = 1, …, n:",
        eq(equation(fm.M(sp.Symbol("l")), [rd.loss_definition(d.loss), fm.M(d.loss_expr)])),
    ]


def unit_nodes(d, eq: Equations, note: str = "") -> list[str]:
    """The Mermaid graph and the node equations (``note``: a sentence after the equations)."""
    rows = rd.node_rows(d)
    per_sample = [fm.tex_rows(lhs, rhs)[0] for (lhs, rhs, _), node in zip(rows, d.graph.nodes)
                  if node.per_sample]
    batch = [fm.tex_rows(lhs, rhs)[0] for (lhs, rhs, _), node in zip(rows, d.graph.nodes)
             if not node.per_sample]
    names = ("The model's nodes are u1, u2, … in the order they are computed, r is the residual "
             "ŷ − y, s the loss term of a sample" + (", m the reduction before the outer "
                                                    "function" if len(batch) > 1 else "") + ".")
    return [
        "## 2. The graph of unit nodes",
        "The loss is computed by a chain of unit nodes, one operation each. Solid arrows are the "
        "forward pass (a node is computed from the nodes that point to it); dashed arrows are the "
        "backward pass, each labelled with the local derivative it carries (only the edges a "
        "path to a parameter walks). Parameters are orange, data blue.",
        "```mermaid\n" + to_mermaid(d) + "```",
        "Forward pass, for each sample i:",
        eq(aligned(per_sample)),
        "then once for the batch, summing over the samples:",
        eq(aligned(batch)),
        names + (f" {note}" if note else ""),
    ]


def local_derivatives(d, eq: Equations) -> list[str]:
    """One row per edge the chain rule walks, top down."""
    rows = [fm.tex_rows(fm.Partial(of, wrt), [fm.M(e)])[0] for (of, wrt), e in d.used_local.items()]
    return [
        "## 3. Local derivatives",
        "Each node is differentiated with respect to each of its inputs, the others held fixed. "
        "These are the labels of the dashed arrows:",
        eq(aligned(rows), "local"),
    ]


def path_text(path) -> str:
    return " → ".join(str(s) for s in path)


def chain_rule(d, eq: Equations) -> list[str]:
    """Per parameter: the paths, then the five steps of ``chain_steps`` as numbered equations.

    Labels the product equation of parameter p ``split:p`` (see ``first_step_section``)."""
    parts = ["## 4. The chain rule, parameter by parameter"]
    reduction = d.graph.reduction.name
    for k, c in enumerate(d.chains, start=1):
        p, top = c.param, d.graph.output.name
        lhs = fm.Partial(top, p)
        chain, factors, product, substituted, closed = rd.chain_steps(d.graph, c)
        paths = "; ".join(path_text(path) for path in c.paths)
        count = "One path leads" if len(c.paths) == 1 else f"{len(c.paths)} paths lead"
        how = "it" if len(c.paths) == 1 else "each path and adds the paths (in brackets)"
        start = eq.count + 1
        parts += [
            f"### 4.{k} The gradient for {p}",
            f"{count} from {top} down to {p}: {paths}. Below the reduction {reduction} every node "
            f"has one value per sample, so the chain rule sums over the samples i; it multiplies "
            f"the local derivatives along {how}:",
            eq(equation(lhs, [chain])),
            f"Taking each factor from ({eq.labels['local']}), at sample i:",
            eq(equation(lhs, [factors])),
            f"The factors at and above the reduction {reduction} are the same for every sample "
            "and move in front of the sum:",
            eq(equation(lhs, [product]), f"split:{p}"),
            "Writing the nodes back in terms of the inputs, the target and the parameters:",
            eq(equation(lhs, [substituted])),
            "and collecting the constants gives the closed form:",
            eq(equation(lhs, [closed])),
            f"Equations ({start})–({eq.count}) are one derivative written five ways; the "
            f"last is what the kernels compute.",
        ]
    names = ", ".join(f"∂l/∂{c.param}" for c in d.chains)
    status = ("holds: each closed form minus sympy's direct derivative of the loss simplifies to 0"
              if d.proved else "was not checked")
    parts.append(f"**Proof.** The chain rule for {names} {status}.")
    return parts
