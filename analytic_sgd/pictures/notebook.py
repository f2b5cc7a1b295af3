"""Pictures in Jupyter without ``%matplotlib inline``: a matplotlib ``Figure`` shows as PNG.

The pictures are Figures made without pyplot (``pictures.canvas``), which IPython would
print as ``<Figure size 600x400 with 1 Axes>``. ``register_figure_display`` gives the
running shell a PNG formatter for the Figure type, by name, so matplotlib is not imported
until a Figure is shown; ``import analytic_sgd`` calls it when IPython is running.

>>> register_figure_display(None) in (True, False)
True
"""

from __future__ import annotations

import io

from ..render.notebook import running_shell
from .canvas import DPI

__all__ = ["figure_png", "register_figure_display"]


def figure_png(fig) -> bytes:
    """``fig`` as PNG bytes, as a notebook shows it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def register_figure_display(shell=None) -> bool:
    """Register the PNG formatter with ``shell`` (default: the running IPython shell); True
    when it was registered."""
    shell = running_shell() if shell is None else shell
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type_by_name(
        "matplotlib.figure", "Figure", figure_png)
    return True
