"""Learning-rate schedules: the learning rate as a function of the step.

A schedule is a value called as ``schedule(t, epoch)`` (t: the step over the whole run,
epoch: the epoch, both from 0) that returns the learning rate of that step exactly (a
decimal string, an int, a Fraction or a sympy number; irrational only where the text asks
for it, as ``exp(-t)``). ``floats(t, epoch)`` gives the same for arrays of steps in
float64, for float runs; ``text`` is how it is written (``schedule_from_text`` reads it
back); ``constant`` is its value when it does not depend on the step, else None.

=====================  ====================================  ============================
schedule               lr of step t in epoch e               written
=====================  ====================================  ============================
Constant(lr)           lr                                    ``0.01``
Expression(text)       the expression in t and epoch         ``5/(t+50)``
StepLR(lr, S, g)       lr·g^floor(e/S)                       ``0.1; step:30:0.5``
MultiStepLR(lr, M, g)  lr·g^(number of milestones <= e)      ``0.1; multistep:5,8:0.1``
ExponentialLR(lr, g)   lr·g^e                                ``0.1; exponential:0.9``
=====================  ====================================  ============================

The last three are PyTorch's schedulers (``torch.optim.lr_scheduler``) stepped once after
each epoch. Expressions are read by the safe parser (``conventions.parse``: numbers, t,
epoch, ``+ - * / **`` and the functions exp, log, sqrt, floor, ...; never evaluated).

>>> lr = schedule_from_text("5/(t+50)")
>>> lr(0, 0), lr(10, 0), lr.constant, lr.floats(np.array([0, 10]), np.array([0, 0])).tolist()
(1/10, 1/12, None, [0.1, 0.08333333333333333])
>>> step = schedule_from_text("0.1; step:2:0.5")
>>> [step(0, e) for e in range(5)]
[Fraction(1, 10), Fraction(1, 10), Fraction(1, 20), Fraction(1, 20), Fraction(1, 40)]
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import numpy as np
import sympy as sp

from ..errors import OptionError, OptionTypeError
from .arithmetic import decimal_reason, shortest_decimal
from .parse import LEARNING_RATE, parse_expression

__all__ = ["Schedule", "Constant", "Expression", "StepLR", "MultiStepLR", "ExponentialLR",
           "check_number", "as_schedule", "schedule_from_text", "torch_schedule", "NUMBER"]

NUMBER = "a finite number >= 0"
KINDS = "an int, float, Fraction, sympy Rational or decimal string"
STEP, EPOCH = sp.Symbol("t", real=True), sp.Symbol("epoch", real=True)
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity|\d*\.?\d*e\+?\d{3,})", re.IGNORECASE)


@runtime_checkable
class Schedule(Protocol):
    """What every schedule has: ``schedule(t, epoch)``, ``floats``, ``text`` and ``constant``."""

    text: str

    @property
    def constant(self) -> Any: ...

    def __call__(self, t: int, epoch: int) -> Any: ...

    def floats(self, t: np.ndarray, epoch: np.ndarray) -> np.ndarray: ...


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


def _exactly(value: Any) -> Fraction:
    """A checked number as a Fraction: a float is the shortest decimal that prints as it (in
    its own precision: ``np.float32(0.1)`` is 1/10), the arithmetic's rule."""
    if isinstance(value, (float, np.floating)):
        return Fraction(shortest_decimal(value))
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    return Fraction(value)


def _text(value: Any) -> str:
    if isinstance(value, (float, np.floating)):  # the shortest decimal, written as floats print
        return repr(float(shortest_decimal(value)))
    return str(value)


@dataclass(frozen=True)
class Constant:
    """The same learning rate at every step."""

    value: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_number("lr", self.value))

    def __call__(self, t: int, epoch: int) -> Any:
        return self.value

    def floats(self, t: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        return np.full(np.shape(t), float(self.value))

    @property
    def constant(self) -> Any:
        return self.value

    @property
    def text(self) -> str:
        return _text(self.value)

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=64)
def _printed(expr: sp.Expr):
    """The numpy function of a learning-rate expression, printed once per expression."""
    return sp.lambdify((STEP, EPOCH), expr, modules="numpy")


@dataclass(frozen=True)
class Expression:
    """The learning rate written as an expression in ``t`` and ``epoch``: ``5/(t+50)``."""

    text: str
    expr: sp.Expr = field(init=False, repr=False, compare=False)
    _floats: Any = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        expr = parse_expression(self.text, ("t", "epoch"), (), grammar=LEARNING_RATE)
        object.__setattr__(self, "text", self.text.strip())
        object.__setattr__(self, "expr", expr)

    def __call__(self, t: int, epoch: int) -> Any:
        return self.expr.xreplace({STEP: sp.Integer(t), EPOCH: sp.Integer(epoch)})

    def floats(self, t: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        function = self._floats
        if function is None:  # an engine asks block after block; sgd() makes a new value each run
            function = _printed(self.expr)
            object.__setattr__(self, "_floats", function)
        used = self.expr.free_symbols  # a variable the expression does not use is not converted
        t_ = np.asarray(t, np.float64) if STEP in used else 0.0
        epoch_ = np.asarray(epoch, np.float64) if EPOCH in used else 0.0
        with np.errstate(all="ignore"):  # a value that is not finite is reported by the caller
            values = function(t_, epoch_)
        return np.broadcast_to(np.asarray(values, np.float64), np.shape(t))

    @property
    def constant(self) -> Any:
        return None if self.expr.free_symbols else self.expr

    def __str__(self) -> str:
        return self.text


def _gamma(value: Any) -> Any:
    return check_number("lr schedule gamma", value)


@dataclass(frozen=True)
class _EpochScaled:
    """``lr · gamma^k(epoch)``: PyTorch's per-epoch schedulers."""

    lr: Any
    gamma: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_number("lr", self.lr))
        object.__setattr__(self, "gamma", _gamma(self.gamma))

    def power(self, epoch: np.ndarray) -> np.ndarray:  # k(epoch), element by element
        raise NotImplementedError

    def __call__(self, t: int, epoch: int) -> Fraction:
        return _exactly(self.lr) * _exactly(self.gamma) ** int(self.power(np.asarray(epoch)))

    def floats(self, t: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        return float(self.lr) * float(self.gamma) ** self.power(np.asarray(epoch)).astype(np.float64)

    @property
    def constant(self) -> Any:
        return None

    @property
    def text(self) -> str:
        return f"{_text(self.lr)}; {self.spec}"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class StepLR(_EpochScaled):
    """``torch.optim.lr_scheduler.StepLR``: ``lr·gamma^floor(epoch/step_size)``."""

    step_size: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive("lr schedule step size", self.step_size)

    def power(self, epoch):
        return epoch // self.step_size

    @property
    def spec(self) -> str:
        return f"step:{self.step_size}:{_text(self.gamma)}"


@dataclass(frozen=True)
class MultiStepLR(_EpochScaled):
    """``torch.optim.lr_scheduler.MultiStepLR``: ``lr·gamma^(milestones reached)``."""

    milestones: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.milestones, (str, bytes)) or not isinstance(self.milestones, Sequence) \
                or not self.milestones:
            raise OptionError.for_field("lr schedule milestones", self.milestones,
                                        "increasing whole numbers >= 1, such as 30,80")
        for m in self.milestones:
            _positive("lr schedule milestone", m)
        if list(self.milestones) != sorted(set(self.milestones)):
            raise OptionError.for_field("lr schedule milestones", self.milestones,
                                        "increasing whole numbers >= 1, such as 30,80")
        object.__setattr__(self, "milestones", tuple(int(m) for m in self.milestones))

    def power(self, epoch):
        return np.searchsorted(np.asarray(self.milestones), epoch, side="right")

    @property
    def spec(self) -> str:
        return f"multistep:{','.join(map(str, self.milestones))}:{_text(self.gamma)}"


@dataclass(frozen=True)
class ExponentialLR(_EpochScaled):
    """``torch.optim.lr_scheduler.ExponentialLR``: ``lr·gamma^epoch``."""

    def power(self, epoch):
        return epoch

    @property
    def spec(self) -> str:
        return f"exponential:{_text(self.gamma)}"


def _positive(field: str, value: Any) -> None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise OptionError.for_field(field, value, "a whole number >= 1")


def torch_schedule(spec: str, lr: Any) -> Schedule:
    """PyTorch's scheduler written ``step:STEP_SIZE:GAMMA``, ``multistep:M1,M2,...:GAMMA``
    or ``exponential:GAMMA``, on the base learning rate ``lr``.

    >>> torch_schedule("multistep:2,4:0.1", "1").text
    '1; multistep:2,4:0.1'
    """
    if not isinstance(spec, str):
        raise OptionTypeError.for_field("lr schedule", spec, "a text such as step:30:0.1")
    kind, _, rest = spec.strip().partition(":")
    fields = rest.split(":")
    forms = "step:STEP_SIZE:GAMMA, multistep:M1,M2,...:GAMMA or exponential:GAMMA"
    try:
        if kind == "step" and len(fields) == 2:
            return StepLR(lr, fields[1], _whole(fields[0], "step size"))
        if kind == "multistep" and len(fields) == 2:
            return MultiStepLR(lr, fields[1], tuple(_whole(m, "milestone")
                                                     for m in fields[0].split(",")))
        if kind == "exponential" and len(fields) == 1:
            return ExponentialLR(lr, fields[0])
    except OptionError as exc:
        raise OptionError.about("lr schedule", spec, str(exc)) from None
    raise OptionError.about("lr schedule", spec, f"write {forms}")


def _whole(text: str, what: str) -> int:
    if not text.strip().isdigit():
        raise OptionError(f"the {what} {text!r} must be a whole number >= 1")
    return int(text)


def schedule_from_text(text: str) -> Schedule:
    """The schedule ``text`` writes: a decimal (Constant), an expression in t and epoch, or
    ``LR; SPEC`` for a PyTorch scheduler (``0.1; step:30:0.5``): the reverse of ``.text``."""
    if not isinstance(text, str):
        raise OptionTypeError.for_field("lr", text, "a number or an expression in t and epoch")
    base, semicolon, spec = text.partition(";")
    if semicolon:
        return torch_schedule(spec, base.strip())
    if decimal_reason(text.strip()) is None or _NOT_FINITE.fullmatch(text.strip()):
        return Constant(text)
    return Expression(text)


def as_schedule(lr: Any) -> Schedule:
    """A schedule from ``lr``: a Schedule as it is, a text as ``schedule_from_text`` reads
    it, a number as ``Constant(lr)``."""
    if isinstance(lr, Schedule) and not isinstance(lr, (str, bytes)):
        return lr
    if isinstance(lr, str):
        return schedule_from_text(lr)
    return Constant(lr)
