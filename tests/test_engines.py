"""Engine choice: auto by estimated cost, compiled only where it pays and numba is there."""

from __future__ import annotations

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.numeric import engines, numba_support
from analytic_sgd.numeric.engines import choose_engine, estimated_seconds

CURVE = asgd.parse_model("w*exp(k*x)", "w k")


def test_auto_never_pays_a_compile_a_short_run_does_not_recoup(monkeypatch):
    kernels = asgd.kernels_for(CURVE, "mse", "float64")
    monkeypatch.setattr(engines, "_compilable", lambda k: True)
    import analytic_sgd.numeric.compiled_module as module

    monkeypatch.setattr(module, "is_cached", lambda k: False)
    assert choose_engine(kernels, "auto", 10, 3) == "elementwise"
    short = int(engines.COMPILED_BUILD / engines.COST["elementwise"][0] / 2)
    assert choose_engine(kernels, "auto", short, 3) == "elementwise"
    assert choose_engine(kernels, "auto", 10**6, 3) == "compiled"
    monkeypatch.setattr(module, "is_cached", lambda k: True)
    assert choose_engine(kernels, "auto", short, 3) == "compiled"  # loading is cheaper
    assert estimated_seconds("compiled", short, 3, cached=True) < estimated_seconds(
        "elementwise", short, 3)


def test_without_numba_compiled_names_the_extra_and_auto_falls_back(monkeypatch):
    monkeypatch.setattr(numba_support, "numba_available", lambda: False)
    x = np.linspace(0, 1, 300_000)
    with pytest.raises(asgd.MissingExtraError, match=r"analytic-sgd\[fast\]"):
        asgd.sgd(CURVE, "mse", x[:9], x[:9], lr=0.01, batch_size=3, engine="compiled")
    kernels = asgd.kernels_for(CURVE, "mse", "float64")
    assert choose_engine(kernels, "auto", 10**7, 3) == "elementwise"


def test_exact_runs_and_unknown_engines():
    kernels = asgd.kernels_for(asgd.linear(), "mse", "exact")
    assert choose_engine(kernels, "auto", 10**7, 3) == "elementwise"
    with pytest.raises(asgd.OptionError, match="engine must be one of auto, compiled"):
        choose_engine(kernels, "numba", 3, 3)


def test_auto_picks_only_an_engine_the_kernels_can_run():
    from analytic_sgd.numeric.driver import run

    plain = asgd.kernels_for(asgd.linear(), asgd.mse, "float64")  # no moment form
    assert plain.moments is None
    x = np.arange(9.0)
    traj = run(plain, x, 2 * x + 10, asgd.Settings(lr=0.01), asgd.BatchPlan(3, epochs=5000))
    assert traj.meta["engine"] != "moments" and len(traj) == 15000
    with pytest.raises(asgd.OptionError, match="moment form"):
        choose_engine(plain, "moments", 15000, 3)
