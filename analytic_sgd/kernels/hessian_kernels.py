"""The Hessian of the loss as compiled functions: plain data, exact or float.

From ``analytic_sgd.symbolic.hessian`` (proven) it compiles, per sample, the loss's term,
its gradient and its Hessian in the parameters (a ``DiracDelta`` from ``abs`` counted as 0,
its value away from the kink, as frameworks compute it), and the outer function's first two
derivatives; ``hessian(theta, x, y)`` sums them over the rows and composes
``outer'(F) c Σ ∇²e + outer''(F) (c Σ ∇e)(c Σ ∇e)ᵀ``.

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.symbolic.derive import derive
>>> from analytic_sgd.conventions.loss import mse
>>> h = compile_hessian_kernels(derive(linear(), mse), "exact")
>>> h.hessian([0, 0], [0, 1, 2], [10, 12, 14]).tolist()
[[10/3, 2], [2, 2]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..symbolic.derive import Derivation
from ..symbolic.hessian import hessian_form
from .elementwise import data_columns, param_values
from .printers import exact_function, numpy_function

__all__ = ["HessianKernels", "compile_hessian_kernels", "HESSIAN_CHUNK"]

HESSIAN_CHUNK = 1 << 16  # rows of the data summed at a time (one chunk: numpy's own sum)


@dataclass(frozen=True)
class HessianKernels:
    """``hessian(theta, x, y)``: the Hessian of the batch loss at ``theta`` in one arithmetic
    (a (P, P) array of its dtype). ``constant_in_params``: the same at every ``theta``;
    ``rational``: rational inputs give a rational Hessian (no exp, sqrt, ...)."""

    arithmetic: Arithmetic
    params: tuple[str, ...]
    inputs: tuple[str, ...]
    constant_in_params: bool
    rational: bool
    per_sample: Any   # (params, inputs, y) -> [e, ∇e (P), ∇²e (P*P, row by row)]
    weight: Any       # n -> c
    outer1: Any       # F -> outer'(F)
    outer2: Any       # F -> outer''(F)

    def hessian(self, theta, x, y) -> np.ndarray:
        a, p = self.arithmetic, len(self.params)
        columns, y = data_columns(a, self.inputs, x, y)
        theta = param_values(a, self.params, theta)
        n = len(y)
        if a.exact:
            rows = [self.per_sample(*theta, *(c[i] for c in columns), y[i]) for i in range(n)]
            sums = [sp.Add(*column) for column in zip(*rows)]
        else:  # chunk by chunk: the temporaries stay small whatever the data's size
            sums = None
            for start in range(0, n, HESSIAN_CHUNK):
                part = slice(start, start + HESSIAN_CHUNK)
                m = len(y[part])
                with np.errstate(all="ignore"):
                    terms = self.per_sample(*theta, *(c[part] for c in columns), y[part])
                    chunk = [np.sum(np.broadcast_to(np.asarray(t, a.dtype), (m,))) for t in terms]
                sums = chunk if sums is None else [u + v for u, v in zip(sums, chunk)]
            sums = [a.scalar(v) for v in sums]
        c = self.weight(sp.Integer(n)) if a.exact else a.scalar(self.weight(n))
        f, grad, second = c * sums[0], [c * g for g in sums[1:p + 1]], sums[p + 1:]
        o1, o2 = self.outer1(f), self.outer2(f)
        out = np.empty((p, p), dtype=a.dtype)
        with np.errstate(all="ignore"):  # an overflowing start gives inf/nan: reported above
            for j in range(p):
                for k in range(p):
                    value = o1 * c * second[j * p + k] + o2 * grad[j] * grad[k]
                    out[j, k] = sp.expand(value) if a.exact else value
        return out


def compile_hessian_kernels(derivation: Derivation, arithmetic: str | Arithmetic,
                            *, prove: bool = True) -> HessianKernels:
    """HessianKernels of ``derivation`` in ``arithmetic``; DerivationError on a bug."""
    arithmetic = get_arithmetic(arithmetic)
    form = hessian_form(derivation, prove=prove)
    graph = derivation.graph
    printer = exact_function if arithmetic.exact else numpy_function
    terms = [form.term, *form.gradient, *(h for row in form.hessian for h in row)]
    # |u|'' = 2 DiracDelta(u): 0 wherever the kink is not exactly hit, as every framework has it
    terms = [t.replace(sp.DiracDelta, lambda *args: sp.Integer(0)) for t in terms]
    args = [*graph.params, *graph.inputs, graph.target]
    return HessianKernels(
        arithmetic,
        tuple(p.name for p in graph.params),
        tuple(s.name for s in graph.inputs),
        form.constant_in_params,
        form.rational,
        printer(args, terms, cse=True),
        printer([graph.n], form.weight),
        printer([form.reduced], form.outer1),
        printer([form.reduced], form.outer2),
    )
