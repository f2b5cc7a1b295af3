"""A run's table written to a file as the run makes it: memory stays flat for any number of
steps.

``stream_table(problem, path, ...)`` runs ``problem`` with a sink that writes each block
of kept rows (step 0, every ``every``-th and the last) as CSV (``table_csv``'s layout,
its index the step from 0) or JSON (``table_json``'s document, each step with its
``step`` from 1). The file is written through ``AtomicFile``: it appears when the run
ends. A run that stops part way (a step that is not finite, Ctrl-C, any error) still
puts in place what it made, complete rows up to the step where it stopped (the JSON
document closed, with a ``"stopped"`` entry saying why), and the exception carries a
``Streamed`` summary as ``exc.streamed``.

>>> import tempfile, pathlib
>>> from analytic_sgd.problems.problem import example_problem
>>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
>>> s = stream_table(example_problem("worked-linear", epochs=100), path, every=100)
>>> s.rows, s.steps, s.last_step, path.read_text().splitlines()[2][:12]
(4, 300, 300, '100,34,2,3,2')
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OptionError
from ..files import AtomicFile
from ..numeric.trajectory import Trajectory
from .table import csv_header, csv_rows, table_head, table_steps

__all__ = ["stream_table", "Streamed", "STREAM_FORMATS", "stream_format"]

STREAM_FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Streamed:
    """What a streamed table holds: ``rows`` written, of a run of ``steps`` steps, the last
    written being step ``last_step`` (from 1; 0 when none), in ``path``; ``stopped``: why
    the run stopped early, or None."""

    path: Path
    rows: int
    steps: int
    last_step: int
    every: int
    stopped: str | None = None

    def describe(self) -> str:
        kept = "every step" if self.every == 1 else f"step 1, every {self.every}th and the last"
        if self.stopped is None:
            return f"wrote {self.rows:,} rows ({kept} of {self.steps:,}) to {self.path}"
        return (f"{self.path} holds the {self.rows:,} rows made before the run stopped "
                f"({kept}, up to step {self.last_step:,} of {self.steps:,})")


def stream_format(path: str | Path, fmt: str | None = None) -> str:
    """The format a streamed table is written in: ``fmt`` (csv or json), or by the file's
    suffix (``.json``: json, anything else: csv)."""
    if fmt is None:
        return "json" if Path(path).suffix.lower() == ".json" else "csv"
    if fmt not in STREAM_FORMATS:
        raise OptionError.for_field("format", fmt, "csv or json when the rows are streamed to a "
                                    "file (text, Markdown and LaTeX align columns over all rows)")
    return fmt


class _Writer:
    """The sink: writes each block of kept rows to ``out`` as it comes."""

    def __init__(self, out: AtomicFile, fmt: str, problem, every: int) -> None:
        self.out, self.fmt, self.every = out, fmt, every
        self.varying = problem.settings.lr.constant is None
        self.rows = self.last = 0
        self.started = False

    def __call__(self, block) -> None:
        """Write the rows of ``block`` not written yet: a block handed again after an
        interruption (Ctrl-C during a write) is written from where the file stopped."""
        numbers = block.step_numbers
        before = np.maximum.accumulate(np.concatenate([[self.last - 1], numbers[:-1]]))
        fresh = numbers > before  # a step not written yet, each once, in order
        if not fresh.all():
            if not fresh.any():
                return
            block = _rows(block, np.flatnonzero(fresh))
            numbers = block.step_numbers
        if not self.started:
            self._start(block)
        if self.fmt == "csv":
            text = csv_rows(block, self.varying)
            self.out.write(text)
            self.rows, self.last = self.rows + len(block), int(numbers[-1]) + 1
            return
        for k, step in enumerate(table_steps(block, self.varying)):
            text = textwrap.indent(json.dumps(step, indent=2), "    ")
            self.out.write((",\n" if self.rows else "") + text)
            self.rows, self.last = self.rows + 1, int(numbers[k]) + 1

    def _start(self, block) -> None:
        self.started = True
        if self.fmt == "csv":
            self.out.write(csv_header(block.param_names, self.varying))
            return
        first = block.lr[0] if block.lr is not None and len(block.lr) else None
        head = table_head(block, self.varying, first)
        self.out.write(json.dumps(head, indent=2)[:-2] + ',\n  "steps": [\n')

    def finish(self, stopped: str | None) -> None:
        if self.fmt == "json" and self.started:
            tail = "" if stopped is None else f',\n  "stopped": {json.dumps(stopped)}'
            self.out.write(f"\n  ]{tail}\n}}\n")


def stream_table(problem, path: str | Path, fmt: str | None = None,
                 arithmetic: Any = "float64", *, every: int = 1, engine: str = "auto",
                 max_memory: int | str | None = None, hook=None) -> Streamed:
    """Run ``problem`` in ``arithmetic`` and write its table to ``path`` as the rows are made
    (module docstring); returns the ``Streamed`` summary. Raises what the run raises (its
    ``streamed`` attribute then says what the file holds) and FileSystemError naming the
    path. ``hook`` hears of the run's phases and progress (``analytic_sgd.numeric.progress``)."""
    fmt = stream_format(path, fmt)
    steps = problem.plan.steps(len(problem.y))
    out = AtomicFile(path)
    writer = _Writer(out, fmt, problem, every)
    try:
        problem.run(arithmetic, engine=engine, every=every, sink=writer, max_memory=max_memory,
                    hook=hook)
    except BaseException as exc:
        if not writer.started:  # refused or failed before any row: no file at all
            out.discard()
            raise
        why = "interrupted (Ctrl-C)" if isinstance(exc, KeyboardInterrupt) else str(exc)
        writer.finish(why)
        out.commit()
        exc.streamed = Streamed(out.path, writer.rows, steps, writer.last, every, why)
        raise
    writer.finish(None)
    out.commit()
    return Streamed(out.path, writer.rows, steps, writer.last, every)


def _rows(block, rows: np.ndarray):
    """The rows ``rows`` of ``block``, with their step numbers."""
    cut = {k: getattr(block, k)[rows] for k in ("epoch", "batch", "n", "params", "loss", "grad",
                                                "updated")}
    lr = None if block.lr is None else block.lr[rows]
    return Trajectory(block.param_names, block.arithmetic, **cut, meta=block.meta, lr=lr,
                      index=block.step_numbers[rows])
