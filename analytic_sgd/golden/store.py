"""Where golden files live and how they are written: the shipped directory, the file
names, and atomic writes (temporary file, fsync, rename)."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

from ..conventions.arithmetic import Arithmetic
from ..files import write_atomic
from ..problems.problem import Problem
from .document import dumps, golden_document
from .spec import ARITHMETICS
from .validate import DocumentValidator


def shipped_directory():
    """The directory of the golden files shipped with the package (package data)."""
    return importlib.resources.files("analytic_sgd") / "golden_files"


def file_name(example: str, arithmetic: str) -> str:
    """``<example>.<arithmetic>.json``, the name of a golden file."""
    return f"{example}.{arithmetic}.json"


def write_golden(source: Problem | str | dict, path: str | os.PathLike,
                 arithmetic: str | Arithmetic = "float64") -> Path:
    """Write the golden file of ``source`` to ``path`` atomically (``analytic_sgd.files``:
    ``path`` holds the old file or the new one, never a part); return the path.

    ``source`` is a Problem or an example's name (its run in ``arithmetic`` is computed
    now), or a golden document already computed (a dict, validated before it is written).
    """
    path = Path(path)
    if isinstance(source, dict):
        document = source
    elif isinstance(source, (Problem, str)):
        document = golden_document(source, arithmetic)
    else:
        raise TypeError(f"write_golden writes a Problem, an example's name or a golden "
                        f"document, not {type(source).__name__}")
    DocumentValidator(str(path)).document(document)
    return write_atomic(path, dumps(document))


# the examples whose golden files ship with the package: the write-ups' four. Géron's recipes
# are checked against the book's printed results instead: their float64 data make exact runs
# of their thousands of steps grow to numbers of hundreds of thousands of digits.
SHIPPED = ("worked-linear", "noisy-quadratic", "rollercoaster", "two-feature-linear")


def write_all(directory: str | os.PathLike, examples=None) -> list[Path]:
    """Write the golden files of ``examples`` (default: SHIPPED) in every arithmetic."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [write_golden(ex, directory / file_name(ex, a), a)
            for ex in (examples or SHIPPED) for a in ARITHMETICS]
