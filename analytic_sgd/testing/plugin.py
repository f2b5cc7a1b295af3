"""The pytest plugin: a golden file for your test, kept beside it, and the fixture that
compares your framework's run with it.

Installed with analytic-sgd as a ``pytest11`` entry point (named
``analytic_sgd.testing.plugin``: ``-p no:analytic_sgd.testing.plugin`` turns it off);
it needs nothing but pytest. A test asks for ``sgd_regression``::

    def test_my_sgd(sgd_regression):
        steps = run_my_framework()                  # loss, grad, updated per step
        sgd_regression.check(steps, "worked-linear", rtol=1e-12)

``check(obtained, problem_or_example, *, arithmetic, rtol, atol, names, quantities,
basename)`` compares ``obtained`` (any shape ``assert_trajectory_close`` reads) with the
golden file ``<test file folder>/<test file name>/<test name>.<arithmetic>.json``
(pytest-regressions' data folder). ``problem_or_example`` is a ``Problem``
(``make_problem(...)``) or an example's name; ``arithmetic`` defaults to that of a
``Trajectory`` obtained, else float64.

- The first run computes the file from the problem (analytic-sgd's derived kernels, not
  your run), writes it, and fails saying so, as pytest-regressions does: the file is the
  reference from then on, and a missing file never passes silently.
- Later runs compare with the file as stored. A file that records another problem than the
  one given (another lr, other data, ...) fails, naming the first difference.
- ``pytest --force-regen`` computes every file again: a file that differs from its
  recomputation (or records another problem) is rewritten and its test fails saying so;
  one that is the same is compared as usual. pytest-regressions defines the same option;
  when it is installed, its ``--force-regen`` serves both.
- On a failure the obtained values are written beside the file as
  ``<test name>.<arithmetic>.obtained.json``.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from pathlib import Path
from typing import Any

import pytest

from ..golden import (
    compare_documents,
    golden_document,
    golden_problem,
    problem_section,
    read_document,
    write_golden,
)
from ..numeric.trajectory import Trajectory
from .compare import assert_trajectory_close

__all__ = ["SGDRegression", "sgd_regression", "pytest_addoption"]

REGRESSIONS = "regressions"  # pytest-regressions' entry point: it defines --force-regen too


def _regressions_adds_force_regen(pluginmanager) -> bool:
    """True when pytest-regressions is, or will be, registered in this run."""
    if pluginmanager.has_plugin(REGRESSIONS) or pluginmanager.has_plugin("pytest_regressions.plugin"):
        return True
    if pluginmanager.is_blocked(REGRESSIONS) or os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.name == REGRESSIONS for ep in importlib.metadata.entry_points(group="pytest11"))


def pytest_addoption(parser, pluginmanager) -> None:
    if not _regressions_adds_force_regen(pluginmanager):
        parser.getgroup("analytic-sgd").addoption(
            "--force-regen", action="store_true", default=False,
            help="compute the sgd_regression golden files again; a test whose file changes fails")


class SGDRegression:
    """What the ``sgd_regression`` fixture gives a test: ``check`` and ``path``."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.force_regen = bool(request.config.getoption("force_regen", default=False))
        self.directory = Path(request.path).parent / Path(request.path).stem

    def path(self, arithmetic: str, basename: str | None = None) -> Path:
        """The golden file of this test in ``arithmetic``."""
        name = basename or re.sub(r"\W", "_", self.request.node.name)
        return self.directory / f"{name}.{arithmetic}.json"

    def check(self, obtained: Any, problem_or_example: Any, *, arithmetic: str | None = None,
              rtol: Any = 1e-7, atol: Any = 0.0, names: dict | None = None,
              quantities: Any = None, basename: str | None = None) -> None:
        """Compare ``obtained`` with this test's golden file of ``problem_or_example``
        (module docstring); the file is created on first use (and the test fails)."""
        __tracebackhide__ = True
        if arithmetic is None:
            arithmetic = obtained.arithmetic.name if isinstance(obtained, Trajectory) else "float64"
        problem = (golden_problem(problem_or_example, arithmetic)
                   if isinstance(problem_or_example, str) else problem_or_example)
        path = self.path(arithmetic, basename)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_golden(problem, path, arithmetic)
            pytest.fail(f"golden file not found; created {path} from the problem (analytic-sgd's "
                        "derived run). It is the reference from the next run on: check it in.",
                        pytrace=False)
        document = read_document(path)
        if self.force_regen:
            fresh = golden_document(problem, arithmetic)
            changed = compare_documents(document, fresh, limit=1)
            if changed:
                write_golden(fresh, path)
                pytest.fail(f"--force-regen: {path} differed from its recomputation "
                            f"({changed[0].where}, {changed[0].quantity}); regenerated",
                            pytrace=False)
        else:
            now = {"problem": problem_section(problem, arithmetic)}
            changed = compare_documents({"problem": document["problem"]}, now, limit=1)
            if changed:
                d = changed[0]
                pytest.fail(f"golden file {path} records another problem: {d.quantity} is "
                            f"{d.expected!r} in the file, {d.obtained!r} now; run pytest with "
                            "--force-regen to write it again", pytrace=False)
        assert_trajectory_close(obtained, path, rtol=rtol, atol=atol, names=names,
                                quantities=quantities)


@pytest.fixture
def sgd_regression(request: pytest.FixtureRequest) -> SGDRegression:
    """Compare a run with a golden file kept beside the test (``analytic_sgd.testing.plugin``)."""
    return SGDRegression(request)
