import json
import subprocess
import sys

import pytest
from helpers import run


def test_derive_linear_prints_the_derivation(capsys):
    code, out, err = run(capsys, "derive", "--model", "linear")
    assert code == 0 and err == ""
    for line in ["u1 = w*x", "u2 = u1 + b", "r = u2 - y", "s = r^2", "l = (1/n) · Σ_i s_i",
                 "∂l/∂s = 1/n", "∂s/∂r = 2*r", "∂r/∂u2 = 1", "∂u2/∂u1 = 1", "∂u1/∂w = x",
                 "factors      = Σ_i [(1/n) · (2*r_i) · 1 · 1 · x_i]",
                 "∂l/∂w = (2/n) · Σ_i ((b + w*x_i - y_i)*x_i)", "holds"]:
        assert line in out


@pytest.mark.parametrize("fmt, marker", [("markdown", "$$"), ("latex", r"\begin{align*}")])
def test_derive_markdown_and_latex(capsys, fmt, marker):
    code, out, _ = run(capsys, "derive", "--model", "quadratic", "--format", fmt)
    assert code == 0 and marker in out
    assert out.count("{") == out.count("}")
    if fmt == "latex":
        assert out.count(r"\begin{align*}") == out.count(r"\end{align*}") == 4 + 3
    assert out.count(r"\sum_{i=1}^{n}") >= 3 * 4  # every gradient's steps carry their sum


def test_derive_json_has_the_documented_shape(capsys):
    code, out, _ = run(capsys, "derive", "--model", "w*exp(k*x)", "--params", "w k",
                       "--loss", "rmse", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["params"] == ["w", "k"] and doc["loss"] == "rmse" and doc["proof"]["holds"]
    assert [g["param"] for g in doc["gradients"]] == ["w", "k"]
    assert set(doc["nodes"][0]) == {"name", "expr", "op", "children", "per_sample"}


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["derive", "--model", "w*x.real", "--params", "w"], "attribute"),
        (["derive", "--model", "__import__('os')", "--params", "w"], "unknown function"),
        (["derive", "--model", "w*x + q", "--params", "w"], "q"),
        (["derive", "--model", "poly:12"], "degree"),
        (["derive", "--loss", "mae"], "invalid choice"),
        (["derive", "--bogus"], "unrecognized"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_short_message(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert 1 <= len(err.strip().splitlines()) <= 2
    assert "Traceback" not in err


def test_python_dash_m_works_and_bad_text_has_no_traceback():
    ok = subprocess.run([sys.executable, "-m", "analytic_sgd", "derive"], capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and "∂u1/∂w = x" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "analytic_sgd", "derive", "--model", "open(x)",
                          "--params", "w"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
