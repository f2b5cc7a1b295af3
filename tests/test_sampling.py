"""Samplers, random generators and the random start: values, and the draws they make."""

from __future__ import annotations

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.conventions.sampling import (
    NUMPY,
    NUMPY_LEGACY,
    WITH_REPLACEMENT,
    WITHOUT_REPLACEMENT,
    RandomStart,
    get_rng,
    get_sampler,
)


@pytest.mark.parametrize("rng", [NUMPY, NUMPY_LEGACY])
@pytest.mark.parametrize("n, size", [(9, 3), (100, 1), (300_000, 3), (2**31 + 5, 4)])
def test_an_epoch_drawn_at_once_is_the_batches_drawn_one_by_one(rng, n, size):
    """The engines draw a whole epoch in one call; a textbook loop draws each batch (or each
    row) on its own: the same rows, for both generators."""
    whole = WITH_REPLACEMENT.epoch(rng, rng.generator(7), n, 10 * size + 1)
    g = rng.generator(7)
    one_by_one = np.concatenate([rng.integers(g, n, size) for _ in range(10)] +
                                [rng.integers(g, n, 1)])
    np.testing.assert_array_equal(whole, one_by_one)


def test_the_generators_are_numpys():
    assert NUMPY.permutation(NUMPY.generator(1), 5).tolist() == \
        np.random.default_rng(1).permutation(5).tolist()
    legacy = np.random.RandomState(3)
    assert NUMPY_LEGACY.integers(NUMPY_LEGACY.generator(3), 10, 4).tolist() == \
        legacy.randint(10, size=4).tolist()
    assert WITHOUT_REPLACEMENT.epoch(NUMPY, NUMPY.generator(2), 6, 6).tolist() == \
        np.random.default_rng(2).permutation(6).tolist()


def test_a_random_start_is_drawn_first_in_its_order():
    np.random.seed(42)
    theta = np.random.randn(2, 1)
    start = RandomStart(("b", "w")).draw(NUMPY_LEGACY, NUMPY_LEGACY.generator(42), ("w", "b"))
    assert start == {"b": theta[0, 0], "w": theta[1, 0]}
    after_data = RandomStart(("b", "w"), (("uniform", 100), ("normal", 100)))
    np.random.seed(42)
    np.random.rand(100, 1), np.random.randn(100, 1)
    theta = np.random.randn(2, 1)
    assert after_data.draw(NUMPY_LEGACY, NUMPY_LEGACY.generator(42), ("w", "b")) == {
        "b": theta[0, 0], "w": theta[1, 0]}
    with pytest.raises(asgd.OptionError, match="the random start draws b, w"):
        RandomStart(("b", "w")).draw(NUMPY, NUMPY.generator(0), ("a", "b", "c"))


@pytest.mark.parametrize("value, kind", [("torch", asgd.OptionError), ("Numpy", asgd.OptionError),
                                         (3, asgd.OptionTypeError), (None, asgd.OptionTypeError)])
def test_unknown_generators_and_samplers(value, kind):
    with pytest.raises(kind, match="rng must be one of numpy, numpy-legacy"):
        get_rng(value)
    with pytest.raises(kind, match="sample must be one of without-replacement, with-replacement"):
        get_sampler(value)


def test_bad_random_starts():
    with pytest.raises(asgd.OptionError, match="random start order"):
        RandomStart(("b", "b"))
    with pytest.raises(asgd.OptionError, match="random start prelude"):
        RandomStart(("b",), (("poisson", 3),))
