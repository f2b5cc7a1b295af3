"""The derived kernels as numba source: one function that computes a batch's loss and gradient.

The elementwise engine evaluates the code ``lambdify`` printed (``Kernels.source``) with
numpy. ``batch_source`` reads that same printed code (our own generated text, parsed
with ``ast``, never evaluated) and writes a numba function that performs the same
operations in the same order on the same types, so that it gives the same bits:

- a name or subexpression that depends on the data is an array over the batch's rows
  (a row of the scratch buffer), one that depends on the parameters only is a scalar,
  and numbers are Python numbers (folded as Python folds them, then rounded to the dtype
  where they meet a value, as numpy's weak Python scalars are);
- ``+ - * /``, negation and squares are written out (IEEE operations);
- a function (``exp``, ``tanh``, ...) and an array power (``x**3``) call numpy's own loop
  for the dtype (``call_loop``), a power of scalars libm's ``pow`` (``call_pow``), as
  numpy's scalar math does; ``sqrt`` and ``abs`` are correctly rounded either way;
- a term is reduced as ``np.mean``/``np.sum`` reduce it (``pairwise_sum``), then scaled
  and multiplied as ``Kernels`` does.

The generated function is ``batch(p_1, .., p_P, xb, yb, a, nb, m, buf, sc, cw, ptrs)``
(and ``batch_small``, the same for batches of fewer than 8 rows only):
the parameters come as scalars; the batch's ``nb`` rows are ``xb[a:a + nb]`` (N, K) and
``yb[a:a + nb]`` (the data itself when the rows are in order, else the gathered rows);
``buf`` (B*m,) and ``sc`` (S,) are scratch, ``cw`` the call workspace, ``ptrs`` the
addresses of the loops in ``BatchSource.loops`` order (three each), then of ``pow``, then of
the twins' 8-lane functions (from ``ptrs[VEC]``); it
returns the loss then the gradient, one scalar each (kept in registers by the loop that
calls it). The module around it (``analytic_sgd.numeric.compiled_module``)
provides ``DT``, ``np``, ``call_loop``, ``call_pow`` and ``pairwise_sum``. A construct it
cannot reproduce exactly raises ``OptionError``: the engines then keep the elementwise
one.

>>> from analytic_sgd.kernels.cache import kernels_for
>>> from analytic_sgd.symbolic.model import linear
>>> src = batch_source(kernels_for(linear(), "mse", "float64"))
>>> src.loops, src.buffers
((), 3)
>>> print(src.text.splitlines()[1])
def batch(p_w, p_b, xb, yb, a, nb, m, buf, sc, cw, ptrs):
>>> print(src.text.splitlines()[-1])
    return DT(s_f), grad_0, grad_1
>>> "def batch_small(p_w, p_b," in src.text
True
"""

from __future__ import annotations

import ast
import inspect
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import OptionError
from .elementwise import Kernels

__all__ = ["BatchSource", "batch_source", "CALL_STRIDE"]

CALL_STRIDE = 8  # intp slots of the call workspace per call site
FUSED_CHARS = 600  # a fused row expression longer than this is kept in a buffer instead
_OPS = {ast.Add: ("+", operator.add), ast.Sub: ("-", operator.sub),
        ast.Mult: ("*", operator.mul), ast.Div: ("/", operator.truediv)}
_INLINE = {"sqrt": "np.sqrt({})", "abs": "abs({})", "absolute": "abs({})"}
_REDUCTIONS = {np.mean: "mean", np.sum: "sum"}
_LOCAL = re.compile(r"\bu_\d+\b")  # a row local of the fused sum loop
_ROW = re.compile(r"\bi\b")  # the row index in generated code (names are p_*, xb, yb, buf...)


@dataclass(frozen=True)
class BatchSource:
    """The text of the numba function ``batch``; ``loops``: the numpy loops it calls, as
    (ufunc name, which inputs are arrays: 1, or one value: 0); ``buffers``, ``scalars``,
    ``calls``: the scratch it needs (rows of ``buf``, entries of ``sc``, call sites);
    ``vectors``: the 8-lane functions of its twins, by symbol (addresses at ``ptrs[VEC:]``)."""

    text: str
    loops: tuple[tuple[str, tuple[int, ...]], ...]
    buffers: int
    scalars: int
    calls: int
    vectors: tuple[str, ...] = ()


def _refuse(what: str) -> OptionError:
    return OptionError(f"the compiled engine cannot reproduce {what} bit for bit; use "
                       "engine='elementwise' (engine='auto' does)")


class _Emitter:
    """Turns the printed kernels into numba statements; values are (kind, code)."""

    def __init__(self, namespace: dict, dtype: np.dtype, loops: list, *, fused: bool,
                 twins: Mapping[str, Any] | None = None, vectors: list | None = None) -> None:
        self.namespace, self.dtype, self.loops, self.fused = namespace, dtype, loops, fused
        self.twins, self.vectors = twins or {}, vectors if vectors is not None else []
        self.row_locals: dict[str, str] = {}  # fused: a twin's value per row, in the sum loop
        self.lines: list[str] = []
        self.kinds: dict[str, tuple[str, object]] = {}
        self.buffers = self.scalars = self.calls = 0

    # -- values -------------------------------------------------------------------------
    def const(self, value) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(f"the constant {value!r}")
        if isinstance(value, int) and abs(value) >= 2**63:
            raise _refuse(f"the integer {value}")
        if not np.isfinite(float(value)):
            raise _refuse(f"the constant {value!r}")
        return f"DT({value!r})"

    def code(self, value) -> str:
        kind, code = value
        return self.const(code) if kind == "const" else code

    def buffer(self, value) -> str:
        """The value as a row of ``buf`` (its code at row i): computed once if needed."""
        kind, code = value
        if kind == "array" and code.startswith("buf[") and code.endswith(" * m + i]"):
            return code
        k = self.buffers
        self.buffers += 1
        self.lines += ["    for i in range(nb):", f"        buf[{k} * m + i] = {self.expand(value)}"]
        return f"buf[{k} * m + i]"

    def expand(self, value) -> str:
        """The value's code with the row locals written out (outside the sum loop)."""
        code = self.code(value)
        while _LOCAL.search(code):
            code = _LOCAL.sub(lambda match: self.row_locals[match.group(0)], code)
        return code

    def scalar(self, value) -> str:
        """The scalar value in a scalar slot (its index)."""
        s = self.scalars
        self.scalars += 1
        self.lines.append(f"    sc[{s}] = {self.code(value)}")
        return str(s)

    def loop(self, name: str, args: list) -> tuple[str, str]:
        """Call numpy's loop ``name`` on ``args`` (array or scalar values); the result."""
        pattern = tuple(int(kind == "array") for kind, _ in args)
        if (name, pattern) not in self.loops:
            self.loops.append((name, pattern))
        which = self.loops.index((name, pattern))
        call, size = self.calls, self.dtype.itemsize
        self.calls += 1
        array = any(pattern)
        addresses = []
        for kind, value in args:
            if kind == "array":
                row = self.buffer((kind, value))[4:].split(" * m")[0]
                addresses.append(f"base + {row} * m * {size}")
            else:
                addresses.append(f"scb + {self.scalar((kind, value))} * {size}")
        if array:
            out = self.buffers
            self.buffers += 1
            addresses.append(f"base + {out} * m * {size}")
        else:
            out = self.scalars
            self.scalars += 1
            addresses.append(f"scb + {out} * {size}")
        o = call * CALL_STRIDE
        strides = [size if p else 0 for p in pattern] + [size]
        self.lines += [f"    cw[{o + j}] = {a}" for j, a in enumerate(addresses)]
        self.lines += [f"    cw[{o + 3}] = {'nb' if array else 1}"]
        self.lines += [f"    cw[{o + 4 + j}] = {s}" for j, s in enumerate(strides)]
        self.lines.append(f"    call_loop(ptrs[{3 * which}], ptrs[{3 * which + 1}], cwb + {8 * o}, "
                          f"cwb + {8 * (o + 3)}, cwb + {8 * (o + 4)}, ptrs[{3 * which + 2}])")
        return ("array", f"buf[{out} * m + i]") if array else ("scalar", f"sc[{out}]")

    # -- nodes ----------------------------------------------------------------------------
    def value(self, node: ast.AST):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise _refuse(f"the constant {node.value!r}")
            return ("const", node.value)
        if isinstance(node, ast.Name):
            if node.id in self.kinds:
                return self.kinds[node.id]
            known = self.namespace.get(node.id)
            if isinstance(known, (int, float)) and not isinstance(known, bool):
                return ("const", known)
            raise _refuse(f"the name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            kind, code = self.value(node.operand)
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            if kind == "const":
                return ("const", -code if sign == "-" else code)
            return (kind, f"({sign}{code})")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(self.value(node.left), self.value(node.right))
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            symbol, fold = _OPS[type(node.op)]
            left, right = self.value(node.left), self.value(node.right)
            if left[0] == right[0] == "const":
                try:
                    return ("const", fold(left[1], right[1]))
                except (ArithmeticError, ValueError):
                    raise _refuse(ast.unparse(node)) from None
            kind = "array" if "array" in (left[0], right[0]) else "scalar"
            return (kind, f"({self.code(left)} {symbol} {self.code(right)})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords \
                and len(node.args) == 1:
            return self.call(node.func.id, self.value(node.args[0]))
        raise _refuse(f"the expression {ast.unparse(node)!r}")

    def power(self, base, exp):
        if base[0] == exp[0] == "const":
            try:
                return ("const", base[1] ** exp[1])
            except (ArithmeticError, ValueError):
                raise _refuse(f"the power {base[1]!r}**{exp[1]!r}") from None
        if "array" not in (base[0], exp[0]):  # numpy scalar math: libm's pow
            return ("scalar", f"call_pow(ptrs[POW], {self.code(base)}, {self.code(exp)})")
        if base[0] == "array" and exp[0] == "const" and exp[1] == 2 and isinstance(exp[1], int):
            row = base[1] if self.fused else self.buffer(base)
            return ("array", f"({row} * {row})")  # numpy's square
        return self.loop("power", [base, exp])

    def call(self, name: str, arg):
        function = self.namespace.get(name)
        if name in _INLINE and (function is None or function in (np.sqrt, np.absolute, abs)):
            if arg[0] == "const":
                raise _refuse(f"{name} of the constant {arg[1]!r}")
            return (arg[0], _INLINE[name].format(self.code(arg)))
        if not isinstance(function, np.ufunc) or function.nin != 1 or function.nout != 1:
            raise _refuse(f"the function {name!r}")
        if arg[0] == "const":  # numpy would take the Python number as int64 or float64
            raise _refuse(f"{name} of the constant {arg[1]!r}")
        twin = self.twins.get(function.__name__)
        if twin is not None and arg[0] == "array":
            return self.twin(twin, arg)
        return self.loop(function.__name__, [arg])

    def twin(self, twin, arg) -> tuple[str, str]:
        """A function of a row by its twin (``analytic_sgd.numeric.loop_twins``): a numba
        function of one value, or an 8-lane function called as numpy's loop calls it (8
        rows at a time, the lanes past the batch set to ``twin.pad``)."""
        if twin.scalar:
            value = ("array", f"{twin.scalar}({self.code(arg)})")
            if not self.fused:
                return ("array", self.buffer(value))
            name = f"u_{len(self.row_locals)}"  # computed once per row in the sum loop
            self.row_locals[name] = value[1]
            return ("array", name)
        row = self.expand(arg)  # the argument at row i (computed in the lanes, not stored)
        if twin.vector not in self.vectors:
            self.vectors.append(twin.vector)
        out = self.buffers
        self.buffers += 1
        pad, lanes = f"DT({float(twin.pad)!r})", range(8)
        self.lines += ["    for c8 in range(0, nb, 8):", "        n8 = min(8, nb - c8)"]
        self.lines += [f"        v{j} = {_ROW.sub(f'(c8 + {j})', row)} if {j} < n8 else {pad}"
                       for j in lanes]
        self.lines.append(f"        {', '.join(f'e{j}' for j in lanes)} = call_vec8("
                          f"ptrs[VEC + {self.vectors.index(twin.vector)}], "
                          f"{', '.join(f'v{j}' for j in lanes)})")
        for j in lanes:
            self.lines += [f"        if {j} < n8:", f"            buf[{out} * m + c8 + {j}] = e{j}"]
        return ("array", f"buf[{out} * m + i]")

    # -- statements -------------------------------------------------------------------
    def assign(self, name: str, node: ast.AST) -> None:
        value = self.value(node)
        if value[0] == "array" and not (self.fused and len(value[1]) < FUSED_CHARS):
            value = ("array", self.buffer(value))
        elif value[0] == "scalar":
            local = f"s_{name}"
            self.lines.append(f"    {local} = {value[1]}")
            value = ("scalar", local)
        self.kinds[name] = value

    def reduce(self, terms: list, reduction: str) -> None:
        """``r_k``: each term reduced as ``np.mean``/``np.sum`` reduces it. Fused (fewer than
        8 rows): one loop adds every term row by row, as numpy's pairwise sum does below 8
        rows; else each term in a buffer, summed pairwise."""
        totals = {}
        for k, term in enumerate(terms):
            if term[0] != "array":
                continue
            self.lines.append(f"    t_{k} = DT(0)")
            if self.fused:
                totals[k] = term[1]
            else:
                row = self.buffer(term)[4:].split(" * m")[0]
                self.lines.append(f"    t_{k} = pairwise_sum(buf, {row} * m, nb, DT(0))")
        if totals:
            self.lines.append("    for i in range(nb):")
            self.lines += [f"        {name} = {code}" for name, code in self.row_locals.items()]
            self.lines += [f"        t_{k} += {code}" for k, code in totals.items()]
        for k, term in enumerate(terms):
            if term[0] == "array" and reduction == "sum":
                value = f"t_{k}"
            elif term[0] == "array" and self.fused:  # nb < 8: one division in the dtype, the
                value = f"(t_{k} / DT(nb))"  # bits of float64's rounded (53 >= 2 * 24 + 2)
            elif term[0] == "array":
                value = f"DT(np.float64(t_{k}) / np.float64(nb))"
            else:
                value = self.code(term)
                value = value if reduction == "mean" else f"({value} * DT(np.float64(nb)))"
            self.lines.append(f"    r_{k} = DT({value})")

    def function(self, function, names: dict[str, tuple[str, object]]) -> list:
        """Emit the body of a printed function; its returned expressions as values."""
        tree = ast.parse(inspect.getsource(function).strip())
        body = tree.body[0]
        if not isinstance(body, ast.FunctionDef):
            raise _refuse("the printed kernels")
        arguments = [a.arg for a in body.args.args]
        if len(arguments) != len(names):
            raise _refuse("the printed kernels' arguments")
        self.kinds.update(zip(arguments, names.values()))
        for statement in body.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                    statement.targets[0], ast.Name):
                self.assign(statement.targets[0].id, statement.value)
            elif isinstance(statement, ast.Return) and statement.value is not None:
                returned = statement.value
                items = returned.elts if isinstance(returned, (ast.List, ast.Tuple)) else [returned]
                return [self.value(item) for item in items]
            else:
                raise _refuse(f"the statement {ast.unparse(statement)!r}")
        raise _refuse("a printed function without a return")


def batch_source(kernels: Kernels, twins: Mapping[str, Any] | None = None) -> BatchSource:
    """The numba source of ``kernels``' batch loss and gradient (float arithmetic only).

    ``twins``: ufunc name -> its twin (``analytic_sgd.numeric.loop_twins.Twin``), computed
    by the twin instead of numpy's loop. Raises OptionError when the kernels use
    something it cannot reproduce bit for bit."""
    arithmetic = kernels.arithmetic
    if arithmetic.exact:
        raise OptionError("the compiled engine runs float arithmetic; exact runs use the "
                          "elementwise engine")
    reduction = _REDUCTIONS.get(kernels.reduction.numpy)
    if reduction is None:
        raise _refuse(f"the reduction {kernels.reduction!r}")
    dtype = np.dtype(arithmetic.dtype)
    params = {p: ("scalar", f"p_{p}") for p in kernels.params}
    names = {**params, **{x: ("array", f"xb[a + i, {j}]") for j, x in enumerate(kernels.inputs)},
             "__y": ("array", "yb[a + i]")}
    loops: list = []
    vectors: list = []
    paths = []
    for fused in (True, False):  # below 8 rows, and from 8 rows on
        emit = _Emitter(kernels.per_sample.__globals__, dtype, loops, fused=fused, twins=twins,
                        vectors=vectors)
        terms = emit.function(kernels.per_sample, names)
        if len(terms) != len(kernels.params) + 1:
            raise _refuse("the printed kernels' terms")
        emit.reduce(terms, reduction)
        paths.append(emit)
    tail = _Emitter(kernels.per_sample.__globals__, dtype, loops, fused=False)
    tail.lines.append(f"    s_f = DT({float(kernels.scale)!r}) * r_0")
    outer_grad = tail.function(kernels.outer_grad, {"f": ("scalar", "s_f")})[0]
    tail.lines.append(f"    og = DT({tail.code(outer_grad)})")
    for j, c in enumerate(kernels.coeffs):
        tail.lines.append(f"    grad_{j} = og * (DT({float(c)!r}) * r_{j + 1})")
    tail.kinds = {}
    outer = tail.function(kernels.outer, {"f": ("scalar", "s_f")})[0]
    grads = "".join(f", grad_{j}" for j in range(len(kernels.coeffs)))
    tail.lines.append(f"    return DT({tail.code(outer)}){grads}")
    args = "".join(f"p_{p}, " for p in kernels.params)
    texts = []
    for name in ("batch", "batch_small"):
        head = ['@njit(cache=True, nogil=True, error_model="numpy", inline="always")',
                f"def {name}({args}xb, yb, a, nb, m, buf, sc, cw, ptrs):",
                "    base = buf.ctypes.data", "    scb = sc.ctypes.data", "    cwb = cw.ctypes.data"]
        if name == "batch":
            body = ["    if nb < 8:", *("    " + line for line in paths[0].lines), "    else:",
                    *("    " + line for line in paths[1].lines)]
        else:  # batches of fewer than 8 rows only
            body = paths[0].lines
        texts.append("\n".join(head + body + tail.lines) + "\n")
    text = "\n\n".join(texts)
    emitters = [*paths, tail]
    return BatchSource(text, tuple(loops), max(e.buffers for e in emitters),
                       max(1, *(e.scalars for e in emitters)), max(e.calls for e in emitters),
                       tuple(vectors))
