"""The ``analytic-sgd`` command: the only package that parses arguments or prints.

One module per subcommand, each with ``add_parser(subparsers)`` and ``run(args)``.
Exit codes: 0 success; 1 a check found a disagreement; 2 bad usage or bad input, a run
too large to start, a file that cannot be written (one or two lines on stderr, never a
traceback); 130 interrupted by Ctrl-C (one line, and one more saying what a streamed file
holds).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import AnalyticSGDError, OptionError, RunTooLargeError
from ..version import VERSION
from .options import UsageError, flag_message

__all__ = ["main", "build_parser", "run"]

PROG = "analytic-sgd"
INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
# the ways out of a run too large, as flags
_WAYS = {"every": "--every N", "out": "--out FILE", "max_memory": "--max-memory",
         "float64": "--arithmetic float64"}
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
        _error(flag_message(exc, args), exc)
        return 2
    except RunTooLargeError as exc:
        _error(exc.naming(_WAYS), exc)
        return 2
    except AnalyticSGDError as exc:
        _error(str(exc), exc)
        return 2
    except KeyboardInterrupt as exc:
        _error("interrupted", exc, kind="")
        return INTERRUPTED
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the command reads or writes, named with the reason
        where = f" {exc.filename}" if exc.filename else ""
        _error(f"cannot use{where}: {exc.strerror or exc}", exc)
        return 2


def _error(message: str, exc: BaseException, kind: str = "error: ") -> None:
    """One line on stderr, and a second when the error says what a streamed file holds."""
    lines = [f"{PROG}: {kind}{message}"]
    note = getattr(exc, "note", None)
    if note:
        lines.append(f"{PROG}: {note}")
    try:
        print("\n".join(lines), file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass


def run() -> None:
    sys.exit(main())
