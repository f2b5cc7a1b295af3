"""A recorder that keeps some steps of a run, in memory or streamed out as they are made.

The engines record through ``record(row, ...)`` (one step) and ``write_block(start, ...)``
(consecutive steps), the methods of a ``Trajectory``. A ``Recorder`` takes the same calls
and keeps step 0, every ``every``-th step after it (0, N, 2N, ...) and the last step
recorded. Kept rows go to ``sink`` (a function given a small Trajectory of rows, its
``index`` the step of each) in order as they come, or, without a sink, into a Trajectory
of the kept rows only (``result()``). Either way the memory it holds is the kept rows,
or, with a sink, one block of the engine's and a buffer of ``BUFFER`` rows: flat for any
number of steps.

The last block given is held back until the next one (or ``close``), so that a run that
stops in its middle (a step that is not finite) is cut at that step: ``close(stop)`` hands
out the kept rows before ``stop`` and the step ``stop - 1`` itself. The engines read a
failing step back through ``loss[row]``, ``grad[row]``, ... and ``head(row + 1)``, as from
a Trajectory.

>>> import numpy as np
>>> from analytic_sgd.kernels.cache import kernels_for
>>> import analytic_sgd as asgd
>>> k = kernels_for(asgd.linear(), asgd.mse, "float64")
>>> r = Recorder(10, k, every=4)
>>> r.write_block(0, [1] * 10, range(1, 11), [1] * 10, np.zeros((10, 2)), np.arange(10.0),
...               np.zeros((10, 2)), np.ones((10, 2)), 0.1)
>>> r.close().index.tolist(), r.result().loss.tolist()
([0, 4, 8, 9], [0.0, 4.0, 8.0, 9.0])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .trajectory import Trajectory

__all__ = ["Recorder", "BUFFER", "kept_rows"]

BUFFER = 4096  # rows of single steps gathered before they are handed to the sink
_COLUMNS = ("epoch", "batch", "n", "params", "loss", "grad", "updated", "lr")


def kept_rows(steps: int, every: int) -> int:
    """How many of ``steps`` steps a recorder keeps: 0, N, 2N, ... and the last.

    >>> kept_rows(10, 4), kept_rows(9, 4), kept_rows(3, 1)
    (4, 3, 3)
    """
    if steps <= 0:
        return 0
    return (steps - 1) // every + 1 + ((steps - 1) % every != 0)


class _Shifted:
    """Rows of the held-back block read by their step number (``column[row]``)."""

    def __init__(self, recorder: Recorder, name: str) -> None:
        self._recorder, self._name = recorder, name

    def __getitem__(self, row: int):
        start, block = self._recorder._held
        return getattr(block, self._name)[row - start]


class Recorder:
    """Keeps step 0, every ``every``-th step and the last of a run of ``steps`` steps; see the
    module docstring. ``meta`` is the Trajectory's."""

    def __init__(self, steps: int, kernels, every: int = 1,
                 sink: Callable[[Trajectory], Any] | None = None, **meta) -> None:
        self.steps, self.every, self.sink = steps, every, sink
        self.meta = {"inputs": kernels.inputs, **meta, "every": every, "run_steps": steps}
        self._kernels = kernels
        self._held: tuple[int, Trajectory] | None = None   # the last block given, not yet out
        self._done = 0            # steps handed out (kept or not): rows below it are out
        self._last_out = -1       # the last step handed out
        self._buffer: list[Trajectory] = []
        self._buffered = 0
        self._kept: Trajectory | None = None
        self._last_part: Trajectory | None = None  # the last rows handed out
        self._count = 0           # rows in _kept
        self.closed = False
        if sink is None:
            self._kept = self._empty(kept_rows(steps, every))
            self._kept.index = np.zeros(len(self._kept), np.int64)

    def _empty(self, rows: int) -> Trajectory:
        return Trajectory.empty(rows, self._kernels, **self.meta)

    def __len__(self) -> int:
        return self.steps

    @property
    def param_names(self) -> tuple[str, ...]:
        return self._kernels.params

    @property
    def arithmetic(self):
        return self._kernels.arithmetic

    def __getattr__(self, name: str):
        if name in _COLUMNS:
            return _Shifted(self, name)
        raise AttributeError(name)

    # the engines' two methods
    def record(self, row: int, epoch: int, batch: int, n: int, params, loss, grad, updated,
               lr=None) -> None:
        block = self._empty(1)
        block.record(0, epoch, batch, n, params, loss, grad, updated, lr)
        self._hold(row, block)

    def write_block(self, start: int, epoch, batch, n, params, loss, grad, updated,
                    lr=None) -> None:
        block = self._empty(len(loss))
        block.write_block(0, epoch, batch, n, params, loss, grad, updated, lr)
        self._hold(start, block)

    def _hold(self, start: int, block: Trajectory) -> None:
        if self._held is not None:
            self._out(*self._held, stop=None)
        self._held = (start, block)

    def _out(self, start: int, block: Trajectory, stop: int | None) -> None:
        """Hand out the kept rows of ``block`` (its first row is step ``start``) below
        ``stop``; the step ``stop - 1`` (the last of the run) is always kept."""
        end = start + len(block) if stop is None else min(stop, start + len(block))
        steps = np.arange(start, end)
        keep = steps % self.every == 0
        last = self.steps - 1 if stop is None else stop - 1
        keep |= steps == last
        rows = np.flatnonzero(keep)
        self._done = end
        if rows.size == 0:
            return
        cut = {k: getattr(block, k)[rows] for k in _COLUMNS}
        part = Trajectory(block.param_names, block.arithmetic, **cut, meta=self.meta,
                          index=steps[rows])
        self._last_out = int(steps[rows[-1]])
        self._last_part = part
        if self.sink is None:
            self._store(part)
        elif len(part) >= BUFFER:
            self._flush()
            self.sink(part)
        else:
            self._buffer.append(part)
            self._buffered += len(part)
            if self._buffered >= BUFFER:
                self._flush()

    def _store(self, part: Trajectory) -> None:
        rows = slice(self._count, self._count + len(part))
        kept = self._kept
        for k in _COLUMNS:
            getattr(kept, k)[rows] = getattr(part, k)
        kept.index[rows] = part.index
        self._count += len(part)

    def _flush(self) -> None:
        if self._buffer:  # emptied once the sink has them: an interrupted write is handed again
            parts = self._buffer
            self.sink(_joined(parts) if len(parts) > 1 else parts[0])
            self._buffer, self._buffered = [], 0

    def close(self, stop: int | None = None) -> Trajectory:
        """Hand out what is held (up to step ``stop``, exclusive, when the run stopped there),
        flush the sink's buffer, and return ``result()``. Closing twice does nothing more."""
        if not self.closed:
            self.closed = True
            if self._held is not None:
                self._out(*self._held, stop=stop)
                self._held = None
            if self.sink is not None:
                self._flush()
        return self.result()

    def result(self) -> Trajectory:
        """The kept rows (without a sink), else the last row handed out (its ``final`` is the
        parameters after the run)."""
        if self._kept is None:
            return self._empty(0) if self._last_part is None else _last_row(self._last_part)
        return self._kept.head(self._count)

    @property
    def stopped_at(self) -> int:
        """How many steps have been handed out (the run's steps once it finished)."""
        return self._done

    def head(self, rows: int) -> Trajectory:
        """The kept rows of steps below ``rows`` and step ``rows - 1`` (a copy): what a run
        that stops at step ``rows - 1`` leaves. With a sink, only the held-back block's rows."""
        parts = []
        if self._kept is not None:
            upto = int(np.searchsorted(self._kept.index[:self._count], rows))
            parts.append(self._kept.head(upto))
        if self._held is not None:
            start, block = self._held
            steps = np.arange(start, min(rows, start + len(block)))
            keep = (steps % self.every == 0) | (steps == rows - 1)
            take = np.flatnonzero(keep)
            cut = {k: getattr(block, k)[take] for k in _COLUMNS}
            parts.append(Trajectory(block.param_names, block.arithmetic, **cut, meta=self.meta,
                                    index=steps[take]))
        return _joined(parts) if parts else self._empty(0)


def _last_row(part: Trajectory) -> Trajectory:
    cut = {k: getattr(part, k)[-1:].copy() for k in _COLUMNS}
    return Trajectory(part.param_names, part.arithmetic, **cut, meta=part.meta,
                      index=part.step_numbers[-1:].copy())


def _joined(parts: list[Trajectory]) -> Trajectory:
    """One Trajectory of the rows of ``parts``, in order."""
    first = parts[0]
    cols = {k: np.concatenate([getattr(p, k) for p in parts]) for k in _COLUMNS}
    return Trajectory(first.param_names, first.arithmetic, **cols, meta=first.meta,
                      index=np.concatenate([p.step_numbers for p in parts]))
