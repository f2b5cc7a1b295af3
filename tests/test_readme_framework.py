"""README "Test your framework": its commands print what it shows, and its code runs as
shown (the comparer's message, the fixture's first and second runs, num_regression)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from analytic_sgd.cli import main

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Test your framework"):README.index("## Speed")]
CUBIC = "x,y\n0.1,1.3\n0.2,2.1\n0.35,3.7\n-1.5,0.25\n2,7.1\n"
FRAMEWORKS = ("torch", "jax", "optax", "autograd")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", SECTION, re.S)


def commands() -> list[tuple[str, str]]:
    out = []
    for block in blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = chunk.partition("\n")
            out.append((command, expected))
    return out


def normal(text: str) -> str:
    """Timings and framework versions vary from run to run and machine to machine."""
    text = re.sub(r"\(\d+\.\d+ s\)", "(T s)", text)
    text = re.sub(r"\(jax [^)]*\)", "(jax V)", text)
    return re.sub(rf"^({'|'.join(FRAMEWORKS)}) [^:]+:", r"\1 V:", text, flags=re.M)


def change_one_digit(path: Path) -> None:
    """What the README says: one digit of step 5's dl/dc."""
    text = path.read_text()
    value = repr(json.loads(text)["steps"][4]["grad"]["c"])
    changed = value[:-1] + str((int(value[-1]) + 1) % 10)
    path.write_text(text.replace(f'"c": {value}}}, "updated"', f'"c": {changed}}}, "updated"', 1))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cubic.csv").write_text(CUBIC)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "examples").symlink_to(ROOT / "docs" / "examples")
    return tmp_path


def test_the_section_has_its_commands_and_code():
    assert len(commands()) >= 7 and len(blocks("python")) == 2 and len(blocks("text")) == 2


def test_every_command_prints_what_the_readme_shows(folder, capsys):
    for command, expected in commands():
        words = shlex.split(command)
        needed = [f for f in FRAMEWORKS if f in words or f"{f}_backend" in command]
        for framework in needed:
            pytest.importorskip(framework)
        if "DIFFERS" in expected:
            change_one_digit(folder / "cubic.json")
        main(words[1:])
        out, err = capsys.readouterr()
        shown, got = normal(expected).rstrip("\n"), normal(out + err).rstrip("\n")
        if needed and "--dampening" not in words:  # rounding may differ by machine: the verdicts
            keep = ("agrees", "DISAGREES", "crosscheck of", "mode:", "reference:", "note:")
            shown, got = ([line for line in t.splitlines() if any(k in line for k in keep)]
                          for t in (shown, got))
        assert got == shown, command


def test_the_comparer_code_passes_and_its_failure_reads_as_shown(folder, capsys):
    main(shlex.split(commands()[0][0])[1:])  # golden --write cubic.json ...
    code = blocks("python")[0]
    exec(compile(code, "README.md", "exec"), {})  # our own README, not user input
    assert not (folder / "cubic.obtained.json").exists()
    forgot = code.replace("theta = theta - 0.05 * (g + 0.9 * buf)", "theta = theta - 0.05 * buf")
    assert forgot != code
    with pytest.raises(AssertionError) as info:
        exec(compile(forgot, "README.md", "exec"), {})
    assert f"AssertionError: {info.value}" == blocks("text")[0].rstrip("\n")
    assert (folder / "cubic.obtained.json").is_file()


def test_the_fixture_code_fails_once_creating_its_file_then_passes(pytester):
    pytester.makepyfile(test_my_sgd=blocks("python")[1])
    result = pytester.runpytest("-p", "analytic_sgd.testing.plugin")
    result.assert_outcomes(failed=1)
    shown = blocks("text")[1].strip()
    prefix, _, rest = shown.partition("created ")
    suffix = rest.split(".json", 1)[1]
    result.stdout.fnmatch_lines([f"*golden file not found; created *test_my_sgd/test_my_sgd.float64.json"
                                 f"{suffix}"])
    assert prefix.startswith("FAILED tests/test_my_sgd.py::test_my_sgd - Failed: ")
    pytester.runpytest("-p", "analytic_sgd.testing.plugin").assert_outcomes(passed=1)


def test_num_regression_reads_the_table_csv_as_the_readme_says(pytester, capsys):
    pytest.importorskip("pytest_regressions")
    pytest.importorskip("pandas")
    command, expected = next((c, e) for c, e in commands() if "--format csv" in c)
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "worked-linear.csv").write_text(expected)
    call = re.search(r"`(num_regression\.check\(to_columns\([^`]*\))`", SECTION.replace("\n", " "))
    assert call, "the README lost its num_regression call"
    test = blocks("python")[1].split("def test_my_sgd")[0] + (
        "from analytic_sgd.testing import to_columns\n\n\n"
        "def test_against_the_table(num_regression):\n"
        "    x = np.arange(9.0)\n"
        "    steps = my_sgd(x, 2 * x + 10, 0.01, 0.9, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])\n"
        f"    {call.group(1)}\n")
    pytester.makepyfile(test_readme_num_regression=test)
    pytester.runpytest("-p", "analytic_sgd.testing.plugin").assert_outcomes(passed=1)
