"""Learning-rate schedules: the learning rate as a function of the step.

A schedule is a value called as ``schedule(t, epoch)`` (t: the step over the whole run,
epoch: the epoch, both from 0) that returns the learning rate of that step as a number
given exactly (a decimal string, an int, a Fraction, a sympy Rational or a float read as
the decimal it prints as). ``text`` says how it is written; ``constant`` is its value when
it does not depend on the step (the engines then convert it once), else None.

>>> lr = Constant("0.01")
>>> lr(0, 0), lr(99, 3), lr.text, lr.constant
('0.01', '0.01', '0.01', '0.01')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import OptionError, OptionTypeError
from .arithmetic import decimal_reason

_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity|\d*\.?\d*e\+?\d{3,})", re.IGNORECASE)

__all__ = ["Schedule", "Constant", "check_number", "as_schedule", "NUMBER"]

NUMBER = "a finite number >= 0"
KINDS = "an int, float, Fraction, sympy Rational or decimal string"


@runtime_checkable
class Schedule(Protocol):
    """What every schedule has: ``schedule(t, epoch)``, ``text`` and ``constant``."""

    text: str

    @property
    def constant(self) -> Any: ...

    def __call__(self, t: int, epoch: int) -> Any: ...


def check_number(field: str, value: Any, *, minimum: Any = 0) -> Any:
    """``value`` if it is a finite number >= ``minimum``: an int, Fraction, float, numpy
    number, sympy number or decimal string (kept as given, surrounding spaces trimmed).
    OptionTypeError for another type (bools included), OptionError naming ``field`` else."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise OptionTypeError.for_field(field, value, NUMBER, KINDS)
    if isinstance(value, str):
        text = value.strip()
        if decimal_reason(text) is not None:
            raise OptionError.for_field(field, value, NUMBER, "" if _NOT_FINITE.fullmatch(text)
                                        else "write a decimal such as 0.01, 5 or 1e-3")
        number: Any = Fraction(text)
        value = text
    elif isinstance(value, (int, np.integer, Fraction)):
        number = value
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise OptionError.for_field(field, value, NUMBER)
        number = value
    elif getattr(value, "is_Number", False) is True:  # sympy
        if value.is_finite is not True or value.is_real is not True:
            raise OptionError.for_field(field, value, NUMBER)
        number = value
    else:
        raise OptionTypeError.for_field(field, value, NUMBER, KINDS)
    if minimum is not None and number < minimum:
        raise OptionError.for_field(field, value, NUMBER)
    return value


@dataclass(frozen=True)
class Constant:
    """The same learning rate at every step."""

    value: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_number("lr", self.value))

    def __call__(self, t: int, epoch: int) -> Any:
        return self.value

    @property
    def constant(self) -> Any:
        return self.value

    @property
    def text(self) -> str:
        v = self.value
        return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)

    def __str__(self) -> str:
        return self.text


def as_schedule(lr: Any) -> Schedule:
    """A schedule from ``lr``: a Schedule as it is, a number as ``Constant(lr)``."""
    if isinstance(lr, Schedule) and not isinstance(lr, (str, bytes)):
        return lr
    return Constant(lr)
