"""The moment form: for a model linear in its parameters, the loss and gradient in sums.

When ŷ = Σ_j θ_j φ_j(x), the squared residuals of a batch add up to

    Q = θᵀ S θ - 2 θᵀ t + u,   S = Σ_i φ(x_i) φ(x_i)ᵀ,   t = Σ_i φ(x_i) y_i,   u = Σ_i y_i²

so the loss (Q/n, Q or sqrt(Q/n)) and its gradient depend on the data only through
these sums (for a polynomial: sums of x^k and of x^k*y). sympy differentiates the
loss written in the moments, and the result is proven equal to the chain-rule closed
form. Setting the gradient to zero gives the normal equations S θ = t, whose
solution is the least-squares optimum.

>>> import analytic_sgd as asgd
>>> m = moment_form(asgd.derive(asgd.linear(), asgd.mse))
>>> m.grad_sums[0]
2*(b*Sum(x[i], (i, 1, n)) + w*Sum(x[i]**2, (i, 1, n)) - Sum(x[i]*y[i], (i, 1, n)))/n
>>> m.moments
(x**2, x, x*y, y, y**2)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import DerivationError
from .derive import INDEX, Derivation, derive, linear_sums

__all__ = ["MomentForm", "moment_form", "MAX_EXPLICIT_OPTIMUM"]

MAX_EXPLICIT_OPTIMUM = 3  # the optimum is written out for at most this many parameters


@dataclass(frozen=True)
class MomentForm:
    """Loss and gradient of a linear-in-parameters model in terms of per-batch sums.

    ``moments``: the per-sample expressions summed (``x**2``, ``x*y``, ``y**2``, ...;
    the sum of 1 is ``n``); ``symbols``: one symbol per moment; ``loss`` and ``grad``:
    expressions in the parameters, ``symbols`` and ``n``; ``grad_sums``: the same
    with each symbol written as its sum; ``gram`` and ``cross``: S and t in symbols;
    ``optimum``: S⁻¹t written in sums (None above MAX_EXPLICIT_OPTIMUM parameters).
    """

    features: tuple[sp.Expr, ...]
    moments: tuple[sp.Expr, ...]
    symbols: tuple[sp.Symbol, ...]
    n: sp.Symbol
    reduced: sp.Expr
    loss: sp.Expr
    grad: tuple[sp.Expr, ...]
    grad_sums: tuple[sp.Expr, ...]
    gram: sp.Matrix
    cross: sp.Matrix
    optimum: tuple[sp.Expr, ...] | None

    def as_sums(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with each moment symbol replaced by its sum over the samples."""
        return expr.xreplace(self._sums)

    @property
    def _sums(self) -> dict:
        return {s: sp.Sum(m, (INDEX, 1, self.n)) for s, m in zip(self.symbols, self.indexed)}

    @property
    def indexed(self) -> tuple[sp.Expr, ...]:
        return tuple(self._index(m) for m in self.moments)

    def _index(self, expr):
        return expr.xreplace({s: sp.IndexedBase(s.name, real=True)[INDEX] for s in expr.free_symbols
                              if s.name != "n"})


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.expand(linear_sums(a) - linear_sums(b)) == 0


def _prove(form: MomentForm, reduced: sp.Expr, derivation: Derivation) -> None:
    """The reduced sum R and each dR/dθ in moments equal the chain rule's (linear in sums);
    the outer function (sqrt for RMSE) is the same on both sides, so the gradients agree."""
    base = derivation
    if not derivation.loss.outer.is_identity:
        base = derive(derivation.model, derivation.loss.inner)
    pairs = [("l", reduced, base.loss_expr)]
    pairs += [(f"dl/d{c.param}", sp.diff(reduced, c.param), c.closed_form) for c in base.chains]
    for what, moments_expr, chain_expr in pairs:
        if not _same(form.as_sums(moments_expr), chain_expr):
            raise DerivationError(f"moment_form: {what} in moments differs from the chain rule; "
                                  f"this is a bug in analytic_sgd, please report it")


def moment_form(derivation: Derivation) -> MomentForm | None:
    """The MomentForm of ``derivation``, or None if its model is not linear in its parameters.

    Raises DerivationError if the moment-form gradient differs from the chain rule's (a bug).
    """
    model, graph = derivation.model, derivation.graph
    phi = model.features()
    if phi is None or not derivation.loss.term.is_square:
        return None
    y, n, theta = graph.target, graph.n, sp.Matrix(model.params)
    moments: list[sp.Expr] = []

    def moment(expr: sp.Expr) -> sp.Expr:
        expr = sp.expand(expr)
        if expr == 1:
            return n
        if expr not in moments:
            moments.append(expr)
        return sp.Symbol(f"m{moments.index(expr)}", real=True)

    p = len(phi)
    gram = sp.Matrix(p, p, lambda j, k: moment(phi[j] * phi[k]))
    cross = sp.Matrix(p, 1, lambda j, _: moment(phi[j] * y))
    u = moment(y**2)
    q = (theta.T * gram * theta)[0] - 2 * (theta.T * cross)[0] + u
    reduced = derivation.loss.factor(n) * q
    loss = derivation.loss.apply_outer(reduced)
    grad = tuple(sp.factor_terms(sp.diff(loss, t)) for t in model.params)
    symbols = tuple(sp.Symbol(f"m{k}", real=True) for k in range(len(moments)))
    form = MomentForm(tuple(phi), tuple(moments), symbols, n, reduced, loss, grad, (), gram, cross,
                      None)
    grad_sums = tuple(form.as_sums(g) for g in grad)
    _prove(form, reduced, derivation)
    optimum = None
    if p <= MAX_EXPLICIT_OPTIMUM:
        solution = gram.LUsolve(cross)
        optimum = tuple(sp.factor_terms(sp.cancel(form.as_sums(v))) for v in solution)
    return MomentForm(tuple(phi), tuple(moments), symbols, n, reduced, loss, grad, grad_sums, gram,
                      cross, optimum)

