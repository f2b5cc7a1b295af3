"""Options shared by the commands that run a problem, and their checks.

Numbers on the command line are decimals read exactly: they stay strings until
the run reads them (``--lr 0.01`` is 1/100 in exact arithmetic).
"""

from __future__ import annotations

import argparse
from fractions import Fraction

from ..errors import OptionError
from ..problems.data import check_number_text, exact_values, read_csv
from ..problems.examples import EXAMPLES
from ..problems.problem import example_problem

__all__ = ["UsageError", "add_model_options", "add_problem_options", "problem_from_args",
           "decimal", "nonnegative_decimal", "positive_int"]


class UsageError(Exception):
    """A bad command line, reported in one line and exit code 2."""


def decimal(name: str, text: str) -> str:
    """``text`` if it is a finite decimal number, else OptionError naming the option."""
    reason = check_number_text(text.strip())
    if reason:
        raise OptionError(f"{name} {text!r}: {reason}")
    return text.strip()


def nonnegative_decimal(name: str, text: str) -> str:
    value = decimal(name, text)
    if Fraction(value) < 0:
        raise OptionError(f"{name} {text!r} must be zero or more")
    return value


def positive_int(name: str, text: str) -> int:
    text = text.strip()
    if not text.lstrip("+").isdigit():
        raise OptionError(f"{name} {text!r} must be a whole number of 1 or more")
    value = int(text)
    if value < 1:
        raise OptionError(f"{name} {text!r} must be 1 or more")
    return value


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="linear, quadratic, poly:N (N = 0..10), two-feature-linear, "
                   "or an expression in x (or x1, x2, ...)")
    p.add_argument("--params", help='the parameters of an expression, e.g. "w k" or "w,k"')
    p.add_argument("--loss", choices=["mse", "rmse", "sse"])


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
        values[name] = decimal(f"--init {name}", value)
    return values


def problem_from_args(args):
    """The Problem the options describe: an example (default worked-linear) with overrides."""
    overrides = {
        "lr": args.lr and nonnegative_decimal("--lr", args.lr),
        "batch_size": args.batch_size and positive_int("--batch-size", args.batch_size),
        "epochs": args.epochs and positive_int("--epochs", args.epochs),
        "momentum": args.momentum and nonnegative_decimal("--momentum", args.momentum),
        "dampening": args.dampening and nonnegative_decimal("--dampening", args.dampening),
        "weight_decay": args.weight_decay and nonnegative_decimal("--weight-decay",
                                                                  args.weight_decay),
        "nesterov": args.nesterov or None, "maximize": args.maximize or None,
        "shuffle": args.shuffle or None, "drop_last": args.drop_last or None,
        "seed": None if args.seed is None else _seed(args.seed),
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
        x_exact = [exact_values(row) for row in ds.x_text]
        x_exact = [r[0] for r in x_exact] if len(ds.inputs) == 1 else x_exact
        problem = problem.replace(x=ds.x, y=ds.y, x_exact=x_exact, y_exact=exact_values(ds.y_text),
                                  name=str(args.data))
    return problem


def _seed(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise OptionError(f"--seed {text!r} must be a whole number of 0 or more")
    return int(text)
