"""The batch plan: which rows each step sees, cut as ``torch.utils.data.DataLoader`` cuts them.

A ``BatchPlan`` is one value: batch size, epochs, shuffle with its seed, drop_last and
explicit orders, checked when it is made. Each epoch visits the rows in an order, cut
into consecutive batches of ``batch_size`` rows; the last, partial batch is kept unless
``drop_last``. The order is ``0..n-1`` by default, a seeded shuffle with ``shuffle=True``
(one ``numpy.random.default_rng(seed)`` per run, epoch e taking its e-th
``permutation(n)``), or given explicitly with ``orders`` (to replay the order a framework
drew with its own random generator).

>>> plan = BatchPlan(2)
>>> [[b.tolist() for b in epoch] for epoch in plan.batches(5)], plan.steps(5)
([[[0, 1], [2, 3], [4]]], 3)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DataError, OptionError, OptionTypeError

__all__ = ["BatchPlan", "batch_orders", "check_positive_int"]


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a whole number >= 1, else raise OptionError
    (OptionTypeError for a value that is not a whole number at all).

    Bools, floats (even 3.0) and strings are refused, so a typo cannot pass silently.

    Example:
        >>> check_positive_int("batch_size", 3)
        3
        >>> check_positive_int("batch_size", 0)
        Traceback (most recent call last):
        ...
        analytic_sgd.errors.OptionError: batch_size must be a whole number >= 1, got 0
    """
    if not _is_int(value):
        raise OptionTypeError.for_field(name, value, "a whole number >= 1")
    if value < 1:  # type: ignore[operator]
        raise OptionError.for_field(name, value, "a whole number >= 1")
    return int(value)  # type: ignore[call-overload]


def _check_order(order: object, n: int, which: str) -> np.ndarray:
    """``order`` as an index array if it is a permutation of ``range(n)``, else OptionError."""
    _check_order_shape(order, which)
    try:
        arr = np.asarray(order, dtype=np.intp)
    except OverflowError:
        raise OptionError(f"{which} has an index outside the rows 0..{n - 1}") from None
    if arr.size != n:
        raise OptionError(f"{which} has {arr.size} indices, but there are {n} rows: give a "
                          f"permutation of 0..{n - 1}")
    outside = arr[(arr < 0) | (arr >= n)]
    if outside.size:
        raise OptionError(f"{which} has index {outside[0]}, outside the rows 0..{n - 1}")
    counts = np.bincount(arr, minlength=n)
    if (counts != 1).any():
        twice = int(np.argmax(counts > 1))
        raise OptionError(f"{which} has index {twice} {counts[twice]} times and lacks "
                          f"{int(np.argmin(counts))}: each row must appear exactly once")
    return arr


def _check_order_shape(order: object, which: str) -> None:
    if isinstance(order, np.ndarray):
        ok = order.ndim == 1 and (order.dtype.kind in "iu" or order.size == 0)
    else:
        ok = isinstance(order, Sequence) and not isinstance(order, (str, bytes)) and all(
            map(_is_int, order))
    if not ok:
        raise OptionError(f"{which} must be a flat list of whole-number row indices, "
                          f"got {order!r:.80}")


def _check_orders(orders: object, epochs: int) -> None:
    if isinstance(orders, (str, bytes)) or not isinstance(orders, (Sequence, np.ndarray)):
        raise OptionError(f"orders must be a list of index lists, got {orders!r:.80}")
    if len(orders) not in (1, epochs):
        raise OptionError(f"orders holds {len(orders)} orders for {epochs} epochs: give one "
                          "order per epoch, or a single order for all")
    for i, order in enumerate(orders):
        _check_order_shape(order, f"the order for epoch {i + 1}" if len(orders) > 1
                           else "the order")


@dataclass(frozen=True, eq=False)
class BatchPlan:
    """Batches of ``batch_size`` rows for ``epochs`` passes; see the module docstring.

    ``shuffle`` needs a whole-number ``seed`` (the point is a run anyone can repeat);
    ``orders`` (one permutation of the rows per epoch, or one for all) excludes shuffle.
    """

    batch_size: int
    epochs: int = 1
    shuffle: bool = False
    seed: int | None = None
    drop_last: bool = False
    orders: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "batch_size", check_positive_int("batch_size", self.batch_size))
        object.__setattr__(self, "epochs", check_positive_int("epochs", self.epochs))
        for name in ("shuffle", "drop_last"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise OptionTypeError.for_field(name, getattr(self, name), "True or False")
        if self.seed is not None:
            if not _is_int(self.seed):
                raise OptionTypeError.for_field("seed", self.seed, "a whole number >= 0")
            if self.seed < 0:
                raise OptionError.for_field("seed", self.seed, "a whole number >= 0")
        if self.orders is not None:
            if self.shuffle:
                raise OptionError("give either shuffle (with a seed) or explicit orders, not both")
            _check_orders(self.orders, self.epochs)
        elif self.shuffle and self.seed is None:
            raise OptionError("shuffle needs a seed so that the run can be repeated: give "
                              "seed=S")

    def replace(self, **changes) -> BatchPlan:
        return dataclasses.replace(self, **changes)

    def stop(self, n: int) -> int:
        """The rows of an epoch that are used: all, or a multiple of the batch size."""
        return n - n % self.batch_size if self.drop_last else n

    def steps(self, n: int) -> int:
        """The number of batches of the run over ``n`` rows."""
        return self.epochs * -(-self.stop(n) // self.batch_size)

    def epoch_orders(self, n: int) -> list[np.ndarray | None]:
        """Each epoch's order of the rows (None: in order, no index array at all)."""
        self._check_rows(n)
        if self.orders is None and not self.shuffle:
            return [None] * self.epochs
        return [order for order in self._orders(n)]

    def batches(self, n: int) -> list[list[np.ndarray]]:
        """``result[e][b]``: the row indices (``np.intp``) of batch b of epoch e."""
        self._check_rows(n)
        stop, size = self.stop(n), self.batch_size
        return [[order[i:i + size] for i in range(0, stop, size)] for order in self._orders(n)]

    def _check_rows(self, n: int) -> None:
        if not _is_int(n) or n < 1:
            raise DataError(f"there are no data rows to make batches of (n = {n!r}); "
                            "give at least one row")
        if self.drop_last and self.batch_size > n:
            raise OptionError(f"drop_last with batch_size {self.batch_size} > {n} rows leaves "
                              "no batch: lower the batch size or keep the last batch")

    def _orders(self, n: int) -> list[np.ndarray]:
        if self.orders is not None:
            many = len(self.orders) > 1
            checked = [_check_order(o, n, f"the order for epoch {i + 1}" if many else "the order")
                       for i, o in enumerate(self.orders)]
            return [checked[e % len(checked)].copy() for e in range(self.epochs)]
        if self.shuffle:
            rng = np.random.default_rng(int(self.seed))
            return [rng.permutation(n).astype(np.intp) for _ in range(self.epochs)]
        return [np.arange(n, dtype=np.intp) for _ in range(self.epochs)]


def batch_orders(n: int, batch_size: int, *, epochs: int = 1, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False,
                 orders: Sequence[Sequence[int]] | None = None) -> list[list[np.ndarray]]:
    """``BatchPlan(batch_size, epochs, shuffle, seed, drop_last, orders).batches(n)``.

    Raises DataError for no rows, OptionError for any other value out of range, naming it.

    Example:
        >>> [[b.tolist() for b in e] for e in batch_orders(4, 3, epochs=2, orders=[[3, 1, 0, 2]])]
        [[[3, 1, 0], [2]], [[3, 1, 0], [2]]]
        >>> batch_orders(5, 2, drop_last=True)[0][-1].tolist()
        [2, 3]
    """
    if not _is_int(n) or n < 1:
        raise DataError(f"there are no data rows to make batches of (n = {n!r}); "
                        "give at least one row")
    return BatchPlan(batch_size, epochs, shuffle, seed, drop_last, orders).batches(n)
