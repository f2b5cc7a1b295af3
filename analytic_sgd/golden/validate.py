"""The checks of a decoded golden document against format version 1; every refusal is a
GoldenFileError naming the file, the place and the reason."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np

from ..conventions.arithmetic import get_arithmetic
from ..version import VERSION
from .data import data_sha256
from .spec import ARITHMETICS, DATA_DTYPES, FORMAT, FORMAT_VERSION, GoldenFileError, fraction_or_none

_QUANTITIES = ("params", "loss", "grad", "updated")


def _kind(v) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(v), "a number")


class DocumentValidator:
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
        q = fraction_or_none(self.typed(v, where, (str,), "a decimal string"))
        return q if q is not None else self.fail(where, f"{v[:40]!r} is not a decimal number")

    def document(self, doc) -> dict:
        self.typed(doc, "top level", (dict,), "an object")
        if doc.get("format") != FORMAT:  # format and version first: other versions have other keys
            self.fail("format", f"is {doc.get('format')!r}, not {FORMAT!r}: not a golden file")
        version = self.typed(doc.get("format_version"), "format_version", (int,), "a whole number")
        if version != FORMAT_VERSION:
            self.fail("format_version", f"is {version}; analytic-sgd {VERSION} reads "
                      f"version {FORMAT_VERSION}: upgrade analytic-sgd, or write the files "
                      f"again with: analytic-sgd golden --write DIR")
        self.obj(doc, "top level", ("format", "format_version", "written_by", "example",
                                    "arithmetic", "note", "problem", "steps"))
        for key in ("written_by", "example", "note"):
            self.typed(doc[key], key, (str,), "a string")
        if doc["arithmetic"] not in ARITHMETICS:
            self.fail("arithmetic", f"{doc['arithmetic']!r} is not one of {', '.join(ARITHMETICS)}")
        names = self.problem(doc["problem"], doc["arithmetic"])
        for k, step in enumerate(self.typed(doc["steps"], "steps", (list,), "a list")):
            self.step(step, f"steps[{k}] (step {k + 1})", names, doc["arithmetic"])
        batches = [len(b) for e in doc["problem"]["batches"] for b in e]
        if [s["n"] for s in doc["steps"]] != batches:
            self.fail("steps", f"{len(doc['steps'])} steps do not match the "
                      f"{len(batches)} batches of problem.batches (or their sizes)")
        return doc

    def problem(self, p, arithmetic: str | None = None) -> list[str]:
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
        self.data(p["data"], len(p["inputs"]), arithmetic)
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
        out = np.empty(flat.size, dtype=DATA_DTYPES[dtype])
        for i, text in enumerate(flat.flat):
            q = self.decimal(text, f"{where}[{i}]")
            if dtype == "decimal":
                out[i] = q
                continue
            with np.errstate(all="ignore"):
                try:
                    out[i] = float(q) if dtype != "int64" else int(q)
                    exact = Fraction(out[i].item()) == q
                except (OverflowError, ValueError):  # out of range, or infinite
                    exact = False
            if not exact:
                self.fail(f"{where}[{i}]", f"{text[:40]} is not exactly a {dtype} value")
        return out.reshape(shape)

    def data(self, d, k: int, arithmetic: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """x and y of a "data" object: Fractions for ``decimal`` data (exact files only)."""
        self.obj(d, "problem.data", ("recipe", "sha256", "dtype", "x", "y"))
        dtype = self.obj(d["dtype"], "problem.data.dtype", ("x", "y"))
        for key in ("x", "y"):
            if dtype[key] not in DATA_DTYPES:
                self.fail(f"problem.data.dtype.{key}", f"must be one of {', '.join(DATA_DTYPES)}")
            if dtype[key] == "decimal" and arithmetic and not get_arithmetic(arithmetic).exact:
                self.fail(f"problem.data.dtype.{key}", f"decimal data belong in exact files, "
                          f"not in {arithmetic} files")
        n = len(self.typed(d["y"], "problem.data.y", (list,), "a list"))
        x = self.array(d["x"], "problem.data.x", dtype["x"], (n,) if k == 1 else (n, k))
        y = self.array(d["y"], "problem.data.y", dtype["y"], (n,))
        digest = self.typed(d["sha256"], "problem.data.sha256", (str,), "a hex string")
        if data_sha256(x, y) != digest:
            self.fail("problem.data", f"the data hash to {data_sha256(x, y)}, not to the "
                      f"sha256 the file gives ({digest[:64]}): the data or the hash was edited")
        if d["recipe"] is not None:
            from ..problems.examples import EXAMPLES

            recipe = self.typed(d["recipe"], "problem.data.recipe", (str,), "a string or null")
            if recipe in EXAMPLES:
                from ..problems.problem import example_problem

                p = example_problem(recipe)
                if data_sha256(p.x, p.y) != digest:
                    self.fail("problem.data", f"the data are not those of the recipe {recipe!r} "
                              f"(sha256 {data_sha256(p.x, p.y)})")
        return x, y

    def value(self, v, where: str, arithmetic: str, approx: dict | None, key):
        if not get_arithmetic(arithmetic).exact:
            self.typed(v, where, (int, float), "a number")
            with np.errstate(all="ignore"):
                try:
                    as_float = float(DATA_DTYPES[arithmetic](v))
                except OverflowError:
                    as_float = math.inf
            if not math.isfinite(as_float):
                self.fail(where, f"{str(v)[:40]} is not a finite {arithmetic} number")
            if as_float != v:
                self.fail(where, f"{v!r} is not exactly a {arithmetic} value")
        elif fraction_or_none(self.typed(v, where, (str,), "a string")) is None and (
                approx is None or key not in approx):
            self.fail(where, f"{v[:40]!r} is neither a fraction nor an irrational value with "
                      f"its float64 in the step's \"float64\" object")

    def step(self, s, where: str, names: list[str], arithmetic: str) -> None:
        keys = ("epoch", "batch", "n", *_QUANTITIES)
        with_approx = get_arithmetic(arithmetic).exact and isinstance(s, dict) and "float64" in s
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
