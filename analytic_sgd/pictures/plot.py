"""The loss, fit and contour pictures of an SGD run (extra ``plot``: matplotlib, Agg canvas),
and the helpers the animation shares. ``analytic_sgd.pictures.plot`` (the package) picks
the picture by kind."""

from __future__ import annotations

import numpy as np

from ..errors import OptionError
from ..kernels.printers import numpy_function
from ..render.moment_section import optimum_on_data
from .canvas import figure, finish, title

__all__ = ["plot_loss", "plot_fit", "plot_contour", "default_steps", "predictor", "fit_axes",
           "clamp_ylim", "params_after", "full_loss"]

GRID = 60  # contour: the loss is computed on GRID x GRID parameter values


def plot_loss(problem, traj, out=None):
    """The loss at the parameters before each step; log scale when it spans over 100x."""
    fig = figure()
    ax = fig.add_subplot()
    loss = np.asarray(traj.loss, dtype=np.float64)
    steps = np.arange(1, len(loss) + 1)
    ax.plot(steps, loss, marker="o" if len(loss) <= 50 else None, ms=4, color="tab:blue",
            label=f"{problem.loss.name} of the batch")
    if loss.min() > 0 and loss.max() / loss.min() > 100:
        ax.set_yscale("log")
    ax.set(xlabel="step (one batch each)", ylabel=f"loss ({problem.loss.name}) before the step",
           title=title(problem, traj, "loss per step"))
    ax.set_xlim(0.5, len(loss) + 0.5)
    ax.grid(alpha=0.3)
    ax.legend()
    return finish(fig, out)


def predictor(problem):
    """``predict(x1_grid, params)``: the model on a grid of its first input, the other inputs
    held at their mean; and a label for the x axis."""
    model = problem.model
    f = numpy_function([*model.inputs, *model.params], model.expr)
    x = np.asarray(problem.x, dtype=np.float64).reshape(len(problem.y), -1)
    others = x[:, 1:].mean(axis=0)
    name = model.input_names[0]
    held = ", ".join(f"{n} = {v:.3g}" for n, v in zip(model.input_names[1:], others))
    constant = np.ptp(x[:, 1:], axis=0).max(initial=0) == 0
    xlabel = f"{name} ({held}{' for every sample' if constant else ', the mean'})" if held else name

    def predict(grid, params):
        values = f(grid, *others, *np.asarray(params, dtype=np.float64))
        return np.broadcast_to(np.asarray(values, dtype=np.float64), grid.shape)

    return predict, x[:, 0], np.asarray(problem.y, dtype=np.float64), xlabel


def default_steps(count: int) -> list[int]:
    """Start (0), then about four steps spaced geometrically up to the last one.

    >>> default_steps(100), default_steps(3)
    ([0, 1, 5, 22, 100], [0, 1, 2, 3])
    """
    if count < 1:
        return [0]
    return sorted({0, *np.unique(np.round(np.geomspace(1, count, 4)).astype(int)).tolist()})


def full_loss(problem, params) -> float:
    """The loss on all the data at ``params`` (float64 kernels)."""
    return float(problem.kernels("float64").loss(params, problem.x, problem.y))


def params_after(traj, step: int) -> np.ndarray:
    """The parameters after ``step`` (0: the start), as float64."""
    rows = traj.params[:1] if step == 0 else traj.updated[step - 1: step]
    return np.asarray(rows, dtype=np.float64)[0]


def fit_axes(ax, x, y, xlabel):
    pad = 0.05 * (np.ptp(x) or 1.0)
    grid = np.linspace(x.min() - pad, x.max() + pad, 200)
    ax.scatter(x, y, s=18, color="black", zorder=3, label="data")
    ax.set(xlabel=xlabel, ylabel="y", xlim=(grid[0], grid[-1]))
    ax.grid(alpha=0.3)
    return grid


def clamp_ylim(ax, y, curves):
    span = np.ptp(y) or 1.0
    lo = max(min(y.min(), *(c.min() for c in curves)), y.min() - span)
    hi = min(max(y.max(), *(c.max() for c in curves)), y.max() + span)
    ax.set_ylim(lo - 0.05 * span, hi + 0.05 * span)


def plot_fit(problem, traj, steps=None, out=None):
    """The data and the fitted curve at the start (step 0) and after each of ``steps``."""
    steps = default_steps(len(traj)) if steps is None else sorted(set(steps))
    bad = [s for s in steps if not 0 <= s <= len(traj)]
    if bad:
        raise OptionError(f"steps {bad} are out of range: the run has steps 0 (the start) to "
                          f"{len(traj)}")
    fig = figure()
    from matplotlib import colormaps

    ax = fig.add_subplot()
    predict, x, y, xlabel = predictor(problem)
    grid = fit_axes(ax, x, y, xlabel)
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, len(steps)))
    curves = []
    for step, color in zip(steps, colors):
        params = params_after(traj, step)
        curves.append(predict(grid, params))
        when = "start" if step == 0 else f"after step {step}"
        ax.plot(grid, curves[-1], color=color, lw=2,
                label=f"{when}: {problem.loss.name} {full_loss(problem, params):.4g}")
    clamp_ylim(ax, y, curves)
    ax.set_title(title(problem, traj, "the fit as SGD goes"))
    ax.legend(fontsize=8)
    return finish(fig, out)


def plot_contour(problem, traj, out=None):
    """The path of the two parameters over the contours of the loss on all the data."""
    names = problem.model.param_names
    if len(names) != 2:
        raise OptionError(f"--kind contour needs a model with two parameters; "
                          f"{problem.model.text} has {len(names)} ({', '.join(names)}); "
                          f"use --kind loss, fit or animation")
    path = np.vstack([np.asarray(traj.params[:1], np.float64),
                      np.asarray(traj.updated, np.float64)])
    points = path
    optimum = _optimum(problem)
    if optimum is not None:
        points = np.vstack([path, optimum])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.where(hi > lo, 0.15 * (hi - lo), 0.5 * np.maximum(np.abs(hi), 1.0))
    axes = [np.linspace(lo[j] - pad[j], hi[j] + pad[j], GRID) for j in range(2)]
    k = problem.kernels("float64")
    x, y = np.asarray(problem.x, np.float64), np.asarray(problem.y, np.float64)
    z = np.array([[k.loss((a, b), x, y) for a in axes[0]] for b in axes[1]], dtype=np.float64)
    fig = figure()
    ax = fig.add_subplot()
    zmin, zmax = float(np.nanmin(z)), float(np.nanmax(z))
    log = zmin > 0 and zmax / zmin > 50
    levels = np.geomspace(zmin, zmax, 16) if log else np.linspace(zmin, zmax, 16)
    filled = ax.contourf(axes[0], axes[1], z, levels=levels, cmap="viridis", alpha=0.85,
                         norm="log" if log else None)
    ax.contour(axes[0], axes[1], z, levels=levels, colors="white", linewidths=0.4)
    fig.colorbar(filled, ax=ax, label=f"{problem.loss.name} on all {len(y)} samples",
                 format="%.3g")
    ax.plot(path[:, 0], path[:, 1], "-o", color="crimson", ms=3, lw=1.5, label="SGD path")
    ax.plot(*path[0], "s", color="white", mec="black", ms=7, label="start")
    if optimum is not None:
        ax.plot(*optimum, "*", color="gold", mec="black", ms=13, label="least-squares optimum")
    ax.set(xlabel=names[0], ylabel=names[1], xlim=(axes[0][0], axes[0][-1]),
           ylim=(axes[1][0], axes[1][-1]), title=title(problem, traj, "path over the loss"))
    fig.legend(fontsize=8, loc="outside lower center", ncols=3)
    return finish(fig, out)


def _optimum(problem):
    found = optimum_on_data(problem)
    return None if found is None else np.asarray(found[0], dtype=np.float64)
