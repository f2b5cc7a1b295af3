"""Golden files: reference SGD trajectories in versioned JSON files, written atomically,
loaded validated, regenerated and compared.

One file per named example and arithmetic, ``<example>.<arithmetic>.json``; the package
ships all of them (``analytic_sgd/golden_files``). No pickle: JSON only, never evaluated.

Format (``format_version`` 1)
-----------------------------
A JSON object with exactly these keys::

    format          "analytic-sgd golden trajectory"
    format_version  1 (a reader refuses any other version)
    written_by      "analytic-sgd 0.1.0": the package version that wrote the file
    example         the named example (analytic_sgd.examples) the file was made from
    arithmetic      "exact", "float64" or "float32"
    note            why this file differs from the example, or ""
    problem         model (sympy str of the prediction, e.g. "b + w*x"), inputs, params
                    (in order), loss ("mse", "rmse", "sse"), lr, batch_size, epochs,
                    init ({param: decimal}), update ({momentum, dampening, weight_decay:
                    decimal; nesterov, maximize: bool}), shuffle, seed, drop_last,
                    batches (batches[e][b]: the row indices of batch b+1 of epoch e+1),
                    data: {recipe (the example whose data these are, or null), sha256,
                    dtype: {x, y}, x (n values, or n rows of k values), y (n values)}
    steps           one object per batch, as ``analytic-sgd table --format json`` writes:
                    {epoch, batch, n, params: {p: v}, loss: v, grad: {p: v}, updated: {p: v}}

Settings (lr, init, update) are decimal strings, read exactly in exact runs ("0.01" is
1/100). Data values are the exact decimal expansion of each stored binary value (a
float32 0.1 is "0.100000001490116119384765625"), readable exactly by
``fractions.Fraction`` and by ``float``; ``sha256`` is the SHA-256 of x's bytes then y's
bytes, each C-ordered little-endian in its dtype (float32, float64 or int64).
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

import contextlib
import hashlib
import importlib.resources
import json
import math
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError

__all__ = ["FORMAT", "FORMAT_VERSION", "ARITHMETICS", "GoldenFileError", "Golden", "Difference",
           "shipped_directory", "file_name", "golden_problem", "golden_document", "data_sha256",
           "dumps", "write_golden", "write_all", "read_document", "load_golden",
           "compare_documents", "check_file"]

FORMAT, FORMAT_VERSION = "analytic-sgd golden trajectory", 1
ARITHMETICS = ("exact", "float64", "float32")
EXACT_EPOCHS = {"rollercoaster": 1}
NOTES = {("rollercoaster", "exact"): (
    "exact RMSE: after the first step the parameters are irrational (square roots) and their "
    "exact form grows about tenfold per step, so this file holds the first full-batch step "
    "only (epochs = 1); the float64 and float32 files hold all 10 steps. Irrational values "
    "are sympy str() expressions; each step's \"float64\" object holds their nearest float64.")}
_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64}
_QUANTITIES = ("params", "loss", "grad", "updated")


class GoldenFileError(DataError):
    """A golden file that cannot be used: malformed, wrong version, inconsistent data."""


def shipped_directory():
    """The directory of the golden files shipped with the package (package data)."""
    return importlib.resources.files("analytic_sgd") / "golden_files"


def file_name(example: str, arithmetic: str) -> str:
    """``<example>.<arithmetic>.json``, the name of a golden file."""
    return f"{example}.{arithmetic}.json"


def golden_problem(example: str, arithmetic: str):
    """The Problem a golden file records: the example, with fewer epochs where noted."""
    from .problem import example_problem

    return example_problem(example, epochs=EXACT_EPOCHS.get(example) if arithmetic == "exact"
                           else None)


def _decimal(value: Any) -> str:
    """A setting as a decimal string (read exactly): "0.01", "0", "-0.765838623046875"."""
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _canonical(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a = a.astype(np.int64) if a.dtype.kind in "iub" else a
    if a.dtype.name not in _DTYPES:
        raise GoldenFileError(f"golden data must be float32, float64 or integers, not {a.dtype}")
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))


def data_sha256(x: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 (hex) of x's bytes then y's, C order, little-endian, in their dtypes."""
    return hashlib.sha256(_canonical(x).tobytes() + _canonical(y).tobytes()).hexdigest()


def _exact_text(v) -> str:
    return str(int(v)) if isinstance(v, (int, np.integer)) else format(Decimal(float(v)), "f")


def _data(problem) -> dict:
    x, y = _canonical(problem.x), _canonical(problem.y)
    text = np.vectorize(_exact_text, otypes=[object])
    return {"recipe": problem.name, "sha256": data_sha256(x, y),
            "dtype": {"x": x.dtype.name, "y": y.dtype.name},
            "x": text(x).tolist(), "y": text(y).tolist()}


def _float64_of_irrationals(traj) -> list[dict]:
    """Per step, the nearest float64 of each value that is not rational (exact runs)."""
    def approx(v):
        return float(v.evalf(40))

    out = []
    for s in traj.steps:
        entry: dict = {}
        if not s.loss.is_Rational:
            entry["loss"] = approx(s.loss)
        for q in ("params", "grad", "updated"):
            named = {p: approx(v) for p, v in zip(traj.param_names, getattr(s, q))
                     if not v.is_Rational}
            if named:
                entry[q] = named
        out.append(entry)
    return out


def golden_document(example: str, arithmetic: str) -> dict:
    """The golden file of ``example`` in ``arithmetic``, computed now, as a JSON object."""
    from . import __version__
    from .batches import batch_orders
    from .render.trajectory import to_dict

    if arithmetic not in ARITHMETICS:
        raise GoldenFileError(f"unknown arithmetic {arithmetic!r}; choose one of "
                              f"{', '.join(ARITHMETICS)}")
    p = golden_problem(example, arithmetic)
    table = to_dict(traj := p.run(arithmetic))
    batches = batch_orders(len(p.y), p.batch_size, epochs=p.epochs, shuffle=p.shuffle,
                           seed=p.seed, drop_last=p.drop_last, orders=p.orders)
    steps = table["steps"]
    if arithmetic == "exact":
        for step, extra in zip(steps, _float64_of_irrationals(traj)):
            if extra:
                step["float64"] = extra
    names = p.model.param_names
    init = (dict(zip(names, p.init)) if isinstance(p.init, (list, tuple)) else p.init) or {}
    problem = {
        "model": table["model"], "inputs": table["inputs"], "params": table["params"],
        "loss": table["loss"], "lr": _decimal(p.lr), "batch_size": p.batch_size,
        "epochs": p.epochs, "init": {k: _decimal(init.get(k, 0)) for k in names},
        "update": {"momentum": _decimal(p.momentum), "dampening": _decimal(p.dampening),
                   "nesterov": bool(p.nesterov), "weight_decay": _decimal(p.weight_decay),
                   "maximize": bool(p.maximize)},
        "shuffle": bool(p.shuffle), "seed": p.seed, "drop_last": bool(p.drop_last),
        "batches": [[b.tolist() for b in epoch] for epoch in batches], "data": _data(p),
    }
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "written_by": f"analytic-sgd {__version__}", "example": example,
            "arithmetic": arithmetic, "note": NOTES.get((example, arithmetic), ""),
            "problem": problem, "steps": steps}


_EXPANDED = {(), ("problem",), ("problem", "data"), ("steps",)}


def dumps(document: dict, _path: tuple = ()) -> str:
    """The JSON text of a golden file: one line per setting, per data column, per step."""
    if _path not in _EXPANDED:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    pad = " " * (len(_path) + 1)
    if isinstance(document, dict):
        items = [f"{pad}{json.dumps(k)}: {dumps(v, (*_path, k))}" for k, v in document.items()]
        opening, closing = "{", "}"
    else:
        items = [f"{pad}{dumps(v, (*_path, 0))}" for v in document]
        opening, closing = "[", "]"
    return f"{opening}\n" + ",\n".join(items) + f"\n{pad[:-1]}{closing}" + ("\n" * (not _path))


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
    from .examples import EXAMPLES

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [write_golden(directory / file_name(ex, a), golden_document(ex, a))
            for ex in (examples or EXAMPLES) for a in ARITHMETICS]


def _kind(v) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(v), "a number")


def _fraction(text: str) -> Fraction | None:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


class _Reader:
    """Checks a decoded golden document; every refusal names the file and the place."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, what: str):
        raise GoldenFileError(f"golden file {self.source}: {where}: {what}")

    def obj(self, v, where: str, keys) -> dict:
        if not isinstance(v, dict):
            self.fail(where, f"must be an object, found {_kind(v)}")
        missing, unknown = [k for k in keys if k not in v], [k for k in v if k not in keys]
        if missing or unknown:
            self.fail(where, f"missing key(s) {missing}" if missing else f"unknown key(s) "
                      f"{unknown} (format version {FORMAT_VERSION} has {', '.join(keys)})")
        return v

    def typed(self, v, where: str, types, what: str):
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            self.fail(where, f"must be {what}, found {_kind(v)} {json.dumps(v)[:40]}")
        return v

    def count(self, v, where: str) -> int:
        if self.typed(v, where, (int,), "a whole number >= 1") < 1:
            self.fail(where, f"must be a whole number >= 1, found {v}")
        return v

    def decimal(self, v, where: str) -> Fraction:
        q = _fraction(self.typed(v, where, (str,), "a decimal string"))
        return q if q is not None else self.fail(where, f"{v[:40]!r} is not a decimal number")

    def document(self, doc) -> dict:
        self.typed(doc, "top level", (dict,), "an object")
        if doc.get("format") != FORMAT:  # format and version first: other versions have other keys
            self.fail("format", f"is {doc.get('format')!r}, not {FORMAT!r}: not a golden file")
        version = self.typed(doc.get("format_version"), "format_version", (int,), "a whole number")
        if version != FORMAT_VERSION:
            from . import __version__

            self.fail("format_version", f"is {version}; analytic-sgd {__version__} reads "
                      f"version {FORMAT_VERSION}: upgrade analytic-sgd, or write the files "
                      f"again with: analytic-sgd golden --write DIR")
        self.obj(doc, "top level", ("format", "format_version", "written_by", "example",
                                    "arithmetic", "note", "problem", "steps"))
        for key in ("written_by", "example", "note"):
            self.typed(doc[key], key, (str,), "a string")
        if doc["arithmetic"] not in ARITHMETICS:
            self.fail("arithmetic", f"{doc['arithmetic']!r} is not one of {', '.join(ARITHMETICS)}")
        names = self.problem(doc["problem"])
        for k, step in enumerate(self.typed(doc["steps"], "steps", (list,), "a list")):
            self.step(step, f"steps[{k}] (step {k + 1})", names, doc["arithmetic"])
        batches = [len(b) for e in doc["problem"]["batches"] for b in e]
        if [s["n"] for s in doc["steps"]] != batches:
            self.fail("steps", f"{len(doc['steps'])} steps do not match the "
                      f"{len(batches)} batches of problem.batches (or their sizes)")
        return doc

    def problem(self, p) -> list[str]:
        self.obj(p, "problem", ("model", "inputs", "params", "loss", "lr", "batch_size",
                                "epochs", "init", "update", "shuffle", "seed", "drop_last",
                                "batches", "data"))
        for key in ("model", "loss"):
            self.typed(p[key], f"problem.{key}", (str,), "a string")
        for key in ("inputs", "params"):
            if not self.typed(p[key], f"problem.{key}", (list,), "a list") or not all(
                    isinstance(s, str) for s in p[key]):
                self.fail(f"problem.{key}", "must be a non-empty list of names")
        self.decimal(p["lr"], "problem.lr")
        self.count(p["batch_size"], "problem.batch_size")
        self.count(p["epochs"], "problem.epochs")
        for k, v in self.obj(p["init"], "problem.init", p["params"]).items():
            self.decimal(v, f"problem.init.{k}")
        update = self.obj(p["update"], "problem.update", ("momentum", "dampening", "nesterov",
                                                          "weight_decay", "maximize"))
        for key in ("momentum", "dampening", "weight_decay"):
            self.decimal(update[key], f"problem.update.{key}")
        for where, v in (("update.nesterov", update["nesterov"]), ("update.maximize",
                         update["maximize"]), ("shuffle", p["shuffle"]),
                         ("drop_last", p["drop_last"])):
            self.typed(v, f"problem.{where}", (bool,), "true or false")
        if p["seed"] is not None:
            self.typed(p["seed"], "problem.seed", (int,), "a whole number or null")
        epochs = self.typed(p["batches"], "problem.batches", (list,), "a list")
        if len(epochs) != p["epochs"] or not all(
                isinstance(e, list) and all(isinstance(b, list) and b and all(
                    isinstance(i, int) and not isinstance(i, bool) for i in b) for b in e)
                for e in epochs):
            self.fail("problem.batches", "must hold, for each epoch, a list of batches of "
                      "row indices")
        self.data(p["data"], len(p["inputs"]))
        n = len(p["data"]["y"])
        if any(not 0 <= i < n for e in epochs for b in e for i in b):
            self.fail("problem.batches", f"has a row index outside 0..{n - 1}")
        return p["params"]

    def array(self, values, where: str, dtype: str, shape: tuple) -> np.ndarray:
        try:
            flat = np.asarray(self.typed(values, where, (list,), "a list"), dtype=object)
        except ValueError:
            flat = np.empty(0, dtype=object)  # ragged rows
        if flat.shape != shape or not all(isinstance(v, str) for v in flat.flat):
            self.fail(where, f"must be {' x '.join(map(str, shape))} decimal strings")
        out = np.empty(flat.size, dtype=_DTYPES[dtype])
        for i, text in enumerate(flat.flat):
            q = self.decimal(text, f"{where}[{i}]")
            with np.errstate(all="ignore"):
                try:
                    out[i] = float(q) if dtype != "int64" else int(q)
                    exact = Fraction(out[i].item()) == q
                except (OverflowError, ValueError):  # out of range, or infinite
                    exact = False
            if not exact:
                self.fail(f"{where}[{i}]", f"{text[:40]} is not exactly a {dtype} value")
        return out.reshape(shape)

    def data(self, d, k: int) -> tuple[np.ndarray, np.ndarray]:
        self.obj(d, "problem.data", ("recipe", "sha256", "dtype", "x", "y"))
        dtype = self.obj(d["dtype"], "problem.data.dtype", ("x", "y"))
        for key in ("x", "y"):
            if dtype[key] not in _DTYPES:
                self.fail(f"problem.data.dtype.{key}", f"must be one of {', '.join(_DTYPES)}")
        n = len(self.typed(d["y"], "problem.data.y", (list,), "a list"))
        x = self.array(d["x"], "problem.data.x", dtype["x"], (n,) if k == 1 else (n, k))
        y = self.array(d["y"], "problem.data.y", dtype["y"], (n,))
        digest = self.typed(d["sha256"], "problem.data.sha256", (str,), "a hex string")
        if data_sha256(x, y) != digest:
            self.fail("problem.data", f"the data hash to {data_sha256(x, y)}, not to the "
                      f"sha256 the file gives ({digest[:64]}): the data or the hash was edited")
        if d["recipe"] is not None:
            from .examples import EXAMPLES

            recipe = self.typed(d["recipe"], "problem.data.recipe", (str,), "a string or null")
            if recipe in EXAMPLES:
                from .problem import example_problem

                p = example_problem(recipe)
                if data_sha256(p.x, p.y) != digest:
                    self.fail("problem.data", f"the data are not those of the recipe {recipe!r} "
                              f"(sha256 {data_sha256(p.x, p.y)})")
        return x, y

    def value(self, v, where: str, arithmetic: str, approx: dict | None, key):
        if arithmetic != "exact":
            self.typed(v, where, (int, float), "a number")
            with np.errstate(all="ignore"):
                try:
                    as_float = float(_DTYPES[arithmetic](v))
                except OverflowError:
                    as_float = math.inf
            if not math.isfinite(as_float):
                self.fail(where, f"{str(v)[:40]} is not a finite {arithmetic} number")
            if as_float != v:
                self.fail(where, f"{v!r} is not exactly a {arithmetic} value")
        elif _fraction(self.typed(v, where, (str,), "a string")) is None and (
                approx is None or key not in approx):
            self.fail(where, f"{v[:40]!r} is neither a fraction nor an irrational value with "
                      f"its float64 in the step's \"float64\" object")

    def step(self, s, where: str, names: list[str], arithmetic: str) -> None:
        keys = ("epoch", "batch", "n", *_QUANTITIES)
        with_approx = arithmetic == "exact" and isinstance(s, dict) and "float64" in s
        self.obj(s, where, (*keys, "float64") if with_approx else keys)
        for key in ("epoch", "batch", "n"):
            self.count(s[key], f"{where}.{key}")
        approx = s.get("float64", {})
        self.obj(approx, f"{where}.float64", [k for k in _QUANTITIES if k in approx])
        for q, v in approx.items():
            named = {"": v} if q == "loss" else v
            if not isinstance(named, dict) or not all(
                    isinstance(a, (int, float)) and not isinstance(a, bool) for a in named.values()):
                self.fail(f"{where}.float64.{q}", "must hold numbers")
        self.value(s["loss"], f"{where}.loss", arithmetic, approx, "loss")
        for q in ("params", "grad", "updated"):
            for name, v in self.obj(s[q], f"{where}.{q}", names).items():
                self.value(v, f"{where}.{q}.{name}", arithmetic, approx.get(q), name)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed (values must be finite)")


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key appears twice: {sorted(k for k in keys if keys.count(k) > 1)[0]!r}")
    return dict(pairs)


def read_document(source) -> dict:
    """The validated JSON object of the golden file ``source`` (a path); GoldenFileError
    names the file, the place and the reason when it is malformed or of another version."""
    name = str(source)
    try:
        text = source.read_text(encoding="utf-8") if hasattr(source, "read_text") else \
            Path(source).read_text(encoding="utf-8")
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except FileNotFoundError:
        raise GoldenFileError(f"golden file {name} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenFileError(f"golden file {name} cannot be read: {exc}") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise GoldenFileError(f"golden file {name} is not valid JSON: {exc}") from None
    return _Reader(name).document(doc)


@dataclass(frozen=True, eq=False)
class Golden:
    """A loaded, validated golden file. ``steps`` are the file's step objects; ``loss``,
    ``params``, ``grad``, ``updated`` are arrays (S,) or (S, P): float64 or float32 in
    float files, ``fractions.Fraction`` objects in exact files (an irrational value: its
    nearest float64); ``x`` and ``y`` are the data in their dtype."""

    source: str
    document: dict

    example = property(lambda self: self.document["example"])
    arithmetic = property(lambda self: self.document["arithmetic"])
    problem = property(lambda self: self.document["problem"])
    steps = property(lambda self: self.document["steps"])
    note = property(lambda self: self.document["note"])
    param_names = property(lambda self: tuple(self.problem["params"]))

    def __len__(self) -> int:
        return len(self.steps)

    def _number(self, text, approx):
        if self.arithmetic != "exact":
            return text
        q = _fraction(text)
        return q if q is not None else approx

    def column(self, quantity: str) -> np.ndarray:
        """``quantity`` (epoch, batch, n, loss, params, grad, updated) for every step."""
        if quantity in ("epoch", "batch", "n"):
            return np.array([s[quantity] for s in self.steps], dtype=np.int64)
        dtype = object if self.arithmetic == "exact" else _DTYPES[self.arithmetic]
        rows = []
        for s in self.steps:
            approx = s.get("float64", {})
            if quantity == "loss":
                rows.append(self._number(s["loss"], approx.get("loss")))
            else:
                rows.append([self._number(s[quantity][p], approx.get(quantity, {}).get(p))
                             for p in self.param_names])
        out = np.empty((len(rows), len(self.param_names)) if quantity != "loss" else len(rows),
                       dtype=dtype)
        out[...] = rows if dtype is not object else np.array(rows, dtype=object)
        return out

    loss = property(lambda self: self.column("loss"))
    params = property(lambda self: self.column("params"))
    grad = property(lambda self: self.column("grad"))
    updated = property(lambda self: self.column("updated"))

    @property
    def x(self) -> np.ndarray:
        return _Reader(self.source).data(self.problem["data"], len(self.problem["inputs"]))[0]

    @property
    def y(self) -> np.ndarray:
        return _Reader(self.source).data(self.problem["data"], len(self.problem["inputs"]))[1]


def load_golden(name_or_path: str | os.PathLike | Golden,
                arithmetic: str | None = None) -> Golden:
    """A golden file: a shipped one by example name (``arithmetic`` default float64), or
    the file at a path (``arithmetic``, if given, must be the file's).

    >>> load_golden("two-feature-linear", "float32").grad.dtype
    dtype('float32')
    """
    from .examples import EXAMPLES

    if isinstance(name_or_path, Golden):
        golden = name_or_path
    elif isinstance(name_or_path, str) and name_or_path in EXAMPLES:
        if (arithmetic or "float64") not in ARITHMETICS:
            raise GoldenFileError(f"unknown arithmetic {arithmetic!r}; choose one of "
                                  f"{', '.join(ARITHMETICS)}")
        source = shipped_directory() / file_name(name_or_path, arithmetic or "float64")
        golden = Golden(str(source), read_document(source))
    else:
        golden = Golden(str(name_or_path), read_document(name_or_path))
    if arithmetic is not None and golden.arithmetic != arithmetic:
        raise GoldenFileError(f"golden file {golden.source} holds {golden.arithmetic} "
                              f"values, not {arithmetic}")
    return golden


@dataclass(frozen=True)
class Difference:
    """One value of a golden file that its regeneration does not reproduce."""

    file: str
    arithmetic: str
    where: str  # "step 2 (epoch 1, batch 2)" or "problem"
    quantity: str
    expected: Any  # the file's value
    obtained: Any  # the regenerated value
    error: float | None = None
    bound: float | None = None

    def __str__(self) -> str:
        text = (f"{self.file}: {self.arithmetic}, {self.where}, {self.quantity}: expected "
                f"{_show(self.expected)} (file), obtained {_show(self.obtained)} (regenerated)")
        if self.error is not None:
            text += f", error {self.error!r} > atol + rtol*|expected| = {self.bound!r}"
        return text


def _show(v) -> str:
    text = v if isinstance(v, str) else json.dumps(v)
    if isinstance(v, str) and len(v) > 60:
        q = _fraction(v)
        text = f"{v[:24]}...{v[-24:]} ({len(v)} chars{f', ≈ {float(q)!r}' if q else ''})"
    return text


def _json_differences(a, b, path: str):
    """(path, a, b) for the first differing leaves of two JSON values."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            yield from _json_differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (u, v) in enumerate(zip(a, b)):
            yield from _json_differences(u, v, f"{path}[{i}]")
    elif a != b or type(a) is not type(b):
        yield path, a, b


def _close(a, b, rtol: float, atol: float) -> tuple[bool, float, float]:
    error, bound = abs(float(a) - float(b)), atol + rtol * abs(float(b))
    same_sign = math.copysign(1, a) == math.copysign(1, b) or rtol or atol
    return error <= bound and bool(same_sign), error, bound


def compare_documents(expected: dict, obtained: dict, *, rtol: float = 0.0, atol: float = 0.0,
                      file: str = "", limit: int = 20) -> list[Difference]:
    """Differences between two golden documents (at most ``limit``).

    Float values pass when ``|a - b| <= atol + rtol*|b|`` (a obtained, b expected; with
    rtol = atol = 0 they must be bitwise equal); exact values must be equal (fractions
    by value, irrational expressions as text); everything else must be equal.
    """
    file, arithmetic = file or expected.get("example", ""), expected.get("arithmetic", "")
    out = []
    for key in ("example", "arithmetic", "note", "problem"):
        for path, a, b in _json_differences(expected.get(key), obtained.get(key), key):
            out.append(Difference(file, arithmetic, "problem", path, a, b))
    s_exp, s_obt = expected.get("steps", []), obtained.get("steps", [])
    if len(s_exp) != len(s_obt):
        out.append(Difference(file, arithmetic, "steps", "number of steps", len(s_exp),
                              len(s_obt)))
    for k, (e, o) in enumerate(zip(s_exp, s_obt)):
        where = f"step {k + 1} (epoch {e.get('epoch')}, batch {e.get('batch')})"
        pairs = [(q, e.get(q), o.get(q)) for q in ("epoch", "batch", "n", "loss")]
        pairs += [(f"{q}.{p}", v, o.get(q, {}).get(p)) for q in ("params", "grad", "updated")
                  for p, v in e.get(q, {}).items()]
        approx = [(f"float64.{path[1:]}", a, b) for path, a, b in
                  _json_differences(e.get("float64", {}), o.get("float64", {}), "")]
        for quantity, a, b in pairs + approx:
            if isinstance(a, str) or isinstance(b, str) or quantity in ("epoch", "batch", "n"):
                qa, qb = _fraction(str(a)), _fraction(str(b))
                if (qa != qb) if qa is not None and qb is not None else a != b:
                    out.append(Difference(file, arithmetic, where, quantity, a, b))
            elif not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
                out.append(Difference(file, arithmetic, where, quantity, a, b))
            elif not (ok := _close(b, a, rtol, atol))[0]:
                out.append(Difference(file, arithmetic, where, quantity, a, b, *ok[1:]))
    return out[:limit]


def check_file(source, *, rtol: float = 0.0, atol: float = 0.0) -> list[Difference]:
    """Load the golden file ``source``, regenerate it, and return the differences."""
    from .examples import EXAMPLES

    doc = read_document(source)
    name, expected_name = getattr(source, "name", str(source)), file_name(doc["example"],
                                                                         doc["arithmetic"])
    if doc["example"] not in EXAMPLES:
        raise GoldenFileError(f"golden file {source}: example {doc['example']!r} is not a named "
                              f"example, so the file cannot be regenerated")
    if name != expected_name:
        raise GoldenFileError(f"golden file {source} holds {doc['example']} in "
                              f"{doc['arithmetic']}: name it {expected_name}")
    return compare_documents(doc, golden_document(doc["example"], doc["arithmetic"]),
                             rtol=rtol, atol=atol, file=name)
