"""Rich display in Jupyter: a Derivation as LaTeX and Markdown, a Trajectory as an HTML table.

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

import sys

from ..numeric.trajectory import Trajectory
from ..symbolic.derive import Derivation
from . import formula as fm
from .derivation import blocks, derivation_markdown
from .table import table_html

__all__ = ["register_notebook_display", "derivation_repr_latex"]


def derivation_repr_latex(d: Derivation) -> str:
    """``$$\\begin{aligned}...$$``: read by MathJax (Jupyter) and KaTeX (VS Code) alike."""
    rows = [row for block in blocks(d) for lhs, rhs, _ in block.rows for row in fm.tex_rows(lhs, rhs)]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def register_notebook_display(shell=None) -> bool:
    """Register the formatters with ``shell`` (default: the running IPython shell, if any);
    True when they were registered."""
    if shell is None:
        ipython = sys.modules.get("IPython")  # never imported here: only a running shell counts
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return False
    formatters = shell.display_formatter.formatters
    formatters["text/latex"].for_type(Derivation, derivation_repr_latex)
    formatters["text/markdown"].for_type(Derivation, derivation_markdown)
    formatters["text/html"].for_type(Trajectory, table_html)
    return True
