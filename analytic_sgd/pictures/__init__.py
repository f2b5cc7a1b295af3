"""Pictures of an SGD run (extra ``plot``: matplotlib, drawn on the Agg canvas).

=========  ==========================================================================
kind       picture
=========  ==========================================================================
loss       the loss per step (log scale when it spans more than two decades)
fit        the data and the fitted curve at the start and after chosen steps
contour    the parameter path over the contours of the loss on all the data
           (models with two parameters)
animation  a GIF of the fitted curve, step by step
=========  ==========================================================================

Every function returns the matplotlib ``Figure`` and, given ``out``, writes it
atomically (``analytic_sgd.files``): a failed picture never leaves a half-written file.
No pyplot state is touched, so the functions are safe in notebooks and threads.
matplotlib is imported only when a picture is drawn:

>>> KINDS
('loss', 'fit', 'contour', 'animation')
"""

from __future__ import annotations

from ..errors import OptionError
from .canvas import check_out

__all__ = ["KINDS", "draw"]

KINDS = ("loss", "fit", "contour", "animation")


def draw(kind: str, problem, out=None, *, arithmetic: str = "float64", steps=None):
    """Run ``problem`` in ``arithmetic`` and draw the picture ``kind`` (see KINDS)."""
    from .animation import animate_fit  # here: importing the package stays cheap
    from .plot import plot_contour, plot_fit, plot_loss

    if kind not in KINDS:
        raise OptionError.for_field("kind", kind, f"one of {', '.join(KINDS)}")
    if out is not None:
        check_out(out, (".gif",) if kind == "animation" else None)
    if kind == "contour" and len(problem.model.params) != 2:
        plot_contour(problem, None)  # raises the OptionError naming the other kinds
    traj = problem.run(arithmetic)
    if kind == "loss":
        return plot_loss(problem, traj, out)
    if kind == "fit":
        return plot_fit(problem, traj, steps, out)
    if kind == "contour":
        return plot_contour(problem, traj, out)
    if out is None:
        raise OptionError("an animation is written to a file: give out='name.gif'")
    return animate_fit(problem, traj, out)
