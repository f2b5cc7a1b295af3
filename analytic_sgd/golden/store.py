"""Where golden files live and how they are written: the shipped directory, the file
names, and atomic writes (temporary file, fsync, rename)."""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import tempfile
from pathlib import Path

from .document import dumps, golden_document
from .spec import ARITHMETICS
from .validate import _Reader


def shipped_directory():
    """The directory of the golden files shipped with the package (package data)."""
    return importlib.resources.files("analytic_sgd") / "golden_files"


def file_name(example: str, arithmetic: str) -> str:
    """``<example>.<arithmetic>.json``, the name of a golden file."""
    return f"{example}.{arithmetic}.json"


def write_golden(path: str | os.PathLike, document: dict) -> Path:
    """Validate ``document`` and write it to ``path`` atomically; return the path.

    The text goes to a temporary file in the same directory (``.<name>.<random>.tmp``),
    is flushed and fsynced, then renamed over ``path`` (``os.replace``), so ``path`` holds
    the old file or the new one, never a part. On an error the temporary file is removed;
    a killed process may leave it behind, and readers ignore names starting with a dot.
    """
    path = Path(path)
    _Reader(str(path)).document(document)
    text = dumps(document)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where directories sync
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def write_all(directory: str | os.PathLike, examples=None) -> list[Path]:
    """Write the golden files of ``examples`` (default: all) in every arithmetic."""
    from ..problems.examples import EXAMPLES

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [write_golden(directory / file_name(ex, a), golden_document(ex, a))
            for ex in (examples or EXAMPLES) for a in ARITHMETICS]
