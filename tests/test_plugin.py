"""The pytest plugin on a throwaway test project (pytester): the golden file is created on
first use, compared from then on, and regenerated only with --force-regen; with and without
pytest-regressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "analytic_sgd.testing.plugin"

# a framework's SGD loop, written by hand in numpy: the worked example (w*x + b, MSE)
PROJECT = '''
import numpy as np
import analytic_sgd as asgd

LR = {lr!r}
SCALE = {scale!r}


def my_sgd():
    x = np.arange(9.0)
    y = 2 * x + 10
    w = b = 0.0
    steps = []
    for rows in ([0, 1, 2], [3, 4, 5], [6, 7, 8]):
        r = w * x[rows] + b - y[rows]
        loss, gw, gb = np.mean(r ** 2), np.mean(2 * r * x[rows]) * SCALE, np.mean(2 * r)
        steps.append({{"loss": loss, "grad": {{"weight": gw, "bias": gb}}}})
        w, b = w - LR * gw, b - LR * gb
        steps[-1]["updated"] = {{"weight": w, "bias": b}}
    return steps


def test_my_sgd(sgd_regression):
    problem = asgd.example_problem("worked-linear", lr=str(LR))
    sgd_regression.check(my_sgd(), problem, rtol=1e-12, names={{"weight": "w", "bias": "b"}})


def test_the_package_s_own_float32_run(sgd_regression):
    sgd_regression.check(asgd.example_problem("noisy-quadratic").run("float32"), "noisy-quadratic",
                         rtol=0)
'''


def write_project(pytester, lr=0.01, scale=1.0):
    pytester.makepyfile(test_sgd=PROJECT.format(lr=lr, scale=scale))


@pytest.fixture(params=["with pytest-regressions", "without pytest-regressions"])
def args(request):
    """Load the plugin explicitly (the entry point of this worktree is not installed), once
    beside pytest-regressions and once with it blocked, as if it were not installed."""
    if request.param == "with pytest-regressions":
        pytest.importorskip("pytest_regressions")
        return ["-p", PLUGIN]
    return ["-p", PLUGIN, "-p", "no:regressions"]


def test_first_use_creates_the_file_and_fails_then_passes(pytester, args):
    write_project(pytester)
    result = pytester.runpytest(*args)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*golden file not found; created *test_my_sgd.float64.json*"])
    golden = pytester.path / "test_sgd" / "test_my_sgd.float64.json"
    assert json.loads(golden.read_text())["problem"]["lr"] == "0.01"
    assert (pytester.path / "test_sgd" / "test_the_package_s_own_float32_run.float32.json").is_file()
    pytester.runpytest(*args).assert_outcomes(passed=2)


def test_a_wrong_gradient_fails_naming_the_step_and_writes_the_obtained_file(pytester):
    args = ["-p", PLUGIN]
    write_project(pytester)
    pytester.runpytest(*args)
    write_project(pytester, scale=1 + 1e-6)
    result = pytester.runpytest(*args, "-k", "my_sgd")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*a value passes when |a - b| <= atol + rtol*|b|*",
                                 "*first difference: step 1 (epoch 1, batch 1), grad, parameter w*",
                                 "*obtained values written to *test_my_sgd.float64.obtained.json*"])
    obtained = json.loads((pytester.path / "test_sgd" / "test_my_sgd.float64.obtained.json")
                          .read_text())
    assert obtained["steps"][0]["grad"]["w"] == pytest.approx(-80 / 3 * (1 + 1e-6), rel=1e-15)


def test_another_problem_fails_until_force_regen_rewrites_the_file(pytester, args):
    write_project(pytester)
    pytester.runpytest(*args)
    write_project(pytester, lr=0.02)
    result = pytester.runpytest(*args, "-k", "my_sgd")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*records another problem: problem.lr is '0.01' in the file, "
                                 "'0.02' now; run pytest with --force-regen*"])
    result = pytester.runpytest(*args, "--force-regen")
    result.assert_outcomes(failed=1, passed=1)  # the unchanged file passes
    result.stdout.fnmatch_lines(["*--force-regen: *test_my_sgd.float64.json differed from its "
                                 "recomputation (problem, problem.lr); regenerated*"])
    golden = pytester.path / "test_sgd" / "test_my_sgd.float64.json"
    assert json.loads(golden.read_text())["problem"]["lr"] == "0.02"
    pytester.runpytest(*args).assert_outcomes(passed=2)
    pytester.runpytest(*args, "--force-regen").assert_outcomes(passed=2)  # nothing to rewrite


def test_force_regen_rewrites_a_tampered_file(pytester):
    args = ["-p", PLUGIN, "-p", "no:regressions"]
    write_project(pytester)
    pytester.runpytest(*args)
    golden = pytester.path / "test_sgd" / "test_my_sgd.float64.json"
    doc = json.loads(golden.read_text())
    doc["steps"][1]["grad"]["w"] += 1e-9
    golden.write_text(json.dumps(doc))
    pytester.runpytest(*args, "-k", "my_sgd").assert_outcomes(failed=1)  # compared as stored
    result = pytester.runpytest(*args, "-k", "my_sgd", "--force-regen")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*differed from its recomputation (step 2 (epoch 1, batch 2), "
                                 "grad.w); regenerated*"])
    pytester.runpytest(*args).assert_outcomes(passed=2)


def test_force_regen_is_one_option_beside_pytest_regressions(pytester):
    pytest.importorskip("pytest_regressions")
    result = pytester.runpytest("-p", PLUGIN, "--help")
    assert result.ret == 0 and result.stdout.str().count("--force-regen") == 1
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:regressions", "--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["analytic-sgd:", "*--force-regen*compute the sgd_regression*"])


def test_pyproject_declares_the_entry_point():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {PLUGIN: PLUGIN}
    assert not any("regressions" in d for d in project["dependencies"])  # no dependency
