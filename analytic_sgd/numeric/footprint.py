"""The size of a run before it starts: its steps, the memory it will hold, and (exact) how
many digits its numbers grow to.

A run keeps one row per recorded step: the epoch, batch and n, and 3p + 2 numbers (the
parameters before and after, the gradient, the loss, the learning rate). In float
arithmetic a number is 4 or 8 bytes; in exact arithmetic it is a fraction whose digits
grow step by step (each step multiplies in the denominators of the learning rate, the
batch mean and the data), so its size is measured, not assumed: a short probe run of
``PROBE_STEPS`` steps gives the digits of each step, and the growth is extrapolated
(linear, or geometric when the digits multiply, as for a model not linear in its
parameters). A table printed from memory costs about ``TEXT_BYTES`` more per number, plus
its digits. The engines add a fixed working set (the interpreter and its libraries, and
the moment engine's block of up to ENGINE_BLOCK_STEPS steps); random batch orders add one array
per epoch (orders in sequence cost nothing).

``refuse_if_too_large`` refuses a run whose estimate is above the limit (``max_memory``, else
``MEMORY_FRACTION`` of the memory available) with a ``RunTooLargeError`` giving the
estimate and the ways out.

>>> f = estimate(steps=3 * 10**9, params=2, itemsize=8)
>>> f.rows, f.describe()
(3000000000, '3,000,000,000 steps keep 3,000,000,000 rows: about 246 GiB')
>>> refuse_if_too_large(f, limit=2**30)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analytic_sgd.errors.RunTooLargeError: 3,000,000,000 steps keep 3,000,000,000 rows: about 246 GiB, above ...
>>> memory_text(1536 * 2**20), read_memory("500M"), read_memory("2G") == 2 * 2**30
('1.5 GiB', 524288000, True)
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import OptionError, OptionTypeError, RunTooLargeError
from .recorder import BUFFER, kept_rows

__all__ = ["Footprint", "estimate", "available_memory", "memory_text", "read_memory",
           "digit_growth", "refuse_if_too_large", "read_every", "MEMORY_FRACTION", "PROBE_STEPS",
           "TEXT_BYTES", "ENGINE_BYTES", "ENGINE_BLOCK_STEPS"]

MEMORY_FRACTION = 0.5      # a run may use this fraction of the memory available
PROBE_STEPS = 8            # steps of the probe that measures the digit growth of exact runs
TEXT_BYTES = 120           # a number printed in a table from memory: its string and list slots
ENGINE_BYTES = 200 * 2**20  # the interpreter, numpy, sympy and the compiled kernels
ENGINE_BLOCK_STEPS = 2**20        # the moment engine handles up to about this many steps at once
INT_ROW = 3 * 8            # epoch, batch, n
OBJECT_BYTES = 140         # a sympy Rational and its two Python ints, without their digits
BYTES_PER_DIGIT = math.log2(10) / 8
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([KMGT]?)(?:i?B)?\s*", re.IGNORECASE)
_MEMORY = "a size in bytes such as 500M, 2G or 4000000000 (K, M, G, T: powers of 1024)"


def memory_text(size: float) -> str:
    """``size`` bytes in the largest binary unit that keeps it >= 1: ``1.5 GiB``."""
    for unit, name in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if size >= unit:
            value = size / unit
            return f"{value:.3g} {name}" if value < 1000 else f"{value:,.0f} {name}"
    return f"{int(size)} bytes"


def read_memory(text: Any, field: str = "max_memory") -> int:
    """A memory size (``500M``, ``2G``, ``1.5GiB``, ``4000000000``, or an int) in bytes;
    OptionError naming ``field`` otherwise."""
    if isinstance(text, (bool, np.bool_)) or not isinstance(text, (str, int, np.integer)):
        raise OptionTypeError.for_field(field, text, _MEMORY)
    if isinstance(text, str):
        match = _SIZE.fullmatch(text)
        if match is None:
            raise OptionError.for_field(field, text, _MEMORY)
        size = int(float(match[1]) * UNITS[match[2].upper()])
    else:
        size = int(text)
    if size < 1:
        raise OptionError.for_field(field, text, _MEMORY)
    return size


def read_every(value: Any, field: str = "every") -> int:
    """``value`` if it is a whole number >= 1 (keep every value-th step); OptionError naming
    ``field`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise OptionTypeError.for_field(field, value, "a whole number >= 1")
    if value < 1:
        raise OptionError.for_field(field, value, "a whole number >= 1")
    return int(value)


def available_memory() -> int | None:
    """The memory available to a new run (``MemAvailable`` of /proc/meminfo, or the free
    physical pages), in bytes; None when the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


@dataclass(frozen=True)
class Growth:
    """How the digits of an exact run's numbers grow: ``digits(k)`` at step k (from 0)."""

    first: float     # digits (numerator and denominator) of the largest number at step 0
    rate: float      # digits added per step (linear), or the factor per step (geometric)
    geometric: bool

    def digits(self, step: float) -> float:
        if self.geometric:
            return self.first * self.rate ** min(step, 4000)
        return self.first + self.rate * step

    def mean(self, steps: int) -> float:
        """The mean over steps 0..steps-1 of the digits."""
        if self.geometric:
            return self.digits(steps - 1) / max(1.0, (steps - 1) * math.log(self.rate) + 1)
        return self.first + self.rate * (steps - 1) / 2

    def describe(self) -> str:
        if self.geometric:
            return f"the digits of its fractions multiply by {self.rate:.2g} at every step"
        return f"its fractions grow by about {self.rate:.2g} digits a step"


def digit_growth(probe) -> Growth:
    """The growth measured on ``probe``, a Trajectory of the first steps of an exact run."""
    def digits(row: int) -> float:
        values = [probe.loss[row], *probe.grad[row], *probe.updated[row]]
        bits = [int(v.p).bit_length() + int(v.q).bit_length() for v in values
                if getattr(v, "is_Rational", False) is True]
        return max(bits, default=1) * math.log10(2) + 1

    count = len(probe)
    if count < 2:
        return Growth(digits(0) if count else 1.0, 0.0, False)
    half, last = count // 2 - 1, count - 1
    a, b = digits(half), digits(last)
    ratio = (b / a) ** (1 / (last - half)) if a > 0 else 1.0
    linear = (b - a) / (last - half)
    # digits that double every step or so are geometric; a fixed number of digits a step, linear
    if ratio > 1.5 and b > 2 * a * (last + 1) / (half + 1):
        return Growth(b / ratio**last, ratio, True)
    return Growth(max(1.0, b - linear * last), max(0.0, linear), False)


@dataclass(frozen=True)
class Footprint:
    """The estimate of one run: its ``steps``, the ``rows`` it keeps in memory, the ``bytes``
    it holds at most, and for an exact run its digit ``growth``."""

    steps: int
    rows: int
    bytes: int
    growth: Growth | None = None
    streamed: bool = False

    def describe(self) -> str:
        rows = (f"{self.steps:,} steps streamed ({self.rows:,} rows held at a time)"
                if self.streamed else f"{self.steps:,} steps keep {self.rows:,} rows")
        text = f"{rows}: about {memory_text(self.bytes)}"
        if self.growth is not None:
            last = self.growth.digits(self.steps - 1)
            shown = f"{last:,.0f}" if last < 1e15 else f"{last:.3g}"
            text += f" ({self.growth.describe()}, to {shown} digits at the last step)"
        return text


def estimate(steps: int, params: int, itemsize: int = 8, *, every: int = 1,
             streamed: bool = False, printed: bool = False, growth: Growth | None = None,
             epochs: int = 1, epoch_rows: int = 0) -> Footprint:
    """The footprint of a run of ``steps`` steps with ``params`` parameters in an arithmetic
    of ``itemsize`` bytes (or exact, with its ``growth``): keeping every ``every``-th step,
    in memory or ``streamed`` (a block at a time), ``printed`` as a table from memory,
    with ``epochs`` random orders of ``epoch_rows`` rows each (0: in order)."""
    numbers = 3 * params + 2
    rows = kept_rows(steps, every)
    held = min(rows, BUFFER) if streamed else rows  # streamed: a buffer; blocks count below
    if growth is None:
        per_number = itemsize
        digits = 17.0
    else:
        digits = growth.mean(steps) if not streamed else growth.digits(steps - 1)
        per_number = OBJECT_BYTES + BYTES_PER_DIGIT * digits
    per_row = INT_ROW + numbers * per_number
    if printed and not streamed:
        per_row += numbers * (TEXT_BYTES + 2 * digits)
    orders = epochs * (epoch_rows * 8 + 112) if epoch_rows else 0  # in order: no list at all
    block = min(steps, ENGINE_BLOCK_STEPS) * (params * params + 4 * params + 8) * 8 * 2  # its arrays
    total = ENGINE_BYTES + block + held * per_row + orders
    return Footprint(steps, held if streamed else rows, int(min(total, 2.0**80)), growth,
                     streamed)


def refuse_if_too_large(footprint: Footprint, limit: int | None = None, *, exact: bool = False) -> None:
    """Refuse (``RunTooLargeError``) a run whose footprint is above ``limit`` bytes, or above
    MEMORY_FRACTION of the memory available when no limit is given (no check when the
    system does not say)."""
    given = limit is not None
    if limit is None:
        available = available_memory()
        if available is None:
            return
        limit = int(available * MEMORY_FRACTION)
    if footprint.bytes <= limit:
        return
    where = "the limit {max_memory}" if given else "half the memory available"
    ways = ["keep every Nth step ({every})", "stream the rows to a file ({out})",
            "use larger batches"]
    if exact:
        ways.append("use {float64}")
    ways.append(f"or {'raise' if given else 'set'} {{max_memory}}")
    described = footprint.describe().replace("{", "{{").replace("}", "}}")
    raise RunTooLargeError(f"{described}, above {where} ({memory_text(limit)}): "
                           f"{', '.join(ways)}", footprint)
