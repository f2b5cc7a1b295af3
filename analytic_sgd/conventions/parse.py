"""Read a user's model text, such as ``"w*exp(k*x)"``, into a sympy expression, safely.

How it works
------------
:func:`ast.parse` reads the text and the tree is walked against a whitelist; the sympy
tree is built here, node by node. Nothing in the text is ever run: no ``eval``,
``exec``, ``sympify`` or ``parse_expr`` sees it.

What a model may contain
------------------------
Numbers (``3``, ``1e-3``, ``0.1`` read exactly as 1/10), the declared input and
parameter names, ``+ - * / **``, unary ``-`` and ``+``, parentheses, and calls with one
argument to the functions in :data:`FUNCTIONS`.

Limits
------
The text: at most MAX_LENGTH characters of printable ASCII, brackets and operators nested
at most MAX_DEPTH deep (a long sum or product counts once). Numbers: literals of at most
MAX_DIGITS digits, constant exponents between -MAX_EXPONENT and MAX_EXPONENT, every
constant a finite real number in floating point, roots only of numbers of at most
MAX_DIGITS digits, and powers of numbers of about 6,000 digits in all. Work: at most
MAX_FUNCTIONS function calls and non-integer powers, nested at most MAX_FUNCTION_DEPTH
deep, and a power of a sum that expands to at most 200 terms, because sympy's automatic
simplification of such trees grows fast (these bound its work; they cannot make every
accepted model cheap for sympy). Anything else raises
:class:`~analytic_sgd.errors.ModelError`, quoting the text and giving the column.

Examples
--------
>>> parse_expression("w*exp(k*x)", inputs=["x"], params=["w", "k"])
w*exp(k*x)
>>> parse_expression("0.1*x + b", ["x"], ["b"])
b + x/10
>>> validate_names("w, b", inputs=["x"])
('w', 'b')
>>> parse_expression("w*x.real", ["x"], ["w"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analytic_sgd.errors.ModelError: model text 'w*x.real': attribute access is not allowed, ... (column 3); ...
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import operator
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

import sympy

from ..errors import ModelError, OptionError

__all__ = ["FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH", "MAX_EXPONENT", "MAX_DIGITS", "MAX_FUNCTIONS",
           "MAX_FUNCTION_DEPTH", "RESERVED", "Grammar", "MODEL", "LEARNING_RATE",
           "validate_names", "parse_expression"]

FUNCTIONS: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] = MappingProxyType({
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "abs": sympy.Abs,
})
_FLOAT = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
          "tan": math.tan, "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh, "abs": abs}
MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT, MAX_DIGITS = 1000, 50, 100, 30
MAX_FUNCTIONS, MAX_FUNCTION_DEPTH = 25, 5
_MAX_BITS, _ROOT_BITS = 20_000, 100  # bits of all powers of numbers; of a number under a root
_MAX_TERMS = 200  # terms of an expanded power of a sum
RESERVED = {"y": "the target", "n": "the sample count", "i": "the sample index", "l": "the loss"}
_WHAT = {ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
         ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.Dict: "a dict",
         ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator", ast.Set: "a set",
         ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'", ast.List: "a list",
         ast.IfExp: "a conditional expression", ast.NamedExpr: "an assignment ':='",
         ast.Starred: "unpacking with '*'", ast.JoinedStr: "an f-string",
         ast.Tuple: "a tuple (a comma)", ast.Mod: "'%'", ast.FloorDiv: "'//'", ast.MatMult: "'@'",
         ast.BitXor: "'^' (a power is written **)", ast.BitOr: "'|'", ast.BitAnd: "'&'",
         ast.LShift: "'<<'", ast.RShift: "'>>'", ast.Invert: "'~'", ast.Not: "'not'"}
_APPLY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv}
_Value = tuple[sympy.Expr, "float | None"]  # the sympy value, and its float if it is a constant


@dataclass(frozen=True)
class Grammar:
    """What a text may contain and how its errors read: the ``subject`` named in messages,
    the ``functions`` (sympy, and their float twins), ``reserved`` names, what to say about
    an unknown name (and, with ``declared``, the names it knows), and how an error is made
    from its message."""

    subject: str
    functions: Mapping[str, Callable]
    floats: Mapping[str, Callable]
    reserved: Mapping[str, str]
    unknown: str
    error: Callable[[str, str], Exception]
    example: str
    declared: str | None = None  # how an unknown name's message lists the known ones

    @property
    def hint(self) -> str:
        return ("write the expression with numbers, declared names, + - * / ** and the "
                "functions " + ", ".join(self.functions))


def _model_error(text: str, message: str) -> Exception:
    return ModelError(f"model text {_quote(text)}: {message}")


def _lr_error(text: str, message: str) -> Exception:
    return OptionError.about("lr", text, message)


MODEL = Grammar("model text", FUNCTIONS, MappingProxyType(_FLOAT), MappingProxyType(RESERVED),
                "to make {name!r} a parameter, add it with --params", _model_error, "'w*x + b'",
                "declared inputs and parameters")
LEARNING_RATE = Grammar(
    "lr expression", MappingProxyType({**FUNCTIONS, "floor": sympy.floor}),
    MappingProxyType({**_FLOAT, "floor": math.floor}), MappingProxyType({}),
    "the learning rate is a number or an expression in t (the step, from 0) and epoch "
    "(the epoch, from 0)", _lr_error, "'0.01' or '5/(t+50)'")


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _error(text: str, what: str, column: int | None = None, hint: bool | str = False,
           grammar: Grammar = MODEL) -> Exception:
    """The grammar's error: ``what (column c)``, then the grammar's hint (``hint=True``) or
    the text ``hint``."""
    where = "" if column is None else f" (column {column})"
    tail = f"; {grammar.hint}" if hint is True else f"; {hint}" if hint else ""
    return grammar.error(text, f"{what}{where}{tail}")


def _bits(number: sympy.Expr) -> int:
    return max(number.p.bit_length(), number.q.bit_length()) if number.is_Rational else 1


def _terms(expr: sympy.Expr) -> int:
    """An upper bound on the number of terms of ``expand(expr)``, capped above _MAX_TERMS."""
    if expr.is_Add:
        total = sum(_terms(arg) for arg in expr.args)
    elif expr.is_Mul:
        total = math.prod(_terms(arg) for arg in expr.args)
    elif expr.is_Pow and expr.exp.is_Integer and (count := _terms(expr.base)) > 1:
        total = math.comb(count + abs(int(expr.exp)) - 1, abs(int(expr.exp)))
    else:
        return 1
    return min(total, _MAX_TERMS + 1)


def _name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name.isascii() or not name.isidentifier():
        return "it is not a plain name (ASCII letters, digits and _, not starting with a digit)"
    if keyword.iskeyword(name):
        return "it is a Python keyword"
    if name.startswith("_"):
        return "names starting with '_' are reserved"
    if name in RESERVED:
        return f"it is reserved for {RESERVED[name]}"
    return "it is the name of a function" if name in FUNCTIONS else None


def validate_names(params: str | Sequence[str], inputs: Sequence[str]) -> tuple[str, ...]:
    """Return the parameter names, checked: ``"w b"``, ``"w, b"`` or ``["w", "b"]``.

    Each must be a distinct plain identifier, not an input, a reserved letter
    (y n i l), a function name, a keyword or a name starting with '_'.
    """
    if not isinstance(params, (str, list, tuple)):
        raise ModelError(f"parameters must be names such as \"w b\", \"w, b\" or [\"w\", "
                         f"\"b\"], got {params!r:.60}")
    names = tuple(params.replace(",", " ").split() if isinstance(params, str) else params)
    if not names:
        raise ModelError('no parameters given: name them with --params, e.g. --params "w b"')
    for index, name in enumerate(names):
        problem = _name_problem(name) or ("it is an input" if name in inputs else None)
        if problem:
            raise ModelError(f"parameter name {name!r} cannot be used: {problem}")
        if name in names[:index]:
            raise ModelError(f"parameter {name!r} is listed twice in {' '.join(names)!r}; "
                             "list each once")
    return names


def parse_expression(text: str, inputs: Sequence[str], params: Sequence[str], *,
                     grammar: Grammar = MODEL) -> sympy.Expr:
    """Return the sympy expression that ``text`` writes, with ``Symbol(name, real=True)``.

    Raises ModelError (the grammar's error: OptionError naming ``lr`` for an lr expression),
    quoting the text and naming the column, for anything else.
    """
    names, seen = (*inputs, *params), set()
    for name in names:
        problem = _name_problem(name) or ("it is declared twice" if name in seen else None)
        if problem:
            raise ModelError(f"name {name!r} cannot be used in a model: {problem}")
        seen.add(name)
    if not isinstance(text, str):
        raise grammar.error(str(text)[:40], f"{grammar.subject} must be a string, not "
                            f"{type(text).__name__}")
    text = text.strip()
    if not text:
        raise grammar.error(text, f"the {grammar.subject} is empty; write an expression such as "
                            f"{grammar.example}")
    if len(text) > MAX_LENGTH:
        raise _error(text, f"it is {len(text)} characters long, more than {MAX_LENGTH}",
                     grammar=grammar)
    depth = 0
    for column, char in enumerate(text, 1):
        if not " " <= char <= "~":
            raise _error(text, f"character {char!r} is not allowed; use ASCII on one line", column,
                     grammar=grammar)
        depth += (char in "([{") - (char in ")]}")
        if depth > MAX_DEPTH:
            raise _error(text, f"brackets are nested more than {MAX_DEPTH} deep", column,
                     grammar=grammar)
    try:
        with warnings.catch_warnings():  # Python's warnings on the text ("1if") as errors,
            warnings.simplefilter("error", SyntaxWarning)  # not lines on stderr
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise _error(text, f"not a valid expression: {exc.msg}", exc.offset,
                     grammar=grammar) from None
    except (RecursionError, MemoryError, ValueError):
        raise _error(text, "too complex to read", grammar=grammar) from None
    try:
        expr, _ = _Builder(text, names, grammar).build(tree.body, 1)
    except RecursionError:
        raise _error(text, "too complex to read", grammar=grammar) from None
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        raise _error(text, "it is undefined or not real for every value of its names",
                     grammar=grammar)
    return expr


class _Builder:
    """Builds the sympy value of each whitelisted node, with a float for constants."""

    def __init__(self, text: str, names: Sequence[str], grammar: Grammar = MODEL) -> None:
        self.text, self.symbols = text, {name: sympy.Symbol(name, real=True) for name in names}
        self.bits, self.calls, self.nesting = _MAX_BITS, 0, 0
        self.grammar = grammar

    def fail(self, node: ast.AST, what: str, hint: bool | str = False) -> Exception:
        return _error(self.text, what, node.col_offset + 1, hint, self.grammar)

    def frag(self, node: ast.AST) -> str:
        part = ast.get_source_segment(self.text, node) or ""
        return repr(part if len(part) <= 40 else part[:37] + "...")

    def const(self, node: ast.AST, value: sympy.Expr, compute: Callable | None) -> _Value:
        """``value`` and its float, from ``compute`` or else sympy; None if it is not constant.

        A constant, or the numeric factor of a non-constant, must be a finite real float.
        """
        symbolic = compute is None and bool(value.free_symbols)
        try:
            approx = float(compute() if compute else value.as_coeff_Mul()[0] if symbolic else value)
        except ZeroDivisionError:
            raise self.fail(node, f"{self.frag(node)} divides by zero") from None
        except (ArithmeticError, ValueError, TypeError):
            approx = math.nan
        if not math.isfinite(approx):
            what = "numeric factor is too large" if symbolic else (
                "value is too large, undefined or not a real number")
            raise self.fail(node, f"the {what} in {self.frag(node)}")
        return value, None if symbolic else approx

    def build(self, node: ast.AST, depth: int) -> _Value:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the expression is nested more than {MAX_DEPTH} deep")
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value, approx = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return value, approx
            return -value, None if approx is None else -approx
        if isinstance(node, ast.BinOp) and type(node.op) in _APPLY:
            return self.chain(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = self.build(node.right, depth + 1)
            counted = not exponent[0].is_Integer
            if counted:
                self.enter(node)
            base = self.build(node.left, depth + 1)
            self.nesting -= counted
            return self.power(node, base, exponent, node.right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        kind = type(node.op) if isinstance(node, (ast.BinOp, ast.UnaryOp)) else type(node)
        what = _WHAT.get(kind, f"'{kind.__name__}'")
        raise self.fail(node, f"{what} is not allowed, in {self.frag(node)}", hint=True)

    def number(self, node: ast.Constant) -> _Value:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a string" if isinstance(value, (str, bytes)) else repr(value)
            raise self.fail(node, f"{kind} is not allowed, in {self.frag(node)}", hint=True)
        if isinstance(value, int):
            exact, digits = sympy.Integer(value), len(str(abs(value)))
        else:  # the decimal text, read exactly: 0.1 is 1/10
            decimal = Decimal((ast.get_source_segment(self.text, node) or "").replace("_", ""))
            exact = sympy.Rational(*decimal.as_integer_ratio())
            digits = len("".join(map(str, decimal.as_tuple().digits)).strip("0"))
            if value == 0 and exact != 0:
                raise self.fail(node, f"the number {self.frag(node)} is too small")
        if digits > MAX_DIGITS:
            raise self.fail(node, f"the number {self.frag(node)} has more than {MAX_DIGITS} digits")
        return self.const(node, exact, lambda: value)

    def name(self, node: ast.Name) -> _Value:
        if node.id in self.symbols:
            return self.symbols[node.id], None
        g = self.grammar
        if node.id in g.reserved:
            what = f"{node.id!r} is reserved for {g.reserved[node.id]} and cannot appear in a model"
        elif node.id in g.functions:
            what = f"{node.id!r} is a function: call it as {node.id}(...)"
        elif node.id.startswith("_"):
            what = f"names starting with '_' such as {node.id!r} are not allowed"
        elif g.declared:
            known = ", ".join(self.symbols) or "none"
            what = (f"unknown name {node.id!r}; {g.declared}: {known}; "
                    + g.unknown.format(name=node.id))
        else:
            raise self.fail(node, f"unknown name {node.id!r}", g.unknown)
        raise self.fail(node, what)

    def chain(self, top: ast.BinOp, depth: int) -> _Value:
        """A sum or a product, walked along its left spine so that it counts as one level."""
        node, parts, add = top, [], isinstance(top.op, (ast.Add, ast.Sub))
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub) if add
                                                         else (ast.Mult, ast.Div)):
            parts.append((type(node.op), node.right))
            node = node.left
        first, approx = self.build(node, depth + 1)
        terms, steps = [first], []
        for kind, right in reversed(parts):
            value, part = self.build(right, depth + 1)
            if kind is ast.Div and value == 0:
                raise self.fail(right, f"division by zero: {self.frag(right)} is 0")
            terms.append(-value if kind is ast.Sub else 1 / value if kind is ast.Div else value)
            steps.append((_APPLY[kind], part))
        value = sympy.Add(*terms) if add else functools.reduce(operator.mul, terms)  # as Python
        if approx is None or any(part is None for _, part in steps):
            return self.const(top, value, None)

        def compute() -> float:
            total = approx
            for apply, part in steps:
                total = apply(total, part)
            return total

        return self.const(top, value, compute)

    def enter(self, node: ast.AST) -> None:
        """Count a function call or non-integer power: sympy's work on them grows fast."""
        self.calls, self.nesting = self.calls + 1, self.nesting + 1
        if self.calls > MAX_FUNCTIONS:
            raise self.fail(node, f"{self.frag(node)} is function call or non-integer power "
                            f"number {self.calls}: at most {MAX_FUNCTIONS} are allowed")
        if self.nesting > MAX_FUNCTION_DEPTH:
            raise self.fail(node, f"functions and non-integer powers are nested more than "
                            f"{MAX_FUNCTION_DEPTH} deep at {self.frag(node)}")

    def power(self, node: ast.AST, base_value: _Value, exp_value: _Value, right: ast.AST) -> _Value:
        """``base ** exponent``, refused where sympy would compute huge exact numbers."""
        (base, b), (exponent, e) = base_value, exp_value
        if e is not None and abs(e) > MAX_EXPONENT:
            raise self.fail(right, f"the exponent {self.frag(right)} is {e:.6g}, outside "
                            f"-{MAX_EXPONENT}..{MAX_EXPONENT}")
        if e is not None and exponent.is_Rational:  # sympy multiplies out exact numbers: bound it
            for factor in sympy.Mul.make_args(base):
                inner, power = factor.as_base_exp()
                if inner.is_Rational and power.is_Rational:
                    self.bits -= (_bits(inner) - 1) * abs(power * exponent)
                elif power.is_Rational and abs(power * exponent) > MAX_EXPONENT:
                    raise self.fail(node, f"{self.frag(node)} makes the exponent "
                                    f"{power * exponent}, outside -{MAX_EXPONENT}..{MAX_EXPONENT}")
            bits = _bits(base.as_coeff_Mul()[0])
            if bits > _ROOT_BITS and not exponent.is_Integer:
                raise self.fail(node, f"{self.frag(node)} takes a root of a number of about "
                                f"{bits * 3 // 10 + 1} digits: at most {MAX_DIGITS} are allowed")
            if self.bits < 0:
                raise self.fail(node, f"{self.frag(node)}: powers of numbers in the model make "
                                "numbers of over 6,000 digits")
        value = sympy.Pow(base, exponent)
        if _terms(value) > _MAX_TERMS:
            raise self.fail(node, f"{self.frag(node)} expands to over {_MAX_TERMS} terms")
        return self.const(node, value, None if b is None or e is None else lambda: math.pow(b, e))

    def call(self, node: ast.Call, depth: int) -> _Value:
        func = node.func
        functions = self.grammar.functions
        if not isinstance(func, ast.Name) or func.id not in functions:
            if isinstance(func, ast.Name) and func.id in self.symbols:
                what = f"{func.id!r} is not a function: write {func.id}*(...) to multiply"
            elif isinstance(func, ast.Name):
                what = f"unknown function {func.id!r}"
            else:
                what = f"calling {self.frag(func)} is not allowed"
            raise self.fail(node, what, hint=True)
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise self.fail(node, f"{func.id}() takes one argument, without keywords or '*', "
                            f"not {self.frag(node)}")
        self.enter(node)
        arg, approx = self.build(node.args[0], depth + 1)
        self.nesting -= 1
        if func.id == "sqrt":
            return self.power(node, (arg, approx), (sympy.Rational(1, 2), 0.5), node)
        value = functions[func.id](arg)
        floats = self.grammar.floats
        return self.const(node, value, None if approx is None else lambda: floats[func.id](approx))
