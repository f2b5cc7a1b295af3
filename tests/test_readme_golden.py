"""The pytest snippet the README gives framework authors runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_golden_snippet_passes_against_torch():
    pytest.importorskip("torch")
    text = README.read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(import torch\nfrom analytic_sgd.testing.*?)```", text, re.S)
    assert snippet, "the README lost its golden-file snippet"
    namespace: dict = {}
    exec(compile(snippet.group(1), "README.md", "exec"), namespace)  # our own README, not user text
    namespace["test_my_sgd_matches_the_golden_trajectory"]()
