"""A stability analysis written out: text for a terminal, a JSON object, and the one-line
warning the commands print before a run whose learning rate is above the bound.

>>> from analytic_sgd.problems.problem import example_problem
>>> print(lr_warning(example_problem("noisy-quadratic").stability())[:68])
the lr 0.23 is above 2/λmax = 0.221529 of the loss on all 20 rows at
"""

from __future__ import annotations

import json

from ..conventions.arithmetic import decimal_reason
from ..numeric.stability import Stability

__all__ = ["stability_text", "stability_json", "lr_warning", "stability_paragraph",
           "stability_section"]


def _g(value: float) -> str:
    return f"{value:.6g}"


def _bound(s: Stability) -> str:
    return "2/λmax" if not float(s.momentum) else f"2(1 + {s.momentum})/λmax"


def _lr(s: Stability) -> str:
    if decimal_reason(s.lr) is None:
        return s.lr
    return f"{s.lr} (at most {_g(s.first_lr)} in the first epoch)"


def lr_warning(s: Stability) -> str | None:
    """One line when the first epoch's learning rate is above the bound, else None."""
    if not s.lr_too_large:
        return None
    return (f"the lr {_lr(s)} is above {_bound(s)} = {_g(s.max_stable_lr)} of the loss on all "
            f"{s.rows} rows at the start (λmax = {_g(s.eigenvalues[-1])}): full-batch gradient "
            "descent diverges on a quadratic loss above it; see analytic-sgd stability")


def _cell(value) -> str:
    """An entry as written: exactly when short (``-80/3``), else to 6 digits (``7.79216``)."""
    text = str(value)
    return text if len(text) <= 14 else _g(float(value))


def _matrix(names, rows) -> list[str]:
    cells = [[_cell(v) for v in row] for row in rows]
    width = max(len(c) for row in cells for c in [*row, *names])
    label = max(len(p) for p in names)
    head = " " * (label + 2) + "  ".join(p.rjust(width) for p in names)
    return [head] + [p.ljust(label + 2) + "  ".join(c.rjust(width) for c in row)
                     for p, row in zip(names, cells)]


def stability_text(s: Stability, title: str) -> str:
    """The analysis for a terminal, under ``title`` (the problem in one line)."""
    where = ("constant: the model is linear in its parameters" if s.constant else
             "at " + ", ".join(f"{p} = {_cell(v)}" for p, v in s.at.items()))
    lines = [f"stability of {title}", "",
             f"Hessian of the loss on all {s.rows} rows ({where}; computed in {s.arithmetic}, "
             "long values to 6 digits, all digits with --format json):"]
    lines += ["  " + line for line in _matrix(s.params, s.hessian)]
    lines += ["", "eigenvalues: " + ", ".join(_g(v) for v in s.eigenvalues)]
    if s.max_stable_lr is None:
        lines.append("max stable lr: none (no positive eigenvalue)")
    else:
        compare = "is above it" if s.lr_too_large else "is within it"
        lines.append(f"max stable lr {_bound(s)} = {_g(s.max_stable_lr)}; the lr {_lr(s)} "
                     f"{compare}")
    if s.epoch_spectral_radius is not None:
        lines.append(f"spectral radius of one epoch's update map ({s.batches} batch"
                     f"{'es' if s.batches != 1 else ''} in the run's order, "
                     f"{s.epoch_arithmetic}): {_g(s.epoch_spectral_radius)}")
    reason = {"converges": "the epoch map contracts: spectral radius < 1",
              "diverges": "the epoch map expands: spectral radius > 1",
              "local": "the Hessian depends on the parameters: it describes the loss near "
                       "this point only"}[s.verdict]
    lines.append(f"verdict: {s.verdict} ({reason})")
    return "\n".join(lines) + "\n"


def stability_json(s: Stability, json_value) -> str:
    """The JSON object: params, hessian, eigenvalues, max_stable_lr, lr, momentum,
    epoch_spectral_radius (or null), verdict."""
    return json.dumps(s.to_dict(json_value), indent=2) + "\n"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stability_paragraph(s: Stability) -> str | None:
    """Why a run whose learning rate is above the bound diverges, with its figures, in
    plain sentences (for pages and handouts); None when the lr is within the bound.

    >>> from analytic_sgd.problems.problem import example_problem
    >>> print(stability_paragraph(example_problem("noisy-quadratic").stability())[:81])
    The Hessian of the loss on all 20 rows has eigenvalues 0.764, 2.947 and 9.028. On
    """
    if not s.lr_too_large:
        return None
    top = s.eigenvalues[-1]
    text = (f"The Hessian of the loss on all {s.rows} rows has eigenvalues "
            f"{_and([f'{v:.4g}' for v in s.eigenvalues])}. On a quadratic loss, full-batch "
            f"gradient descent with a constant learning rate diverges above {_bound(s)} = "
            f"{s.max_stable_lr:.4g}, and the learning rate {_lr(s)} is above it")
    if not float(s.momentum) and s.constant:
        text += (f": along the eigenvector of λmax = {top:.4g} each step multiplies the "
                 f"distance to the minimum by 1 − lr·λmax = {1 - s.first_lr * top:.4f}, more "
                 "than 1 in size, so that distance grows")
    text += "."
    if s.epoch_spectral_radius is not None:
        fate = "grows" if s.epoch_spectral_radius > 1 else "still shrinks"
        text += (f" The product of one epoch's update maps ({s.batches} batch"
                 f"{'es' if s.batches != 1 else ''} in the run's order) has spectral radius "
                 f"{s.epoch_spectral_radius:.4f}, so the run's error {fate} from epoch to epoch.")
    else:
        text += (" The Hessian here is that of the start only (the model is not linear in its "
                 "parameters): a local picture.")
    return text


def stability_section(s: Stability, number: int, command: str) -> list[str]:
    """A Markdown section numbered ``number`` explaining a learning rate above the bound
    (empty when the lr is within it); ``command`` reproduces the analysis."""
    paragraph = stability_paragraph(s)
    if paragraph is None:
        return []
    return [f"## {number}. Why the loss rises: the learning rate and the curvature", paragraph,
            f"Reproduce it with `{command}` (the Hessian exactly, with `--format json`)."]
