"""Losses: ``l = outer(scale · reduction_i term(ŷ_i - y_i))``, one value each.

A ``Loss`` owns everything about a loss: its per-sample ``term`` of the residual
r = ŷ - y, its ``reduction`` over the batch (mean or sum), its ``scale``, its ``outer``
function (identity or square root), its name, title, text and LaTeX. The derivation,
the kernels, the moment engine, the cross-check backends, golden files, renderers and
plots all compute from these fields; none of them looks at a loss's name.

==========  =========  =====  ========  ======================================
name        reduction  scale  outer     l
==========  =========  =====  ========  ======================================
mse         mean       1      identity  (1/n) Σ_i (ŷ_i - y_i)²
rmse        mean       1      sqrt      sqrt((1/n) Σ_i (ŷ_i - y_i)²)
sse         sum        1      identity  Σ_i (ŷ_i - y_i)²
half-mse    mean       1/2    identity  (1/(2n)) Σ_i (ŷ_i - y_i)²   (Ng's J)
half-sse    sum        1/2    identity  (1/2) Σ_i (ŷ_i - y_i)²
==========  =========  =====  ========  ======================================

Adding a loss is one definition: ``register_loss(Loss("triple-mse", "mean", scale=3))``.
Fields are checked when a Loss is made; a field it does not know is an error, never a
silent default:

>>> get_loss("half-mse").text
'l = (1/(2n)) Σ_i (ŷ_i - y_i)^2'
>>> Loss("half_mse", "mean", "half")
Traceback (most recent call last):
...
analytic_sgd.errors.OptionError: loss outer must be one of identity, sqrt, got 'half'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import OptionError, OptionTypeError
from .arithmetic import shortest_decimal
from .lookup import pick

__all__ = ["Loss", "Term", "Reduction", "Outer", "RESIDUAL", "TERMS", "REDUCTIONS", "OUTERS",
           "LOSSES", "mse", "rmse", "sse", "half_mse", "half_sse", "get_loss",
           "register_loss", "unregister_loss"]

RESIDUAL = sp.Symbol("r", real=True)  # ŷ - y
_N = sp.Symbol("n", integer=True, positive=True)


@dataclass(frozen=True, repr=False)
class Term:
    """The per-sample term of the residual r = ŷ_i - y_i: ``expr`` in ``RESIDUAL``, its
    ``text`` and ``latex`` in ŷ_i and y_i, and the ``noun`` that names it in a title."""

    name: str
    expr: sp.Expr
    text: str
    latex: str
    noun: str

    def __repr__(self) -> str:
        return f"Term({self.name!r})"

    @property
    def is_square(self) -> bool:
        """True when the term is r² (then the moment form of a linear model exists)."""
        return sp.expand(self.expr - RESIDUAL**2) == 0


@dataclass(frozen=True, repr=False)
class Reduction:
    """How a batch's terms are combined: ``weight(n)`` times their sum (1/n: the mean).

    ``numpy``: the numpy function over an array (``np.mean``, ``np.sum``); ``function``: its
    name in numpy-like namespaces (torch, jax.numpy, autograd.numpy)."""

    name: str
    weight: Callable[[Any], Any]
    numpy: Callable
    function: str

    def __repr__(self) -> str:
        return f"Reduction({self.name!r})"

    def of_constant(self, value: Any, n: int) -> Any:
        """The reduction of ``n`` copies of ``value``: ``value`` times n·weight(n) (1 for the
        mean, which then rounds nothing; n for the sum), in the type of ``value``."""
        count = self.weight(sp.Integer(n)) * n
        if count == 1:
            return value
        return value * (count if isinstance(value, sp.Basic) else type(value)(float(count)))

    def of_array(self, values: Any, dtype: np.dtype) -> Any:
        """The reduction of a float array (numpy's own rounding, in ``dtype``)."""
        return self.numpy(np.asarray(values, dtype=dtype))

    def of_exact(self, values: list) -> sp.Expr:
        """The reduction of exact values: their sum times the weight, exactly."""
        return sp.Add(*values) * self.weight(sp.Integer(len(values)))


@dataclass(frozen=True, repr=False)
class Outer:
    """The function applied to the scaled reduction: ``function`` on sympy expressions,
    ``text(body)`` and ``latex(body)`` to write it."""

    name: str
    function: Callable[[sp.Expr], sp.Expr]
    text: Callable[[str], str]
    latex: Callable[[str], str]

    def __repr__(self) -> str:
        return f"Outer({self.name!r})"

    @property
    def is_identity(self) -> bool:
        f = sp.Symbol("f", positive=True)
        return self.function(f) == f

    @property
    def is_affine(self) -> bool:
        """True when the outer function is affine (then so is the gradient of a quadratic)."""
        f = sp.Symbol("f", positive=True)
        return sp.diff(self.function(f), f, 2) == 0


SQUARED = Term("squared", RESIDUAL**2, "(ŷ_i - y_i)^2", r"\left(\hat y_i - y_i\right)^{2}",
               "squared error")
TERMS = {t.name: t for t in (SQUARED,)}
REDUCTIONS = {r.name: r for r in (
    Reduction("mean", lambda n: sp.Integer(1) / n, np.mean, "mean"),
    Reduction("sum", lambda n: sp.Integer(1), np.sum, "sum"),
)}
OUTERS = {o.name: o for o in (
    Outer("identity", lambda f: f, lambda body: body, lambda body: body),
    Outer("sqrt", sp.sqrt, lambda body: f"sqrt({body})", lambda body: rf"\sqrt{{{body}}}"),
)}


def _scale(value: Any) -> sp.Rational:
    """A positive rational: int, Fraction, sympy Rational, or a decimal/fraction string."""
    accepted = "a positive rational number (1, 3, '1/2', 0.5, Fraction(1, 2))"
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer, float, np.floating, Fraction, str, sp.Rational)):
        raise OptionTypeError.for_field("loss scale", value, accepted)
    try:
        if isinstance(value, (float, np.floating)):
            value = shortest_decimal(value)  # the decimal it prints as, in its own precision
        q = Fraction(value) if not isinstance(value, sp.Rational) else Fraction(int(value.p),
                                                                               int(value.q))
    except (ValueError, ZeroDivisionError):
        raise OptionError.for_field("loss scale", value, accepted) from None
    if q <= 0:
        raise OptionError.for_field("loss scale", value, accepted)
    return sp.Rational(q.numerator, q.denominator)


_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True)
class Loss:
    """``l = outer(scale · reduction_i term(ŷ_i - y_i))``.

    Parameters
    ----------
    name : a short label (letters, digits, ``-``, ``_``, ``.``), used by ``--loss`` and
        in golden files. A registered name always means the registered loss.
    reduction : ``"mean"`` or ``"sum"`` (or a ``Reduction`` from REDUCTIONS).
    outer : ``"identity"`` (default) or ``"sqrt"``.
    title : words for tables and pages; made from the fields when not given.
    scale : a positive rational factor (default 1; ``"1/2"`` for half-MSE).
    term : ``"squared"``, the squared residual (the only term the project derives today).
    """

    name: str
    reduction: Reduction | str
    outer: Outer | str = "identity"
    title: str = field(default="", compare=False)
    scale: Any = 1
    term: Term | str = "squared"
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or set(self.name) - _NAME_CHARS:
            raise OptionError.for_field("loss name", self.name, "a non-empty name of letters, "
                                        "digits, '-', '_' or '.'")
        object.__setattr__(self, "reduction", pick(REDUCTIONS, self.reduction, "loss reduction",
                                                    Reduction, registered=True))
        object.__setattr__(self, "outer", pick(OUTERS, self.outer, "loss outer", Outer, registered=True))
        object.__setattr__(self, "term", pick(TERMS, self.term, "loss term", Term, registered=True))
        object.__setattr__(self, "scale", _scale(self.scale))
        if not isinstance(self.title, str):
            raise OptionTypeError.for_field("loss title", self.title, "a string")
        object.__setattr__(self, "_key", (self.term.name, self.reduction.name, self.scale,
                                          self.outer.name))
        if not self.title:
            object.__setattr__(self, "title", self._default_title())
        registered = LOSSES.get(self.name)
        if registered is not None and registered._key != self._key:
            raise OptionError(f"the name {self.name!r} belongs to the registered loss "
                              f"{registered.text}; give this loss ({self.text}) another name")

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"

    def _default_title(self) -> str:
        scale = "" if self.scale == 1 else f"{self.scale} × "
        body = f"{self.reduction.name} of the {self.term.noun}s"
        return f"{scale}{self.outer.name} of the {body}" if not self.outer.is_identity else (
            f"{scale}{body}")

    def factor(self, n: Any = _N) -> sp.Expr:
        """scale · weight(n): ``1/n`` for MSE, ``1/(2n)`` for half-MSE, ``1`` for SSE."""
        return self.scale * self.reduction.weight(n)

    def apply_outer(self, value: sp.Expr) -> sp.Expr:
        """The outer function applied to a symbolic reduced value."""
        return self.outer.function(value)

    @property
    def text(self) -> str:
        """``l = (1/(2n)) Σ_i (ŷ_i - y_i)^2``: the loss in plain text."""
        factor = self.factor()
        head = "" if factor == 1 else f"({str(factor).replace('*', '')}) "
        return f"l = {self.outer.text(f'{head}Σ_i {self.term.text}')}"

    @property
    def latex(self) -> str:
        r"""``\frac{1}{2 n} \sum_{i=1}^{n} ...``: the loss's right-hand side in LaTeX."""
        factor = self.factor()
        head = "" if factor == 1 else sp.latex(factor) + " "
        return self.outer.latex(rf"{head}\sum_{{i=1}}^{{n}} {self.term.latex}")

    @property
    def inner(self) -> Loss:
        """The loss without its outer function (MSE for RMSE): the registered one with the
        same term, reduction and scale when there is one."""
        if self.outer.is_identity:
            return self
        for loss in LOSSES.values():
            if loss._key == (*self._key[:3], "identity"):
                return loss
        return Loss(f"{self.name}.inner", self.reduction, "identity", "", self.scale, self.term)


LOSSES: dict[str, Loss] = {}


def register_loss(loss: Loss) -> Loss:
    """Make ``loss`` known by its name (``--loss``, golden files); returns it. Registering
    the same loss again is allowed; another loss under a taken name is an OptionError."""
    if not isinstance(loss, Loss):
        raise OptionTypeError.for_field("loss", loss, "a Loss")
    registered = LOSSES.get(loss.name)
    if registered is not None and registered._key != loss._key:
        raise OptionError(f"the name {loss.name!r} belongs to the registered loss "
                          f"{registered.text}; give this loss another name")
    LOSSES[loss.name] = loss
    return loss


def unregister_loss(name: str) -> None:
    """Forget the loss called ``name`` (tests that register their own losses clean up)."""
    LOSSES.pop(name, None)


mse = register_loss(Loss("mse", "mean", "identity", "mean squared error"))
rmse = register_loss(Loss("rmse", "mean", "sqrt", "root mean squared error"))
sse = register_loss(Loss("sse", "sum", "identity", "sum of squared errors"))
half_mse = register_loss(Loss("half-mse", "mean", "identity",
                              "half mean squared error, Ng's J", scale="1/2"))
half_sse = register_loss(Loss("half-sse", "sum", "identity", "half sum of squared errors",
                              scale="1/2"))


def get_loss(loss: str | Loss) -> Loss:
    """The registered loss called ``loss`` (or the Loss given).

    >>> get_loss("rmse").outer.name, get_loss(mse) is mse
    ('sqrt', True)
    """
    return pick(LOSSES, loss, "loss", Loss, hint="or register your own with register_loss")
