"""Trajectory: the record of an SGD run, kept column by column.

One array per quantity (epoch, batch, n, params, loss, grad, updated), so that
recording many steps costs a row write, not a Python object; ``traj.steps[k]``
makes a ``Step`` view on access.

>>> import numpy as np
>>> from analytic_sgd.numeric.trajectory import Trajectory
>>> t = Trajectory.from_columns(("w",), "float64", epoch=[1], batch=[1], n=[3],
...                             params=[[0.0]], loss=[1.0], grad=[[-2.0]], updated=[[0.02]])
>>> t.steps[0]
Step(epoch=1, batch=1, n=3, params={'w': 0.0}, loss=1.0, grad={'w': -2.0}, updated={'w': 0.02})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic

__all__ = ["Step", "Trajectory"]


@dataclass(frozen=True)
class Step:
    """One batch: ``params`` before, ``loss`` and ``grad`` at them, ``updated`` after, with
    the learning rate ``lr`` of the step (None when the trajectory does not record it)."""

    epoch: int
    batch: int
    n: int
    params: np.ndarray
    loss: Any
    grad: np.ndarray
    updated: np.ndarray
    names: tuple[str, ...] = field(repr=False, default=())
    lr: Any = field(repr=False, default=None)

    def __repr__(self) -> str:
        def named(values):
            return {k: _plain(v) for k, v in zip(self.names, values)}

        return (f"Step(epoch={self.epoch}, batch={self.batch}, n={self.n}, "
                f"params={named(self.params)}, loss={_plain(self.loss)}, "
                f"grad={named(self.grad)}, updated={named(self.updated)})")


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


class _Steps(Sequence):
    def __init__(self, traj: Trajectory) -> None:
        self._t = traj

    def __len__(self) -> int:
        return len(self._t)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        t = self._t
        k = range(len(t))[k]
        return Step(int(t.epoch[k]), int(t.batch[k]), int(t.n[k]), t.params[k], t.loss[k],
                    t.grad[k], t.updated[k], t.param_names, None if t.lr is None else t.lr[k])


@dataclass
class Trajectory:
    """Columns of an SGD run; ``steps`` gives Step views; ``meta`` describes the problem.

    ``arithmetic`` is the run's Arithmetic; its columns have the arithmetic's dtype. In a
    notebook a Trajectory displays as an HTML table (``analytic_sgd.render.notebook``)."""

    param_names: tuple[str, ...]
    arithmetic: Arithmetic
    epoch: np.ndarray
    batch: np.ndarray
    n: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    updated: np.ndarray
    meta: dict = field(default_factory=dict)
    lr: np.ndarray | None = None  # the learning rate of each step, when recorded
    # the step (from 0) of each row, when not every step is kept (``every``); None: row k is step k
    index: np.ndarray | None = None

    @classmethod
    def empty(cls, steps: int, kernels, **meta) -> Trajectory:
        """Room for ``steps`` records of ``kernels``' parameters and arithmetic (zeros)."""
        return cls._room(steps, kernels, np.zeros, meta)

    @classmethod
    def blank(cls, steps: int, kernels, **meta) -> Trajectory:
        """``empty`` without the zeros (``np.empty``: no time spent clearing memory), for an
        engine that writes every row or hands out only the rows it wrote (the compiled one)."""
        return cls._room(steps, kernels, np.empty, meta)

    @classmethod
    def _room(cls, steps: int, kernels, new, meta: dict) -> Trajectory:
        p, dtype = len(kernels.params), kernels.arithmetic.dtype
        meta = {"inputs": kernels.inputs, **meta}
        return cls(kernels.params, kernels.arithmetic, new(steps, np.int64),
                   new(steps, np.int64), new(steps, np.int64),
                   new((steps, p), dtype), new(steps, dtype), new((steps, p), dtype),
                   new((steps, p), dtype), meta, new(steps, dtype))

    @classmethod
    def from_columns(cls, param_names, arithmetic: str | Arithmetic, **columns) -> Trajectory:
        """A Trajectory from whole columns (lists or arrays) of ``arithmetic``."""
        arithmetic = get_arithmetic(arithmetic)
        dtype = arithmetic.dtype
        ints = {k: np.asarray(columns.pop(k), np.int64) for k in ("epoch", "batch", "n")}
        if columns.get("index") is not None:
            ints["index"] = np.asarray(columns.pop("index"), np.int64)
        columns.pop("index", None)
        meta = columns.pop("meta", {})
        values = {k: None if v is None else np.asarray(v, dtype) for k, v in columns.items()}
        return cls(tuple(param_names), arithmetic, **ints, **values, meta=meta)

    def record(self, row: int, epoch: int, batch: int, n: int, params, loss, grad, updated,
               lr=None) -> None:
        self.epoch[row], self.batch[row], self.n[row] = epoch, batch, n
        self.params[row], self.loss[row] = params, loss
        self.grad[row], self.updated[row] = grad, updated
        if self.lr is not None:
            self.lr[row] = lr

    def write_block(self, start: int, epoch, batch, n, params, loss, grad, updated,
                    lr=None) -> None:
        """Record a block of consecutive steps from row ``start``: each argument has one
        entry (or row) per step. Engines that advance many steps at once write here."""
        rows = slice(start, start + len(loss))
        self.epoch[rows], self.batch[rows], self.n[rows] = epoch, batch, n
        self.params[rows], self.loss[rows] = params, loss
        self.grad[rows], self.updated[rows] = grad, updated
        if self.lr is not None:
            self.lr[rows] = lr

    def block(self, start: int, count: int):
        """Writable views of rows ``start`` .. ``start + count - 1``: (epoch, batch, n,
        params, loss, grad, updated, lr), lr None when not recorded, for an engine that fills
        them in place (the compiled engine; a recorder without this method gets
        ``write_block`` instead)."""
        rows = slice(start, start + count)
        return (self.epoch[rows], self.batch[rows], self.n[rows], self.params[rows],
                self.loss[rows], self.grad[rows], self.updated[rows],
                None if self.lr is None else self.lr[rows])

    def head(self, rows: int) -> Trajectory:
        """The first ``rows`` records (a copy)."""
        cut = {k: getattr(self, k)[:rows].copy()
               for k in ("epoch", "batch", "n", "params", "loss", "grad", "updated")}
        lr = None if self.lr is None else self.lr[:rows].copy()
        index = None if self.index is None else self.index[:rows].copy()
        return Trajectory(self.param_names, self.arithmetic, **cut, meta=dict(self.meta), lr=lr,
                          index=index)

    @property
    def step_numbers(self) -> np.ndarray:
        """The step (from 0) of each row: 0, 1, 2, ... unless only some steps were kept."""
        return np.arange(len(self)) if self.index is None else self.index

    @property
    def varying_lr(self) -> bool:
        """True when the trajectory records learning rates that are not all the same."""
        return self.lr is not None and len(self.lr) > 1 and bool(np.any(self.lr != self.lr[0]))

    def __len__(self) -> int:
        return len(self.loss)

    @property
    def steps(self) -> _Steps:
        return _Steps(self)

    @property
    def final(self) -> np.ndarray:
        """The parameters after the last step."""
        return self.updated[-1]

    def rising_streak(self) -> int:
        """The longest run of steps in a row whose loss is above the step before."""
        if not self.arithmetic.exact and len(self.loss) > 1:
            up = np.concatenate([[False], self.loss[1:] > self.loss[:-1], [False]])
            edges = np.flatnonzero(up[1:] != up[:-1])  # starts and ends of the rising runs
            return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0
        longest = current = 0
        for before, after in zip(self.loss[:-1], self.loss[1:]):
            current = current + 1 if after > before else 0
            longest = max(longest, current)
        return longest
