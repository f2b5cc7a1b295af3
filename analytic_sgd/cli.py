"""The ``analytic-sgd`` command: the only module that parses arguments or prints.

Exit codes: 0 success; 1 a check found a disagreement; 2 bad usage or bad input
(one or two lines on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import AnalyticSGDError

__all__ = ["main", "build_parser"]

PROG = "analytic-sgd"


class UsageError(Exception):
    """A bad command line, reported in one line and exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints the whole usage; we want one line
        raise UsageError(f"{self.prog}: {message}")


def _add_problem_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="linear, quadratic, poly:N, "
                   "two-feature-linear, or an expression in x (or x1, x2, ...)")
    p.add_argument("--params", default=None, help='parameter names of an expression, e.g. "w k"')
    p.add_argument("--loss", default=None, choices=["mse", "rmse", "sse"])


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="SGD with gradients derived by sympy, node by node.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    derive = sub.add_parser("derive", help="the chain rule, node by node, with its proof")
    _add_problem_options(derive)
    derive.add_argument("--format", default="text", choices=["text", "markdown", "latex", "json"])
    return parser


def _run_derive(args) -> int:
    from .derive import derive
    from .model import model_from_name
    from .render.derivation import render

    model = model_from_name(args.model or "linear", args.params)
    sys.stdout.write(render(derive(model, args.loss or "mse"), args.format))
    return 0


COMMANDS = {"derive": _run_derive}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.version:
            from . import __version__

            print(f"{PROG} {__version__}")
            return 0
        if args.command is None:
            parser.print_help()
            return 2
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"{exc}\ntry '{PROG} --help'", file=sys.stderr)
        return 2
    except AnalyticSGDError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def run() -> None:
    sys.exit(main())
