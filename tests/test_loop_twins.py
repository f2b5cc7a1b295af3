"""The twins of numpy's exp and log give numpy's bits, and are used only where they do."""

from __future__ import annotations

import json

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.numeric import compiled_module, loop_twins
from analytic_sgd.numeric.loop_twins import check_inputs

pytest.importorskip("numba")

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A cache folder of its own and no remembered verdicts or modules."""
    monkeypatch.setenv("ANALYTIC_SGD_CACHE_DIR", str(tmp_path))

    def clear():
        loop_twins.loop_twins.cache_clear()
        compiled_module._generated.cache_clear()
        compiled_module.compiled_module.cache_clear()
    clear()
    yield tmp_path
    clear()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One cache folder for the module's engine runs: each module compiles once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANALYTIC_SGD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        loop_twins.loop_twins.cache_clear()
        compiled_module._generated.cache_clear()
        compiled_module.compiled_module.cache_clear()
        yield
    loop_twins.loop_twins.cache_clear()
    compiled_module._generated.cache_clear()
    compiled_module.compiled_module.cache_clear()


def run_twin(twin, x: np.ndarray) -> np.ndarray:
    out = loop_twins.twin_values(twin, x)
    assert out is not None
    return out


@pytest.mark.parametrize("dtype", [F64, F32])
def test_each_twin_in_use_gives_numpy_bits_on_inputs_it_was_not_checked_on(dtype):
    rng = np.random.default_rng(7)
    bits = np.dtype(f"u{dtype.itemsize}")
    top = 750.0 if dtype == F64 else 105.0
    x = np.concatenate([rng.integers(0, np.iinfo(bits).max, 1 << 20, dtype=bits).view(dtype),
                        rng.uniform(-top, top, 1 << 20).astype(dtype)])
    twins = loop_twins.loop_twins(dtype)
    if not twins:  # nothing to compare: say so rather than pass
        pytest.skip(f"no twin gives numpy's {dtype} bits on this machine")
    for name, twin in twins.items():
        with np.errstate(all="ignore"):
            expected = getattr(np, name)(x)
        got = run_twin(twin, x)
        assert np.array_equal(got.view(bits), expected.view(bits)), name


def test_the_float32_exp_twin_covers_subnormal_results_and_the_edges():
    x = np.array([-87.3, -88.0, -95.5, -103.9, -103.97208, -103.97209, -104.0, 88.7228,
                  88.72284, 88.7229, 0.0, -0.0, 1e-45, -1e-45, np.inf, -np.inf, np.nan],
                 dtype=np.float32)
    x = np.concatenate([x, np.linspace(-104, -87, 100_001, dtype=np.float32)])
    twin = loop_twins.Twin("exp", scalar="exp_f32")
    with np.errstate(all="ignore"):
        expected = np.exp(x)
    assert np.array_equal(run_twin(twin, x).view(np.uint32), expected.view(np.uint32))


def test_the_check_inputs_hold_special_values():
    x = check_inputs(F64)
    assert np.isnan(x).any() and np.isinf(x).sum() == 2 and (x == 0).sum() >= 2
    assert len(x) > 390_000


MODELS = ["w*exp(b*x) + c*log(x*x + 1)",
          "w*sin(b*x) + c*cos(x) + tan(w*x/9) + sinh(b*x/3) - cosh(c*x/5)"]


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("batch", [1, 3, 7, 8, 9, 17])
@pytest.mark.parametrize("text", MODELS)
def test_the_compiled_engine_with_twins_gives_the_elementwise_bits(shared, arithmetic, batch,
                                                                   text):
    rng = np.random.default_rng(batch)
    x = np.concatenate([rng.uniform(-3, 3, 40), [60.0, -60.0]])  # exp(b*x) near its edges
    y = rng.uniform(-1, 3, 42)
    model = asgd.parse_model(text, "w b c")
    out = {}
    for engine in ("compiled", "elementwise"):
        try:
            out[engine] = asgd.sgd(model, "mse", x, y, lr=0.01, batch_size=batch, epochs=2,
                                   init=[1.0, 1.5, 0.5], arithmetic=arithmetic, engine=engine)
        except asgd.DivergenceError as exc:  # diverges at the same step in both
            out[engine] = exc.trajectory
    for column in ("params", "loss", "grad", "updated"):
        a, b = getattr(out["compiled"], column), getattr(out["elementwise"], column)
        assert a.tobytes() == b.tobytes(), column
    source = compiled_module.module_text(asgd.kernels_for(model, "mse", arithmetic))
    twins = loop_twins.loop_twins(np.dtype(arithmetic))
    body = source.split("def batch", 1)[1]
    assert ("call_vec8(ptrs[VEC" in body) == any(t.vector and t.ufunc in text
                                                  for t in twins.values())
    assert ("_f32(" in body or "_f64(" in body) == any(t.scalar and t.ufunc in text
                                                      for t in twins.values())


def test_a_machine_where_numpy_gives_other_bits_calls_numpy_loops(fresh, monkeypatch):
    monkeypatch.setattr(loop_twins, "_agrees", lambda twin, dtype: False)
    assert loop_twins.loop_twins(F64) == {} and loop_twins.loop_twins(F32) == {}
    model = asgd.parse_model("w*exp(b*x)", "w b")
    text = compiled_module.module_text(asgd.kernels_for(model, "mse", "float64"))
    body = text.split("def batch", 1)[1]
    assert "call_loop(ptrs[0]" in body and "call_vec8(ptrs" not in body
    x = np.linspace(0, 1, 30)
    a = asgd.sgd(model, "mse", x, 2 * x, lr=0.01, batch_size=3, engine="compiled")
    b = asgd.sgd(model, "mse", x, 2 * x, lr=0.01, batch_size=3, engine="elementwise")
    assert a.params.tobytes() == b.params.tobytes()


def test_the_verdict_is_kept_on_disk_and_read_back(fresh, monkeypatch):
    first = loop_twins.loop_twins(F64)
    (path,) = fresh.glob("twins_*.json")
    verdict = json.loads(path.read_text())
    assert sorted(verdict["float64"]) == sorted(first)

    def never(twin, dtype):
        raise AssertionError("checked again")
    monkeypatch.setattr(loop_twins, "_agrees", never)
    loop_twins.loop_twins.cache_clear()
    assert loop_twins.loop_twins(F64) == first


def test_a_symbol_numpy_does_not_export_is_no_twin(fresh, monkeypatch):
    assert loop_twins.twin_address("__no_such_svml_function") is None
    monkeypatch.setitem(loop_twins._CANDIDATES, F64,
                        (loop_twins.Twin("exp", vector="__no_such_svml_function"),))
    assert loop_twins.loop_twins(F64) == {}


def test_choosing_an_engine_never_runs_the_check(fresh, monkeypatch):
    from analytic_sgd.numeric.engines import choose_engine

    def never(twin, dtype):
        raise AssertionError("checked while choosing")
    monkeypatch.setattr(loop_twins, "_agrees", never)
    kernels = asgd.kernels_for(asgd.parse_model("w*exp(b*x)", "w b"), "mse", "float64")
    assert loop_twins.known_twins(F64) is None
    assert not compiled_module.is_cached(kernels)
    assert choose_engine(kernels, "auto", 10_000_000, 3) in ("compiled", "elementwise")
