"""Caches of derivations and compiled kernels, keyed by model, loss and arithmetic.

Deriving and proving a model's gradient takes 0.02-0.3 s and compiling it a few ms more;
the table, golden files, cross-checks and plots of one process share the results. What
the caches hand out is immutable (frozen dataclasses, tuples, read-only mappings), so two
callers can never change each other's kernels.

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.conventions.loss import mse
>>> kernels_for(linear(), mse, "float64") is kernels_for(linear(), mse, "float64")
True
>>> kernels_for(linear(), mse, "float64").moments is None
True
>>> kernels_for(linear(), mse, "float64", with_moments=True).moments.moments[:2]
('x**2', 'x')
>>> kernels_for(linear(), mse, "exact", with_moments=True).moments.arithmetic.name
'exact'
"""

from __future__ import annotations

import dataclasses
import functools

from ..conventions.arithmetic import Arithmetic, get_arithmetic
from ..conventions.loss import Loss, get_loss
from ..symbolic.derive import Derivation, derive
from ..symbolic.model import Model
from .elementwise import Kernels, compile_kernels
from .hessian_kernels import HessianKernels, compile_hessian_kernels
from .moment_compiler import compile_moment_kernels

__all__ = ["derivation_for", "kernels_for", "hessian_kernels_for", "clear_caches"]

SIZE = 64  # models x losses kept per process


def derivation_for(model: Model, loss: Loss | str) -> Derivation:
    """The proven Derivation of ``loss`` for ``model``, derived once per process."""
    return _derivation(model, get_loss(loss))


def kernels_for(model: Model, loss: Loss | str, arithmetic: str | Arithmetic, *,
                with_moments: bool = False) -> Kernels:
    """The Kernels of ``model`` and ``loss`` in ``arithmetic``, compiled once per process;
    ``with_moments`` adds the moment form's kernels where it exists (a model linear in its
    parameters)."""
    arithmetic = get_arithmetic(arithmetic)
    kernels = _kernels(model, get_loss(loss), arithmetic)
    if not with_moments or not kernels.linear_in_params:
        return kernels
    return _with_moments(model, get_loss(loss), arithmetic)


def hessian_kernels_for(model: Model, loss: Loss | str,
                        arithmetic: str | Arithmetic) -> HessianKernels:
    """The HessianKernels of ``model`` and ``loss`` in ``arithmetic``, once per process."""
    return _hessian(model, get_loss(loss), get_arithmetic(arithmetic))


@functools.lru_cache(maxsize=SIZE)
def _hessian(model: Model, loss: Loss, arithmetic: Arithmetic) -> HessianKernels:
    return compile_hessian_kernels(_derivation(model, loss), arithmetic)


@functools.lru_cache(maxsize=SIZE)
def _derivation(model: Model, loss: Loss) -> Derivation:
    return derive(model, loss)


@functools.lru_cache(maxsize=SIZE)
def _kernels(model: Model, loss: Loss, arithmetic: Arithmetic) -> Kernels:
    return compile_kernels(_derivation(model, loss), arithmetic, with_moments=False)


@functools.lru_cache(maxsize=SIZE)
def _with_moments(model: Model, loss: Loss, arithmetic: Arithmetic) -> Kernels:
    moments = compile_moment_kernels(_derivation(model, loss), arithmetic)
    return dataclasses.replace(_kernels(model, loss, arithmetic), moments=moments)


def clear_caches() -> None:
    """Forget every cached derivation and kernel (after a change to the code that makes them)."""
    for cache in (_derivation, _kernels, _with_moments, _hessian):
        cache.cache_clear()
