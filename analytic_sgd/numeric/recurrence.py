"""The update recurrence of the moment engine: torch.optim.SGD's rule as affine maps, scanned.

When the gradient of batch k is affine in the parameters, ``g_k(θ) = A_k θ - c_k`` (MSE
and SSE of a model linear in its parameters), every option of ``torch.optim.SGD`` makes one
step an affine map of the state ``s = θ`` (no momentum) or ``s = (θ, buf)``:

    no momentum:  θ' = (I - lr G_k) θ + lr h_k
    momentum:     θ'   = (I - a G_k) θ - b buf + a h_k        a = lr (1 + μ d) if nesterov
                  buf' = d G_k θ + μ buf - d h_k                else lr d;  b = lr μ² or lr μ

with ``G_k = ±A_k + weight_decay I``, ``h_k = ±c_k`` (minus under ``maximize``) and
``d = 1 - dampening``; the first momentum step (``buf = g``) is taken on its own. The
states ``s_{k+1} = M_k s_k + v_k`` of all steps are then found by cyclic reduction: pair
the maps, solve the half-length recurrence of the pairs, fill in the odd steps. That is
about 2 map compositions per step, done by numpy on whole arrays. The scan runs in
chunks of SCAN_CHUNK steps; a chunk whose values stop being finite is redone step by step, so
a divergent run names the same step as the sequential rule.

The rounding differs from the sequential rule (and from torch's fused multiply-adds), by
a few units in the last place of the state per step; see ``analytic_sgd.numeric.moment_engine``.

>>> import numpy as np
>>> from analytic_sgd.conventions.settings import Settings
>>> scan = AffineSGD(Settings(lr=0.5), "float64", np.array([1.0]))
>>> scan.advance(np.ones((1, 1, 3)), np.zeros((1, 3)), 0.5)[:, 0].tolist()  # g = θ
[1.0, 0.5, 0.25, 0.125]
"""

from __future__ import annotations

import numpy as np

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..conventions.settings import Settings
from .update_rule import SGDRule

__all__ = ["AffineSGD", "affine_scan", "SCAN_CHUNK"]

SCAN_CHUNK = 1 << 14  # steps per scan chunk: bounds the growth of composed maps
_SEQUENTIAL = 8  # below this many steps the reduction steps one by one
_LOOPED = 4  # state sizes up to this compose component by component (else np.matmul)


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """``outer ∘ inner`` for stacks of matrices laid out (D, D, steps)."""
    d = outer.shape[0]
    if d > _LOOPED:
        product = np.matmul(outer.transpose(2, 0, 1), inner.transpose(2, 0, 1))
        return np.ascontiguousarray(product.transpose(1, 2, 0))
    out = np.empty((d, d, outer.shape[2]), outer.dtype)
    for i in range(d):
        for k in range(d):
            acc = outer[i, 0] * inner[0, k]
            for j in range(1, d):
                acc += outer[i, j] * inner[j, k]
            out[i, k] = acc
    return out


def _apply(m: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``m s + v`` for stacks laid out (D, D, steps), (D, steps), (D, steps)."""
    d = m.shape[0]
    if d > _LOOPED:
        return np.einsum("ijk,jk->ik", m, s) + v
    out = np.empty(v.shape, v.dtype)
    for i in range(d):
        acc = m[i, 0] * s[0]
        for j in range(1, d):
            acc += m[i, j] * s[j]
        out[i] = acc + v[i]
    return out


def _sequential(m: np.ndarray, v: np.ndarray, s0: np.ndarray) -> np.ndarray:
    out, s = np.empty(v.shape, v.dtype), s0
    with np.errstate(all="ignore"):
        for k in range(v.shape[1]):
            s = m[:, :, k] @ s + v[:, k]
            out[:, k] = s
    return out


def _reduce(m: np.ndarray, v: np.ndarray, s0: np.ndarray) -> np.ndarray:
    steps = v.shape[1]
    if steps <= _SEQUENTIAL:
        return _sequential(m, v, s0)
    h = 2 * (steps // 2)
    even_m, odd_m = m[:, :, 0:h:2], m[:, :, 1:h:2]
    even_v, odd_v = v[:, 0:h:2], v[:, 1:h:2]
    pairs = _reduce(_compose(odd_m, even_m), _apply(odd_m, even_v, odd_v), s0)
    out = np.empty(v.shape, v.dtype)
    out[:, 1:h:2] = pairs  # s_2, s_4, ...
    before = np.concatenate([s0[:, None], pairs[:, :-1]], axis=1)  # s_0, s_2, ...
    out[:, 0:h:2] = _apply(even_m, before, even_v)
    if steps > h:
        out[:, -1] = m[:, :, -1] @ out[:, -2] + v[:, -1]
    return out


def affine_scan(m: np.ndarray, v: np.ndarray, s0: np.ndarray) -> np.ndarray:
    """The states ``s_1..s_B`` of ``s_{k+1} = m[:, :, k] s_k + v[:, k]``, as (D, B).

    Chunks whose values are not all finite are redone step by step; after the first
    chunk that is not finite that way too, the remaining states are NaN.

    >>> m = np.full((1, 1, 4), 2.0); v = np.ones((1, 4))
    >>> affine_scan(m, v, np.zeros(1)).tolist()
    [[1.0, 3.0, 7.0, 15.0]]
    """
    out = np.empty(v.shape, v.dtype)
    steps = v.shape[1]
    with np.errstate(all="ignore"):
        for start in range(0, steps, SCAN_CHUNK):
            stop = min(start + SCAN_CHUNK, steps)
            part = _reduce(m[:, :, start:stop], v[:, start:stop], s0)
            if not np.isfinite(part).all():
                part = _sequential(m[:, :, start:stop], v[:, start:stop], s0)
                if not np.isfinite(part).all():
                    out[:, start:stop], out[:, stop:] = part, np.nan
                    return out
            out[:, start:stop] = part
            s0 = part[:, -1]
    return out


class AffineSGD:
    """The state of ``torch.optim.SGD`` (parameters and momentum buffer) over many steps.

    ``advance(A, c, lr)`` takes the steps whose gradients are ``A[k] θ - c[k]``;
    ``advance_with(grad, lr)`` takes steps whose gradient ``grad(k, θ)`` is any function
    (one by one, with ``SGDRule`` without fused multiply-adds). ``lr``: the learning rate
    of each step (B,), or one for all, converted by the rule. Both return the parameters
    before the first step and after each step, shape (steps + 1, P).
    """

    def __init__(self, settings: Settings, arithmetic: str | Arithmetic, theta: np.ndarray) -> None:
        self.settings, self.arithmetic = settings, get_arithmetic(arithmetic)
        self.dtype = self.arithmetic.dtype
        self.theta, self.buf = np.asarray(theta, self.dtype), None
        # exact arithmetic rounds nothing: the steps one after another give the same values
        self._scan = _sequential if self.arithmetic.exact else affine_scan
        c = SGDRule(settings, self.arithmetic).constants  # converted as the rule converts them
        self.mu, self.wd, self.d = c["momentum"], c["weight_decay"], c["1-dampening"]
        sign = -1 if settings.maximize else 1
        self.sign = sign if self.arithmetic.exact else self.dtype.type(sign)

    def _hessians(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The identity (P, P, 1) and each step's G = sign·A + weight_decay·I (P, P, B)."""
        eye = np.eye(a.shape[0], dtype=self.dtype)[:, :, None]
        g = a * self.sign if self.sign != 1 else a
        return eye, (g + self.wd * eye if self.wd != 0 else g)

    def advance(self, a: np.ndarray, c: np.ndarray, lr) -> np.ndarray:
        """Steps with gradients ``a[:, :, k] @ θ - c[:, k]``; ``a`` (P, P, B), ``c`` (P, B),
        ``lr`` one learning rate or one per step (B,)."""
        p, steps = c.shape
        eye, g = self._hessians(a)
        h = c * self.sign
        out = np.empty((steps + 1, p), self.dtype)
        out[0] = self.theta
        first = 0
        lr = np.asarray(lr, self.dtype)
        with np.errstate(all="ignore"):
            if self.mu == 0:
                states = self._scan(eye - lr * g, lr * h, self.theta)
            else:
                if self.buf is None and steps:
                    grad = g[:, :, 0] @ self.theta - h[:, 0]
                    self.buf = grad
                    step = grad * (1 + self.mu) if self.settings.nesterov else grad
                    out[1] = self.theta = self.theta - (lr if lr.ndim == 0 else lr[0]) * step
                    first = 1
                states = self._momentum(g[:, :, first:], h[:, first:],
                                        lr if lr.ndim == 0 else lr[first:])
        out[1 + first:] = states[:p].T
        if steps > first:
            self.theta = out[-1].copy()
            if self.mu != 0:
                self.buf = states[p:, -1].copy()
        return out

    def _coefficients(self, lr):
        mu, d = self.mu, self.d
        return (lr * (1 + mu * d), lr * mu * mu) if self.settings.nesterov else (lr * d, lr * mu)

    def _momentum_maps(self, g: np.ndarray, lr) -> np.ndarray:
        p, steps = g.shape[0], g.shape[2]
        a, b = self._coefficients(lr)
        m = np.zeros((2 * p, 2 * p, steps), self.dtype)
        eye = np.eye(p, dtype=self.dtype)[:, :, None]
        m[:p, :p] = eye - a * g
        m[:p, p:] = -b * eye
        m[p:, :p] = self.d * g
        m[p:, p:] = self.mu * eye
        return m

    def _momentum(self, g: np.ndarray, h: np.ndarray, lr: np.ndarray) -> np.ndarray:
        a, _ = self._coefficients(lr)
        v = np.concatenate([a * h, -self.d * h])
        return self._scan(self._momentum_maps(g, lr), v, np.concatenate([self.theta, self.buf]))

    def maps(self, a: np.ndarray, lr) -> np.ndarray:
        """The linear part of each step's map of the state (θ, or θ and the momentum buffer)
        for gradients ``a[:, :, k] @ θ - c[:, k]``: (D, D, B). A state's error is multiplied
        by these maps, step after step (the first momentum step, which sets the buffer, aside)."""
        eye, g = self._hessians(a)
        lr = np.asarray(lr, self.dtype)
        return eye - lr * g if self.mu == 0 else self._momentum_maps(g, lr)

    def advance_with(self, grad, steps: int, lr) -> tuple[np.ndarray, np.ndarray]:
        """``steps`` steps whose gradient is ``grad(k, θ)``; returns (parameters, gradients).

        After the first step whose gradient or parameters are not finite the rest are NaN.
        """
        rule = SGDRule(self.settings, self.arithmetic, fma=False)
        lrs = np.broadcast_to(np.asarray(lr, self.dtype), (steps,))
        rule.buf = self.buf
        p = len(self.theta)
        out = np.full((steps + 1, p), np.nan, self.dtype)
        grads = np.full((steps, p), np.nan, self.dtype)
        theta = out[0] = self.theta
        with np.errstate(all="ignore"):
            for k in range(steps):
                grads[k] = g = grad(k, theta)
                out[k + 1] = theta = rule.step(theta, g, lr=lrs[k])
                finite = self.arithmetic.finite
                if not (finite(g).all() and finite(theta).all()):
                    break
        self.theta, self.buf = theta, rule.buf
        return out, grads
