"""Tests of analytic_sgd.conventions.parse: good models parse to the expected sympy trees, and hostile
text is refused with a ModelError that says where, quickly, without running anything."""

from __future__ import annotations

import ast
import builtins
import os
import subprocess
import sys
import time
import warnings

import pytest
import sympy
import sympy.core.singleton
import sympy.parsing.sympy_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic_sgd.conventions.parse import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    parse_expression,
    validate_names,
)
from analytic_sgd.errors import ModelError

R = sympy.Rational
x, w, k, a, b, c, x1, x2, a1, a2 = (
    sympy.Symbol(name, real=True) for name in "x w k a b c x1 x2 a1 a2".split()
)
PARAMS = ["w", "k", "a", "b", "c"]


def parse(text: str, inputs=("x",), params=PARAMS) -> sympy.Expr:
    return parse_expression(text, list(inputs), list(params))


# --- good models -------------------------------------------------------------------------

GOOD = [
    ("w*exp(k*x)", w * sympy.exp(k * x)),
    ("a*x**2 + b*x + c", a * x**2 + b * x + c),
    ("0.1*x", R(1, 10) * x),
    ("2.5e-3*x + 1_000", R(1, 400) * x + 1000),
    (".5*x - 1.", x / 2 - 1),
    ("-x", -x),
    ("--x", x),
    ("+w - -x", w + x),
    ("x/w", x / w),
    ("(w*x + b)/(1 + x**2)", (w * x + b) / (1 + x**2)),
    ("1/(1 + exp(-(w*x + b)))", 1 / (1 + sympy.exp(-(w * x + b)))),
    ("sqrt(x)", sympy.sqrt(x)),
    ("x**0.5", sympy.sqrt(x)),
    ("x**-2 + 2**x + x**w", x**-2 + 2**x + x**w),
    ("x**(2*3)", x**6),
    ("log(1 + exp(w*x + b))", sympy.log(1 + sympy.exp(w * x + b))),
    ("tanh(w*tanh(k*x + b) + c)", sympy.tanh(w * sympy.tanh(k * x + b) + c)),
    ("sin(x)*cos(w) + tan(x)/sinh(w) - cosh(x)",
     sympy.sin(x) * sympy.cos(w) + sympy.tan(x) / sympy.sinh(w) - sympy.cosh(x)),
    ("abs(x - w)", sympy.Abs(x - w)),
    ("  w * x  ", w * x),
    ("(((w)))*x", w * x),
    ("2**0.5*x", sympy.sqrt(2) * x),
    ("x**100 + x**-100", x**100 + x**-100),
    ("w*x # a comment", w * x),
    ("x" + "+x" * 200, 201 * x),  # a long sum is one level, not 200
]


@pytest.mark.parametrize(("text", "expected"), GOOD, ids=[t for t, _ in GOOD])
def test_good_models_parse_to_the_expected_tree(text, expected):
    expr = parse(text)
    assert expr == expected
    assert all(s.is_real for s in expr.free_symbols)


@pytest.mark.parametrize("text", [
    "tanh(" * 5 + "x" + ")" * 5,
    "+".join(f"exp({i}*x)" for i in range(1, 26)),
    "(x + w)**100",
    "x**-100 + 2**-100 + 10**100*x",
    "(" * 50 + "x" + ")" * 50,
    "-" * 48 + "x",
])
def test_text_at_the_limits_is_accepted(text):
    assert isinstance(parse(text), sympy.Expr)


def test_two_inputs():
    expr = parse_expression("x1*a1 + x2*a2", ["x1", "x2"], ["a1", "a2"])
    assert expr == x1 * a1 + x2 * a2


def test_symbols_are_real_symbols_as_elsewhere():
    expr = parse("w*x")
    assert expr.free_symbols == {sympy.Symbol("w", real=True), sympy.Symbol("x", real=True)}
    assert sympy.Symbol("w") not in expr.free_symbols


def test_decimals_are_read_exactly():
    assert parse("0.1 + 0.2") == R(3, 10)
    assert parse("1e-3*x") == x / 1000
    assert parse("123456789.123456789*x") == R(123456789123456789, 10**9) * x


def test_functions_and_limits():
    assert set(FUNCTIONS) == {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sinh",
                              "cosh", "abs"}
    assert FUNCTIONS["abs"] is sympy.Abs and FUNCTIONS["exp"] is sympy.exp
    assert (MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT) == (1000, 50, 100)
    with pytest.raises(TypeError):
        FUNCTIONS["eval"] = eval  # read-only


# --- hostile text ------------------------------------------------------------------------

HOSTILE = [
    # (text, a fragment the message must contain); {canary} is a file that must not appear
    ("x.__class__", "attribute access is not allowed, in 'x.__class__' (column 1)"),
    ("w.real", "attribute access"),
    ("w*x.real", "(column 3)"),
    ("().__class__.__bases__[0].__subclasses__()", "calling"),
    ("__import__('os').system('touch {canary}')", "calling"),
    ("__import__('os')", "unknown function '__import__'"),
    ("__builtins__", "names starting with '_'"),
    ("x*__import__", "names starting with '_'"),
    ("lambda: x", "a lambda"),
    ("(lambda: x)()", "calling"),
    ("[x for x in w]", "comprehension"),
    ("{x for x in w}", "comprehension"),
    ("{x: w for x in w}", "comprehension"),
    ("(x for x in w)", "generator"),
    ("x[0]", "indexing is not allowed, in 'x[0]'"),
    ("'abc'", "a string"),
    ("b'abc'", "a string"),
    ("f'{x}'", "f-string"),
    ("open('{canary}', 'w')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("exec('import os')", "unknown function 'exec'"),
    ("getattr(x, 'real')", "unknown function 'getattr'"),
    ("canary(x)", "unknown function 'canary'"),
    ("globals()", "unknown function 'globals'"),
    ("exp(x=1)", "takes one argument"),
    ("exp(x, w)", "takes one argument"),
    ("exp(*x)", "takes one argument"),
    ("exp(**w)", "takes one argument"),
    ("w(x)", "'w' is not a function"),
    ("exp", "'exp' is a function"),
    ("9**9**9", "the exponent '9**9' is 3.8742e+08, outside -100..100 (column 4)"),
    ("2**1000", "the exponent '1000'"),
    ("x**101", "outside -100..100"),
    ("x**-101", "outside -100..100"),
    ("x**(x - x + 1000)", "the exponent"),
    ("((9**99)**99)**99", "over 6,000 digits"),
    ("(x**100)**100", "makes the exponent 10000"),
    ("(x + w + k)**100", "expands to over"),
    ("sqrt(" + "*".join(["999999999999999999999999999999"] * 4) + ")", "root"),
    ("1" * 31, "more than 30 digits"),
    ("x*0." + "1" * 40, "more than 30 digits"),
    ("1e400*x", "too large"),
    ("1e-400*x", "too small"),
    ("1e300*1e300*x", "numeric factor is too large"),
    ("exp(1000)", "too large"),
    ("exp(exp(exp(100)))", "too large"),
    ("1/0", "division by zero"),
    ("x/(w - w)", "division by zero: 'w - w' is 0 (column 4)"),
    ("(x - x)**-1", "undefined"),
    ("log(0)", "undefined"),
    ("sqrt(-1)", "not a real number"),
    ("(-8)**(1/3)", "not a real number"),
    ("1j*x", "1j"),
    ("True*x", "True"),
    ("None", "None"),
    ("...", "Ellipsis"),
    ("x" + "+x" * 50_000, "characters long, more than 1000"),
    ("(" * 10_000 + "x" + ")" * 10_000, "characters long"),
    ("(" * 60 + "x" + ")" * 60, "brackets are nested more than 50 deep (column 51)"),
    ("-" * 10_000 + "x", "characters long"),
    ("-" * 999 + "x", "nested more than 50 deep"),
    ("2**" * 300 + "2", "nested more than 50 deep"),
    ("tanh(" * 6 + "x" + ")" * 6, "nested more than 5 deep"),
    ("+".join(f"exp({i}*x)" for i in range(1, 30)), "at most 25"),
    ("x < w", "a comparison"),
    ("x == w", "a comparison"),
    ("x and w", "'and'/'or'"),
    ("x or w", "'and'/'or'"),
    ("not x", "'not'"),
    ("x if w else 0", "a conditional expression"),
    ("(x := 1)", "an assignment"),
    ("x, w", "a tuple"),
    ("[x, w]", "a list"),
    ("{x, w}", "a set"),
    ("{x: w}", "a dict"),
    ("*x", "not a valid expression"),
    ("x % 2", "'%'"),
    ("x // 2", "'//'"),
    ("x @ w", "'@'"),
    ("x ^ 2", "a power is written **"),
    ("x | w", "'|'"),
    ("x << 1", "'<<'"),
    ("~x", "'~'"),
    ("y*w", "'y' is reserved for the target"),
    ("n*x", "reserved for the sample count"),
    ("z*w", "unknown name 'z'; declared inputs and parameters: x, w, k, a, b, c; "
            "to make 'z' a parameter, add it with --params (column 1)"),
    ("", "empty"),
    ("   ", "empty"),
    ("w*(x", "not a valid expression: '(' was never closed (column 3)"),
    ("w x", "not a valid expression"),
    ("x\n+ w", "character '\\n' is not allowed"),
    ("\u00e9*x", "character '\u00e9' is not allowed"),
    ("x\x00", "character '\\x00' is not allowed"),
]


@pytest.fixture
def tripwires(monkeypatch, tmp_path):
    """Make every way of running text fail loudly and record it; yield the canary path."""
    called: list[str] = []

    def trap(name):
        def tripped(*args, **kwargs):
            called.append(name)
            raise AssertionError(f"{name} was called")
        return tripped

    real_compile, real_sympify, real_import = builtins.compile, sympy.sympify, builtins.__import__

    def compile_ast_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            trap("compile")()
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def sympify_non_strings(arg, *args, **kwargs):
        if isinstance(arg, str):
            trap("sympify")()
        return real_sympify(arg, *args, **kwargs)

    def guarded_import(name, *args, **kwargs):
        if name.split(".")[0] in {"os", "subprocess", "shutil", "socket", "ctypes", "pty"}:
            called.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    for target, name in [(builtins, "eval"), (builtins, "exec"), (builtins, "open"),
                         (builtins, "breakpoint"), (os, "system"), (os, "popen"),
                         (subprocess, "Popen"), (sympy, "parse_expr"),
                         (sympy.parsing.sympy_parser, "parse_expr")]:
        monkeypatch.setattr(target, name, trap(name), raising=False)
    monkeypatch.setattr(builtins, "compile", compile_ast_only)
    monkeypatch.setattr(builtins, "canary", trap("canary"), raising=False)
    monkeypatch.setattr(builtins, "__import__", guarded_import)
    monkeypatch.setattr(sympy, "sympify", sympify_non_strings)
    monkeypatch.setattr(sys.modules["sympy.core.sympify"], "sympify", sympify_non_strings)
    monkeypatch.setattr(sympy.core.singleton.SingletonRegistry, "__call__",
                        staticmethod(sympify_non_strings))
    canary = tmp_path / "pwned"
    yield called, canary
    assert called == [], f"something ran: {called}"
    assert not canary.exists()


@pytest.mark.parametrize(("text", "fragment"), HOSTILE,
                         ids=[repr(t[:30]) + f"-{i}" for i, (t, _) in enumerate(HOSTILE)])
def test_hostile_text_is_refused_quickly_without_running_it(text, fragment, tripwires):
    called, canary = tripwires
    text = text.replace("{canary}", str(canary))
    start = time.perf_counter()
    with pytest.raises(ModelError) as refused:
        parse_expression(text, ["x"], PARAMS)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    message = str(refused.value)
    assert fragment in message
    assert "\n" not in message and len(message) < 400


def test_there_are_enough_hostile_cases():
    assert len(HOSTILE) >= 25


def test_the_tripwires_work(tripwires):
    with pytest.raises(AssertionError):
        sympy.sympify("1 + 1")
    with pytest.raises(AssertionError):
        eval("1")
    tripwires[0].clear()


@pytest.mark.parametrize(("text", "column"), [
    ("w*x.real", 3), ("w + z", 5), ("x + 2**1000", 8), ("exp(x) + open(x)", 10),
    ("w*(x", 3), ("x + log(0)", 5), ("x + w/0", 7), ("x*" + "9" * 40, 3),
])
def test_messages_give_the_column(text, column):
    with pytest.raises(ModelError, match=rf"\(column {column}\)"):
        parse(text)


def test_message_quotes_the_text_and_names_the_fragment():
    with pytest.raises(ModelError) as refused:
        parse("w*x + x.__class__")
    assert str(refused.value).startswith("model text 'w*x + x.__class__': attribute access")
    assert "'x.__class__'" in str(refused.value)


def test_long_text_is_quoted_shortened():
    with pytest.raises(ModelError) as refused:
        parse("x" + "+x" * 600)
    assert len(str(refused.value)) < 200


def test_names_are_checked_in_parse_expression():
    with pytest.raises(ModelError, match="declared twice"):
        parse_expression("w*x", ["x"], ["w", "x"])
    with pytest.raises(ModelError, match="not a plain name"):
        parse_expression("w*x", ["x"], ["w-1"])
    with pytest.raises(ModelError, match="must be a string"):
        parse_expression(b"w*x", ["x"], ["w"])


# --- validate_names ----------------------------------------------------------------------

@pytest.mark.parametrize("params", ["w b", "w, b", "w,b", "  w ,  b ", ["w", "b"], ("w", "b")])
def test_validate_names_accepts_spaces_commas_and_lists(params):
    assert validate_names(params, ["x"]) == ("w", "b")


@pytest.mark.parametrize(("params", "fragment"), [
    ("w w", "'w' is listed twice"),
    ("w, b, w", "'w' is listed twice"),
    ("x", "it is an input"),
    ("w x1", "it is an input"),
    ("exp", "name of a function"),
    ("abs", "name of a function"),
    ("__class__", "'_'"),
    ("_w", "'_'"),
    ("lambda", "keyword"),
    ("None", "keyword"),
    ("y", "reserved for the target"),
    ("n", "sample count"),
    ("i", "sample index"),
    ("l", "the loss"),
    ("1w", "not a plain name"),
    ("w-b", "not a plain name"),
    ("\u00e9", "not a plain name"),
    ([1], "not a plain name"),
    ("", "no parameters"),
    ("  ,  ", "no parameters"),
    ([], "no parameters"),
])
def test_validate_names_refuses(params, fragment):
    with pytest.raises(ModelError) as refused:
        validate_names(params, ["x", "x1"])
    assert fragment in str(refused.value)


# --- properties --------------------------------------------------------------------------

@pytest.mark.filterwarnings("error::SyntaxWarning")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xwk+-*/().,0123456789e_ []{}:'\"=<>!%&|^~@#abcdefilmnoprstuy\\", max_size=40))
def test_any_text_parses_or_is_refused_with_model_error(text):
    try:
        expr = parse(text)
    except ModelError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(expr, sympy.Expr)
        assert expr.free_symbols <= {x, w, k, a, b, c}


def _trees(depth: int):
    leaves = st.sampled_from([("x", x), ("w", w), ("2", sympy.Integer(2)), ("3", sympy.Integer(3)),
                              ("0.5", R(1, 2))])
    if depth == 0:
        return leaves
    sub = _trees(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})",
                       {"+": t[0][1] + t[2][1], "-": t[0][1] - t[2][1],
                        "*": t[0][1] * t[2][1]}[t[1]])),
        st.tuples(sub, st.sampled_from(["2", "4"])).map(
            lambda t: (f"({t[0][0]}/{t[1]})", t[0][1] / int(t[1]))),
        st.tuples(sub, st.sampled_from(["2", "-1"])).map(
            lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** int(t[1]))
            if t[1] == "2" or t[0][1] != 0 else t[0]),
        st.tuples(st.sampled_from(["sin", "cos", "tanh", "abs"]), sub).map(
            lambda t: (f"{t[0]}({t[1][0]})", FUNCTIONS[t[0]](t[1][1]))),
    )


@settings(max_examples=200, deadline=None)
@given(_trees(3))
def test_parsing_matches_building_the_tree_in_sympy(tree):
    text, expected = tree
    assert parse(text) == expected


def test_python_warnings_on_the_text_are_refusals_not_lines_on_stderr():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ModelError, match="invalid decimal literal"):
            parse_expression("w*1if w else w", ["x"], ["w"])
    assert caught == []
