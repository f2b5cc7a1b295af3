"""The optimizer settings of ``torch.optim.SGD``, as one value.

``Settings`` holds the learning rate (a schedule: a function of the step, constant by
default), momentum, dampening, nesterov, weight decay and maximize. It checks every
field when it is made and keeps the numbers as given (a decimal string stays a string);
each arithmetic converts them once (``Arithmetic.setting``: 0.01 is 1/100 in exact
arithmetic, the Python float torch would be given otherwise). Errors name the field;
the command line maps fields to its flags.

>>> s = Settings(lr="0.01", momentum=0.9, nesterov=True)
>>> s.lr.text, s.momentum, s.describe()
('0.01', 0.9, 'lr 0.01, momentum 0.9, nesterov')
>>> Settings(lr=0.1, nesterov=True)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analytic_sgd.errors.OptionError: nesterov needs momentum > 0 and dampening == 0 (...), got momentum=0, ...
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import OptionError, OptionTypeError
from .schedule import Schedule, as_schedule, check_number

__all__ = ["Settings", "NUMBERS", "FLAGS"]

NUMBERS = ("momentum", "dampening", "weight_decay")
FLAGS = ("nesterov", "maximize")


@dataclass(frozen=True)
class Settings:
    """``torch.optim.SGD``'s options: ``lr`` (a number, or a Schedule), ``momentum``,
    ``dampening``, ``nesterov``, ``weight_decay``, ``maximize``; validated when made."""

    lr: Schedule | Any
    momentum: Any = 0
    dampening: Any = 0
    nesterov: bool = False
    weight_decay: Any = 0
    maximize: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", as_schedule(self.lr))
        for name in NUMBERS:
            object.__setattr__(self, name, check_number(name, getattr(self, name)))
        for name in FLAGS:
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise OptionTypeError.for_field(name, getattr(self, name), "True or False")
        if self.nesterov and (_value(self.momentum) <= 0 or _value(self.dampening) != 0):
            raise OptionError("nesterov needs momentum > 0 and dampening == 0 (as "
                              f"torch.optim.SGD), got momentum={self.momentum!r}, "
                              f"dampening={self.dampening!r}")

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def plain(self) -> bool:
        """True without momentum, weight decay or maximize: each step is θ - lr·∇l."""
        return not (_value(self.momentum) or _value(self.weight_decay) or self.maximize)

    def describe(self) -> str:
        """``lr 0.01, momentum 0.9, nesterov``: the settings that are not their defaults."""
        parts = [f"lr {self.lr.text}"]
        parts += [f"{name.replace('_', ' ')} {getattr(self, name)}" for name in NUMBERS
                  if _value(getattr(self, name))]
        parts += [name for name in FLAGS if getattr(self, name)]
        return ", ".join(parts)


def _value(number: Any) -> Any:
    """A checked number, comparable with 0 (a decimal string is read exactly)."""
    return Fraction(number) if isinstance(number, str) else number
