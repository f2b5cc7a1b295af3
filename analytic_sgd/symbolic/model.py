"""Models: a sympy prediction expression, its inputs and its ordered parameters.

Examples
--------
>>> from analytic_sgd.symbolic.model import linear, polynomial, two_feature_linear
>>> linear()
Model('b + w*x', inputs=('x',), params=('w', 'b'))
>>> polynomial(2).params
(c0, c1, c2)
>>> two_feature_linear().is_linear_in_params
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..conventions.parse import parse_expression, validate_names
from ..errors import ModelError, ModelTypeError

__all__ = [
    "Model",
    "symbol",
    "linear",
    "quadratic",
    "polynomial",
    "two_feature_linear",
    "parse_model",
    "model_from_name",
    "MAX_DEGREE",
]

MAX_DEGREE = 10
MAX_INPUTS = 20  # x1 .. x20
MAX_TEXT = 1000  # the parser refuses longer text anyway


def symbol(name: str) -> sp.Symbol:
    """The one way the project makes a symbol: real-valued, so ``conjugate`` never appears."""
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class Model:
    """A prediction ``expr`` of the ``inputs`` with ordered ``params``.

    Every free symbol of ``expr`` must be an input or a parameter, and every
    parameter must appear in ``expr`` (a parameter that does not appear would
    never move). ``name`` is a short label for tables and file names.
    """

    expr: sp.Expr
    inputs: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.expr, sp.Expr):
            raise ModelError(f"a Model's expr must be a sympy expression, got "
                             f"{type(self.expr).__name__} {self.expr!r:.60}; for text use "
                             "parse_model(text, params=...)")
        for name in ("inputs", "params"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(s, sp.Symbol) for s in value):
                raise ModelError(f"a Model's {name} must be a tuple of sympy Symbols, got "
                                 f"{value!r:.60}")
        if not isinstance(self.name, str):
            raise ModelError(f"a Model's name must be a string, got {self.name!r:.60}")
        if not self.params:
            raise ModelError("a model needs at least one parameter; name them with --params")
        names = [s.name for s in self.inputs + self.params]
        if len(set(names)) != len(names):
            raise ModelError(f"inputs and parameters must have distinct names, got {names}")
        unknown = sorted(s.name for s in self.expr.free_symbols - set(self.inputs + self.params))
        if unknown:
            raise ModelError(
                f"model {self.text!r} uses {', '.join(unknown)}, which is neither an input "
                f"nor a parameter; declare it with --params"
            )
        unused = [p.name for p in self.params if p not in self.expr.free_symbols]
        if unused:
            raise ModelError(
                f"parameter {', '.join(unused)} does not appear in model {self.text!r}; "
                f"remove it from --params"
            )

    def __repr__(self) -> str:
        return f"Model({self.text!r}, inputs={self.input_names}, params={self.param_names})"

    @property
    def text(self) -> str:
        """The prediction as sympy's ``str()`` writes it, e.g. ``'b + w*x'``."""
        return str(self.expr)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.params)

    @property
    def is_linear_in_params(self) -> bool:
        """True when the prediction is a sum of parameter times feature (no constant term)."""
        return self.features() is not None

    def features(self) -> tuple[sp.Expr, ...] | None:
        """The features phi_j with ``expr == sum_j params[j]*phi_j``, or None if there are none."""
        phi = tuple(sp.diff(self.expr, p) for p in self.params)
        if any(f.free_symbols & set(self.params) for f in phi):
            return None
        rest = sp.expand(self.expr - sum(p * f for p, f in zip(self.params, phi)))
        return phi if rest == 0 else None


def linear() -> Model:
    """w*x + b: the model of the worked table."""
    w, b, x = symbol("w"), symbol("b"), symbol("x")
    return Model(w * x + b, (x,), (w, b), "linear")


def quadratic() -> Model:
    """a*x**2 + b*x + c."""
    a, b, c, x = symbol("a"), symbol("b"), symbol("c"), symbol("x")
    return Model(a * x**2 + b * x + c, (x,), (a, b, c), "quadratic")


def polynomial(degree: int) -> Model:
    """c0 + c1*x + ... + cN*x**N, parameters in ascending order of power, N from 0 to 10."""
    if isinstance(degree, bool) or not isinstance(degree, int) or not 0 <= degree <= MAX_DEGREE:
        raise ModelError(f"polynomial degree must be an integer from 0 to {MAX_DEGREE}, got {degree!r}")
    x = symbol("x")
    params = tuple(symbol(f"c{k}") for k in range(degree + 1))
    return Model(sum(c * x**k for k, c in enumerate(params)), (x,), params, f"poly{degree}")


def two_feature_linear() -> Model:
    """x1*a1 + x2*a2: the matrix form ``x @ a``; with x2 = 1, a2 is the intercept."""
    x1, x2, a1, a2 = symbol("x1"), symbol("x2"), symbol("a1"), symbol("a2")
    return Model(x1 * a1 + x2 * a2, (x1, x2), (a1, a2), "two-feature-linear")


_INPUT = re.compile(r"\bx(\d+)\b")


def parse_model(text: str, params: str | Sequence[str], inputs: Sequence[str] | None = None) -> Model:
    """A model from user text, parsed safely (never evaluated), with declared ``params``.

    The inputs are ``x``, or ``x1``, ``x2``, ... when the text uses numbered names.

    >>> parse_model("w*exp(k*x)", params="w k")
    Model('w*exp(k*x)', inputs=('x',), params=('w', 'k'))
    """
    if not isinstance(text, str):
        raise ModelTypeError(f"a model's text must be a string such as 'w*x + b', got "
                         f"{type(text).__name__} {text!r:.60}")
    if inputs is None:
        numbered = _INPUT.findall(text[:MAX_TEXT])
        if any(len(k) > 2 or int(k) > MAX_INPUTS for k in numbered):
            raise ModelError(f"model {text[:60]!r}: inputs are x or x1 .. x{MAX_INPUTS}")
        top = max((int(k) for k in numbered), default=0)
        inputs = tuple(f"x{k}" for k in range(1, top + 1)) if top else ("x",)
    names = validate_names(params, inputs)
    expr = parse_expression(text, inputs, names)
    used = [symbol(i) for i in inputs if symbol(i) in expr.free_symbols]
    if not used:
        raise ModelError(f"model {text!r} does not use any input ({', '.join(inputs)})")
    return Model(expr, tuple(symbol(i) for i in inputs), tuple(symbol(p) for p in names), "custom")


_NAMED = {"linear": linear, "quadratic": quadratic, "two-feature-linear": two_feature_linear}


def model_from_name(spec: str, params: str | Sequence[str] | None = None) -> Model:
    """``linear``, ``quadratic``, ``poly:N``, ``two-feature-linear``, or an expression with params.

    >>> model_from_name("poly:1")
    Model('c0 + c1*x', inputs=('x',), params=('c0', 'c1'))
    """
    if not isinstance(spec, str):
        raise ModelTypeError(f"a model is a name (linear, quadratic, poly:N, two-feature-linear) or "
                         f"an expression, got {type(spec).__name__} {spec!r:.60}")
    spec = spec.strip()
    if not spec:
        raise ModelError("the model text is empty; give a named model (linear, quadratic, "
                         "poly:N, two-feature-linear) or an expression such as 'w*x + b'")
    if spec in _NAMED or spec.startswith("poly:"):
        if params:
            raise ModelError(f"--params is only for expressions; model {spec!r} names its own")
        if spec in _NAMED:
            return _NAMED[spec]()
        degree = spec[5:]
        if not degree.isdigit():
            raise ModelError(f"model {spec!r}: write poly:N with N an integer from 0 to {MAX_DEGREE}")
        return polynomial(int(degree))
    if not params:
        raise ModelError(
            f"model {spec!r} is not a named model (linear, quadratic, poly:N, "
            f"two-feature-linear); for an expression, name its parameters with --params"
        )
    return parse_model(spec, params)
