"""Where golden files live and how they are written: the shipped directory, the file
names, and atomic writes (temporary file, fsync, rename)."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

from ..files import write_atomic
from ..problems.examples import EXAMPLES
from .document import dumps, golden_document
from .spec import ARITHMETICS
from .validate import DocumentValidator


def shipped_directory():
    """The directory of the golden files shipped with the package (package data)."""
    return importlib.resources.files("analytic_sgd") / "golden_files"


def file_name(example: str, arithmetic: str) -> str:
    """``<example>.<arithmetic>.json``, the name of a golden file."""
    return f"{example}.{arithmetic}.json"


def write_golden(path: str | os.PathLike, document: dict) -> Path:
    """Validate ``document`` and write it to ``path`` atomically (``analytic_sgd.files``:
    ``path`` holds the old file or the new one, never a part); return the path."""
    path = Path(path)
    DocumentValidator(str(path)).document(document)
    return write_atomic(path, dumps(document))


def write_all(directory: str | os.PathLike, examples=None) -> list[Path]:
    """Write the golden files of ``examples`` (default: all) in every arithmetic."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [write_golden(directory / file_name(ex, a), golden_document(ex, a))
            for ex in (examples or EXAMPLES) for a in ARITHMETICS]
