"""Cross-checks: the same problem through PyTorch, JAX, HIPS autograd and finite differences.

Every backend gets the same model, loss, data, start, batches (in the same order) and
update settings, in float32 or float64, and is measured against the reference (the exact
run of the derived kernels; see ``reference.py``) step by step: loss, each partial and
each updated parameter, with ``|a - b|``, ``|a - b|/|b|``, the distance in ULPs of the
dtype, and pass or fail against ``|a - b| <= atol + rtol*|b|`` (``tolerance.py``).

========================  ==========================================  ==================
backend                   gradient, and update (trajectory mode)      extra
========================  ==========================================  ==================
``torch``                 autograd; ``torch.optim.SGD``                ``torch``
``jax``                   ``jax.value_and_grad``; SGDRule              ``jax``
``autograd``              ``autograd.value_and_grad``; SGDRule         ``autograd``
``finite-difference``     complex step or central differences; SGDRule (none: numpy)
========================  ==========================================  ==================

SGDRule is ``analytic_sgd.numeric.update_rule.SGDRule``: ``torch.optim.SGD``'s update (given the
same gradient, the same bits: ``tests/test_update_rule.py``); JAX
and autograd have no optimizer with torch's semantics, so only their gradients are theirs.

Modes: ``gradient`` (loss and gradient at the start, on each batch of the first epoch)
and ``trajectory`` (the whole run; each backend follows its own parameters, and its
step k is compared with the reference's step k).

Frameworks are imported only when their adapter is made; a missing one raises
MissingExtraError naming the extra (``pip install 'analytic-sgd[jax]'``).

>>> from analytic_sgd.problems.problem import example_problem
>>> (report,) = crosscheck(example_problem("worked-linear"), ["finite-difference"])
>>> report.passed, len(report.rows), report.worst.quantity in ("loss", "dl/dw", "dl/db",
...                                                         "w after", "b after")
(True, 15, True)
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from ..errors import MissingExtraError, OptionError
from .adapter import Adapter, float_arithmetic
from .finite_difference import choose_method
from .reference import Reference, gradient_reference, trajectory_reference
from .report import Report, Row, compare
from .tolerance import FORMULA, Tolerance, default_tolerance, tolerance_for

__all__ = ["BACKENDS", "MODES", "FORMULA", "Report", "Row", "Tolerance", "Reference",
           "crosscheck", "check", "make_adapter", "require_backends", "reference_for",
           "default_tolerance"]

# name -> (module, class, the framework it imports, the extra that installs it)
BACKENDS = {
    "torch": ("torch_adapter", "TorchAdapter", "torch", "torch"),
    "jax": ("jax_adapter", "JaxAdapter", "jax", "jax"),
    "autograd": ("autograd_adapter", "AutogradAdapter", "autograd", "autograd"),
    "finite-difference": ("finite_difference", "FiniteDifferenceAdapter", None, None),
}
MODES = ("gradient", "trajectory")


def require_backends(names: Sequence[str]) -> None:
    """Raise OptionError for an unknown backend, MissingExtraError (naming every missing
    extra) unless each framework imports."""
    unknown = [n for n in names if n not in BACKENDS]
    if unknown:
        raise OptionError(f"unknown backend {', '.join(unknown)}; choose from "
                          f"{', '.join(BACKENDS)} or all")
    missing = []
    for name in names:
        framework, extra = BACKENDS[name][2:]
        if framework is not None:
            try:
                importlib.import_module(framework)
            except ImportError:
                missing.append((framework, extra))
    if missing:
        which = " and ".join(f for f, _ in missing)
        extra = ",".join(e for _, e in missing)
        raise MissingExtraError(f"the cross-check needs {which}, which is not installed; "
                                f"install it with: pip install 'analytic-sgd[{extra}]'")


def make_adapter(name: str, problem, dtype: str, *, fd_method: str = "auto") -> Adapter:
    """The adapter of backend ``name`` for ``problem`` in ``dtype`` (imports its framework)."""
    require_backends([name])
    module, cls = BACKENDS[name][:2]
    adapter = getattr(importlib.import_module(f".{module}", __name__), cls)
    return adapter(problem, dtype, method=fd_method) if name == "finite-difference" else (
        adapter(problem, dtype))


def reference_for(problem, mode: str, dtype: str, reference: str = "exact") -> Reference:
    """The reference of ``mode``: the exact run (trajectory) or the exact kernels at the
    dtype-rounded start and data (gradient); ``reference="float64"`` takes the derived
    float64 kernels instead."""
    _check(mode, dtype)
    if mode == "trajectory":
        return trajectory_reference(problem, reference)
    return gradient_reference(problem, dtype, reference)


def check(problem, backend: str, *, dtype: str = "float64", mode: str = "trajectory",
          atol: float | None = None, rtol: float | None = None, fd_method: str = "auto",
          reference: Reference | None = None) -> Report:
    """One backend against the reference (computed unless given): a Report."""
    _check(mode, dtype)
    adapter = make_adapter(backend, problem, dtype, fd_method=fd_method)
    ref = reference or reference_for(problem, mode, dtype)
    tolerance = tolerance_for(backend, dtype, mode, method=getattr(adapter, "method", ""),
                              atol=atol, rtol=rtol)
    got = adapter.trajectory() if mode == "trajectory" else adapter.gradients()
    rows = compare(ref.trajectory, got, mode=mode, tolerance=tolerance)
    return Report(backend, str(getattr(adapter, "version", "")), dtype, mode, ref.label,
                  tolerance, tuple(rows), tuple(adapter.notes))


def crosscheck(problem, against: Sequence[str] | str, *, dtype: str = "float64",
               mode: str = "trajectory", atol: float | None = None, rtol: float | None = None,
               fd_method: str = "auto", reference: str = "exact") -> list[Report]:
    """Reports of each backend in ``against`` (names of BACKENDS, or "all") on ``problem``.

    Every framework must be installed (MissingExtraError otherwise, before any run); the
    reference is computed once and shared.
    """
    names = list(BACKENDS) if against == "all" else [against] if isinstance(against, str) else (
        list(against))
    require_backends(names)
    if "finite-difference" in names:
        choose_method(problem.model, fd_method)  # a usage error before any run
    ref = reference_for(problem, mode, dtype, reference)
    return [check(problem, name, dtype=dtype, mode=mode, atol=atol, rtol=rtol,
                  fd_method=fd_method, reference=ref) for name in names]


def _check(mode: str, dtype: str) -> None:
    if mode not in MODES:
        raise OptionError.for_field("mode", mode, "gradient or trajectory")
    float_arithmetic(dtype)
