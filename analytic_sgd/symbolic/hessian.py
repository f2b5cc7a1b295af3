"""The Hessian of the loss, in closed form, and proven equal to the derivative of the proven
gradient.

With the loss l = outer(F), F = c(n) Σ_i e_i (c: the loss's scale times 1/n for a mean,
e_i the per-sample term), the Hessian is

    ∇²l = outer'(F) c Σ_i ∇²e_i + outer''(F) (c Σ_i ∇e_i)(c Σ_i ∇e_i)ᵀ

so it needs, per sample, the term, its gradient and its Hessian in the parameters
(``HessianForm``); the second term vanishes when the outer function is affine (MSE, SSE).
``closed_form`` is the matrix written with sums. The proof: for an affine outer function
(MSE, SSE, half-MSE) the closed form equals ``sympy.diff`` of the chain rule's gradient
(itself proven against ``sympy.diff`` of the loss), entry by entry; otherwise (RMSE) the
Hessian of the loss inside the outer function is proven so, and the composition rule above
is checked by ``sympy.diff`` of outer(F(θ)) with F an undefined function of the parameters.

>>> from analytic_sgd.symbolic.model import linear
>>> from analytic_sgd.symbolic.derive import derive
>>> from analytic_sgd.conventions.loss import mse
>>> h = hessian_form(derive(linear(), mse))
>>> h.closed_form[0, 1], h.proved
(Sum(2*x[i], (i, 1, n))/n, True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from ..errors import DerivationError
from .derive import Derivation, derive, proves_zero, total

__all__ = ["HessianForm", "hessian_form"]


@dataclass(frozen=True)
class HessianForm:
    """The pieces of the Hessian in ``params``: ``term`` e, ``gradient`` ∇e and ``hessian`` ∇²e
    per sample
    (in the inputs, the target and the parameters), the weight ``c`` of the reduction (in
    ``n``), the outer function's first and second derivatives ``outer1``, ``outer2`` (in the
    symbol ``reduced``), the ``closed_form`` matrix with sums, and whether it was ``proved``."""

    params: tuple[sp.Symbol, ...]
    term: sp.Expr
    gradient: tuple[sp.Expr, ...]
    hessian: tuple[tuple[sp.Expr, ...], ...]
    weight: sp.Expr
    reduced: sp.Symbol
    outer1: sp.Expr
    outer2: sp.Expr
    closed_form: sp.Matrix
    proved: bool

    @property
    def rational(self) -> bool:
        """True when every entry is a rational function of the data and the parameters (no
        exp, sqrt, ...): then exact inputs give an exact rational Hessian."""
        pieces = [self.term, *self.gradient, *(h for row in self.hessian for h in row)]
        outer = [self.outer1, self.outer2]
        return all(p.is_rational_function() for p in pieces) and all(
            o.is_rational_function(self.reduced) for o in outer)

    @property
    def constant_in_params(self) -> bool:
        """True when the Hessian does not depend on the parameters (a model linear in its
        parameters under MSE or SSE): one matrix for the whole run."""
        return not self.closed_form.free_symbols & set(self.params)


@functools.lru_cache(maxsize=64)
def _prove_composition(loss, params, reduced, outer1, outer2) -> None:
    """∇²outer(F) = outer'(F) ∇²F + outer''(F) ∇F ∇Fᵀ for an undefined function F(θ): it
    depends on the loss and the parameters only, so each pair is proven once."""
    inner = sp.Function("F")(*params)
    o1, o2 = outer1.xreplace({reduced: inner}), outer2.xreplace({reduced: inner})
    for p in params:
        for q in params:
            direct = sp.diff(loss.apply_outer(inner), p, q)
            formula = o1 * sp.diff(inner, p, q) + o2 * sp.diff(inner, p) * sp.diff(inner, q)
            if sp.simplify(direct - formula) != 0:
                raise DerivationError("hessian: the composition rule does not hold for the outer "
                                      "function; this is a bug in analytic_sgd, please report it")


def hessian_form(derivation: Derivation, *, prove: bool = True) -> HessianForm:
    """The HessianForm of ``derivation``; DerivationError if the closed form differs from
    ``sympy.diff`` of the proven gradient (a bug, never a user error)."""
    graph, loss, params = derivation.graph, derivation.loss, derivation.model.params
    term = graph.expand(graph.reduction.children[0])
    gradient = tuple(sp.diff(term, p) for p in params)
    hessian = tuple(tuple(sp.diff(g, q) for q in params) for g in gradient)
    weight = loss.factor(graph.n)
    reduced = sp.Symbol("F", positive=True)
    outer1 = sp.diff(loss.apply_outer(reduced), reduced)
    outer2 = sp.diff(loss.apply_outer(reduced), reduced, 2)
    f = weight * total(graph, term)
    df = [weight * total(graph, g) for g in gradient]
    o1, o2 = outer1.xreplace({reduced: f}), outer2.xreplace({reduced: f})
    closed = sp.Matrix(len(params), len(params), lambda j, k: o1 * weight * total(
        graph, hessian[j][k]) + o2 * df[j] * df[k])
    if prove and loss.outer.is_affine:
        for j, chain in enumerate(derivation.chains):
            for k, q in enumerate(params):
                if not proves_zero(closed[j, k] - sp.diff(chain.closed_form, q)):
                    raise DerivationError(f"hessian: d2l/d{chain.param}d{q} differs from the "
                                          "derivative of the gradient; this is a bug in "
                                          "analytic_sgd, please report it")
    elif prove:
        hessian_form(derive(derivation.model, loss.inner))  # the inner loss's Hessian, proven
        _prove_composition(loss, tuple(params), reduced, outer1, outer2)
    return HessianForm(tuple(params), term, gradient, hessian, weight, reduced, outer1, outer2,
                       closed, prove)
