"""Shared fixtures: derivations are cached because proving takes a fraction of a second."""

from __future__ import annotations

import functools

import pytest

import analytic_sgd as asgd


@functools.cache
def derivation(model_name: str, loss: str) -> asgd.Derivation:
    return asgd.derive(asgd.model_from_name(model_name), loss)


@pytest.fixture
def derive_cached():
    return derivation
