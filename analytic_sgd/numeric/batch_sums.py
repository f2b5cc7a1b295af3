"""Batch sums for the moment engine: every batch's moment sums and squared residuals.

An epoch visits its rows in an order (None: in order), cut into batches of ``size`` rows,
the last one shorter unless the epoch was cut at ``stop`` rows (drop_last). Several
epochs are handled together; row k of a block is row ``k % stop`` of its epoch's order.

``SmallBatches`` takes the per-sample products and features once, gathers the rows of
the epochs' orders and adds them up per batch (``segment_sums``). ``LargeBatches`` (more
rows per batch than the engine's SMALL_BATCH) sums each batch by a chunked pass of the
moment kernels instead: no per-sample matrix, pairwise-accurate sums.
Both give, for a block: ``sums(idx, epochs)``, the K moment sums of every batch (NaN
where not taken); ``squares(idx, epochs, thetas, sizes)``, Σ r² per batch at that
batch's parameters; ``batch(idx, k, size)``, the x and y of batch k.
"""

from __future__ import annotations

import numpy as np

__all__ = ["batch_sizes", "segment_sums", "SmallBatches", "LargeBatches"]


def batch_sizes(stop: int, size: int) -> np.ndarray:
    """The rows of each batch of an epoch of ``stop`` rows in batches of ``size``: whole
    batches, then the shorter last one if any.

    >>> batch_sizes(7, 3).tolist()
    [3, 3, 1]
    """
    full, rest = divmod(stop, size)
    sizes = np.full(full + bool(rest), size)
    sizes[full:] = rest
    return sizes

STRIDED = 16  # batches up to this size are summed by adding strided slices


def segment_sums(values: np.ndarray, epochs: int, stop: int, size: int) -> np.ndarray:
    """Sums over the batches of ``values`` (..., epochs * stop): each epoch cut into batches
    of ``size`` rows (the last one shorter). Small batches add strided slices, in the order
    of the rows, larger ones sum pairwise.

    >>> segment_sums(np.arange(10.0), 2, 5, 2).tolist()
    [1.0, 5.0, 4.0, 11.0, 15.0, 9.0]
    """
    lead, (full, rest) = values.shape[:-1], divmod(stop, size)
    v = values.reshape(lead + (epochs, stop))
    parts = v[..., :full * size].reshape(lead + (epochs, full, size))
    if size <= STRIDED:
        acc = parts[..., 0].copy()
        for j in range(1, size):
            acc += parts[..., j]
    else:
        acc = parts.sum(-1)
    if rest:
        acc = np.concatenate([acc, v[..., full * size:].sum(-1, keepdims=True)], -1)
    return acc.reshape(lead + (-1,))


class _Batches:
    def __init__(self, mk, x, y, stop: int, size: int) -> None:
        self.mk, self.x, self.y, self.stop, self.size = mk, x, y, stop, size
        self.columns = [x] if x.ndim == 1 else [x[:, j] for j in range(x.shape[1])]
        self.which = "grad" if mk.affine_loss else "all"

    def rows(self, idx, k: int, size: int):
        """The rows of batch k of the block (a slice, or indices into the data)."""
        per_epoch = -(-self.stop // self.size)
        start = k // per_epoch * self.stop + k % per_epoch * self.size
        if idx is None:
            return slice(start % self.stop, start % self.stop + size)
        return idx[start:start + size]

    def batch(self, idx, k: int, size: int):
        """x and y of batch k of the block."""
        rows = self.rows(idx, k, size)
        return self.x[rows], self.y[rows]


class SmallBatches(_Batches):
    """Per-sample products and features, in order once; for shuffled epochs from the
    gathered rows of x and y (two gathers instead of one per product). Batch sums by
    segment sums."""

    def __init__(self, mk, x, y, stop: int, size: int) -> None:
        super().__init__(mk, x, y, stop, size)
        self.products = mk.sample_moments(self.columns, y, self.which)
        self.features = mk.feature_matrix(self.columns, len(y))
        self._in_order = None
        self._gathered = (None, None)

    def _rows(self, idx, epochs: int):
        """Products, features and y of the block's rows."""
        if idx is None:
            arrays = (self.products, self.features, self.y)
            if epochs == 1:
                return [a[..., :self.stop] for a in arrays]
            return [np.tile(a[..., :self.stop], epochs) for a in arrays]
        if self._gathered[0] is not idx:
            x, y = self.x[idx], self.y[idx]
            columns = [x] if x.ndim == 1 else [x[:, j] for j in range(x.shape[1])]
            self._gathered = (idx, [self.mk.sample_moments(columns, y, self.which),
                                    self.mk.feature_matrix(columns, len(y)), y])
        return self._gathered[1]

    def sums(self, idx, epochs: int) -> list:
        if idx is None:  # every epoch in order: the same sums
            if self._in_order is None:
                self._in_order = segment_sums(self._rows(None, 1)[0], 1, self.stop, self.size)
            taken = np.tile(self._in_order, epochs)
        else:
            taken = segment_sums(self._rows(idx, epochs)[0], epochs, self.stop, self.size)
        out = [np.nan] * len(self.mk.pairs)
        for row, k in enumerate(self.mk.wanted(self.which)):
            out[k] = taken[row]
        return out

    def squares(self, idx, epochs: int, thetas, sizes) -> np.ndarray:
        """Σ r² per batch, r = Σ_j θ_j φ_j - y with each batch's θ spread over its rows."""
        _, features, y = self._rows(idx, epochs)
        p, (full, rest), size = thetas.shape[1], divmod(self.stop, self.size), self.size
        per_batch = thetas.T.reshape(p, epochs, -1)
        f, y = features.reshape(p, epochs, self.stop), y.reshape(epochs, self.stop)
        body = -y[:, :full * size].reshape(epochs, full, size)
        tail = -y[:, full * size:]
        for j in range(p):
            body += f[j, :, :full * size].reshape(epochs, full, size) * per_batch[j, :, :full, None]
            tail += f[j, :, full * size:] * per_batch[j, :, full:]
        sums = segment_sums(np.square(body).ravel(), epochs, full * size, size)
        if rest:
            sums = np.concatenate([sums.reshape(epochs, full), np.square(tail).sum(-1, keepdims=True)],
                                  -1).ravel()
        return sums


class LargeBatches(_Batches):
    """Batches of many rows: each summed by a chunked pass of the moment kernels."""

    def _columns(self, idx, k: int, size: int):
        rows = self.rows(idx, k, size)
        return [c[rows] for c in self.columns], self.y[rows]

    def sums(self, idx, epochs: int) -> list:
        sizes = np.tile(batch_sizes(self.stop, self.size), epochs)
        return list(np.stack([self.mk.sums(*self._columns(idx, k, s), which=self.which)[:-1]
                              for k, s in enumerate(sizes)], axis=1))

    def squares(self, idx, epochs: int, thetas, sizes) -> np.ndarray:
        return np.array([self.mk.sums(*self._columns(idx, k, s), t, which="none")[-1]
                         for k, (t, s) in enumerate(zip(thetas, sizes))], self.mk.dtype)
