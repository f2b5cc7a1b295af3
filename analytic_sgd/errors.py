"""The project's exception types.

Every error a user can cause is one of these, with a message that says what was
wrong, where, and what to do. The command line turns them into exit code 2.
``DerivationError`` is different: it means the chain rule and ``sympy.diff``
disagree, which is a bug in analytic_sgd, never a user error.

A setting that is out of range raises ``OptionError`` (a ``ValueError``), or
``OptionTypeError`` (also a ``TypeError``) when its type is wrong. Both carry the
``field`` they are about, the ``value`` given and what is ``accepted``, so that the
command line can name its own flag instead of the field:

>>> err = OptionError.for_field("batch_size", 0, "a whole number >= 1")
>>> str(err)
'batch_size must be a whole number >= 1, got 0'
>>> err.naming("--batch-size", "0")
"--batch-size '0' must be a whole number >= 1"
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AnalyticSGDError",
    "ModelError",
    "DataError",
    "OptionError",
    "OptionTypeError",
    "DivergenceError",
    "MissingExtraError",
    "RunTooLargeError",
    "FileSystemError",
    "ModelTypeError",
    "DataTypeError",
    "BackendError",
    "DerivationError",
]


class AnalyticSGDError(Exception):
    """Base class of every error analytic_sgd raises on purpose."""


class ModelError(AnalyticSGDError, ValueError):
    """A model or expression that cannot be used (bad text, bad names)."""


class ModelTypeError(ModelError, TypeError):
    """Something that is not a Model where a Model belongs (a string, a function)."""


class DataError(AnalyticSGDError, ValueError):
    """Data that cannot be used: a malformed file, a wrong shape, a non-finite value."""


class DataTypeError(DataError, TypeError):
    """Data of a type that holds no real numbers: complex numbers, text, objects, a
    generator (give a list or an array)."""


class OptionError(AnalyticSGDError, ValueError):
    """A setting out of range: batch size, learning rate, update options, init, a loss field.

    ``field``: the setting's name in the Python API (``lr``, ``batch_size``, ...), or None;
    ``value``: what was given; ``accepted``: what would be, in words; ``hint``: what to do.
    """

    field: str | None = None
    value: Any = None
    accepted: str = ""
    hint: str = ""

    problem: str = ""

    @classmethod
    def for_field(cls, field: str, value: Any, accepted: str, hint: str = "") -> OptionError:
        """``<field> must be <accepted>, got <value>[; <hint>]``, with the parts kept."""
        tail = f"; {hint}" if hint else ""
        err = cls(f"{field} must be {accepted}, got {_show(value)}{tail}")
        err.field, err.value, err.accepted, err.hint = field, value, accepted, hint
        return err

    @classmethod
    def about(cls, field: str, value: Any, problem: str) -> OptionError:
        """``<field> <value>: <problem>``, for what is wrong inside a value (a name in an
        expression, the learning rate at one step), with the parts kept."""
        err = cls(f"{field} {_shown(value)}: {problem}")
        err.field, err.value, err.problem = field, value, problem
        return err

    def naming(self, name: str, text: Any = None) -> str:
        """The message with ``name`` (a command-line flag) in place of the field, and the
        text the user typed (``text``) in place of the value."""
        if self.field is None:
            return str(self)
        shown = repr(text) if isinstance(text, str) else _show(self.value if text is None
                                                                 else text)
        if self.problem:
            shown = _shown(text if isinstance(text, str) else self.value)
            return f"{name} {shown}: {self.problem}"
        tail = f"; {self.hint}" if self.hint else ""
        return f"{name} {shown} must be {self.accepted}{tail}"


class OptionTypeError(OptionError, TypeError):
    """A setting of the wrong type (a string where a number belongs, a bool for a count)."""


def _shown(value: Any) -> str:
    """A value as a message shows it: "is missing" for None."""
    return "is missing" if value is None else _show(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class DivergenceError(AnalyticSGDError, ArithmeticError):
    """A run produced a non-finite loss, gradient or parameter.

    ``trajectory`` holds the steps up to and including the one that failed.
    """

    def __init__(self, message: str, trajectory=None) -> None:
        super().__init__(message)
        self.trajectory = trajectory


class RunTooLargeError(AnalyticSGDError, MemoryError):
    """A run whose estimated memory is above the limit, refused before it starts.

    ``footprint`` holds the estimate (``analytic_sgd.numeric.footprint``). The message names
    the Python API's arguments; ``naming(names)`` names others (the command line's flags) in
    the places ``{every}``, ``{out}``, ``{max_memory}`` and ``{float64}`` of ``template``.
    """

    API_NAMES = {"every": "every=N", "out": "asgd.stream_table(problem, FILE)",
                 "max_memory": "max_memory", "float64": "arithmetic='float64'"}

    def __init__(self, template: str, footprint=None) -> None:
        super().__init__(template.format(**self.API_NAMES))
        self.template, self.footprint = template, footprint

    def naming(self, names: dict) -> str:
        return self.template.format(**{**self.API_NAMES, **names})


class FileSystemError(AnalyticSGDError, OSError):
    """A file that cannot be written or read: its folder is missing or not a folder, it is
    a folder, no space is left, no permission. ``path`` names it; nothing half-written is
    left behind."""

    def __init__(self, message: str, path=None) -> None:
        super().__init__(message)
        self.path = path


class MissingExtraError(AnalyticSGDError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class BackendError(AnalyticSGDError, ValueError):
    """A user's own cross-check backend (``--against MODULE:CALLABLE``) that cannot be used:
    not importable, not callable, raising, or returning values of the wrong shape."""


class DerivationError(AnalyticSGDError, AssertionError):
    """The chain-rule gradient disagrees with ``sympy.diff``: a bug, please report it."""
