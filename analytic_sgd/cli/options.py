"""Options shared by the commands that run a problem, and how their errors are named.

Numbers on the command line are decimals read exactly: they stay strings until the run
reads them (``--lr 0.01`` is 1/100 in exact arithmetic). The options are handed to the
values that own them (``Settings``, ``BatchPlan``, ``Loss``, ...), which check them once;
an error about a field is reported with the flag the user typed (``FLAGS``).
"""

from __future__ import annotations

import argparse

from ..conventions.arithmetic import (
    ARITHMETICS,
    FLOAT_READINGS,
    decimal_reason,
    get_arithmetic,
)
from ..conventions.assignments import read_assignments
from ..conventions.loss import LOSSES
from ..conventions.sampling import RNGS, SAMPLERS
from ..conventions.schedule import check_number, torch_schedule
from ..errors import OptionError
from ..problems.data import read_csv
from ..problems.examples import EXAMPLES, get_example
from ..problems.problem import example_problem

__all__ = ["UsageError", "FLAGS", "PROBLEM_ARGS", "flag_message", "add_model_options",
           "add_problem_options", "add_arithmetic_option", "problem_from_args", "whole_number",
           "positive_int", "tolerance", "name_values", "warn_if_unstable", "warn",
           "arithmetic_from_args"]

# the field a value object names in its errors -> the flag that sets it
FLAGS = {"lr": "--lr", "momentum": "--momentum", "dampening": "--dampening",
         "weight_decay": "--weight-decay", "nesterov": "--nesterov", "maximize": "--maximize",
         "batch_size": "--batch-size", "epochs": "--epochs", "seed": "--seed",
         "shuffle": "--shuffle", "drop_last": "--drop-last", "loss": "--loss",
         "arithmetic": "--arithmetic", "engine": "--engine", "dtype": "--dtype", "kind": "--kind",
         "mode": "--mode", "reference": "--reference", "digits": "--digits",
         "lr schedule": "--schedule", "sample": "--sample", "rng": "--rng",
         "exercises": "--exercises", "standalone": "--standalone", "every": "--every",
         "max_memory": "--max-memory", "exact_floats": "--exact-floats", "format": "--format",
         "init": "--init", "model": "--model", "rtol": "--rtol", "atol": "--atol",
         "example": "--example"}
# the attribute of the parsed arguments that holds each field's text
_ARGS = {field: flag[2:].replace("-", "_") for field, flag in FLAGS.items()}
# the attributes add_problem_options sets, other than --example
PROBLEM_ARGS = ("data", "model", "params", "loss", "lr", "schedule", "batch_size", "epochs",
                "shuffle", "sampler", "rng", "seed", "drop_last", "init", "momentum",
                "dampening", "nesterov", "weight_decay", "maximize")


class UsageError(Exception):
    """A bad command line, reported in one line and exit code 2."""


def flag_message(exc: OptionError, args: argparse.Namespace | None) -> str:
    """The message of ``exc`` with the flag in place of the field it names, and the text
    the user typed in place of the value."""
    if exc.field not in FLAGS:
        return str(exc)
    text = getattr(args, _ARGS[exc.field], None) if args is not None else None
    return exc.naming(FLAGS[exc.field], text if isinstance(text, str) else None)


def tolerance(field: str, text: str | None) -> float | None:
    """``--rtol`` or ``--atol`` (``field``: rtol, atol) as a float, None staying None;
    OptionError naming the field (``flag_message`` names the flag) for anything but a
    finite number >= 0."""
    return None if text is None else abs(float(check_number(field, text)))


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
    p.add_argument("--exact-floats", choices=list(FLOAT_READINGS),
                   help="how an exact run reads numbers: decimal (default: 0.1 is 1/10) or "
                   "binary (the float64 a framework holds: 0.1 is "
                   "3602879701896397/36028797018963968)")


def arithmetic_from_args(args):
    """The Arithmetic of --arithmetic and --exact-floats."""
    return get_arithmetic(args.arithmetic, exact_floats=getattr(args, "exact_floats", None))


def add_problem_options(p: argparse.ArgumentParser, *, repeat_example: bool = False,
                        sampling: bool = True) -> None:
    """The problem options of ``table`` (shared by crosscheck, golden, plot, stability, derive
    and handout); with ``repeat_example`` ``--example`` may be given more than once (a
    list); without ``sampling`` no --sample and --rng (``derive --sample I`` names a sample)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--example", metavar="NAME", action="append" if repeat_example else "store",
                       help=f"a named example (default worked-linear): {', '.join(EXAMPLES)}"
                       + ("; golden --write DIR and --check DIR take it more than once"
                          if repeat_example else ""))
    where.add_argument("--data", metavar="FILE.csv",
                       help="CSV with a header naming the inputs (x or x1, x2, ...) and y")
    add_model_options(p)
    p.add_argument("--lr", help="learning rate: a decimal read exactly, or an expression in t "
                   "(the step, from 0) and epoch (from 0) such as '5/(t+50)' or "
                   "'0.05*0.8**floor(epoch/2)'")
    p.add_argument("--schedule", metavar="SPEC", help="a PyTorch scheduler on --lr, stepped "
                   "after each epoch: step:STEP_SIZE:GAMMA (StepLR), multistep:M1,M2,...:GAMMA "
                   "(MultiStepLR) or exponential:GAMMA (ExponentialLR)")
    p.add_argument("--batch-size", help="samples per batch (the last partial batch is kept)")
    p.add_argument("--epochs", help="passes over the data")
    p.add_argument("--shuffle", action="store_true", help="shuffle each epoch (needs --seed)")
    if sampling:
        p.add_argument("--sample", dest="sampler", choices=list(SAMPLERS),
                       help="without-replacement (default: each row once per epoch) or "
                       "with-replacement (each batch drawn at random, ceil(n / batch size) "
                       "batches per epoch; needs --seed)")
        p.add_argument("--rng", choices=list(RNGS), help="the random generator of --shuffle "
                       "and --sample: numpy (default_rng(seed), the default) or numpy-legacy "
                       "(RandomState(seed), as np.random.seed)")
    p.add_argument("--seed", help="seed of the random generator")
    p.add_argument("--drop-last", action="store_true", help="drop the last partial batch")
    p.add_argument("--init", metavar="NAME=VALUE,...", help="start values (default zeros, or "
                   "the example's own start)")
    p.add_argument("--momentum", help="torch.optim.SGD momentum (default 0)")
    p.add_argument("--dampening", help="momentum dampening (default 0)")
    p.add_argument("--nesterov", action="store_true", help="Nesterov momentum (needs --momentum)")
    p.add_argument("--weight-decay", help="L2 penalty added to the gradient (default 0)")
    p.add_argument("--maximize", action="store_true", help="ascend instead of descend")


def name_values(option: str, text: str, model=None) -> dict:
    """``NAME=VALUE,...`` of ``option`` (``--init``, ``--at``): decimals kept as text, each
    name once, and (given ``model``) each a parameter of it."""
    if model is None:
        return read_assignments(option, text)
    return read_assignments(option, text, model.param_names, model.text)


def warn(problem) -> None:
    """Print the stability warning of ``problem``, if any, as one line on stderr."""
    import sys

    message = warn_if_unstable(problem)
    if message:
        print(f"analytic-sgd: warning: {message}", file=sys.stderr)


def warn_if_unstable(problem) -> str | None:
    """The one-line warning before a run whose learning rate is above the stability bound
    (``analytic_sgd.render.stability.lr_warning``), or None; an analysis that cannot be
    made warns of nothing (the run reports its own errors)."""
    from ..errors import AnalyticSGDError
    from ..render.stability import lr_warning

    try:
        return lr_warning(problem.stability(quick=True))
    except (AnalyticSGDError, ArithmeticError, ValueError):
        return None


def _lr(args):
    """The learning rate of the options: --lr as typed (a number or an expression), or with
    --schedule the PyTorch scheduler on --lr (default: the example's lr)."""
    if args.schedule is None:
        return args.lr
    base = args.lr if args.lr is not None else get_example(args.example or "worked-linear").lr
    if decimal_reason(base.strip()) is not None:
        raise OptionError(f"--schedule {args.schedule!r} scales a number; --lr {base!r} is an "
                          "expression: give --lr a number, or write the schedule into --lr")
    return torch_schedule(args.schedule, base.strip())


def problem_from_args(args, *, dtype=None):
    """The Problem the options describe: an example (default worked-linear) with overrides.

    Numbers stay the text typed; the Settings and the BatchPlan check them (their errors
    name the field, which ``flag_message`` turns into the flag). ``dtype``: a float run's
    dtype, into which ``--data`` is read by numpy's reader alone; None (exact runs, and
    the commands that also run the exact reference) reads every cell's exact value too."""
    overrides = {
        "lr": _lr(args), "momentum": args.momentum, "dampening": args.dampening,
        "weight_decay": args.weight_decay,
        "batch_size": None if args.batch_size is None else whole_number("--batch-size",
                                                                        args.batch_size),
        "epochs": None if args.epochs is None else whole_number("--epochs", args.epochs),
        "seed": None if args.seed is None else whole_number("--seed", args.seed),
        "nesterov": args.nesterov or None, "maximize": args.maximize or None,
        "shuffle": args.shuffle or None, "drop_last": args.drop_last or None,
        "sample": getattr(args, "sampler", None), "rng": getattr(args, "rng", None),
    }
    problem = example_problem(args.example or "worked-linear", model=args.model,
                              params=args.params, loss=args.loss, **overrides)
    if args.init:
        problem = problem.replace(init=name_values("--init", args.init, problem.model))
    if args.data:
        ds = read_csv(args.data, problem.model.input_names, exact=dtype is None,
                      dtype=dtype or "float64")
        problem = problem.replace(x=ds.x, y=ds.y, x_exact=ds.x_exact, y_exact=ds.y_exact,
                                  name=str(args.data))
    return problem
