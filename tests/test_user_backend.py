"""`crosscheck --against MODULE:CALLABLE`: your own framework, through either protocol."""

import shutil
import sys
from pathlib import Path

import pytest
from helpers import run

from analytic_sgd.crosscheck import check
from analytic_sgd.crosscheck.user_module import load_callable, protocol_of
from analytic_sgd.errors import BackendError
from analytic_sgd.problems.problem import example_problem

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

# a user's gradient of w*x + b with MSE, in numpy; OFF scales one partial
MODULE = '''
import numpy as np

OFF = {off!r}


def gradient(theta, x, y):
    w, b = theta
    r = w * x + b - y
    return np.mean(r ** 2), [np.mean(2 * r * x), np.mean(2 * r) * OFF]
'''


@pytest.fixture
def user(tmp_path, monkeypatch):
    """A folder for the user's module, imported afresh by each run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def write(name, text):
        (tmp_path / f"{name}.py").write_text(text)
        monkeypatch.delitem(sys.modules, name, raising=False)

    return write


def test_a_correct_gradient_agrees_and_one_off_by_3e_6_in_one_partial_names_the_first_step(
        user, capsys):
    user("mymodule", MODULE.format(off=1.0))
    code, out, err = run(capsys, "crosscheck", "--against", "mymodule:gradient")
    assert (code, err) == (0, "")
    assert "mymodule:gradient: agrees in all 15 rows (atol = 1e-12*k, rtol = 1e-12*k at step k)" in out
    assert "note: loss and gradient by mymodule:gradient, update by analytic_sgd" in out
    user("mymodule", MODULE.format(off=1 + 3e-6))
    code, out, err = run(capsys, "crosscheck", "--against", "mymodule:gradient")
    assert (code, err) == (1, "")
    assert "mymodule:gradient: DISAGREES" in out
    assert "first disagreement: step 1 (epoch 1, batch 1) dl/db" in out
    assert out.rstrip().endswith("mymodule:gradient disagrees with the reference")
    assert "dl/dw" not in out.split("worst rows:")[1].split("b after")[0]  # only the wrong partial
    code, out, _ = run(capsys, "crosscheck", "--against", "mymodule:gradient", "--mode", "gradient")
    assert code == 1 and "first disagreement: batch 1 dl/db" in out


@pytest.mark.parametrize("spec, argv", [
    ("micrograd_backend.py:gradient", []),
    ("micrograd_backend.py:gradient", ["--dtype", "float32"]),
    ("torch_backend.py:gradient", ["--mode", "gradient"]),
    ("torch_backend.py:step", ["--momentum", "0.9", "--nesterov"]),
    ("torch_backend.py:step", ["--dtype", "float32", "--momentum", "0.5", "--dampening", "0.1",
                               "--weight-decay", "0.01", "--maximize"]),
    ("torch_backend.py:step", ["--mode", "gradient"]),
])
def test_the_documented_examples_agree(capsys, spec, argv):
    if spec.startswith("torch"):
        pytest.importorskip("torch")
    code, out, err = run(capsys, "crosscheck", "--against", f"{EXAMPLES / spec}", *argv)
    assert (code, err) == (0, ""), out + err
    assert out.rstrip().endswith("agrees with the reference")


def test_a_step_function_s_own_update_is_checked(user, capsys):
    """A step function whose optimizer forgets momentum disagrees from step 2 on."""
    user("plainstep", '''
import numpy as np

def step(theta, x, y, lr, state):
    w, b = theta
    r = w * x + b - y
    grad = np.array([np.mean(2 * r * x), np.mean(2 * r)])
    return np.mean(r ** 2), grad, theta - lr * grad, state
''')
    assert run(capsys, "crosscheck", "--against", "plainstep:step")[0] == 0
    code, out, _ = run(capsys, "crosscheck", "--against", "plainstep:step", "--momentum", "0.9")
    assert code == 1 and "first disagreement: step 2 (epoch 1, batch 2) w after" in out


@pytest.mark.parametrize("text, spec, fragment", [
    ("", "nomodule:gradient", "--against nomodule:gradient: no module named 'nomodule' (looked "
                              "in the current directory and on sys.path)"),
    ("", "broken:gradient", "--against broken:gradient: importing broken raised "
                            "ModuleNotFoundError: No module named 'not_installed'"),
    ("def f(theta, x, y): return 1.0, [0, 0]\n", "broken:g", "broken has no attribute 'g'"),
    ("g = 3\n", "broken:g", "--against broken:g: g is an int, not a function"),
    ("def g(theta, x): pass\n", "broken:g", "cannot tell the protocol from its parameters"),
    ("def g(*args): pass\ng.protocol = 'grad'\n", "broken:g", "protocol = 'grad'; it must be"),
    ("def g(theta, x, y): return 1.0\n", "broken:g", "broken:g returned a float (step 1, epoch 1, "
                                                    "batch 1); a gradient function returns "
                                                    "(loss, grad)"),
    ("def g(theta, x, y): return 1.0, [1.0], 2\n", "broken:g", "returned a tuple of 3 values"),
    ("def g(theta, x, y): return 1.0, [1.0]\n", "broken:g", "broken:g returned a grad of shape "
                                                           "(1,) (step 1, epoch 1, batch 1); it "
                                                           "must be 2 values, one per parameter "
                                                           "(w, b)"),
    ("def g(theta, x, y): return [1.0, 2.0], [1.0, 2.0]\n", "broken:g", "a loss of shape (2,)"),
    ("def g(theta, x, y): return 'low', [1.0, 2.0]\n", "broken:g", "a loss that is not numbers"),
    ("def g(theta, x, y): return 1 / 0\n", "broken:g", "broken:g raised ZeroDivisionError: "
                                                      "division by zero (step 1, epoch 1, batch 1)"),
    ("def g(theta, x, y, lr, state): return 1.0, [1.0, 2.0], [1.0], None\n", "broken:g",
     "an updated of shape (1,)"),
])
def test_a_backend_that_cannot_be_used_exits_2_with_one_line(user, capsys, text, spec, fragment):
    user("broken", text or "import not_installed\n")
    code, out, err = run(capsys, "crosscheck", "--against", spec)
    assert code == 2 and out == "" and "Traceback" not in err
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert err.startswith("analytic-sgd: error: ") and spec in err


def test_the_protocol_attribute_decides_over_the_parameters():
    def g(*args):
        return args

    g.protocol = "step"
    assert protocol_of(g, "m:g") == "step"

    def five(theta, x, y, lr, state, *, options=None):
        return theta

    assert protocol_of(five, "m:five") == "step"
    with pytest.raises(BackendError, match="write MODULE:CALLABLE"):
        load_callable("m:")


def test_a_module_given_by_path_is_loaded_once(tmp_path, capsys):
    shutil.copy(EXAMPLES / "micrograd_backend.py", tmp_path / "engine.py")
    spec = f"{tmp_path / 'engine.py'}:gradient"
    report = check(example_problem(), spec)
    assert report.passed and report.backend == spec
    assert run(capsys, "crosscheck", "--against", spec)[0] == 0
