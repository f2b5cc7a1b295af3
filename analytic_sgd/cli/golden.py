"""``analytic-sgd golden``: write golden files, or check them against a fresh run.

``--write FILE.json [problem options] [--arithmetic A]`` writes the golden file of one
problem (the options of ``table``; arithmetic default float64); ``--write DIR`` writes
every named example's files in the three arithmetics (``--example`` picks some).
``--check FILE.json`` replays the problem the file records and compares; ``--check
[DIR]`` (default: the files shipped with the package) does so for every golden file in
DIR. Exit 0 when all are equal, 1 naming file, step and quantity of each difference (and
any expected file that is missing), 2 for a malformed file or bad usage. Files are
written atomically.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..conventions.arithmetic import ARITHMETICS
from ..errors import OptionError
from .options import PROBLEM_ARGS, add_problem_options, problem_from_args, tolerance

SHOWN = 20  # differences printed per file


def add_parser(sub):
    p = sub.add_parser("golden", help="write golden trajectory files, or check them",
                       description="A golden file holds one problem (model, loss, data, start, "
                       "settings, batches) and its SGD trajectory in exact, float64 or float32 "
                       "arithmetic. --write FILE.json writes the file of the problem the options "
                       "describe; --write DIR the named examples' files. --check regenerates "
                       "and compares.")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", nargs="?", const=None, default=False, metavar="DIR|FILE.json",
                      help="check one file, or the files in DIR (default: the shipped golden "
                      "files)")
    mode.add_argument("--write", metavar="DIR|FILE.json",
                      help="write the file of this problem (a path ending in .json), or the "
                      "named examples' files in DIR")
    add_problem_options(p, repeat_example=True)
    p.add_argument("--arithmetic", choices=list(ARITHMETICS),
                   help="--write FILE.json: the file's arithmetic (default float64)")
    p.add_argument("--rtol", default="0", help="float files: relative tolerance (default 0)")
    p.add_argument("--atol", default="0", help="float files: absolute tolerance (default 0)")
    return p


def _examples(args) -> list[str]:
    from ..golden.store import SHIPPED
    from ..problems.examples import get_example

    for name in args.example or ():
        get_example(name)  # OptionError naming the known examples
    return list(dict.fromkeys(args.example or SHIPPED))


def _given(args) -> list[str]:
    """The problem options given (as flags), other than --example."""
    names = [n for n in PROBLEM_ARGS if getattr(args, n) not in (None, False)]
    if args.arithmetic is not None:
        names.append("arithmetic")
    return ["--" + n.replace("_", "-") for n in names]


def _one_file(path: str) -> bool:
    return path.endswith(".json") or Path(path).is_file()


def _write_file(args) -> int:
    from ..crosscheck.summary import describe_problem
    from ..golden import write_golden

    if args.example and len(args.example) > 1:
        raise OptionError("--write FILE.json writes one problem: give --example once")
    single = argparse.Namespace(**{**vars(args), "example": (args.example or [None])[0]})
    problem = problem_from_args(single)
    if args.data:  # the file's name, not where it was on this machine
        problem = problem.replace(name=Path(args.data).name)
    arithmetic = args.arithmetic or "float64"
    path = write_golden(problem, args.write, arithmetic)
    steps = problem.plan.steps(len(problem.y))
    print(f"wrote {path} ({path.stat().st_size} bytes): {describe_problem(problem)}; "
          f"{arithmetic}, {steps} step{'s' if steps != 1 else ''}")
    return 0


def _write(args) -> int:
    from ..golden import write_all

    if Path(args.write).is_file() and not args.write.endswith(".json"):
        raise OptionError(f"--write {args.write}: golden files end in .json, and {args.write} is "
                          "another file (it is left as it is); give FILE.json or a folder")
    if _one_file(args.write):
        return _write_file(args)
    if _given(args):
        raise OptionError(f"--write {args.write} writes the named examples' golden files; "
                          f"{', '.join(_given(args))} describe one problem: write its file "
                          f"with --write FILE.json")
    for path in write_all(args.write, _examples(args)):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def _check_one(name: str, path, rtol: float, atol: float, named: bool) -> bool:
    """Check one file, print its verdict and differences; True when it differs."""
    from ..golden import check_file

    t = time.perf_counter()
    differences = check_file(path, rtol=rtol, atol=atol, named=named)
    print(f"{'DIFFERS' if differences else 'ok     '}  {name}  ({time.perf_counter() - t:.2f} s)")
    for d in differences[:SHOWN]:
        print(f"  {d}")
    if differences:
        first = differences[0]
        print(f"  first difference: {first.where}, {first.quantity}")
    return bool(differences)


def _check(args) -> int:
    from ..golden import ARITHMETICS as FILES
    from ..golden import file_name, shipped_directory

    rtol, atol = tolerance("rtol", args.rtol), tolerance("atol", args.atol)
    if _given(args):
        raise OptionError(f"--check takes the problem from the golden files; "
                          f"{', '.join(_given(args))} cannot change it")
    directory = shipped_directory() if args.check is None else Path(args.check)
    formula = (f"|obtained - expected| <= atol + rtol*|expected|, rtol={rtol:g}, atol={atol:g} "
               f"(exact files: equal)")
    if args.check is not None and directory.is_file():
        if args.example:
            raise OptionError("--example picks files in a folder; --check FILE.json checks "
                              "that one file")
        print(f"checking {directory}: {formula}")
        failed = _check_one(directory.name, directory, rtol, atol, named=False)
        print(f"{0 if failed else 1} of 1 files equal")
        return 1 if failed else 0
    if not directory.is_dir():
        raise OptionError(f"--check {directory}: no such file or directory")
    wanted = {file_name(ex, a) for ex in _examples(args) for a in FILES}
    found = {f.name: f for f in directory.iterdir()
             if f.name.endswith(".json") and not f.name.startswith(".")
             and not f.name.endswith(".obtained.json")}
    if args.example:
        found = {name: f for name, f in found.items() if name in wanted}
    shown = ("the shipped golden files (analytic_sgd/golden_files)" if args.check is None
             else directory)  # the same text on every machine: no checkout's absolute path
    print(f"checking {shown}: {formula}")
    failed, start = 0, time.perf_counter()
    for name in sorted(wanted - found.keys()):
        print(f"MISSING  {name}")
        failed += 1
    for name in sorted(found):
        failed += _check_one(name, found[name], rtol, atol, named=True)
    total = len(found) + len(wanted - found.keys())
    print(f"{total - failed} of {total} files equal ({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


def run(args) -> int:
    if args.write is not None:
        return _write(args)
    return _check(args)
