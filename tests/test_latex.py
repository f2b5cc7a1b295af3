"""The LaTeX that derive and table write compiles and fits (pdflatex; CI installs TeX Live).

Every derivation of the models below and every named example's table is compiled as an
article and as beamer slides; the log must hold no ``Overfull \\hbox`` wider than 1pt, and
every page of the PDF must hold text (no blank page)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from analytic_sgd import derive, model_from_name
from analytic_sgd.problems.examples import EXAMPLES
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import derivation
from analytic_sgd.render import table as trajectory
from analytic_sgd.render.latex_document import standalone

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                                reason="needs pdflatex and pdftotext (.ci/run installs them)")

OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)")


def compile_document(tmp_path, document: str) -> tuple[list[float], list[str]]:
    """Compile ``document``; return the overfull box widths (pt) and each page's text."""
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    pages = int(re.search(r"Output written on doc\.pdf \((\d+) pages?", log).group(1))
    texts = [subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), "doc.pdf", "-"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout for k in range(1, pages + 1)]
    return [float(w) for w in OVERFULL.findall(log)], texts


def _content(text: str, slide: bool) -> list[str]:
    """The lines of a page that are content: not a page number, not a frame's title."""
    lines = [line for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
    return lines[1:] if slide else lines


def check_fits(tmp_path, document: str) -> list[str]:
    overfull, pages = compile_document(tmp_path, document)
    assert [w for w in overfull if w > 1.0] == [], f"overfull boxes (pt): {overfull}"
    slide = "{beamer}" in document.splitlines()[0]
    blank = [k + 1 for k, text in enumerate(pages) if not _content(text, slide and k > 0)]
    assert blank == [], f"pages without content: {blank} of {len(pages)}"
    return pages


MODELS = [(name, None) for name in EXAMPLES] + [("poly:3", "mse"), ("two-feature-linear", "mse"),
                                                 (("w*exp(k*x)", "w k"), "mse"), ("quadratic", "rmse")]


def _derivation(spec, loss):
    if spec in EXAMPLES:
        problem = example_problem(spec)
        return problem.derivation()
    model = model_from_name(*spec) if isinstance(spec, tuple) else model_from_name(spec)
    return derive(model, loss)


@pytest.mark.parametrize("kind", ["article", "beamer"])
@pytest.mark.parametrize("spec, loss", MODELS, ids=[str(m[0]) for m in MODELS])
def test_derivation_fits_the_page(tmp_path, spec, loss, kind):
    d = _derivation(spec, loss)
    pages = check_fits(tmp_path, derivation.derivation_latex(d, kind))
    text = "".join(pages)
    assert "Chain rule for" in text and "holds" in text


def test_the_fragment_compiles_in_a_plain_article(tmp_path):
    d = derive(model_from_name("quadratic"), "mse")
    body = derivation.derivation_latex(d)
    check_fits(tmp_path, "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
                         f"{body}\n\\end{{document}}\n")


@pytest.mark.parametrize("kind", ["article", "beamer"])
@pytest.mark.parametrize("name, arithmetic, digits", [(n, "float64", 4) for n in EXAMPLES]
                         + [("worked-linear", "exact", None)])
def test_table_fits_the_page(tmp_path, name, arithmetic, digits, kind):
    traj = example_problem(name).run(arithmetic)
    pages = check_fits(tmp_path, trajectory.table_latex(traj, digits, standalone=kind))
    text = "".join(pages)
    assert "loss" in text
    slide = kind == "beamer"
    # every page holds a part of the table (the last one may hold the note on a rising loss)
    assert all("batch" in page or "note:" in page for page in pages[1 if slide else 0:])
    assert f"{len(traj)}\n" in text  # the last step's row is on a page, not cut off


def test_table_uses_true_minus_signs_and_fractions():
    tex = trajectory.table_latex(example_problem().run("exact"))
    assert r"$-\tfrac{80}{3}$" in tex and r"\tfrac{440}{3}" in tex
    assert not re.search(r"(?<![$\\{])-\d", tex.split(r"\midrule", 1)[1])
    rounded = trajectory.table_latex(example_problem().run("float64"), 2)
    assert "$-26.67$" in rounded and r"\toprule" in rounded and r"\bottomrule" in rounded


def test_standalone_needs_a_known_kind():
    from analytic_sgd.errors import OptionError

    with pytest.raises(OptionError, match="article, beamer"):
        standalone([], "poster", "x")
