"""Where the compiled engine keeps what it makes: generated modules, numba's machine code,
and the verdicts on the twins of numpy's loops.

``cache_folder()``: ``$ANALYTIC_SGD_CACHE_DIR``, else ``$XDG_CACHE_HOME/analytic-sgd``,
else ``~/.cache/analytic-sgd`` (``tests/test_engine_cache.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_folder"]


def cache_folder() -> Path:
    """Where generated modules and numba's machine code are kept."""
    folder = os.environ.get("ANALYTIC_SGD_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "analytic-sgd")
    return Path(folder)
