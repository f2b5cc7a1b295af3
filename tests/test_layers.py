"""The arrows point one way (DESIGN.md): the symbolic side never imports the numeric side,
the driver never imports sympy, the core never imports a framework, only the CLI prints."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analytic_sgd"
SYMBOLIC = ["model", "parse", "loss", "graph", "derive", "moments"]
NUMERIC = {"kernels", "sgd", "engine", "batch_sums", "recurrence", "trajectory", "optim",
           "batches", "moment_kernels", "moment_compiler", "problem", "examples"}
DRIVER = ["sgd", "engine", "batch_sums", "recurrence", "trajectory", "optim", "batches",
          "moment_kernels"]
FRAMEWORKS = {"torch", "jax", "jaxlib", "autograd", "matplotlib", "pandas", "dask"}


def module_level_imports(name: str) -> set[str]:
    """Top-level names imported at module level (not inside functions: those are lazy)."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add((node.module or "").split(".")[0] if node.level == 0 else
                      f".{(node.module or '').split('.')[0]}")
    return found


@pytest.mark.parametrize("name", SYMBOLIC)
def test_symbolic_modules_do_not_import_the_numeric_side(name):
    assert not {f".{m}" for m in NUMERIC} & module_level_imports(name)


@pytest.mark.parametrize("name", DRIVER)
def test_driver_modules_do_not_import_sympy(name):
    assert "sympy" not in module_level_imports(name)


def test_core_modules_never_import_a_framework():
    for path in PACKAGE.rglob("*.py"):
        if "crosscheck" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level; plot.py and friends import lazily in functions
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
                     else [])
            assert not {n.split(".")[0] for n in names} & FRAMEWORKS, path


def test_only_the_cli_prints():
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.parts or path.name in ("__main__.py", "document.py"):
            continue  # document.py prints only in its `python -m` block
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "print"]
        assert not calls, f"{path.name} prints"


def test_the_core_runs_without_the_layers_above_it():
    """derive, compile and sgd run with every framework and the CLI made unimportable."""
    blocked = sorted(FRAMEWORKS | {"analytic_sgd.cli", "analytic_sgd.crosscheck"})
    code = (
        "import sys\n"
        f"for m in {blocked!r}: sys.modules[m] = None\n"
        "import analytic_sgd as asgd\n"
        "t = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2*v+10 for v in range(9)],\n"
        "             lr='0.01', batch_size=3, arithmetic='exact')\n"
        "assert str(t.final[0]) == '1399427/421875'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
