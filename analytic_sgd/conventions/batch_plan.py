"""The batch plan: which rows each step sees, cut as ``torch.utils.data.DataLoader`` cuts them.

A ``BatchPlan`` is one value: batch size, epochs, shuffle, the sampler, the random
generator and its seed, drop_last and explicit orders, checked when it is made. Each epoch
visits ``stop`` rows (all, or a multiple of the batch size with ``drop_last``) in an
order, cut into consecutive batches of ``batch_size`` rows, the last one shorter unless
``drop_last``. The order is ``0..n-1`` by default; a seeded shuffle with ``shuffle=True``
(one generator per run, epoch e taking its e-th ``permutation(n)``); rows drawn with
replacement with ``sample="with-replacement"`` (``analytic_sgd.conventions.sampling``); or
given explicitly with ``orders`` (to replay the rows a framework drew with its own
generator; with replacement an order may repeat rows).

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
from .sampling import RNG, Sampler, get_rng, get_sampler

__all__ = ["BatchPlan", "batch_orders", "check_positive_int", "InOrder"]


class InOrder(Sequence):
    """The orders of ``epochs`` epochs whose rows come in order: None for each, without a list
    of that length (a run of a billion epochs holds no billion-entry list).

    >>> orders = InOrder(10**9)
    >>> len(orders), orders[5], orders[2:4], orders == [None] * 0
    (1000000000, None, [None, None], False)
    """

    def __init__(self, epochs: int) -> None:
        self._epochs = epochs

    def __len__(self) -> int:
        return self._epochs

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [None] * len(range(*k.indices(self._epochs)))
        range(self._epochs)[k]  # IndexError for an index out of range
        return None

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(other) == len(self) and all(
            v is None for v in other)

    __hash__ = None


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


def _check_order(order: object, n: int, which: str, draws: int | None = None) -> np.ndarray:
    """``order`` as an index array if it is a permutation of ``range(n)`` (or, with
    ``draws``, that many rows of ``range(n)`` drawn with replacement), else OptionError."""
    _check_order_shape(order, which)
    try:
        arr = np.asarray(order, dtype=np.intp)
    except OverflowError:
        raise OptionError(f"{which} has an index outside the rows 0..{n - 1}") from None
    if draws is not None and arr.size != draws:
        raise OptionError(f"{which} has {arr.size} indices, but an epoch draws {draws} rows "
                          f"(with replacement, from 0..{n - 1})")
    if draws is None and arr.size != n:
        raise OptionError(f"{which} has {arr.size} indices, but there are {n} rows: give a "
                          f"permutation of 0..{n - 1}")
    outside = arr[(arr < 0) | (arr >= n)]
    if outside.size:
        raise OptionError(f"{which} has index {outside[0]}, outside the rows 0..{n - 1}")
    if draws is not None:
        return arr
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

    ``shuffle`` and ``sample="with-replacement"`` need a whole-number ``seed`` (the point is
    a run anyone can repeat) for the generator ``rng`` (``numpy`` or ``numpy-legacy``);
    ``orders`` (the rows of each epoch, or one order for all) excludes shuffle.
    """

    batch_size: int
    epochs: int = 1
    shuffle: bool = False
    seed: int | None = None
    drop_last: bool = False
    orders: Any = None
    sample: Sampler | str = "without-replacement"
    rng: RNG | str = "numpy"

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
        object.__setattr__(self, "sample", get_sampler(self.sample))
        object.__setattr__(self, "rng", get_rng(self.rng))
        if self.shuffle and self.sample.replacement:
            raise OptionError("with-replacement sampling draws every batch at random already: "
                              "give either shuffle or sample='with-replacement', not both")
        if self.orders is not None:
            if self.shuffle:
                raise OptionError("give either shuffle (with a seed) or explicit orders, not both")
            _check_orders(self.orders, self.epochs)
        elif self.random and self.seed is None:
            what = "shuffle" if self.shuffle else "with-replacement sampling"
            raise OptionError.about("seed", None, f"{what} needs a seed so that the run can be "
                                    "repeated")

    @property
    def random(self) -> bool:
        """True when the rows are drawn from the random generator (not replayed orders)."""
        return self.orders is None and (self.shuffle or self.sample.replacement)

    def generator(self) -> Any:
        """A new random generator of this plan (``rng`` made from ``seed``)."""
        if self.seed is None:
            raise OptionError.about("seed", None, "the run draws from a random generator (a "
                                    "random start) and needs a seed")
        return self.rng.generator(self.seed)

    def describe(self, n: int) -> str:
        """The plan over ``n`` rows in words, as the pages and the handout print it.

        >>> BatchPlan(3, epochs=2, shuffle=True, seed=4).describe(9)
        'batches of 3 of 9 samples, reshuffled each epoch (seed 4, rng numpy); 2 epochs'
        """
        if self.orders is not None:
            order = "in the given order" + ("s" if len(self.orders) > 1 else "")
        elif self.random:
            how = "drawn with replacement" if self.sample.replacement else "reshuffled each epoch"
            order = f"{how} (seed {self.seed}, rng {self.rng.name})"
        else:
            order = "in order"
        if self.drop_last and n % self.batch_size:
            order += f", the last {n % self.batch_size} dropped"
        epochs = f"{self.epochs} epoch{'s' if self.epochs > 1 else ''}"
        return f"batches of {self.batch_size} of {n} samples, {order}; {epochs}"

    def replace(self, **changes) -> BatchPlan:
        return dataclasses.replace(self, **changes)

    def stop(self, n: int) -> int:
        """The rows of an epoch that are used: all, or a multiple of the batch size."""
        return n - n % self.batch_size if self.drop_last else n

    def steps(self, n: int) -> int:
        """The number of batches of the run over ``n`` rows."""
        return self.epochs * -(-self.stop(n) // self.batch_size)

    def epoch_orders(self, n: int, generator: Any = None) -> Sequence[np.ndarray | None]:
        """Each epoch's rows (None: in order, no index array at all); random rows are drawn
        from ``generator`` (default: a new one of this plan)."""
        self._check_rows(n)
        return self._orders(n, generator)

    def batches(self, n: int, generator: Any = None) -> list[list[np.ndarray]]:
        """``result[e][b]``: the row indices (``np.intp``) of batch b of epoch e; random rows
        are drawn from ``generator`` (default: a new one of this plan)."""
        self._check_rows(n)
        return self.cut(self._orders(n, generator), n)

    def cut(self, orders: list[np.ndarray | None], n: int) -> list[list[np.ndarray]]:
        """The batches of each epoch's rows (``epoch_orders``; None: in order)."""
        stop, size = self.stop(n), self.batch_size
        rows = [np.arange(n, dtype=np.intp) if order is None else order for order in orders]
        return [[order[i:i + size] for i in range(0, stop, size)] for order in rows]

    def _check_rows(self, n: int) -> None:
        if not _is_int(n) or n < 1:
            raise DataError(f"there are no data rows to make batches of (n = {n!r}); "
                            "give at least one row")
        if self.drop_last and self.batch_size > n:
            raise OptionError(f"drop_last with batch_size {self.batch_size} > {n} rows leaves "
                              "no batch: lower the batch size or keep the last batch")

    def _orders(self, n: int, generator: Any = None) -> Sequence[np.ndarray | None]:
        if self.orders is not None:
            many, draws = len(self.orders) > 1, self.stop(n) if self.sample.replacement else None
            checked = [_check_order(o, n, f"the order for epoch {i + 1}" if many else "the order",
                                    draws) for i, o in enumerate(self.orders)]
            return [checked[e % len(checked)].copy() for e in range(self.epochs)]
        if self.random:
            generator = self.generator() if generator is None else generator
            return [self.sample.epoch(self.rng, generator, n, self.stop(n))
                    for _ in range(self.epochs)]
        return InOrder(self.epochs)  # no index arrays: cut() makes a batch's rows as needed


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
