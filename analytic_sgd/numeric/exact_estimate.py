"""How long an exact run will take and how large its numbers will get, from its first steps.

In exact arithmetic the parameters' numerators and denominators grow by a roughly fixed
number of bits per step (each step multiplies in the learning rate's denominator, the
batch size and the data's denominators), and the time of a step grows with the size of
the numbers it multiplies. ``ExactEstimate.after(k, seconds, bits)`` extrapolates from the
first k steps: the size grows linearly (bits/k per step), the time of a step as its size
to the power ``EXPONENT`` (GMP's subquadratic multiplication and gcd; measured on linear
SGD by ``benchmarks/run.py``), so the total time is
``seconds * (N/k)**(1 + EXPONENT)``. It returns the line the command line prints before a
long run (at least LONG_SECONDS), or None.

>>> print(ExactEstimate(5000).after(40, 0.05, 4000)[:65])
exact run of 5000 steps: values of about 150000 digits by the end
>>> ExactEstimate(100).after(40, 0.05, 4000) is None
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ExactEstimate", "EXPONENT", "LONG_SECONDS"]

EXPONENT = 1.4      # the time of a step grows as (its size) ** EXPONENT over these sizes
LONG_SECONDS = 2.0  # runs estimated to take longer get the line


@dataclass(frozen=True)
class ExactEstimate:
    """The estimate of an exact run of ``steps`` steps."""

    steps: int

    def seconds(self, k: int, seconds: float) -> float:
        """The whole run's time, given that its first k steps took ``seconds``."""
        return seconds * (self.steps / k) ** (1 + EXPONENT)

    def digits(self, k: int, bits: int) -> int:
        """Decimal digits of the largest numerator plus denominator at the end."""
        return int(bits * self.steps / k * math.log10(2))

    def after(self, k: int, seconds: float, bits: int) -> str | None:
        """The line to print before the rest of the run, or None for a short run."""
        total = self.seconds(k, seconds)
        if total < LONG_SECONDS:
            return None
        digits = self.digits(k, bits)
        return (f"exact run of {self.steps} steps: values of about {_round(digits)} digits by the "
                f"end, about {_round(total)} s (estimated from the first {k} steps)")


def _round(value: float) -> int:
    """Two significant figures: an estimate claims no more."""
    if value < 100:
        return round(value)
    scale = 10 ** (int(math.log10(value)) - 1)
    return int(round(value / scale) * scale)
