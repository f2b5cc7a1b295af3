"""Which engine runs a problem: ``auto`` picks by estimated cost, or the one asked for.

Engines: ``elementwise`` (the derived kernels batch by batch and ``SGDRule``, which rounds
as torch does), ``compiled`` (the same operations as machine code, bit for bit the
same results; numba, extra ``fast``), ``moments`` (every batch at once on the moment form,
models linear in their parameters; within ``engine_rtol`` of the others).

``auto`` estimates each engine's time for the run from per-step costs measured by
``benchmarks/run.py`` on a 2-core machine (the constants below) and takes the cheapest;
the compiled engine's estimate includes importing numba and loading its machine code
from the disk cache, or compiling it when it is not cached, so a short run never pays a
compile it would not recoup. The moment engine is considered for float runs of at least
AUTO_MIN_STEPS steps or batches of at least AUTO_MIN_ROWS rows when the kernels hold the
moment form (or the caller compiles it if it is picked: ``compile_moments``). Exact runs
take the elementwise engine (its exact arithmetic: ``analytic_sgd.numeric.exact_engine``).
Data in dask arrays take the moment engine, which sums each batch chunk by chunk; the
others would load the data into memory and refuse instead.

>>> from analytic_sgd.kernels.cache import kernels_for
>>> import analytic_sgd as asgd
>>> k = kernels_for(asgd.linear(), asgd.mse, "float32", with_moments=True)
>>> choose_engine(k, "auto", 3, 3), choose_engine(k, "auto", 10_000, 3)
('elementwise', 'moments')
"""

from __future__ import annotations

import functools

from ..errors import DataError, OptionError

__all__ = ["ENGINES", "choose_engine", "estimated_seconds", "rational_form", "AUTO_MIN_STEPS",
           "AUTO_MIN_ROWS"]

ENGINES = ("auto", "compiled", "moments", "elementwise")
AUTO_MIN_STEPS = 1000
AUTO_MIN_ROWS = 4096
# seconds per step and per row of a step, measured (benchmarks/run.py, float64, batch 3..3000)
COST = {"elementwise": (30e-6, 12e-9), "moments": (0.25e-6, 6e-9), "compiled": (0.04e-6, 4e-9)}
COMPILED_LOAD = 0.8   # import numba and load the cached machine code
COMPILED_BUILD = 4.0  # compile it (the first run of a model, loss and dtype on a machine)


def estimated_seconds(engine: str, steps: int, batch_size: int, *, cached: bool = True) -> float:
    """The estimated time of ``steps`` steps of ``batch_size`` rows with ``engine``
    (compiled: its machine code ``cached`` on disk, loaded first, or compiled).

    >>> round(estimated_seconds("elementwise", 1000, 3), 3)
    0.03
    """
    per_step, per_row = COST[engine]
    fixed = 0.0
    if engine == "compiled":
        fixed = COMPILED_LOAD if cached else COMPILED_BUILD
    return fixed + steps * (per_step + per_row * batch_size)


@functools.lru_cache(maxsize=64)
def rational_form(kernels):
    """The rational kernels of exact ``kernels`` (their run without sympy objects:
    ``analytic_sgd.numeric.exact_engine``), or None where the loss is not rational."""
    from ..kernels.rational_kernels import rational_kernels

    try:
        return rational_kernels(kernels)
    except OptionError:
        return None


def _compilable(kernels) -> bool:
    """True when numba is there and the compiled engine reproduces the kernels (its twins
    of numpy's loops change the code, never whether it can be made: not checked here)."""
    from ..kernels.numba_source import batch_source
    from .numba_support import numba_available

    if not numba_available():
        return False
    try:
        batch_source(kernels)
    except OptionError:
        return False
    return True


def choose_engine(kernels, engine: str, steps: int, batch_size: int, *, lazy: bool = False,
                  compile_moments: bool = False) -> str:
    """``elementwise``, ``compiled`` or ``moments`` for ``steps`` batches of ``batch_size``
    rows (``lazy``: the data are dask arrays). The moment engine is one to choose when the
    kernels hold the moment form, or when ``compile_moments``: the caller compiles it if
    this picks it.

    Raises OptionError for an unknown engine or one that does not apply,
    MissingExtraError for ``compiled`` without numba, DataError for dask data an engine
    would have to load whole."""
    if engine not in ENGINES:
        raise OptionError.for_field("engine", engine, f"one of {', '.join(ENGINES)}")
    exact = kernels.arithmetic.exact
    if lazy and (engine in ("elementwise", "compiled") or not kernels.linear_in_params or exact):
        raise DataError(f"the {'moment' if engine == 'auto' else engine} engine cannot run on dask "
                        "arrays without loading them whole: the moment engine (float arithmetic, "
                        "a model linear in its parameters) sums each batch chunk by chunk; "
                        "compute the arrays first (x.compute()) if they fit in memory")
    if lazy and batch_size < AUTO_MIN_ROWS:
        raise DataError(f"batches of {batch_size} rows from dask arrays would take one dask "
                        f"computation each: the moment engine sums dask data batch by batch for "
                        f"batches of at least {AUTO_MIN_ROWS} rows (full-batch gradient descent, "
                        "large mini-batches); compute the arrays first (x.compute()) for smaller "
                        "batches")
    if engine == "moments" and not kernels.linear_in_params:
        raise OptionError("engine='moments' needs a model linear in its parameters; use "
                          "engine='elementwise'")
    moments = kernels.linear_in_params and (kernels.moments is not None or compile_moments)
    if (engine == "moments" or lazy) and not moments:
        raise OptionError("the moment engine needs kernels compiled with the moment form: "
                          "kernels_for(model, loss, arithmetic, with_moments=True)")
    if engine == "compiled":
        from .compiled_module import module_text
        from .numba_support import require_numba

        require_numba()
        module_text(kernels)  # OptionError where it cannot be reproduced exactly
        return "compiled"
    if engine != "auto":
        return engine
    if exact:
        return "elementwise"
    if lazy:
        return "moments"
    costs = {"elementwise": estimated_seconds("elementwise", steps, batch_size)}
    big = steps >= AUTO_MIN_STEPS or batch_size >= AUTO_MIN_ROWS
    if moments and big:
        costs["moments"] = estimated_seconds("moments", steps, batch_size)
    if min(costs.values()) > COMPILED_LOAD and _compilable(kernels):
        from .compiled_module import is_cached

        costs["compiled"] = estimated_seconds("compiled", steps, batch_size,
                                              cached=is_cached(kernels))
    return min(costs, key=costs.get)
