"""The canvas of the pictures: a matplotlib Figure on the Agg canvas (no pyplot state),
and atomic writing (``analytic_sgd.files``: a temporary file in the target folder, then a
rename).

>>> check_out("/no/such/dir/loss.png")
Traceback (most recent call last):
...
analytic_sgd.errors.OptionError: cannot write /no/such/dir/loss.png: the folder /no/such/dir does not exist
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MissingExtraError, OptionError
from ..files import write_atomic

__all__ = ["figure", "check_out", "save", "title", "finish", "SIZE", "DPI"]

SIZE, DPI = (6.0, 4.0), 100


def figure(size=SIZE, layout: str | None = "constrained"):
    """An empty Figure of ``size`` inches; MissingExtraError without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("pictures need matplotlib; install it with "
                                "pip install 'analytic-sgd[plot]'") from None
    fig = Figure(figsize=size, dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def check_out(out, suffixes: tuple[str, ...] | None = None) -> Path:
    """``out`` as a Path, if its folder exists and its suffix is one of ``suffixes``."""
    path = Path(out)
    if not path.parent.is_dir():
        raise OptionError(f"cannot write {out}: the folder {path.parent} does not exist")
    if suffixes and path.suffix.lower() not in suffixes:
        raise OptionError(f"cannot write {out}: give a file name ending in {' or '.join(suffixes)}")
    return path


def save(fig, out, writer=None) -> Path:
    """Write ``fig`` (or, with ``writer(path)``, whatever it writes) to ``out`` atomically
    (``analytic_sgd.files.write_atomic``)."""
    path = check_out(out)
    try:
        return write_atomic(path, writer=writer or (lambda tmp: fig.savefig(tmp, dpi=DPI)))
    except ValueError as exc:  # an image format matplotlib does not know
        raise OptionError(f"cannot write {out}: {exc}") from None


def title(problem, traj, what: str) -> str:
    """``name: what (loss, lr, steps)``, the title every picture carries."""
    return (f"{problem.name}: {what} ({problem.loss.name}, lr {problem.settings.lr.text}, "
            f"{len(traj)} steps)")


def finish(fig, out):
    """``fig``, written to ``out`` first when ``out`` is given."""
    if out is not None:
        save(fig, out)
    return fig
