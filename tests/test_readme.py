"""README.md shows real output: every ``$ analytic-sgd ...`` in a console block is run
and its output compared with the lines shown under it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from analytic_sgd.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
SLOW = ("crosscheck", "golden", "plot")  # checked in their own tests, with their own extras


def examples():
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    for block in blocks:
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    yield command, "\n".join(expected)
                command, expected = line[2:], []
            elif command:
                expected.append(line)
        if command:
            yield command, "\n".join(expected)


CASES = [(c, e) for c, e in examples() if c.startswith("analytic-sgd ")
         and not any(f" {word}" in c for word in SLOW)]


def test_the_readme_has_commands_to_check():
    assert len(CASES) >= 10


@pytest.mark.parametrize("command, expected", CASES, ids=[c for c, _ in CASES])
def test_readme_output_is_real(command, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n3,abc\n")
    (tmp_path / "points.csv").write_text("x,y\n0.1,1\n0.2,2\n0.3,3\n")
    main(shlex.split(command)[1:])
    out, err = capsys.readouterr()
    assert (err + out).rstrip("\n") == expected.rstrip("\n")  # warnings come first


def test_the_readme_loss_snippet_runs():
    """The "Losses" section's Python block: each line runs, and the refusals refuse."""
    import analytic_sgd as asgd

    block = re.search(r"## Losses.*?```python\n(.*?)```", README.read_text(encoding="utf-8"),
                      re.S).group(1)
    namespace: dict = {}
    try:
        for line in block.splitlines():
            code, _, comment = line.partition("#")
            if not code.strip():
                continue
            if "OptionError" in comment:
                with pytest.raises(asgd.OptionError, match=re.escape(
                        comment.split("OptionError: ")[1].removesuffix("...").strip())):
                    exec(code, namespace)
            else:
                exec(code, namespace)
        assert namespace["asgd"].get_loss("triple-mse").scale == 3
    finally:
        asgd.unregister_loss("triple-mse")


def test_the_readme_geron_snippet_prints_the_book(capsys):
    """The "Textbook recipes" block runs and prints the values its comments show (the book's)."""
    block = re.search(r"### Textbook recipes.*?```python\n(.*?)```",
                      README.read_text(encoding="utf-8"), re.S).group(1)
    code = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
    shown = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    exec(compile(code, "README.md", "exec"), {})  # our own README, not user input
    assert capsys.readouterr().out.splitlines() == shown
    assert shown == ["geron-batch-gd 4.21509616 2.77011339", "geron-sgd 4.21076011 2.74856079",
                     "geron-minibatch 4.25214635 2.7896408"]  # Géron, ch. 4, as printed
