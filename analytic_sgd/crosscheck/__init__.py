"""Cross-checks: the same problem through PyTorch, JAX, optax, HIPS autograd, finite
differences, and your own framework.

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
``optax``                 ``jax.value_and_grad``; ``optax.sgd``        ``optax``
``autograd``              ``autograd.value_and_grad``; SGDRule         ``autograd``
``finite-difference``     complex step or central differences; SGDRule (none: numpy)
``MODULE:CALLABLE``       your function (``user_backend.py``)          (yours)
========================  ==========================================  ==================

SGDRule is ``analytic_sgd.numeric.update_rule.SGDRule``: ``torch.optim.SGD``'s update (given the
same gradient, the same bits: ``tests/test_update_rule.py``); JAX and autograd have no
optimizer, so only their gradients are theirs. optax's ``sgd`` cannot express dampening or
maximize: such problems are refused (``--against all`` skips optax for them).

Modes: ``gradient`` (loss and gradient at the start, on each batch of the first epoch),
``trajectory`` (the whole run; each backend follows its own parameters, and its
step k is compared with the reference's step k) and ``hessian`` (a second-order check, as
``torch.autograd.gradgradcheck``: every entry of the Hessian of each batch loss of the
first epoch at the start, by ``torch.autograd.functional.hessian``, ``jax.hessian``,
``autograd.hessian`` or differences, against the exact Hessian derived by sympy; optax
and your own functions give no Hessian of their own and are not run in this mode).

Frameworks are imported only when their adapter is made; a missing one raises
MissingExtraError naming the extra (``pip install 'analytic-sgd[jax]'``). ``"all"`` runs
every installed backend; ``plan_backends`` says which ones it skips, and why.

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
from .optax_adapter import refuse_for_optax
from .reference import Reference, gradient_reference, hessian_reference, trajectory_reference
from .report import Report, Row, compare, compare_hessians
from .tolerance import FORMULA, Tolerance, default_tolerance, tolerance_for
from .user_module import is_user_backend, load_callable, protocol_of

__all__ = ["BACKENDS", "MODES", "FORMULA", "Report", "Row", "Tolerance", "Reference",
           "crosscheck", "check", "make_adapter", "require_backends", "reference_for",
           "default_tolerance", "plan_backends", "is_user_backend"]

# name -> (module, class, the framework it imports, the extra that installs it)
BACKENDS = {
    "torch": ("torch_adapter", "TorchAdapter", "torch", "torch"),
    "jax": ("jax_adapter", "JaxAdapter", "jax", "jax"),
    "optax": ("optax_adapter", "OptaxAdapter", "optax", "optax"),
    "autograd": ("autograd_adapter", "AutogradAdapter", "autograd", "autograd"),
    "finite-difference": ("finite_difference", "FiniteDifferenceAdapter", None, None),
}
MODES = ("gradient", "trajectory", "hessian")
# what a backend cannot express, checked before anything runs: name -> check(settings)
REFUSALS = {"optax": refuse_for_optax}
# backends with no second derivative of their own: name -> what to use instead
NO_HESSIAN = {"optax": "optax differentiates with JAX: use --against jax"}
USER_NO_HESSIAN = "your function gives the loss and gradient only"


def _missing(name: str) -> tuple[str, str] | None:
    """(framework, extra) when the framework of backend ``name`` does not import."""
    framework, extra = BACKENDS[name][2:]
    if framework is not None:
        try:
            importlib.import_module(framework)
        except ImportError:
            return framework, extra
    return None


def require_backends(names: Sequence[str]) -> None:
    """Raise OptionError for an unknown backend, MissingExtraError (naming every missing
    extra) unless each framework imports. ``MODULE:CALLABLE`` names are checked when their
    adapter is made."""
    names = [n for n in names if not is_user_backend(n)]
    unknown = [n for n in names if n not in BACKENDS]
    if unknown:
        raise OptionError(f"unknown backend {', '.join(unknown)}; choose from "
                          f"{', '.join(BACKENDS)}, all, or MODULE:CALLABLE")
    missing = [m for m in map(_missing, names) if m is not None]
    if missing:
        which = " and ".join(f for f, _ in missing)
        extra = ",".join(e for _, e in missing)
        raise MissingExtraError(f"the cross-check needs {which}, which is not installed; "
                                f"install it with: pip install 'analytic-sgd[{extra}]'")


def plan_backends(problem, against: Sequence[str] | str,
                  mode: str = "trajectory") -> tuple[list[str], list[str]]:
    """The backends to run and, for ``"all"``, one line for each backend it skips: not
    installed (naming the extra), unable to express the problem's settings, or (hessian
    mode) without a Hessian of its own."""
    if against != "all":
        return ([against] if isinstance(against, str) else list(against)), []
    names, skipped = [], []
    for name in BACKENDS:
        missing = _missing(name)
        if missing is not None:
            skipped.append(f"{name}: skipped, {missing[0]} is not installed (pip install "
                           f"'analytic-sgd[{missing[1]}]')")
            continue
        if mode == "hessian" and name in NO_HESSIAN:
            skipped.append(f"{name}: skipped, no Hessian of its own ({NO_HESSIAN[name]})")
            continue
        try:
            REFUSALS.get(name, lambda s: None)(problem.settings)
        except OptionError as exc:
            skipped.append(f"{name}: skipped, it cannot run this problem: {exc}")
            continue
        names.append(name)
    return names, skipped


def make_adapter(name: str, problem, dtype: str, *, fd_method: str = "auto") -> Adapter:
    """The adapter of backend ``name`` (or ``MODULE:CALLABLE``) for ``problem`` in ``dtype``
    (imports its framework, or the user's module)."""
    if is_user_backend(name):
        from .user_backend import UserAdapter

        return UserAdapter(problem, dtype, name)
    require_backends([name])
    module, cls = BACKENDS[name][:2]
    adapter = getattr(importlib.import_module(f".{module}", __name__), cls)
    return adapter(problem, dtype, method=fd_method) if name == "finite-difference" else (
        adapter(problem, dtype))


def reference_for(problem, mode: str, dtype: str, reference: str = "exact") -> Reference:
    """The reference of ``mode``: the exact run (trajectory) or the exact kernels (gradient)
    or Hessian kernels (hessian) at the dtype-rounded start and data;
    ``reference="float64"`` takes the derived float64 kernels instead."""
    _check(mode, dtype)
    if mode == "trajectory":
        return trajectory_reference(problem, reference)
    if mode == "hessian":
        return hessian_reference(problem, dtype, reference)
    return gradient_reference(problem, dtype, reference)


def refuse_for_hessian(name: str) -> None:
    """OptionError when backend ``name`` has no Hessian of its own (hessian mode)."""
    why = USER_NO_HESSIAN if is_user_backend(name) else NO_HESSIAN.get(name)
    if why is not None:
        raise OptionError(f"{name} gives no Hessian of its own, so it cannot run in hessian "
                          f"mode: {why}")


def check(problem, backend: str, *, dtype: str = "float64", mode: str = "trajectory",
          atol: float | None = None, rtol: float | None = None, fd_method: str = "auto",
          reference: Reference | None = None) -> Report:
    """One backend against the reference (computed unless given): a Report."""
    _check(mode, dtype)
    if mode == "hessian":
        refuse_for_hessian(backend)
    adapter = make_adapter(backend, problem, dtype, fd_method=fd_method)
    ref = reference or reference_for(problem, mode, dtype)
    tolerance = tolerance_for(backend, dtype, mode, method=getattr(adapter, "method", ""),
                              atol=atol, rtol=rtol)
    if mode == "hessian":
        rows = compare_hessians(ref.hessians, adapter.hessians(), adapter.kernels.params, dtype,
                                tolerance)
    else:
        got = adapter.trajectory() if mode == "trajectory" else adapter.gradients()
        rows = compare(ref.trajectory, got, mode=mode, tolerance=tolerance)
    notes = adapter.hessian_notes if mode == "hessian" else adapter.notes
    return Report(backend, str(getattr(adapter, "version", "")), dtype, mode, ref.label,
                  tolerance, tuple(rows), tuple(notes))


def crosscheck(problem, against: Sequence[str] | str, *, dtype: str = "float64",
               mode: str = "trajectory", atol: float | None = None, rtol: float | None = None,
               fd_method: str = "auto", reference: str = "exact") -> list[Report]:
    """Reports of each backend in ``against`` (names of BACKENDS, ``MODULE:CALLABLE``, or
    "all": every installed backend that can express the problem) on ``problem``.

    A named framework must be installed (MissingExtraError otherwise, before any run) and
    able to express the settings (OptionError); the reference is computed once and shared.
    """
    _check(mode, dtype)
    names, _ = plan_backends(problem, against, mode)
    require_backends(names)
    for name in names:
        REFUSALS.get(name, lambda s: None)(problem.settings)
        if mode == "hessian":
            refuse_for_hessian(name)
        if is_user_backend(name):  # a usage error before any run
            protocol_of(load_callable(name)[0], name)
    if "finite-difference" in names:
        choose_method(problem.model, fd_method)  # a usage error before any run
    ref = reference_for(problem, mode, dtype, reference)
    return [check(problem, name, dtype=dtype, mode=mode, atol=atol, rtol=rtol,
                  fd_method=fd_method, reference=ref) for name in names]


def _check(mode: str, dtype: str) -> None:
    if mode not in MODES:
        raise OptionError.for_field("mode", mode, "gradient, trajectory or hessian")
    float_arithmetic(dtype)
