"""The ``analytic-sgd`` command: the only package that parses arguments or prints.

One module per subcommand, each with ``add_parser(subparsers)`` and ``run(args)``.
Exit codes: 0 success; 1 a check found a disagreement; 2 bad usage or bad input
(one or two lines on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import AnalyticSGDError, OptionError
from ..version import VERSION
from .options import UsageError, flag_message

__all__ = ["main", "build_parser", "run"]

PROG = "analytic-sgd"
COMMANDS = ("derive", "table", "stability", "examples", "crosscheck", "golden", "plot", "pages",
            "handout")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints the whole usage; one line is enough
        raise UsageError(f"{self.prog}: {message}")


def _commands():
    for name in COMMANDS:
        try:
            yield name, importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:  # a command whose module is not written yet
            if exc.name != f"{__name__}.{name}":
                raise


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="SGD with gradients derived by sympy, node by node, "
                     "proven, and checked against frameworks.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for _name, module in _commands():
        module.add_parser(sub).set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        if args.version:
            print(f"{PROG} {VERSION}")
            return 0
        if args.command is None:
            parser.print_help()
            return 2
        return args.handler(args)
    except UsageError as exc:
        print(f"{exc}\ntry '{PROG} {getattr(exc, 'command', '') or ''}--help'".replace("  ", " "),
              file=sys.stderr)
        return 2
    except OptionError as exc:
        print(f"{PROG}: error: {flag_message(exc, args)}", file=sys.stderr)
        return 2
    except AnalyticSGDError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def run() -> None:
    sys.exit(main())
