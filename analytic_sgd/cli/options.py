"""Options shared by the commands that run a problem, and how their errors are named.

Numbers on the command line are decimals read exactly: they stay strings until the run
reads them (``--lr 0.01`` is 1/100 in exact arithmetic). The options are handed to the
values that own them (``Settings``, ``BatchPlan``, ``Loss``, ...), which check them once;
an error about a field is reported with the flag the user typed (``FLAGS``).
"""

from __future__ import annotations

import argparse

from ..conventions.arithmetic import ARITHMETICS, read_decimal
from ..conventions.loss import LOSSES
from ..errors import DataError, OptionError
from ..problems.data import read_csv
from ..problems.examples import EXAMPLES
from ..problems.problem import example_problem

__all__ = ["UsageError", "FLAGS", "flag_message", "add_model_options", "add_problem_options",
           "add_arithmetic_option", "problem_from_args", "whole_number", "positive_int"]

# the field a value object names in its errors -> the flag that sets it
FLAGS = {"lr": "--lr", "momentum": "--momentum", "dampening": "--dampening",
         "weight_decay": "--weight-decay", "nesterov": "--nesterov", "maximize": "--maximize",
         "batch_size": "--batch-size", "epochs": "--epochs", "seed": "--seed",
         "shuffle": "--shuffle", "drop_last": "--drop-last", "loss": "--loss",
         "arithmetic": "--arithmetic", "engine": "--engine", "dtype": "--dtype", "kind": "--kind",
         "mode": "--mode", "reference": "--reference", "digits": "--digits",
         "exercises": "--exercises", "sample": "--sample", "standalone": "--standalone"}
# the attribute of the parsed arguments that holds each field's text
_ARGS = {field: flag[2:].replace("-", "_") for field, flag in FLAGS.items()}


class UsageError(Exception):
    """A bad command line, reported in one line and exit code 2."""


def flag_message(exc: OptionError, args: argparse.Namespace | None) -> str:
    """The message of ``exc`` with the flag in place of the field it names, and the text
    the user typed in place of the value."""
    if exc.field not in FLAGS:
        return str(exc)
    text = getattr(args, _ARGS[exc.field], None) if args is not None else None
    return exc.naming(FLAGS[exc.field], text if isinstance(text, str) else None)


def whole_number(name: str, text: str) -> int:
    """``text`` as an int if it is written as a whole number (its range is the value's to
    check); OptionError naming the option otherwise."""
    stripped = text.strip()
    if not stripped.lstrip("+-").isdigit() or len(stripped) > 30:
        raise OptionError(f"{name} {text!r} must be a whole number")
    return int(stripped)


def positive_int(name: str, text: str) -> int:
    value = whole_number(name, text)
    if value < 1:
        raise OptionError(f"{name} {text!r} must be a whole number >= 1")
    return value


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="linear, quadratic, poly:N (N = 0..10), two-feature-linear, "
                   "or an expression in x (or x1, x2, ...)")
    p.add_argument("--params", help='the parameters of an expression, e.g. "w k" or "w,k"')
    p.add_argument("--loss", choices=list(LOSSES), help="the loss (default mse, or the "
                   "example's own)")


def add_arithmetic_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--arithmetic", default="float64", choices=list(ARITHMETICS),
                   help="exact (rationals), float64 (default) or float32")


def add_problem_options(p: argparse.ArgumentParser) -> None:
    """The problem options of ``table`` (shared by crosscheck, golden and plot)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--example", metavar="NAME",
                       help=f"a named example (default worked-linear): {', '.join(EXAMPLES)}")
    where.add_argument("--data", metavar="FILE.csv",
                       help="CSV with a header naming the inputs (x or x1, x2, ...) and y")
    add_model_options(p)
    p.add_argument("--lr", help="learning rate, a decimal read exactly")
    p.add_argument("--batch-size", help="samples per batch (the last partial batch is kept)")
    p.add_argument("--epochs", help="passes over the data")
    p.add_argument("--shuffle", action="store_true", help="shuffle each epoch (needs --seed)")
    p.add_argument("--seed", help="seed of the shuffle (numpy default_rng)")
    p.add_argument("--drop-last", action="store_true", help="drop the last partial batch")
    p.add_argument("--init", metavar="NAME=VALUE,...", help="start values (default zeros, or "
                   "the example's own start)")
    p.add_argument("--momentum", help="torch.optim.SGD momentum (default 0)")
    p.add_argument("--dampening", help="momentum dampening (default 0)")
    p.add_argument("--nesterov", action="store_true", help="Nesterov momentum (needs --momentum)")
    p.add_argument("--weight-decay", help="L2 penalty added to the gradient (default 0)")
    p.add_argument("--maximize", action="store_true", help="ascend instead of descend")


def _init(text: str) -> dict:
    values: dict = {}
    for item in text.split(","):
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise OptionError(f"--init {text!r}: write NAME=VALUE pairs separated by commas, "
                              f"e.g. --init w=0.5,b=-1")
        if name in values:
            raise OptionError(f"--init gives {name} twice; give each parameter once")
        try:
            read_decimal(value)
        except DataError as exc:
            raise OptionError(f"--init {name}: {exc}") from None
        values[name] = value.strip()
    return values


def problem_from_args(args):
    """The Problem the options describe: an example (default worked-linear) with overrides.

    Numbers stay the text typed; the Settings and the BatchPlan check them (their errors
    name the field, which ``flag_message`` turns into the flag)."""
    overrides = {
        "lr": args.lr, "momentum": args.momentum, "dampening": args.dampening,
        "weight_decay": args.weight_decay,
        "batch_size": None if args.batch_size is None else whole_number("--batch-size",
                                                                        args.batch_size),
        "epochs": None if args.epochs is None else whole_number("--epochs", args.epochs),
        "seed": None if args.seed is None else whole_number("--seed", args.seed),
        "nesterov": args.nesterov or None, "maximize": args.maximize or None,
        "shuffle": args.shuffle or None, "drop_last": args.drop_last or None,
    }
    if args.shuffle and args.seed is None:
        raise OptionError("--shuffle needs --seed S, so that the run can be repeated")
    problem = example_problem(args.example or "worked-linear", model=args.model,
                              params=args.params, loss=args.loss, **overrides)
    if args.init:
        init = _init(args.init)
        unknown = [k for k in init if k not in problem.model.param_names]
        if unknown:
            raise OptionError(f"--init names {', '.join(unknown)}, which is not a parameter of "
                              f"{problem.model.text} ({', '.join(problem.model.param_names)})")
        problem = problem.replace(init=init)
    if args.data:
        ds = read_csv(args.data, problem.model.input_names)
        x_exact = [[read_decimal(cell) for cell in row] for row in ds.x_text]
        x_exact = [r[0] for r in x_exact] if len(ds.inputs) == 1 else x_exact
        problem = problem.replace(x=ds.x, y=ds.y, x_exact=x_exact,
                                  y_exact=[read_decimal(cell) for cell in ds.y_text],
                                  name=str(args.data))
    return problem
