"""How an epoch picks its rows, and from which random generator: one value each.

Samplers: ``without-replacement`` (each row once per epoch, in order or shuffled) and
``with-replacement`` (each batch's rows drawn independently, with replacement:
PyTorch's ``RandomSampler(replacement=True, num_samples=n)``). Random generators, made
from a seed: ``numpy`` (``numpy.random.default_rng(seed)``: a batch is
``integers(0, n, size=batch_size)``, an epoch's shuffle ``permutation(n)``) and
``numpy-legacy`` (``numpy.random.RandomState(seed)``, the generator behind textbook code
that calls ``np.random.seed``: ``randint(n, size=batch_size)`` and ``permutation(n)``).
A ``RandomStart`` draws the start from the same stream, before the batches (bias first in
Géron's recipes).

>>> WITH_REPLACEMENT.epoch(NUMPY_LEGACY, NUMPY_LEGACY.generator(42), 10, 4).tolist()
[6, 3, 7, 4]
>>> start = RandomStart(("b", "w")).draw(NUMPY_LEGACY, NUMPY_LEGACY.generator(42), ("w", "b"))
>>> {p: round(v, 6) for p, v in start.items()}
{'b': 0.496714, 'w': -0.138264}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import OptionError
from .lookup import pick

__all__ = ["RNG", "Sampler", "RandomStart", "NUMPY", "NUMPY_LEGACY", "RNGS", "WITHOUT_REPLACEMENT",
           "WITH_REPLACEMENT", "SAMPLERS", "get_rng", "get_sampler"]


@dataclass(frozen=True, repr=False)
class RNG:
    """A random generator made from a seed, with the draws the project needs by name."""

    name: str
    make: Callable[[int], Any]
    integers: Callable[[Any, int, int], np.ndarray]     # (generator, n, size): rows 0..n-1
    permutation: Callable[[Any, int], np.ndarray]       # (generator, n)
    normal: Callable[[Any, int], np.ndarray]            # (generator, size): standard normals
    uniform: Callable[[Any, int], np.ndarray]           # (generator, size): [0, 1)

    def __repr__(self) -> str:
        return f"RNG({self.name!r})"

    def generator(self, seed: int) -> Any:
        return self.make(int(seed))


NUMPY = RNG("numpy", np.random.default_rng, lambda g, n, size: g.integers(0, n, size=size),
            lambda g, n: g.permutation(n), lambda g, size: g.standard_normal(size),
            lambda g, size: g.random(size))
NUMPY_LEGACY = RNG("numpy-legacy", np.random.RandomState,
                   lambda g, n, size: g.randint(n, size=size), lambda g, n: g.permutation(n),
                   lambda g, size: g.randn(size), lambda g, size: g.rand(size))
RNGS = {r.name: r for r in (NUMPY, NUMPY_LEGACY)}


@dataclass(frozen=True, repr=False)
class Sampler:
    """How an epoch picks ``stop`` rows of ``n``: ``replacement`` draws each batch at random
    (a batch of size k is one draw of k rows; draws made for a whole epoch at once give the
    same rows, checked in the tests), else each row is used once (``shuffled`` or in order)."""

    name: str
    replacement: bool

    def __repr__(self) -> str:
        return f"Sampler({self.name!r})"

    def epoch(self, rng: RNG, generator: Any, n: int, stop: int) -> np.ndarray:
        """The rows of one random epoch, drawn from ``generator`` (made by ``rng``): ``stop``
        rows with replacement, or a permutation of the ``n`` rows."""
        if self.replacement:
            return np.asarray(rng.integers(generator, n, stop), dtype=np.intp)
        return np.asarray(rng.permutation(generator, n), dtype=np.intp)


WITHOUT_REPLACEMENT = Sampler("without-replacement", False)
WITH_REPLACEMENT = Sampler("with-replacement", True)
SAMPLERS = {s.name: s for s in (WITHOUT_REPLACEMENT, WITH_REPLACEMENT)}


def get_rng(value: str | RNG) -> RNG:
    """The RNG called ``value`` (``numpy``, ``numpy-legacy``); OptionError naming ``rng``."""
    return pick(RNGS, value, "rng", RNG, registered=True)


def get_sampler(value: str | Sampler) -> Sampler:
    """The Sampler called ``value``; OptionError naming ``sample``."""
    return pick(SAMPLERS, value, "sample", Sampler, registered=True)


@dataclass(frozen=True)
class RandomStart:
    """The start drawn from the run's random stream: standard normals, one per parameter, in
    the order ``order`` (Géron's ``theta = np.random.randn(2, 1)`` is bias first), after the
    draws of ``prelude`` (``(("uniform", 100), ("normal", 100))``: the data drawn first)."""

    order: tuple[str, ...]
    prelude: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.order, str) or not isinstance(self.order, Sequence) or not all(
                isinstance(p, str) for p in self.order) or len(set(self.order)) != len(self.order):
            raise OptionError.for_field("random start order", self.order,
                                        "distinct parameter names")
        for kind, count in self.prelude:
            if kind not in ("uniform", "normal") or not isinstance(count, int) or count < 0:
                raise OptionError.for_field("random start prelude", (kind, count),
                                            "pairs (uniform or normal, a count >= 0)")
        object.__setattr__(self, "order", tuple(self.order))
        object.__setattr__(self, "prelude", tuple(tuple(p) for p in self.prelude))

    def draw(self, rng: RNG, generator: Any, params: Sequence[str]) -> dict[str, float]:
        """The start by parameter name, drawn from ``generator`` (made by ``rng``)."""
        if sorted(self.order) != sorted(params):
            raise OptionError(f"the random start draws {', '.join(self.order)}, but the model's "
                              f"parameters are {', '.join(params)}")
        for kind, count in self.prelude:
            getattr(rng, kind)(generator, count)
        values = rng.normal(generator, len(self.order))
        return {p: float(v) for p, v in zip(self.order, values)}
