"""Golden files: reference SGD trajectories in versioned JSON files, written atomically,
loaded validated, regenerated and compared.

A golden file holds one problem and its trajectory in one arithmetic: what is needed to
replay the run without the command line. ``write_golden(problem, path, arithmetic)``
writes the file of any Problem (``make_problem(...)``, or ``analytic-sgd golden --write
FILE.json`` with the options of ``table``); ``load_golden(path)`` reads one;
``check_file(path)`` replays it and lists the differences. The package ships the named
examples' files, ``<example>.<arithmetic>.json`` (``analytic_sgd/golden_files``). No
pickle: JSON only, never evaluated.

Format (``format_version`` 1)
-----------------------------
A JSON object with exactly these keys::

    format          "analytic-sgd golden trajectory"
    format_version  1 (a reader refuses any other version)
    written_by      "analytic-sgd 0.1.0": the package version that wrote the file
    example         the named example the problem was made from, or the problem's name
                    (a data file's name, "custom")
    arithmetic      "exact", "float64" or "float32"
    note            why this file differs from the example, or ""
    problem         model (sympy str of the prediction, e.g. "b + w*x"), inputs, params
                    (in order), loss (a registered loss's name: "mse", "rmse", ...), lr,
                    batch_size, epochs, init ({param: decimal}), update ({momentum,
                    dampening, weight_decay: decimal; nesterov, maximize: bool}), shuffle,
                    seed, drop_last, batches (batches[e][b]: the row indices of batch b+1 of
                    epoch e+1), data: {recipe (the example whose data these are, or null),
                    sha256, dtype: {x, y}, x (n values, or n rows of k values), y (n values)}
    steps           one object per batch, as ``analytic-sgd table --format json`` writes:
                    {epoch, batch, n, params: {p: v}, loss: v, grad: {p: v}, updated: {p: v}}

Settings (lr, init, update) are decimal strings, read exactly in exact runs ("0.01" is
1/100). Data are stored as the run in the file's arithmetic reads them (``data.py``):
float32 data in float32 files (float64 data rounded once), the decimals as written
(dtype "decimal": a CSV's "0.1" is 1/10) in exact files of problems that have them, else
each stored binary value as its exact decimal expansion (a float32 0.1 is
"0.100000001490116119384765625"), readable exactly by ``fractions.Fraction`` and by
``float``; ``sha256`` is the SHA-256 of x's bytes then y's bytes, each C-ordered
little-endian in its dtype (float32, float64 or int64; "decimal": each value's text and a
newline).
Step values v: in float64 and float32 files, JSON numbers that round-trip the binary
value (a float32 as the float64 it equals). In exact files, strings; a rational value is
a string ``fractions.Fraction`` reads ("-80/3"); an irrational value (the square root of
RMSE) is sympy's ``str()`` of it ("sqrt(33)/2"), compared as text and never evaluated,
and the step then holds a "float64" object ({"loss": v, "grad": {p: v}, ...}) with the
nearest float64 of each irrational value.

Exceptions, stated in the files' ``note``: rollercoaster.exact.json holds only the first
step (its RMSE makes the parameters irrational, and their exact form grows about tenfold
per step).

>>> g = load_golden("worked-linear", "exact")
>>> g.steps[0]["grad"], g.steps[0]["updated"], g.problem["lr"]
({'w': '-80/3', 'b': '-24'}, {'w': '4/15', 'b': '6/25'}, '0.01')
>>> compare_documents(g.document, golden_document("worked-linear", "exact"))
[]
"""

from __future__ import annotations

from .compare import Difference, check_file, compare_documents
from .data import data_sha256
from .document import EXACT_EPOCHS as EXACT_EPOCHS
from .document import NOTES as NOTES
from .document import dumps, golden_document, golden_problem, problem_section
from .reader import Golden, load_golden, read_document
from .spec import ARITHMETICS, FORMAT, FORMAT_VERSION, GoldenFileError
from .store import file_name, shipped_directory, write_all, write_golden

__all__ = ["FORMAT", "FORMAT_VERSION", "ARITHMETICS", "GoldenFileError", "Golden", "Difference",
           "shipped_directory", "file_name", "golden_problem", "golden_document", "data_sha256",
           "problem_section",
           "dumps", "write_golden", "write_all", "read_document", "load_golden",
           "compare_documents", "check_file"]
