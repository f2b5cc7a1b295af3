"""A GIF of the fitted curve, step by step (extra ``plot``; written with Pillow, which
matplotlib brings). The first frame is the start, the last the final parameters."""

from __future__ import annotations

import numpy as np

from .canvas import check_out, figure, save
from .plot import clamp_ylim, fit_axes, full_loss, params_after, predictor

__all__ = ["animate_fit"]


def animate_fit(problem, traj, out, *, frames: int = 40, fps: int = 4):
    """A GIF of the data and the fitted curve at the start and after each step (at most
    ``frames`` frames, the first and the last always among them). Returns the Figure."""
    check_out(out, (".gif",))
    fig = figure((5.5, 3.8), layout=None)  # a fixed layout: laying out every frame is slow
    from matplotlib.animation import FuncAnimation, PillowWriter

    fig.subplots_adjust(left=0.11, right=0.97, top=0.91, bottom=0.13)
    ax = fig.add_subplot()
    predict, x, y, xlabel = predictor(problem)
    grid = fit_axes(ax, x, y, xlabel)
    shown = np.unique(np.linspace(0, len(traj), min(frames, len(traj) + 1)).round().astype(int))
    curves = [predict(grid, params_after(traj, s)) for s in shown]
    clamp_ylim(ax, y, curves)
    ax.plot(grid, curves[0], color="gray", lw=1, ls="--", label="start")
    (line,) = ax.plot(grid, curves[0], color="crimson", lw=2, label="fit")
    ax.legend(fontsize=8, loc="upper left")
    loss = [full_loss(problem, params_after(traj, s)) for s in shown]

    def draw(k):
        when = f"after step {shown[k]} of {len(traj)}" if shown[k] else "start"
        line.set_ydata(curves[k])
        ax.set_title(f"{problem.name}: {when}, {problem.loss.name} {loss[k]:.4g}", fontsize=10)
        return (line,)

    animation = FuncAnimation(fig, draw, frames=len(shown), blit=False)
    save(fig, out, writer=lambda tmp: animation.save(tmp, writer=PillowWriter(fps=fps), dpi=80))
    return fig
