"""What a Jupyter notebook shows: Derivation as LaTeX and Markdown, Trajectory as HTML and pandas.

The display is registered with IPython's formatters by ``analytic_sgd.render.notebook`` (the
classes live in lower layers that never import the renderers)."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import formula as fm
from analytic_sgd.render.derivation import chain_steps, derivation_markdown
from analytic_sgd.render.notebook import derivation_repr_latex, register_notebook_display
from analytic_sgd.render.table import table_html


@pytest.fixture(scope="module")
def shell():
    """A real IPython shell with the formatters registered, as in a Jupyter kernel."""
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    ip = interactiveshell.InteractiveShell.instance()
    assert register_notebook_display(ip)
    return ip


def test_import_registers_with_a_running_shell_and_not_without_one():
    pytest.importorskip("IPython")
    code = ("import sys, analytic_sgd\n"
            "from analytic_sgd.render.notebook import register_notebook_display as r\n"
            "without = r()\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "InteractiveShell.instance()\n"
            "print(without, r(), 'IPython' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True", "True"]


def test_the_shell_shows_a_derivation_as_latex_and_markdown(shell):
    d = asgd.derive(asgd.linear(), asgd.mse)
    data, _ = shell.display_formatter.format(d)
    assert data["text/latex"] == derivation_repr_latex(d)
    assert data["text/markdown"] == derivation_markdown(d)


def test_the_shell_shows_a_trajectory_as_an_html_table(shell):
    traj = example_problem("worked-linear").run("exact")
    data, _ = shell.display_formatter.format(traj)
    assert data["text/html"] == table_html(traj) and "<td>batch</td>" not in data["text/html"]


@pytest.mark.parametrize("model, loss", [("linear", "mse"), ("quadratic", "rmse"),
                                         ("two-feature-linear", "mse")])
def test_derivation_reprs_hold_the_closed_forms(derive_cached, model, loss):
    d = derive_cached(model, loss)
    latex, markdown = derivation_repr_latex(d), derivation_markdown(d)
    assert latex.startswith("$$\\begin{aligned}") and latex.rstrip().endswith("\\end{aligned}$$")
    assert markdown.count("$$") % 2 == 0 and "$$" in markdown
    for c in d.chains:
        closed = fm.tex_rows(fm.Partial(d.graph.output.name, c.param), chain_steps(d.graph, c))[-1]
        assert closed in latex and closed in markdown
        assert f"Chain rule for {c.param}" in markdown
    for node in d.graph.nodes:
        assert f"{sp.latex(node.name)} &= " in latex


def _cells(html: str) -> list[list[str]]:
    return [re.findall(r"<t[dh]>(.*?)</t[dh]>", row) for row in re.findall(r"<tr>(.*?)</tr>", html)]


@pytest.mark.parametrize("arithmetic", ["exact", "float64", "float32"])
def test_trajectory_html_has_a_header_and_one_row_per_step(arithmetic):
    traj = example_problem("worked-linear").run(arithmetic)
    html = table_html(traj)
    assert html.count("<tr>") == len(traj) + 1
    rows = _cells(html)
    assert rows[0] == ["batch", "n", "dl/dw", "dl/db", "w after", "b after", "loss"]
    assert rows[1][:2] == ["1", "3"]
    first = [-80 / 3, -24, 4 / 15, 6 / 25, 440 / 3]
    assert [float(Fraction(v)) for v in rows[1][2:]] == pytest.approx(first, rel=1e-6, abs=1e-6)
    if arithmetic == "exact":  # an exact run shows its fractions
        assert rows[1][2:] == ["-80/3", "-24", "4/15", "6/25", "440/3"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]


def test_trajectory_html_of_many_epochs_has_the_epoch_column():
    traj = example_problem("two-feature-linear").run()
    rows = _cells(table_html(traj))
    assert len(rows) == 101 and rows[0][0] == "epoch" and rows[-1][0] == "100"


COLUMNS = ["epoch", "batch", "n", "w", "b", "loss", "dl/dw", "dl/db", "w_after", "b_after"]


def test_to_pandas_has_one_row_per_step_and_the_columns():
    pytest.importorskip("pandas")
    traj = example_problem("worked-linear").run("float64")
    df = asgd.to_pandas(traj)
    assert list(df.columns) == COLUMNS and len(df) == len(traj)
    assert df["loss"].tolist() == traj.loss.tolist()
    assert df["w_after"].tolist() == traj.updated[:, 0].tolist()
    assert df["batch"].tolist() == [1, 2, 3]


def test_to_pandas_keeps_exact_values_exact():
    pytest.importorskip("pandas")
    df = asgd.to_pandas(example_problem("worked-linear").run("exact"))
    assert list(df.columns) == COLUMNS and len(df) == 3
    assert Fraction(df["dl/dw"][0]) == Fraction(-80, 3)
    assert Fraction(df["loss"][2]) == Fraction(2758091836, 18984375)


def test_to_pandas_exact_counts_are_integers():
    pytest.importorskip("pandas")
    df = asgd.to_pandas(example_problem("worked-linear").run("exact"))
    assert df["batch"].tolist() == [1, 2, 3]


def test_to_pandas_without_pandas_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    traj = example_problem("worked-linear").run()
    with pytest.raises(asgd.MissingExtraError, match=r"analytic-sgd\[pandas\]"):
        asgd.to_pandas(traj)


def test_pictures_display_as_png_without_matplotlib_inline(shell):
    pytest.importorskip("matplotlib")
    from analytic_sgd.pictures import draw
    from analytic_sgd.pictures.notebook import register_figure_display

    assert register_figure_display(shell)
    fig = draw("loss", example_problem("worked-linear"))
    data, _ = shell.display_formatter.format(fig)
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_the_shell_shows_a_chain_and_a_problem(shell):
    d = asgd.derive(asgd.linear(), asgd.mse)
    data, _ = shell.display_formatter.format(d.chain("w"))
    assert data["text/latex"].startswith("$$\\begin{aligned}") and r"\sum_{i=1}^{n}" in data["text/latex"]
    data, _ = shell.display_formatter.format(example_problem("worked-linear"))
    assert "<caption>Problem worked-linear</caption>" in data["text/html"]


def test_reprs_read_like_what_they_are():
    d = asgd.derive(asgd.linear(), asgd.mse)
    assert repr(d) == "Derivation(model='b + w*x', loss='mse', params=(w, b), nodes=5, proved=True)"
    assert repr(d.chain("w")).startswith("Chain(∂l/∂w = 2*Sum(") and "1 path" in repr(d.chain("w"))
    assert repr(example_problem()).startswith("Problem('worked-linear': ŷ = b + w*x, mse, 9 samples")


def test_the_example_notebook_shows_fractions_and_a_picture(tmp_path):
    """docs/analytic_sgd.ipynb, executed in a real kernel: the exact table shows fractions and
    the Figure displays as PNG without %matplotlib inline."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / "analytic_sgd.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert not any("%matplotlib" in c.source for c in nb.cells if c.cell_type == "code")
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<td>-80/3</td>" in h for h in html)
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("text/latex" in o.get("data", {}) for o in outputs)
