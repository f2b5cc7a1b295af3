"""What the command line shows while a run goes: the phases of ``-v`` and a progress bar.

``Phases`` is the engines' ``Hook`` (``analytic_sgd.numeric.progress``) for the command
line: with ``-v`` it prints each phase (read, derive, compile, run, write) and its time on
stderr when the phase ends; on a terminal it draws a progress bar on stderr during a
long run (tqdm, extra ``progress``; without tqdm, or when stderr is not a terminal,
nothing); before a long exact run it prints the estimate the engine hands it.

>>> import io
>>> err = io.StringIO()
>>> p = Phases(verbose=True, stream=err, clock=iter([0.0, 0.25, 1.0]).__next__)
>>> p.phase("read"); p.phase("run"); p.finish()
>>> print(err.getvalue(), end="")
analytic-sgd: read: 0.25 s
analytic-sgd: run: 0.75 s
"""

from __future__ import annotations

import sys
import time

from ..numeric.progress import Hook

__all__ = ["Phases"]

BAR_SECONDS = 0.5  # a bar appears once a run has taken this long


class Phases(Hook):
    """Phase lines (``verbose``) and a progress bar (a terminal) on ``stream`` (stderr)."""

    def __init__(self, *, verbose: bool = False, stream=None, clock=time.perf_counter) -> None:
        self.verbose, self.stream, self.clock = verbose, stream or sys.stderr, clock
        self.current: tuple[str, float] | None = None
        self.bar = None
        self.started = None

    def phase(self, name: str) -> None:
        """Start phase ``name``; the phase already going on goes on if it has that name."""
        if self.current is not None and self.current[0] == name:
            return
        now = self.clock()
        self._close(now)
        self.current = (name, now)

    def finish(self) -> None:
        """End the last phase (and the bar)."""
        self._close(self.clock())
        self.current = None

    def _close(self, now: float) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.current is not None and self.verbose:
            name, start = self.current
            print(f"analytic-sgd: {name}: {now - start:.2f} s", file=self.stream)

    def estimate(self, text: str) -> None:
        print(f"analytic-sgd: {text}", file=self.stream)

    def advance(self, done: int, total: int) -> None:
        if self.bar is None:
            if not _terminal(self.stream) or done >= total:
                return
            self.started = self.started or self.clock()
            if self.clock() - self.started < BAR_SECONDS:
                return
            try:
                from tqdm import tqdm
            except ImportError:  # the bar is a nicety: no tqdm, no bar
                return
            self.bar = tqdm(total=total, initial=0, unit="step", file=self.stream, leave=False)
        self.bar.update(done - self.bar.n)


def _terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
