"""The layers of the house, read from every import statement of every module.

Arrows point one way, down this list: a module imports only modules of its own package or
of a lower layer; two packages of the same layer never import each other. Every import
counts, at the top of a module or inside a function. Optional extras are imported only
inside functions of the modules listed for them in EXTRAS; the numeric side never imports
sympy; only the command line prints.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analytic_sgd"

# rank -> the top-level names (packages or modules) of analytic_sgd in that layer
LAYERS = [
    {"errors", "version"},                      # foundation
    {"files"},                                  # the atomic file writer
    {"conventions"},                            # Loss, Arithmetic, Settings, BatchPlan
    {"symbolic"},                               # model, parser, graph, chain rule, moment form
    {"kernels"},                                # compiled forms (plain data), caches
    {"numeric"},                                # update rule, trajectory, driver, engines
    {"problems"},                               # data files, examples, Problem, sgd()
    {"render"},                                 # tables, derivations, pages, notebook display
    {"pictures", "golden"},                     # matplotlib pictures; golden files
    {"crosscheck", "testing", "handout"},       # frameworks; the comparer; the HTML handout
    {"cli"},                                    # the command line
    {"__init__", "__main__"},                   # the public API
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# optional extras: imported lazily (inside a function), and only in these modules
EXTRAS = {
    "torch": {"crosscheck.torch_adapter"},
    "jax": {"crosscheck.jax_adapter"},
    "jaxlib": set(),
    "autograd": {"crosscheck.autograd_adapter"},
    "optax": {"crosscheck.optax_adapter"},
    "matplotlib": {"pictures.canvas", "pictures.plot", "pictures.animation"},
    "PIL": set(),
    "pandas": {"render.table"},
    "dask": {"kernels.elementwise", "kernels.moment_kernels"},
    "IPython": set(),
    "numba": {"numeric.numba_support", "numeric.loop_twins"},
    "llvmlite": {"numeric.numba_support", "numeric.loop_twins"},
    "gmpy2": {"numeric.exact_engine"},
    "tqdm": {"cli.progress"},
    "graphviz": {"render.dot"},
}
NO_SYMPY = "numeric"


@dataclass(frozen=True)
class Import:
    module: str        # the importing module, dotted below analytic_sgd ("numeric.driver")
    target: str        # what it imports: "analytic_sgd.conventions.loss", "torch", ...
    lazy: bool         # inside a function
    line: int


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def imports_of(path: Path, package: Path) -> list[Import]:
    """Every import statement of one file, top level and inside functions, resolved."""
    name = module_name(path, package)
    is_package = path.name == "__init__.py"
    here = ["analytic_sgd", *([] if name == "__init__" else name.split("."))]
    if not is_package:
        here = here[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy_lines = {n.lineno for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef,
                  ast.AsyncFunctionDef)) for n in ast.walk(f) if isinstance(n, (ast.Import,
                                                                                ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
            else:
                base = here[:len(here) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            # "from .x import y": y may be a name of module x or a module of package x
            targets = [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        found += [Import(name, t, node.lineno in lazy_lines, node.lineno) for t in targets]
    return found


def all_imports(package: Path = PACKAGE) -> list[Import]:
    return [i for path in sorted(package.rglob("*.py")) for i in imports_of(path, package)]


def top(name: str) -> str:
    """The top-level name of a module below analytic_sgd: "numeric.driver" -> "numeric"."""
    return name.split(".")[0] if name else "__init__"


def violations(imports: list[Import]) -> list[str]:
    out = []
    for i in imports:
        src = top(i.module)
        if i.target == "analytic_sgd" or i.target.startswith("analytic_sgd."):
            dst = top(i.target.removeprefix("analytic_sgd").lstrip("."))
            if dst == src:
                continue
            if src not in RANK or dst not in RANK:
                out.append(f"{i.module}:{i.line} imports {i.target}: a module outside the layers")
            elif RANK[dst] >= RANK[src]:
                out.append(f"{i.module}:{i.line} imports {i.target}, which is not in a lower "
                           f"layer ({src} is layer {RANK[src]}, {dst} layer {RANK[dst]})")
            continue
        root = i.target.split(".")[0]
        if root == "__future__":
            continue
        if root in EXTRAS and (not i.lazy or i.module not in EXTRAS[root]):
            where = "at module level" if not i.lazy else "outside its own modules"
            out.append(f"{i.module}:{i.line} imports the optional extra {root} {where} "
                       f"(allowed lazily in: {', '.join(sorted(EXTRAS[root])) or 'no module'})")
        if root == "sympy" and src == NO_SYMPY:
            out.append(f"{i.module}:{i.line} imports sympy: the numeric side gets compiled "
                       "kernels and never derives")
    return out


def circles(imports: list[Import], package: Path = PACKAGE) -> list[list[str]]:
    """Import circles among the package's modules, counting imports inside functions."""
    modules = {i.module for i in imports} | {module_name(p, package) for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for i in imports:
        if i.target.startswith("analytic_sgd."):
            target = i.target.removeprefix("analytic_sgd.")
            while target and target not in modules:  # "from .x import name": the module x
                target = target.rpartition(".")[0]
            if target and target != i.module:
                graph[i.module].add(target)
    found, state = [], {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_every_module_is_in_a_layer():
    tops = {top(module_name(p, PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert tops <= set(RANK), f"modules outside the layers: {sorted(tops - set(RANK))}"


def test_arrows_point_one_way():
    assert violations(all_imports()) == []


def test_no_import_circles_counting_imports_inside_functions():
    assert circles(all_imports()) == []


def test_the_check_catches_an_upward_import_inside_a_function(tmp_path):
    """A synthetic package: a numeric module that imports the render layer inside a function,
    and a render module that imports torch at module level."""
    package = tmp_path / "analytic_sgd"
    for folder in ("numeric", "render", "conventions"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "conventions" / "loss.py").write_text("import sympy\n")
    (package / "numeric" / "driver.py").write_text(textwrap.dedent("""
        from ..conventions.loss import mse  # downward: fine

        def run():
            from ..render.table import table_text  # upward, hidden in a function
            return table_text
        """))
    (package / "render" / "table.py").write_text("import torch\nfrom ..numeric import driver\n")
    found = violations(all_imports(package))
    assert any(v.startswith("numeric.driver:5 imports analytic_sgd.render.table") for v in found)
    assert any("render.table:1 imports the optional extra torch at module level" in v
               for v in found)
    assert not any("conventions" in v for v in found)  # sympy is allowed there
    assert len(found) == 2
    loop = circles(all_imports(package), package)
    assert ["numeric.driver", "render.table", "numeric.driver"] in loop


def test_only_the_cli_prints():
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.parts or path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "print"]
        assert not calls, f"{path.name} prints"


def test_no_private_name_is_imported_from_another_module():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.relative_to(PACKAGE)}:{node.lineno} imports {private}"


def test_public_names_are_not_shared_by_different_things():
    """A name in two modules' __all__ is one object re-exported, never two different things."""
    import importlib

    seen: dict[str, tuple[str, object]] = {}
    clashes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path, PACKAGE)
        if name in ("__init__", "__main__") or name.startswith(("cli", "crosscheck.torch",
                                                                 "crosscheck.jax")):
            continue
        module = importlib.import_module(f"analytic_sgd.{name}" if name != "__init__"
                                         else "analytic_sgd")
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            if public in seen and seen[public][1] is not value:
                clashes.append(f"{public}: {seen[public][0]} and {name}")
            seen.setdefault(public, (name, value))
    assert clashes == []


def test_the_core_runs_without_the_layers_above_it():
    """derive, compile and run SGD with every layer above problems, every framework and the
    package's own __init__ made unimportable."""
    above = sorted(n for n, r in RANK.items() if r > RANK["problems"] and n not in
                   ("__init__", "__main__"))
    blocked = sorted(set(EXTRAS) | {f"analytic_sgd.{n}" for n in above})
    code = textwrap.dedent(f"""
        import sys, types
        for m in {blocked!r}:
            sys.modules[m] = None
        package = types.ModuleType("analytic_sgd")  # the modules, without the public API
        package.__path__ = [{str(PACKAGE)!r}]
        sys.modules["analytic_sgd"] = package
        from analytic_sgd.problems.problem import sgd
        from analytic_sgd.symbolic.model import linear
        t = sgd(linear(), "mse", range(9), [2*v+10 for v in range(9)], lr="0.01",
                batch_size=3, arithmetic="exact")
        assert str(t.final[0]) == "1399427/421875"
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("rank", range(len(LAYERS)))
def test_the_layers_in_the_architecture_map_are_these(rank):
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in LAYERS[rank] - {"__init__", "__main__"}:
        assert f"`{name}" in doc, f"docs/architecture.md does not name {name}"
