"""The handout's pictures: the loss and the fit as PNG ``data:`` URIs (extra ``plot``)."""

from __future__ import annotations

import base64
import io

from ..pictures.canvas import DPI
from ..pictures.plot import plot_fit, plot_loss

__all__ = ["data_uri", "pictures"]


def data_uri(fig) -> str:
    """``fig`` as a PNG ``data:`` URI (nothing is written to disk)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def pictures(problem, traj) -> list[tuple[str, str]]:
    """(caption, data URI) of the loss per step and of the fit as SGD goes."""
    return [("The loss at each step, before the update.", data_uri(plot_loss(problem, traj))),
            ("The data and the fitted curve at the start and after some steps.",
             data_uri(plot_fit(problem, traj)))]
