"""The LaTeX that derive and table write compiles (pdflatex; CI installs TeX Live)."""

import shutil
import subprocess

import pytest

from analytic_sgd import derive, model_from_name
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import derivation
from analytic_sgd.render import table as trajectory

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")

PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{booktabs}\n"


def compile_latex(tmp_path, body: str) -> None:
    (tmp_path / "doc.tex").write_text(f"{PREAMBLE}\\begin{{document}}\n{body}\n\\end{{document}}\n",
                                      encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 0


@pytest.mark.parametrize("spec, loss", [("linear", "mse"), ("quadratic", "rmse"),
                                        ("two-feature-linear", "sse"), (("w*exp(k*x)", "w k"), "mse")])
def test_derivation_align_compiles(tmp_path, spec, loss):
    model = model_from_name(*spec) if isinstance(spec, tuple) else model_from_name(spec)
    compile_latex(tmp_path, derivation.derivation_latex(derive(model, loss)))


@pytest.mark.parametrize("arithmetic", ["exact", "float64"])
def test_table_booktabs_compiles(tmp_path, arithmetic):
    compile_latex(tmp_path, trajectory.table_latex(example_problem().run(arithmetic), digits=3))
