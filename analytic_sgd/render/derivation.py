r"""A Derivation written out: text for a terminal, Markdown with ``$$`` blocks, LaTeX, JSON.

Every format shows the same steps in the same order, built once as formulas
(``analytic_sgd.render.formula``): the model, the loss (defined once), the unit nodes,
the local derivatives a path uses, and for each parameter the chain rule (with its Σ
over the samples), the factors, the product, the product in the leaves, and the closed
form; then the proof. Per-sample quantities carry their index (``r_i``, ``u_{1,i}``,
``x_i``); a sum over several paths is bracketed.

The JSON object is ``{"model", "inputs", "params", "loss", "loss_expr", "nodes": [{"name",
"expr", "op", "children", "per_sample"}], "local_derivatives": [{"of", "wrt", "expr"}],
"gradients": [{"param", "paths", "factors", "product", "substituted", "closed_form",
"closed_form_latex", "proved"}], "proof"}``; expressions are strings as sympy's ``str()``
writes them.

>>> from analytic_sgd import derive, linear, mse
>>> lines = derivation_text(derive(linear(), mse)).splitlines()
>>> lines[0]
'Model  ŷ = b + w*x    inputs: x    parameters: w, b'
>>> [line for line in lines if "factors" in line][0]
'  factors      = Σ_i [(1/n) · (2*r_i) · 1 · 1 · x_i]'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..conventions.loss import RESIDUAL
from ..errors import OptionError
from ..symbolic.derive import INDEX
from . import formula as fm
from . import formula_mathml as fmm
from . import latex_document as ld
from . import notation as nt
from .derivation_json import derivation_dict, derivation_json
from .notation import expr_text

__all__ = ["derivation_text", "derivation_markdown", "derivation_latex", "derivation_dict",
           "derivation_json", "DERIVATION_FORMATS", "render_derivation", "expr_text",
           "partial_tex", "Block", "blocks", "chain_steps", "loss_definition", "yhat",
           "STEP_LABELS", "proof_line", "node_rows"]

STEP_LABELS = ("chain rule", "factors", "product", "substituted", "closed form")


@dataclass(frozen=True)
class Block:
    """A titled group of equations: rows of (left side, right sides, label)."""

    title: str
    rows: list


def partial_tex(of, wrt) -> str:
    return fm.tex(fm.Partial(of, wrt))


def yhat() -> fm.M:
    return fm.M(sp.Symbol(nt.HAT, real=True))


def loss_definition(loss) -> fm.Named:
    """``l``'s definition from the Loss's fields: factor, Σ, term of ŷ_i - y_i, outer function."""
    i_th = sp.IndexedBase(nt.HAT, real=True)[INDEX]
    y_i = sp.IndexedBase("y", real=True)[INDEX]
    term = loss.term.expr.xreplace({RESIDUAL: sp.Add(i_th, -y_i, evaluate=False)})
    factor = loss.factor()
    inner = fm.Sigma(fm.M(term, keep_order=True))
    inner = inner if factor == 1 else fm.Seq([fm.M(factor), inner])
    mark = sp.Symbol("QQQ")
    mml = nt.expr_mathml(loss.apply_outer(mark)).replace("<mi>QQQ</mi>", fmm.mathml(inner))
    return fm.Named(loss.outer.text(fm.text(inner)), loss.outer.latex(fm.tex(inner)), mml)


def node_rows(d) -> list:
    """One row per node: ``u1 = w x`` (operands in computed order); the reduction as Σ_i."""
    rows = []
    for node in d.graph.nodes:
        if node.is_reduction:
            body = fm.Sigma(fm.M(nt.indexed(d.graph, node.children[0])))
            rhs = body if node.factor == 1 else fm.Seq([fm.M(node.factor), body])
        else:
            rhs = fm.M(node.ordered, keep_order=True)
        rows.append((fm.M(node.name), [rhs], ""))
    return rows


def _split_closed(expr):
    """The closed form as (what multiplies the sum) · Σ_i (its summand), when it has one sum."""
    sums = [a for a in sp.Mul.make_args(expr) if isinstance(a, sp.Sum)]
    if len(sums) != 1:
        return fm.M(expr)
    rest = sp.Mul(*(a for a in sp.Mul.make_args(expr) if a is not sums[0]))
    body = fm.Sigma(fm.M(sums[0].function))
    return body if rest == 1 else fm.Seq([fm.M(rest), body])


def _times_sum(outer, body):
    return fm.Sigma(body) if outer == 1 else fm.Seq([fm.M(outer), fm.Sigma(body)])


def chain_steps(g, c) -> list:
    """The five right-hand sides of ∂l/∂p on the graph ``g``: chain rule, factors, product,
    substituted, closed form."""
    split = c.paths[0].index(g.reduction.name)  # edges before it are batch-level, the same on every path

    def ix(s):
        return nt.indexed(g, s)

    top_edges = list(zip(c.paths[0][:split], c.paths[0][1: split + 1]))
    partials = [fm.Partial(ix(a), ix(b)) for a, b in top_edges]
    per_path = [fm.Seq([fm.Partial(ix(a), ix(b)) for a, b in list(zip(path, path[1:]))[split:]])
                for path in c.paths]
    chain = fm.Seq([*partials, fm.Sigma(fm.Seq(per_path, "+") if len(per_path) > 1 else per_path[0])])
    top_values = [fm.M(v) for v in c.factors[0][:split]]
    per_factors = [fm.Factors([fm.M(ix(v)) for v in f[split:]]) for f in c.factors]
    factors = fm.Seq([*top_values, fm.Sigma(fm.Seq(per_factors, "+") if len(per_factors) > 1
                                            else per_factors[0])])
    product = _times_sum(c.outer, fm.M(ix(c.per_sample)))
    substituted = _times_sum(c.outer_substituted, fm.M(ix(c.substituted)))
    return [chain, factors, product, substituted, _split_closed(c.closed_form)]


def blocks(d) -> list[Block]:
    """The derivation as titled blocks of equations, in the order every format shows them."""
    m = d.model
    out = [Block("Model", [(yhat(), [fm.M(m.expr)], "")]),
           Block(f"Loss: {d.loss.title} ({d.loss.name})",
                 [(fm.M(sp.Symbol("l")), [loss_definition(d.loss), fm.M(d.loss_expr)], "")]),
           Block("Unit nodes (forward pass)", node_rows(d)),
           Block("Local derivatives the chain rule uses (backward pass)",
                 [(fm.Partial(of, wrt), [fm.M(e)], "") for (of, wrt), e in d.used_local.items()])]
    for c in d.chains:
        steps = chain_steps(d.graph, c)
        out.append(Block(f"Chain rule for {c.param}",
                         [(fm.Partial(d.graph.output.name, c.param), steps, STEP_LABELS)]))
    return out


def proof_line(d) -> str:
    names = ", ".join(f"∂l/∂{c.param}" for c in d.chains)
    status = "holds" if d.proved else "not checked"
    return f"Proof: chain rule minus sympy.diff(l) simplifies to 0 for {names}: {status}"


def derivation_text(d) -> str:
    """The derivation for a terminal, one section per step."""
    m = d.model
    loss = loss_definition(d.loss)
    lines = [f"Model  ŷ = {expr_text(m.expr)}    inputs: {', '.join(m.input_names)}    "
             f"parameters: {', '.join(m.param_names)}",
             f"Loss   {d.loss.name} ({d.loss.title}): l = {loss.text} = {expr_text(d.loss_expr)}"]
    for block in blocks(d)[2:]:
        lines += ["", block.title]
        for lhs, rhs, labels in block.rows:
            if not labels:
                lines += [f"  {fm.text(lhs)} = {fm.text(r)}" for r in rhs]
                continue
            for k, (label, r) in enumerate(zip(labels, rhs)):
                head = f"{fm.text(lhs)} = " if k in (0, len(rhs) - 1) else "= "
                lines.append(f"  {label.ljust(12)} {head}{fm.text(r)}")
    return "\n".join([*lines, "", proof_line(d)]) + "\n"


def _rows_tex(block: Block, budget: float) -> list[str]:
    rows = []
    for lhs, rhs, _ in block.rows:
        rows += fm.tex_rows(lhs, rhs, budget)
    return rows


def latex_sections(d, budget: float = fm.BUDGET) -> list[tuple[str, str]]:
    """(title, ``align*`` environment) per block, and the proof as the last section's text."""
    out = []
    for block in blocks(d):
        body = " \\\\\n".join(_rows_tex(block, budget))
        out.append((block.title, f"\\begin{{align*}}\n{body}\n\\end{{align*}}"))
    return out


def derivation_latex(d, standalone: str | None = None) -> str:
    """Short ``align*`` blocks, one per step of the derivation, each under a bold title; needs
    amsmath only. ``\\allowdisplaybreaks`` lets long blocks break across pages. With
    ``standalone`` ("article" or "beamer") a complete document."""
    if standalone is not None:
        title = (f"∂l/∂θ by the chain rule: the {d.loss.title} of a model with the parameters "
                 f"{', '.join(d.model.param_names)}")
        return ld.standalone(latex_sections(d), standalone, title, proof_line(d))
    parts = ["\\allowdisplaybreaks"]
    for title, body in latex_sections(d):
        parts.append(f"\\noindent\\textbf{{{ld.tex_text(title)}}}\n{body}")
    parts.append(ld.tex_text(proof_line(d)) + "\n")
    return "\n\n".join(parts)


def derivation_markdown(d) -> str:
    """Markdown with one ``$$`` block per section, in the order of ``blocks``."""
    m = d.model
    parts = [f"## ∂l/∂θ for ŷ = `{expr_text(m.expr)}` with {d.loss.title} ({d.loss.name})",
             f"Inputs: {', '.join(m.input_names)}. Parameters: {', '.join(m.param_names)}."]
    for block in blocks(d):
        rows = " \\\\\n".join(_rows_tex(block, fm.BUDGET))
        parts += [f"### {block.title}", "$$\n\\begin{aligned}\n" + rows + "\n\\end{aligned}\n$$"]
    parts.append(proof_line(d))
    return "\n\n".join(parts) + "\n"


DERIVATION_FORMATS = {"text": derivation_text, "markdown": derivation_markdown,
                      "latex": derivation_latex, "json": derivation_json}


def render_derivation(d, fmt: str = "text", standalone: str | None = None) -> str:
    """The derivation in format ``fmt``: text, markdown, latex or json; a LaTeX document of
    kind ``standalone`` (article, beamer) when given."""
    if standalone is not None:
        if fmt != "latex":
            raise OptionError.for_field("standalone", standalone, "used with the latex format only")
        return derivation_latex(d, standalone)
    return DERIVATION_FORMATS[fmt](d)
