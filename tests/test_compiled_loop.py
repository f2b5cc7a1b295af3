"""The compiled engine's two loops: run_plain where it applies, run_block elsewhere, same bits."""

from __future__ import annotations

import numpy as np
import pytest

import analytic_sgd as asgd
from analytic_sgd.numeric.compiled_module import compiled_module

pytest.importorskip("numba")

from test_compiled_engine import run_both, same_bits  # noqa: E402

PLAIN = {"lr": "0.01", "momentum": 0.0, "dampening": 0.0, "nesterov": False,
         "weight_decay": 0.0, "maximize": False, "batch_size": 3, "epochs": 2,
         "order": "in order", "drop_last": False}
# each option changed on its own: True when run_plain still runs every block
CHANGES = [({}, True), ({"batch_size": 7}, True), ({"drop_last": True}, True),
           ({"lr": "0.02*0.9**epoch"}, False), ({"lr": "5/(t+50)"}, False),
           ({"weight_decay": 0.01}, False), ({"momentum": 0.9}, False),
           ({"momentum": 0.9, "nesterov": True}, False), ({"maximize": True}, False),
           ({"order": "shuffle"}, False), ({"order": "replacement"}, False),
           ({"batch_size": 8}, False), ({"batch_size": 40}, False)]


def spy(monkeypatch, kernels) -> list[str]:
    """Record which loop of ``kernels``' module runs each block."""
    module, calls = compiled_module(kernels), []
    for name in ("run_plain", "run_block"):
        loop = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _l=loop, _n=name: calls.append(_n) or _l(*a))
    return calls


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
@pytest.mark.parametrize("change, plain", CHANGES)
def test_each_option_picks_its_loop_and_keeps_the_bits(monkeypatch, arithmetic, change, plain):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.1, 2, 41)  # 41 rows: the last batch of an epoch is shorter
    y = 3 * x + rng.normal(0, 0.1, 41)
    for model in (asgd.linear(), asgd.quadratic(), asgd.parse_model("w*exp(b*x)", "w b")):
        calls = spy(monkeypatch, asgd.kernels_for(model, "mse", arithmetic))
        compiled, elementwise = run_both(model, "mse", x, y, arithmetic, {**PLAIN, **change})
        assert same_bits(compiled, elementwise), (model, change)
        assert set(calls) == {"run_plain" if plain else "run_block"}, (model, change, calls)
        monkeypatch.undo()


@pytest.mark.parametrize("arithmetic", ["float64", "float32"])
def test_both_loops_give_the_same_bits_on_a_plain_run(arithmetic):
    """run_block with the options at their neutral values is run_plain, bit for bit,
    including the step that is not finite and ends the block."""
    kernels = asgd.kernels_for(asgd.quadratic(), "mse", arithmetic)
    module, dtype = compiled_module(kernels), np.dtype(arithmetic)
    from analytic_sgd.numeric.compiled_module import loop_addresses

    x = np.arange(20, dtype=dtype).reshape(20, 1)
    y = (2 * x[:, 0] + 10).astype(dtype)
    results = []
    for loop in (module.run_plain, module.run_block):
        outs = [np.zeros(30, np.int64) for _ in range(3)] + [
            np.zeros((30, 3), dtype), np.zeros(30, dtype), np.zeros((30, 3), dtype),
            np.zeros((30, 3), dtype)]
        theta = np.zeros(3, dtype)
        done = loop(theta, np.zeros(3, dtype), False, x, y, np.zeros(0, np.intp), 2, 28,
                    np.array([7, 3, 20, 0, 1], np.int64), np.array([1e30], dtype),
                    np.zeros(3, dtype), np.zeros(2, np.int64), 3, loop_addresses(kernels), *outs)
        results.append((done, theta, outs))
    (d1, t1, o1), (d2, t2, o2) = results
    assert d1 == d2 and d1[0] < 28  # lr 1e30 diverges: both stop at the same step
    assert t1.tobytes() == t2.tobytes()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(o1, o2))
