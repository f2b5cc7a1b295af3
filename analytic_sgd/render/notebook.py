"""Rich display in Jupyter: a Derivation as LaTeX and Markdown, a Chain as its five steps in
LaTeX, a Trajectory as an HTML table (an exact one in fractions), a Problem as a summary.

The classes live in lower layers that never import this one, so the display is attached
the way IPython attaches it to any type it does not own: by registering formatters with
the running shell. ``import analytic_sgd`` does this when IPython is running; call
``register_notebook_display(shell)`` for a shell started later.

>>> import analytic_sgd as asgd
>>> tex = derivation_repr_latex(asgd.derive(asgd.linear(), asgd.mse))
>>> tex.startswith("$$\\\\begin{aligned}"), tex.endswith("\\\\end{aligned}$$")
(True, True)
"""

from __future__ import annotations

import html
import sys

from ..numeric.trajectory import Trajectory
from ..problems.problem import Problem
from ..symbolic.derive import Chain, Derivation
from . import formula as fm
from .derivation import blocks, chain_steps, derivation_markdown
from .notation import expr_text
from .table import table_html

__all__ = ["running_shell", "register_notebook_display", "derivation_repr_latex", "chain_repr_latex",
           "problem_repr_html"]


def derivation_repr_latex(d: Derivation) -> str:
    """``$$\\begin{aligned}...$$``: read by MathJax (Jupyter) and KaTeX (VS Code) alike."""
    rows = [row for block in blocks(d) for lhs, rhs, _ in block.rows for row in fm.tex_rows(lhs, rhs)]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def chain_repr_latex(chain: Chain) -> str | None:
    """The chain rule of one parameter: its five steps, on the graph it was derived on (None,
    so that the plain repr shows, for a Chain made without its graph)."""
    if chain.graph is None:
        return None
    rows = fm.tex_rows(fm.Partial(chain.graph.output.name, chain.param),
                       chain_steps(chain.graph, chain))
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def problem_repr_html(problem: Problem) -> str:
    """A Problem as a short HTML summary: model, loss, data size, settings, start."""
    plan = problem.plan
    rows = [("model", f"ŷ = {expr_text(problem.model.expr)}"), ("loss", problem.loss.title),
            ("samples", str(len(problem.y))), ("learning rate", problem.settings.lr.text),
            ("batch size", str(plan.batch_size)), ("epochs", str(plan.epochs)),
            ("start", ", ".join(f"{k} = {v}" for k, v in problem.start.items()))]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table><caption>Problem {html.escape(problem.name)}</caption>{body}</table>"


def running_shell():
    """The running IPython shell, None when there is none (IPython is never imported here:
    only a shell already running counts)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def register_notebook_display(shell=None) -> bool:
    """Register the formatters with ``shell`` (default: the running IPython shell, if any);
    True when they were registered."""
    shell = running_shell() if shell is None else shell
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    formatters["text/latex"].for_type(Derivation, derivation_repr_latex)
    formatters["text/markdown"].for_type(Derivation, derivation_markdown)
    formatters["text/latex"].for_type(Chain, chain_repr_latex)
    formatters["text/html"].for_type(Trajectory, table_html)
    formatters["text/html"].for_type(Problem, problem_repr_html)
    return True
