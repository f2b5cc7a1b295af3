"""The compiled module: generated source on disk, numba's machine code cached for the next process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import analytic_sgd as asgd
from analytic_sgd.numeric import compiled_module

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import json, numpy as np, analytic_sgd as asgd
from analytic_sgd.numeric.compiled_module import compiled_module, is_cached
model = asgd.parse_model("w*exp(k*x)", "w k")
kernels = asgd.kernels_for(model, "mse", "float32")
before = is_cached(kernels)
x = np.linspace(0, 1, 30)
t = asgd.sgd(model, "mse", x, 2 * x, lr=0.01, batch_size=3, arithmetic="float32", engine="compiled")
module = compiled_module(kernels)
stats = [module.run_block.stats, module.run_plain.stats]  # the plain loop runs here
print(json.dumps({"cached_before": before, "plain": is_cached(kernels, "run_plain"),
                  "block": is_cached(kernels, "run_block"),
                  "hits": sum(sum(s.cache_hits.values()) for s in stats),
                  "misses": sum(sum(s.cache_misses.values()) for s in stats),
                  "final": t.final.tolist()}))
"""


def test_a_second_process_loads_the_machine_code_instead_of_compiling(tmp_path):
    pytest.importorskip("numba")
    env = {**os.environ, "ANALYTIC_SGD_CACHE_DIR": str(tmp_path),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", SCRIPT], env=env, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(2)]
    first, second = runs
    assert not first["cached_before"] and first["misses"] == 1 and first["hits"] == 0
    assert second["cached_before"] and second["hits"] == 1 and second["misses"] == 0
    assert first["final"] == second["final"]
    sources = list(tmp_path.glob("asgd_*.py"))
    assert len(sources) == 1 and "def run_block(" in sources[0].read_text()
    assert first["plain"] and not first["block"]  # numba compiles the loop a run needs only
    assert list((tmp_path / "__pycache__").glob("asgd_*.run_plain-*.nbc"))


def test_the_generated_source_names_the_kernels_it_reproduces(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTIC_SGD_CACHE_DIR", str(tmp_path))
    kernels = asgd.kernels_for(asgd.linear(), "mse", "float64")
    text = compiled_module.module_text(kernels)
    assert kernels.source.strip().splitlines()[1].strip() in text
    assert compiled_module.compiled_path(kernels).parent == tmp_path
    assert not compiled_module.is_cached(kernels)
