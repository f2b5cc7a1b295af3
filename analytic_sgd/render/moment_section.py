"""The moment form of a Derivation as a textbook section: the gradient in sums, the normal
equations, the least-squares optimum, and that optimum on a problem's data.

Only for models linear in their parameters (``analytic_sgd.symbolic.moment_form.moment_form``).
When the loss has an outer function (RMSE: l = √MSE), the gradient is the chain rule
through it times the gradient of the loss inside (``Loss.inner``) in sums, and the
optimum is the inner loss's optimum (the outer function is increasing).

>>> from analytic_sgd.problems.problem import example_problem
>>> from analytic_sgd.render.textbook import Equations
>>> p = example_problem("worked-linear")
>>> optimum_on_data(p)
([2, 10], 0, 'exact')
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..conventions.arithmetic import EXACT, FLOAT64, get_arithmetic
from ..kernels.cache import derivation_for
from ..kernels.printers import numpy_function
from ..symbolic.moment_form import moment_form
from . import notation as nt
from .mermaid import plain
from .textbook import aligned, display

__all__ = ["moment_section", "optimum_on_data"]


_FORMS: dict[int, tuple] = {}


def _form(d):
    """``moment_form(d)``, remembered for the Derivation object ``d`` (pages ask three times)."""
    if id(d) not in _FORMS or _FORMS[id(d)][0] is not d:
        if len(_FORMS) > 32:
            _FORMS.clear()
        _FORMS[id(d)] = (d, moment_form(d))
    return _FORMS[id(d)][1]


def _integers(values) -> bool:
    array = np.asarray(values, dtype=float)
    return bool(np.all(np.isfinite(array)) and np.all(array == np.round(array)))


def optimum_on_data(problem) -> tuple[list, object, str] | None:
    """The least-squares parameters on ``problem``'s data, the loss there, and the arithmetic
    used: ``exact`` when the data are whole numbers, else ``float64``. None if not linear."""
    form = _form(problem.derivation())
    if form is None:
        return None
    exact = _integers(problem.x) and _integers(problem.y)
    arithmetic = EXACT if exact else FLOAT64
    x = np.asarray(problem.x).reshape(len(problem.y), -1)
    inputs = problem.model.inputs
    target = problem.derivation().graph.target
    if exact:
        rows = [{**{s: sp.Integer(int(v)) for s, v in zip(inputs, row)}, target: sp.Integer(int(t))}
                for row, t in zip(x.tolist(), np.asarray(problem.y).tolist())]
        values = {s: sp.Add(*(m.xreplace(r) for r in rows)) for s, m in zip(form.symbols, form.moments)}
        values[form.n] = len(rows)
        theta = list(form.gram.xreplace(values).LUsolve(form.cross.xreplace(values)))
    else:
        args = [*inputs, target]
        columns = [*np.asarray(x, dtype=np.float64).T, np.asarray(problem.y, dtype=np.float64)]
        values = {s: float(np.sum(np.broadcast_to(numpy_function(args, m)(*columns),
                                                  columns[-1].shape)))
                  for s, m in zip(form.symbols, form.moments)}
        values[form.n] = len(problem.y)
        gram = np.array(form.gram.xreplace(values).tolist(), dtype=np.float64)
        cross = np.array(form.cross.xreplace(values).tolist(), dtype=np.float64)[:, 0]
        theta = np.linalg.solve(gram, cross).tolist()
    loss = problem.kernels(arithmetic).loss(theta, problem.x, problem.y)
    return theta, loss, arithmetic.name


def _number(v, arithmetic: str) -> str:
    return nt.expr_tex(v) if get_arithmetic(arithmetic).exact else f"{float(v):.4f}"


def moment_section(d, eq, problem, number: int = 5) -> list[str]:
    """The section, numbered ``number``, or [] when the model is not linear in its parameters."""
    form = _form(d)
    if form is None:
        return []
    m, p = d.model, len(d.model.params)
    features = ", ".join(plain(f) for f in form.features)
    parts = [
        f"## {number}. The moment form and the least-squares optimum",
        f"The model is linear in its parameters: ŷ = Σ_j θ_j φ_j with the features φ = "
        f"({features}). The squared residuals of a batch then add up to a quadratic in the "
        "parameters whose coefficients are sums over the samples, so the gradient needs only "
        "these sums (Σ 1 = n):",
    ]
    grad_form, inner = form, d.loss.inner
    top = "l" if inner is d.loss else rf"\ell_{{\mathrm{{{inner.name.upper()}}}}}"
    if inner is not d.loss:
        grad_form = _form(derivation_for(d.model, inner))
        f = sp.Symbol(top, positive=True)
        outer = nt.expr_tex(sp.diff(d.loss.apply_outer(f), f))
        parts += [eq(rf"\frac{{\partial l}}{{\partial \theta_j}} = {outer} "
                     rf"\frac{{\partial {top}}}{{\partial \theta_j}}"),
                  f"with the gradient of the {inner.title} in sums:"]
    rows = [rf"\frac{{\partial {top}}}{{\partial {nt.expr_tex(t)}}} &= {nt.expr_tex(g)}"
            for t, g in zip(m.params, grad_form.grad_sums)]
    parts.append(eq(aligned(rows), "moments"))
    theta = sp.Matrix(m.params)
    same = (f"The {d.loss.outer.name} is increasing, so l and the {inner.name.upper()} have "
            "the same minimum. " if inner is not d.loss else "")
    parts += [f"{same}Setting ({eq.labels['moments']}) to zero gives the normal equations S θ = t:",
              eq(rf"{nt.expr_tex(form.as_sums(form.gram))} {nt.expr_tex(theta)} = "
                 rf"{nt.expr_tex(form.as_sums(form.cross))}")]
    if form.optimum is not None and p <= 2:
        rows = [rf"{nt.expr_tex(t)}^{{*}} &= {nt.expr_tex(v)}" for t, v in zip(m.params, form.optimum)]
        parts += ["Solved, they give the least-squares optimum:", eq(aligned(rows))]
    found = optimum_on_data(problem)
    if found is not None:
        values, loss, arithmetic = found
        named = r",\quad ".join(f"{nt.expr_tex(t)}^{{*}} = {_number(v, arithmetic)}"
                                 for t, v in zip(m.params, values))
        how = "exactly" if get_arithmetic(arithmetic).exact else "in float64, to 4 decimals"
        parts += [f"On the data of the example `{problem.name}` ({how}):",
                  display(rf"{named}, \qquad l^{{*}} = {_number(loss, arithmetic)}")]
    return parts
