"""The caches: one derivation and one compile per model, loss and arithmetic; nothing mutable."""

from __future__ import annotations

import dataclasses

import pytest

import analytic_sgd as asgd
from analytic_sgd.kernels.cache import clear_caches, derivation_for, kernels_for


def test_kernels_are_compiled_once_and_moments_only_when_asked():
    k = kernels_for(asgd.quadratic(), "mse", "float64")
    assert k is kernels_for(asgd.quadratic(), asgd.mse, asgd.FLOAT64)
    assert k.moments is None
    with_moments = kernels_for(asgd.quadratic(), "mse", "float64", with_moments=True)
    assert with_moments.moments is not None and with_moments.per_sample is k.per_sample
    assert kernels_for(asgd.quadratic(), "mse", "exact").moments is None
    assert kernels_for(asgd.quadratic(), "mse", "exact", with_moments=True).moments.arithmetic \
        is asgd.EXACT
    curve = asgd.parse_model("w*exp(k*x)", "w k")
    assert kernels_for(curve, "mse", "float64", with_moments=True).moments is None
    assert derivation_for(asgd.quadratic(), "mse") is derivation_for(asgd.quadratic(), "mse")


def test_what_the_cache_hands_out_cannot_be_changed():
    d = derivation_for(asgd.linear(), "mse")
    k = kernels_for(asgd.linear(), "mse", "float64")
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.scale = 2.0
    with pytest.raises(TypeError):
        d.local[("l", "e")] = 0
    with pytest.raises(TypeError):
        d.graph.by_name["a"] = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.chains[0].proved = False
    assert isinstance(d.chains, tuple) and isinstance(k.coeffs, tuple)


def test_kernels_hold_no_derivation():
    k = kernels_for(asgd.linear(), "mse", "float64", with_moments=True)
    values = [getattr(k, f.name) for f in dataclasses.fields(k)]
    values += [getattr(k.moments, f.name) for f in dataclasses.fields(k.moments)]
    assert not any(isinstance(v, (asgd.Derivation, asgd.Graph)) for v in values)


def test_clear_caches():
    k = kernels_for(asgd.linear(), "sse", "float32")
    clear_caches()
    assert kernels_for(asgd.linear(), "sse", "float32") is not k
