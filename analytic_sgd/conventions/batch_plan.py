"""Batch orders, cut as ``torch.utils.data.DataLoader`` cuts them.

Each epoch visits the rows in an order, cut into consecutive batches of ``batch_size`` rows;
the last, partial batch is kept unless ``drop_last``. The order is ``0..n-1`` by default,
a seeded shuffle with ``shuffle=True``, or given explicitly with ``orders`` (to replay the
order a framework drew with its own random generator).

Example:
    >>> [[b.tolist() for b in epoch] for epoch in batch_orders(5, 2)]
    [[[0, 1], [2, 3], [4]]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import DataError, OptionError

__all__ = ["batch_orders", "check_positive_int"]


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a whole number >= 1, else raise OptionError.

    Bools, floats (even 3.0) and strings are refused, so a typo cannot pass silently.

    Example:
        >>> check_positive_int("batch_size", 3)
        3
        >>> check_positive_int("batch_size", 0)
        Traceback (most recent call last):
        ...
        analytic_sgd.errors.OptionError: batch_size must be a whole number >= 1, got 0
    """
    if not _is_int(value) or value < 1:  # type: ignore[operator]
        raise OptionError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def _check_order(order: object, n: int, which: str) -> np.ndarray:
    """``order`` as an index array if it is a permutation of ``range(n)``, else OptionError."""
    if isinstance(order, np.ndarray):
        ok = order.ndim == 1 and (order.dtype.kind in "iu" or order.size == 0)
    else:
        ok = isinstance(order, Sequence) and not isinstance(order, (str, bytes)) and all(
            map(_is_int, order))
    if not ok:
        raise OptionError(f"{which} must be a flat list of whole-number row indices, "
                          f"got {order!r:.80}")
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


def batch_orders(n: int, batch_size: int, *, epochs: int = 1, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False,
                 orders: Sequence[Sequence[int]] | None = None) -> list[list[np.ndarray]]:
    """Return, for each epoch, the list of row-index arrays, one array per batch.

    Args:
        n: the number of rows (>= 1, else DataError).
        batch_size: rows per batch, a whole number >= 1.
        epochs: passes over the data, a whole number >= 1.
        shuffle: draw a new order each epoch. One ``numpy.random.default_rng(seed)`` is
            made per call and epoch ``e`` (from 0) uses its ``e``-th ``permutation(n)``, so
            the same seed gives the same orders. A seed is required: the point is a run
            anyone can repeat. (torch's DataLoader draws from torch's own generator; replay
            its order with ``orders``.) ``seed`` is ignored without ``shuffle``.
        drop_last: drop each epoch's last batch when it has fewer than ``batch_size`` rows.
        orders: explicit orders, one permutation of ``0..n-1`` per epoch, or a single one
            used for every epoch. Cannot be combined with ``shuffle``.

    Returns:
        ``result[e][b]`` is the index array (``np.intp``) of batch ``b`` of epoch ``e``.

    Raises:
        DataError: no rows. OptionError: any other value out of range, naming it.

    Example:
        >>> [[b.tolist() for b in e] for e in batch_orders(4, 3, epochs=2, orders=[[3, 1, 0, 2]])]
        [[[3, 1, 0], [2]], [[3, 1, 0], [2]]]
        >>> batch_orders(5, 2, drop_last=True)[0][-1].tolist()
        [2, 3]
    """
    if not _is_int(n) or n < 1:
        raise DataError(f"there are no data rows to make batches of (n = {n!r}); "
                        "give at least one row")
    batch_size = check_positive_int("batch_size", batch_size)
    epochs = check_positive_int("epochs", epochs)
    if drop_last and batch_size > n:
        raise OptionError(f"drop_last with batch_size {batch_size} > {n} rows leaves no batch: "
                          "lower the batch size or keep the last batch")
    if orders is not None:
        if shuffle:
            raise OptionError("give either shuffle (with a seed) or explicit orders, not both")
        if isinstance(orders, (str, bytes)) or not isinstance(orders, (Sequence, np.ndarray)):
            raise OptionError(f"orders must be a list of index lists, got {orders!r:.80}")
        if len(orders) not in (1, epochs):
            raise OptionError(f"orders holds {len(orders)} orders for {epochs} epochs: give one "
                              "order per epoch, or a single order for all")
        checked = [_check_order(o, n, f"the order for epoch {i + 1}" if len(orders) > 1
                                else "the order") for i, o in enumerate(orders)]
        epoch_orders = [checked[e % len(checked)].copy() for e in range(epochs)]
    elif shuffle:
        if seed is None:
            raise OptionError("shuffle needs a seed so the run can be repeated: give seed= "
                              "(--seed S on the command line)")
        if not _is_int(seed) or seed < 0:
            raise OptionError(f"seed must be a whole number >= 0, got {seed!r}")
        rng = np.random.default_rng(int(seed))
        epoch_orders = [rng.permutation(n).astype(np.intp) for _ in range(epochs)]
    else:
        epoch_orders = [np.arange(n, dtype=np.intp) for _ in range(epochs)]
    stop = n - n % batch_size if drop_last else n
    return [[order[i:i + batch_size] for i in range(0, stop, batch_size)]
            for order in epoch_orders]
