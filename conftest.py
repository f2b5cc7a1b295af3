"""Root of the test run: the example notebooks in docs/ run as tests when nbmake is installed
(``.ci/run`` installs it), as if ``--nbmake`` were given; without nbmake they are skipped."""

from __future__ import annotations


def pytest_configure(config):
    if config.pluginmanager.hasplugin("nbmake") and hasattr(config.option, "nbmake"):
        config.option.nbmake = True
