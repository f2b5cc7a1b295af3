"""A Derivation written out: text for a terminal, Markdown with ``$$`` blocks,
a LaTeX ``align*`` environment, and a JSON object.

The JSON object is ``{"model", "inputs", "params", "loss", "nodes": [{"name",
"expr", "op", "children", "per_sample"}], "local_derivatives": [{"of", "wrt",
"expr"}], "gradients": [{"param", "paths", "factors", "product",
"substituted", "closed_form", "closed_form_latex", "proved"}], "proof"}``;
expressions are strings as sympy's ``str()`` writes them.

>>> from analytic_sgd import derive, linear, mse
>>> print(derivation_text(derive(linear(), mse)).splitlines()[0])
Model  ŷ = b + w*x    inputs: x    parameters: w, b
"""

from __future__ import annotations

import json

import sympy as sp
from sympy.printing.str import StrPrinter

PROOF_METHOD = "expand(split sums of chain_rule - diff(l, p)) == 0, else simplify(...) == 0"

__all__ = ["derivation_text", "derivation_markdown", "derivation_latex", "derivation_dict",
           "derivation_json", "DERIVATION_FORMATS", "render_derivation", "expr_text",
           "partial_tex", "node_tex"]


class _TextPrinter(StrPrinter):
    """sympy's str() with x[i] written x_i, Σ_i for sums and ^ for powers."""

    printmethod = "_analytic_sgd_text"  # not Indexed's own _sympystr

    def _print_Indexed(self, expr) -> str:
        return f"{expr.base}_{expr.indices[0]}"

    def _print_Sum(self, expr) -> str:
        (index, _, _) = expr.limits[0]
        return f"Σ_{index} ({self._print(expr.function)})"


def expr_text(expr) -> str:
    """``expr`` for a terminal: ``2*Σ_i (x_i*(b + w*x_i - y_i))/n``."""
    return _TextPrinter().doprint(expr).replace("**", "^")


def _lhs(of, wrt) -> str:
    return f"d{of}/d{wrt}"


def partial_tex(of, wrt) -> str:
    return rf"\frac{{\partial {sp.latex(of)}}}{{\partial {sp.latex(wrt)}}}"


def node_tex(node) -> str:
    """``name &= expr`` of a node for an aligned block; the reduction as a factor times Σ."""
    if node.is_reduction:
        factor = "" if node.factor == 1 else sp.latex(node.factor) + " "
        return rf"{node.name} &= {factor}\sum_{{i=1}}^{{n}} {node.children[0]}_i"
    return rf"{node.name} &= {sp.latex(node.expr, order='none')}"


def _proof_line(d) -> str:
    names = ", ".join(f"dl/d{c.param}" for c in d.chains)
    status = "holds" if d.proved else "not checked"
    return f"Proof: chain rule minus sympy.diff(l) simplifies to 0 for {names}: {status}"


def derivation_text(d) -> str:
    """The derivation for a terminal, one section per step."""
    m = d.model
    lines = [
        f"Model  ŷ = {expr_text(m.expr)}    inputs: {', '.join(m.input_names)}    "
        f"parameters: {', '.join(m.param_names)}",
        f"Loss   {d.loss.name} ({d.loss.title}): {d.loss.text} = {expr_text(d.loss_expr)}",
        "",
        "Unit nodes (forward pass, for each sample i)",
    ]
    lines += [f"  {str(node).replace('**', '^')}" for node in d.graph.nodes]
    lines += ["", "Local derivatives (backward pass)"]
    lines += [f"  {_lhs(of, wrt)} = {expr_text(expr)}" for (of, wrt), expr in d.local.items()]
    for c in d.chains:
        p = c.param
        chain = " + ".join(
            "".join(f"({_lhs(a, b)})" for a, b in zip(path, path[1:])) for path in c.paths
        )
        factors = " + ".join("".join(f"({expr_text(f)})" for f in fs) for fs in c.factors)
        lines += [
            "",
            f"dl/d{p}",
            f"  chain rule   dl/d{p} = {chain}",
            f"  factors      = {factors}",
            f"  product      = {expr_text(c.outer)} · Σ_i ({expr_text(c.per_sample)})",
            f"  substituted  = {expr_text(c.outer_substituted)} · Σ_i ({expr_text(c.substituted)})",
            f"  closed form  dl/d{p} = {expr_text(c.closed_form)}",
        ]
    return "\n".join([*lines, "", _proof_line(d)]) + "\n"


def _align_rows(d) -> list[str]:
    rows = [rf"\hat y &= {sp.latex(d.model.expr, order='none')}", rf"l &= {sp.latex(d.loss_expr)}"]
    rows += [node_tex(node) for node in d.graph.nodes]
    rows += [rf"{partial_tex(of, wrt)} &= {sp.latex(expr)}" for (of, wrt), expr in d.local.items()]
    for c in d.chains:
        chain = " + ".join(
            "".join(partial_tex(a, b) for a, b in zip(path, path[1:])) for path in c.paths
        )
        rows += [
            rf"{partial_tex(d.graph.output.name, c.param)} &= {chain}",
            rf"&= {sp.latex(c.outer)} \sum_{{i=1}}^{{n}} {sp.latex(c.per_sample)}",
            rf"&= {sp.latex(c.outer_substituted)} \sum_{{i=1}}^{{n}} {sp.latex(c.substituted)}",
            rf"&= {sp.latex(c.closed_form)}",
        ]
    return rows


def derivation_latex(d) -> str:
    """An ``align*`` environment (needs amsmath) with nodes, local derivatives and chains."""
    body = " \\\\\n".join(_align_rows(d))
    return f"\\begin{{align*}}\n{body}\n\\end{{align*}}\n"


def derivation_markdown(d) -> str:
    """Markdown with one ``$$`` block per section."""

    def block(rows):
        return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"

    m = d.model
    parts = [
        f"## dl/dθ for ŷ = `{m.text}` with {d.loss.title} ({d.loss.name})",
        f"Inputs: {', '.join(m.input_names)}. Parameters: {', '.join(m.param_names)}.",
        "### Unit nodes",
        block([node_tex(node) for node in d.graph.nodes]),
        "### Local derivatives",
        block([rf"{partial_tex(of, wrt)} &= {sp.latex(e)}" for (of, wrt), e in d.local.items()]),
    ]
    chain_rows = _align_rows(d)[2 + len(d.graph.nodes) + len(d.local):]
    for k, c in enumerate(d.chains):
        parts += [f"### Chain rule for {c.param}", block(chain_rows[4 * k: 4 * k + 4])]
    parts.append(_proof_line(d))
    return "\n\n".join(parts) + "\n"


def derivation_dict(d) -> dict:
    """The JSON-ready dictionary described in the module docstring."""
    m = d.model
    return {
        "model": m.text,
        "inputs": list(m.input_names),
        "params": list(m.param_names),
        "loss": d.loss.name,
        "loss_expr": str(d.loss_expr),
        "nodes": [
            {
                "name": str(node.name),
                "expr": str(node.expr),
                "op": node.op,
                "children": [str(c) for c in node.children],
                "per_sample": node.per_sample,
            }
            for node in d.graph.nodes
        ],
        "local_derivatives": [
            {"of": str(of), "wrt": str(wrt), "expr": str(e)} for (of, wrt), e in d.local.items()
        ],
        "gradients": [
            {
                "param": c.param.name,
                "paths": [[str(s) for s in path] for path in c.paths],
                "factors": [[str(f) for f in fs] for fs in c.factors],
                "product": str(c.product),
                "substituted": str(c.outer_substituted * c.substituted),
                "closed_form": str(c.closed_form),
                "closed_form_latex": sp.latex(c.closed_form),
                "proved": c.proved,
            }
            for c in d.chains
        ],
        "proof": {"method": PROOF_METHOD, "holds": d.proved},
    }


def derivation_json(d) -> str:
    return json.dumps(derivation_dict(d), indent=2) + "\n"


DERIVATION_FORMATS = {"text": derivation_text, "markdown": derivation_markdown,
                      "latex": derivation_latex, "json": derivation_json}


def render_derivation(d, fmt: str = "text") -> str:
    """The derivation in format ``fmt``: text, markdown, latex or json."""
    return DERIVATION_FORMATS[fmt](d)
