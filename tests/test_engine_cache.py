"""Where the compiled engine keeps its files."""

from __future__ import annotations

from pathlib import Path

from analytic_sgd.numeric.engine_cache import cache_folder


def test_the_folder_is_the_variable_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYTIC_SGD_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.delenv("ANALYTIC_SGD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "analytic-sgd"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == Path(tmp_path / "home" / ".cache" / "analytic-sgd")
