"""The project's exception types.

Every error a user can cause is one of these, with a message that says what was
wrong, where, and what to do. The command line turns them into exit code 2.
``DerivationError`` is different: it means the chain rule and ``sympy.diff``
disagree, which is a bug in analytic_sgd, never a user error.
"""

from __future__ import annotations

__all__ = [
    "AnalyticSGDError",
    "ModelError",
    "DataError",
    "OptionError",
    "DivergenceError",
    "MissingExtraError",
    "DerivationError",
]


class AnalyticSGDError(Exception):
    """Base class of every error analytic_sgd raises on purpose."""


class ModelError(AnalyticSGDError, ValueError):
    """A model or expression that cannot be used (bad text, bad names)."""


class DataError(AnalyticSGDError, ValueError):
    """Data that cannot be used: a malformed file, a wrong shape, a non-finite value."""


class OptionError(AnalyticSGDError, ValueError):
    """A setting out of range: batch size, learning rate, update options, init."""


class DivergenceError(AnalyticSGDError, ArithmeticError):
    """A run produced a non-finite loss, gradient or parameter.

    ``trajectory`` holds the steps up to and including the one that failed.
    """

    def __init__(self, message: str, trajectory=None) -> None:
        super().__init__(message)
        self.trajectory = trajectory


class MissingExtraError(AnalyticSGDError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class DerivationError(AnalyticSGDError, AssertionError):
    """The chain-rule gradient disagrees with ``sympy.diff``: a bug, please report it."""
