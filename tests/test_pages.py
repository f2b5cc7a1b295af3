"""The generated derivations/ pages: fresh, well formed Markdown, math and Mermaid, right numbers."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

import analytic_sgd.kernels.cache
import analytic_sgd.render.notation as nt
import analytic_sgd.symbolic.graph
from analytic_sgd.cli import main as cli
from analytic_sgd.errors import OptionError
from analytic_sgd.problems.problem import example_problem
from analytic_sgd.render import formula as fm
from analytic_sgd.render.derivation import chain_steps
from analytic_sgd.render.first_step import first_step
from analytic_sgd.render.mermaid import label
from analytic_sgd.render.moment_section import optimum_on_data
from analytic_sgd.render.pages import CASES, COMMAND, render_document, stale_documents, write_documents
from analytic_sgd.render.textbook import equation

ROOT = Path(__file__).resolve().parents[1]
CHECKED_IN = ROOT / "derivations"
PUBLISHED = [  # the hand-computed table: dl/dw, dl/db, w after, b after, loss
    (-26.67, -24, 0.267, 0.24, 146.67),
    (-135.86, -33.39, 1.63, 0.57, 280.67),
    (-169.19, -24.10, 3.32, 0.81, 145.28),
]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {name: render_document(name) for name in CASES}


def test_checked_in_documents_are_fresh(tmp_path):
    written = write_documents(tmp_path)
    checked_in = sorted(p.name for p in CHECKED_IN.glob("*.md"))
    assert checked_in == sorted(p.name for p in written), (
        f"derivations/ holds {checked_in}, the generator writes {[p.name for p in written]}; "
        f"regenerate with `{COMMAND}`")
    for path in written:
        assert (CHECKED_IN / path.name).read_bytes() == path.read_bytes(), (
            f"derivations/{path.name} is stale; regenerate it with `{COMMAND}`")
    assert stale_documents(CHECKED_IN) == []


def test_the_check_fails_after_a_change_to_the_rendering_code(monkeypatch):
    plain_text = nt.expr_text
    monkeypatch.setattr(nt, "expr_text", lambda expr, order=None: plain_text(expr, order).replace("^", "**"))
    assert set(stale_documents(CHECKED_IN)) >= {"linear-mse.md", "quadratic-mse.md"}


def test_the_check_fails_after_a_change_to_the_derivation_code(monkeypatch):
    real = analytic_sgd.symbolic.graph._names

    def shifted(roles, taken):  # the model's nodes would be z1, z2, ... instead of u1, u2, ...
        return real(roles, taken | {"u"})

    analytic_sgd.kernels.cache.clear_caches()
    monkeypatch.setattr(analytic_sgd.symbolic.graph, "_names", shifted)
    try:
        assert "linear-mse.md" in stale_documents(CHECKED_IN)
    finally:
        monkeypatch.undo()
        analytic_sgd.kernels.cache.clear_caches()


def test_the_check_reports_missing_and_left_over_pages(tmp_path):
    write_documents(tmp_path)
    (tmp_path / "linear-mse.md").unlink()
    (tmp_path / "old-case.md").write_text("gone\n")
    assert stale_documents(tmp_path) == ["linear-mse.md", "old-case.md"]


def test_pages_command_writes_checks_and_reports(tmp_path, capsys):
    assert cli(["pages", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("wrote ") == len(CASES) + 1
    assert cli(["pages", "--check", str(tmp_path)]) == 0
    (tmp_path / "linear-mse.md").write_text("edited by hand\n")
    assert cli(["pages", "--check", str(tmp_path)]) == 1
    assert "stale: " in capsys.readouterr().out
    assert cli(["pages", "a", "b"]) == 2
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cli(["pages", str(blocker)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_unknown_case_is_an_option_error():
    with pytest.raises(OptionError, match="linear-mse"):
        render_document("cubic-mae")


# --- what each page holds ---------------------------------------------------------------------


def test_each_page_has_the_sections_and_closed_forms(pages):
    for name, page in pages.items():
        case = CASES[name]
        d = case.problem().derivation()
        for heading in ("## 1. Model and loss", "## 2. The graph of unit nodes",
                        "## 3. Local derivatives", "## 4. The chain rule", "The worked table"):
            assert heading in page, (name, heading)
        for c in d.chains:
            closed = equation(fm.Partial(d.graph.output.name, c.param), [chain_steps(d.graph, c)[-1]])
            assert closed in page, (name, c.param)
            assert f"The gradient for {c.param}" in page
        assert "```mermaid" in page and "**Proof.** " in page and " holds" in page
        assert ("## 5. The moment form" in page) == d.model.is_linear_in_params
        assert page.endswith("\n") and not page.endswith("\n\n")
        assert "\r" not in page


def test_linear_mse_shows_the_exact_and_the_textbook_tables(pages):
    page = pages["linear-mse"]
    assert "| 1 | 3 | -80/3 | -24 | 4/15 | 6/25 | 440/3 |" in page
    rounded = page.split("rounded to 2 decimals")[1]
    rows = [line for line in rounded.splitlines() if re.match(r"\| [123] \| 3 \|", line)]
    assert len(rows) == 3
    for line, published in zip(rows, PUBLISHED):
        values = [float(v) for v in line.strip("| ").split(" | ")[2:]]
        for ours, theirs in zip(values, published):
            assert abs(ours - theirs) <= 0.0051, (line, published)
    assert "w^{*} = 2,\\quad b^{*} = 10, \\qquad l^{*} = 0" in page


def test_two_feature_table_shows_every_tenth_step_and_the_last(pages):
    page = pages["two-feature-linear-mse"]
    epochs = re.findall(r"^\| (\d+) \| 1 \| 100 \|", page, flags=re.M)
    assert epochs == ["1", "11", "21", "31", "41", "51", "61", "71", "81", "91", "100"]


@pytest.mark.parametrize("loss", ["mse", "rmse"])
def test_first_step_by_hand_equals_the_first_row(loss):
    problem = example_problem("worked-linear", loss=loss)
    work = first_step(problem)
    row = problem.kernels("exact").loss_and_grad([0, 0], problem.x[:3], problem.y[:3])
    assert work.loss == row[0]
    assert list(work.grad) == list(row[1])
    if loss == "mse":
        assert problem.run("exact").steps[0].grad.tolist() == work.grad


def test_first_step_shows_the_update(pages):
    assert r"w &\leftarrow w - \eta \, \frac{\partial l}{\partial w} = 0 - \frac{1}{100} \cdot " \
           r"\left(- \frac{80}{3}\right) = \frac{4}{15}" in pages["linear-mse"]
    assert r"\frac{2 \sqrt{330}}{3}" in pages["linear-rmse"]


def test_optimum_on_data_matches_least_squares():
    import numpy as np

    p = example_problem("two-feature-linear")
    theta, loss, arithmetic = optimum_on_data(p)
    expected = np.linalg.lstsq(np.asarray(p.x, float), np.asarray(p.y, float), rcond=None)[0]
    assert arithmetic == "float64" and np.allclose(theta, expected, rtol=1e-9)
    assert optimum_on_data(example_problem("worked-linear", loss="rmse")) == ([2, 10], 0, "exact")
    assert optimum_on_data(example_problem("worked-linear", model="w*exp(k*x)", params="w k",
                                           init={"w": "0", "k": "0"})) is None


# --- Markdown with math: what GitHub's renderer needs ----------------------------------------

BLOCK = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)


def _balanced(tex: str) -> bool:
    depth = 0
    for k, ch in enumerate(tex):
        if ch in "{}" and (k == 0 or tex[k - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_math_blocks_are_well_formed(pages):
    for name, page in pages.items():
        outside = BLOCK.sub("", page)
        assert "$" not in re.sub(r"`[^`]*`", "", outside), f"{name}: inline or stray $"
        tags = []
        for body in BLOCK.findall(page):
            assert body.strip() and "\n\n" not in body, name
            assert _balanced(body), (name, body)
            begins = re.findall(r"\\begin\{(\w+\*?)\}", body)
            assert begins == re.findall(r"\\end\{(\w+\*?)\}", body)[::-1] or \
                sorted(begins) == sorted(re.findall(r"\\end\{(\w+\*?)\}", body)), body
            assert not {"align", "align*", "equation"} & set(begins), body
            assert "\\mathtt" not in body and "\\operatorname" not in body
            for line in body.splitlines():
                assert not re.match(r"\s*([-+*>#=|~`]|\d+[.)])", line), (name, line)
            tags += [int(t) for t in re.findall(r"\\tag\{(\d+)\}", body)]
            assert body.count("\\tag") <= 1
        assert tags == list(range(1, len(tags) + 1)), name
        for ref in re.findall(r"\((\d+)\)", re.sub(r"`[^`]*`", "", outside)):
            assert 1 <= int(ref) <= len(tags), (name, ref)


def _tables(page: str):
    """Runs of consecutive lines that start with ``|``."""
    block: list[str] = []
    for line in [*page.split("\n"), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            yield block
            block = []


def test_markdown_tables_are_whole(pages):
    from analytic_sgd.render.pages import render_index

    for name, page in {**pages, "README.md": render_index()}.items():
        for table in _tables(page):
            assert len(table) >= 2 and re.fullmatch(r"\|( *-+:? *\|)+", table[1]), (name, table[0])
            assert {row.count("|") for row in table} == {table[0].count("|")}, (name, table[0])
            assert all(row.endswith("|") for row in table), (name, table[0])


# --- Mermaid: the syntax rules the diagrams rely on ------------------------------------------

ID = r"n_[A-Za-z][A-Za-z0-9]*"
QUOTED = r'"[^"]*"'
RULES = [
    re.compile(r"^\s+%%.*$"),
    re.compile(rf'^\s+subgraph [a-z]+\[{QUOTED}\]$'),
    re.compile(r"^\s+end$"),
    re.compile(rf"^\s+(?P<define>{ID})(\(\[{QUOTED}\]\)|\[{QUOTED}\])$"),
    re.compile(rf"^\s+(?P<a>{ID}) --> (?P<b>{ID})$"),
    re.compile(rf"^\s+(?P<a>{ID}) -\.->\|{QUOTED}\| (?P<b>{ID})$"),
    re.compile(r"^\s+classDef [a-z]+ [a-z-]+:#[0-9a-f]{3,6}(,[a-z-]+:#[0-9a-f]{3,6})*$"),
    re.compile(rf"^\s+class (?P<ids>{ID}(,{ID})*) [a-z]+$"),
]
RESERVED = {"end", "graph", "subgraph", "flowchart", "class", "classDef", "style", "click"}


def test_mermaid_diagrams_follow_the_rules(pages):
    for name, page in pages.items():
        charts = re.findall(r"```mermaid\n(.*?)```", page, flags=re.S)
        assert len(charts) == 1 + (CASES[name].by_hand and CASES[name].by_hand_digits is None)
        for chart in charts:
            _check_chart(name, chart)


def _check_chart(name: str, chart: str) -> None:
    lines = chart.rstrip("\n").splitlines()
    assert lines[0] == "flowchart LR"
    defined, used = set(), set()
    depth = 0
    for line in lines[1:]:
        match = next((m for rule in RULES if (m := rule.match(line))), None)
        assert match, f"{name}: a Mermaid line no rule allows: {line!r}"
        groups = match.groupdict()
        if groups.get("define"):
            assert groups["define"] not in defined, line
            defined.add(groups["define"])
        used |= {groups[k] for k in ("a", "b") if groups.get(k)}
        used |= set((groups.get("ids") or "").split(",")) - {""}
        depth += line.strip().startswith("subgraph") - (line.strip() == "end")
        for text in re.findall(QUOTED, line):
            text = text.replace("<br>", "\n")  # the one tag a label may hold: a line break
            assert "\\" not in text and "<" not in text and ">" not in text, line
    assert depth == 0 and used <= defined and not (defined & RESERVED)
    d = CASES[name].problem().derivation()
    assert len([x for x in lines if " -.->|" in x]) == len(d.used_local)
    assert len([x for x in lines if " --> " in x]) == sum(len(n.children) for n in d.graph.nodes)


def test_mermaid_labels_are_escaped():
    assert label('a "b" <c>') == '"a #quot;b#quot; #lt;c#gt;"'


def test_fractions_in_tables_read_back():
    page = render_document("linear-mse")
    cell = re.search(r"\| 3 \| 3 \| (-?\d+/\d+) \|", page).group(1)
    assert Fraction(cell) == Fraction(-2855108, 16875)


def test_the_reproduce_commands_print_the_tables(pages, capsys):
    for name, page in pages.items():
        for command in re.findall(r"Reproduce it with `analytic-sgd ([^`]*)`", page):
            assert cli(command.split()) == 0, command
            rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
            shown = [line for line in page.splitlines() if line in rows]
            assert len(shown) >= min(len(rows), 10), (name, command)


# --- notation a student reads right -----------------------------------------------------------


def test_the_quadratic_page_reads_right(pages):
    page = pages["quadratic-mse"]
    assert "··" not in page and "x··2" not in page
    assert "## 6. The first step by hand" in page
    constants = {"a", "b", "c", "n", "l"}  # parameters, the count, the loss: one value per batch
    for body in BLOCK.findall(page):
        body = re.sub(r"\\(begin|end)\{\w+\}", "", body.replace(r"\hat{y}", "Y"))
        for sums in re.findall(r"\\sum_\{i=1\}\^\{n\}(.*)", body):
            # every node, input or target inside a sum carries its index i
            for name, sub in re.findall(r"(?<!_\{)(?<![\\a-zA-Z,])([a-z][0-9]*)(_\{[^}]*\})?", sums):
                assert name in constants or "i" in sub, (name, sums)
    assert re.search(r"\\sum_\{i=1\}\^\{n\} \\frac\{\\partial l\}\{\\partial s_\{i\}\}", page)


def test_node_names_are_never_d_or_e(pages):
    for name in pages:
        d = CASES[name].problem().derivation()
        assert not {"d", "e"} & {str(node.name) for node in d.graph.nodes}, name


def test_pages_show_the_errata_of_the_write_up_they_reproduce(pages):
    assert "## 8. Errata of the published write-up" in pages["linear-mse"]
    assert "with 0.1 the first step would end at w = 8/3, b = 12/5" in pages["linear-mse"]
    assert "first loss is 41.7522" in pages["quadratic-mse"]
    assert "Errata" not in pages["linear-rmse"]  # not the write-up's own problem
    assert "its a is u1, its c is u2, its d is r, its e is s" in pages["linear-mse"]
    assert "4/15 = 0.267" in pages["linear-mse"]


def test_the_diverging_example_page_explains_the_divergence_with_figures():
    page = render_document("quadratic-mse")
    section = page[page.index("## 8. Why the loss rises"):page.index("## 9. Errata")]
    assert "eigenvalues 0.764, 2.947 and 9.028" in section
    assert "2/λmax = 0.2215" in section and "1 − lr·λmax = -1.0765" in section
    assert "spectral radius 1.0765" in section
    assert "`analytic-sgd stability --example noisy-quadratic`" in section
    assert "Why the loss rises" not in render_document("linear-mse")  # lr 0.01 is stable
