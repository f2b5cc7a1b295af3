"""Losses: an outer function of a reduction of the per-sample squared residual.

=====  =========  ==========  ======================================
name   reduction  outer       l
=====  =========  ==========  ======================================
mse    mean       identity    (1/n) sum_i (yhat_i - y_i)**2
rmse   mean       sqrt        sqrt((1/n) sum_i (yhat_i - y_i)**2)
sse    sum        identity    sum_i (yhat_i - y_i)**2
=====  =========  ==========  ======================================

>>> from analytic_sgd.conventions.loss import mse, get_loss
>>> mse.reduction, get_loss("rmse").outer
('mean', 'sqrt')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import ModelError

__all__ = ["Loss", "mse", "rmse", "sse", "LOSSES", "get_loss"]


@dataclass(frozen=True)
class Loss:
    """``outer(reduction_i((yhat_i - y_i)**2))`` with reduction ``mean`` or ``sum``."""

    name: str
    reduction: str
    outer: str
    title: str

    def apply_outer(self, value: sp.Expr) -> sp.Expr:
        """The outer function applied to a symbolic reduced value."""
        return sp.sqrt(value) if self.outer == "sqrt" else value

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


mse = Loss("mse", "mean", "identity", "mean squared error")
rmse = Loss("rmse", "mean", "sqrt", "root mean squared error")
sse = Loss("sse", "sum", "identity", "sum of squared errors")

LOSSES = {loss.name: loss for loss in (mse, rmse, sse)}


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (``mse``, ``rmse`` or ``sse``)."""
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ModelError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
