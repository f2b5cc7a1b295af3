"""``analytic-sgd golden``: check the golden files against a fresh run, or write them.

``--check [DIR]`` (default: the files shipped with the package) loads every golden file
in DIR, regenerates it and compares; exit 0 when all are equal, 1 naming file, step and
quantity of each difference (and any expected file that is missing), 2 for a malformed
file. ``--write DIR`` writes every file atomically.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from ..errors import OptionError

SHOWN = 20  # differences printed per file


def add_parser(sub):
    p = sub.add_parser("golden", help="check or write the golden trajectory files",
                       description="Golden files hold each named example's SGD trajectory in "
                       "exact, float64 and float32 arithmetic. --check regenerates every file "
                       "and compares; --write writes them.")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", nargs="?", const=None, default=False, metavar="DIR",
                      help="check the files in DIR (default: the shipped golden files)")
    mode.add_argument("--write", metavar="DIR", help="write the golden files to DIR")
    p.add_argument("--example", action="append", metavar="NAME",
                   help="only this example (repeat for more); default all")
    p.add_argument("--rtol", default="0", help="float files: relative tolerance (default 0)")
    p.add_argument("--atol", default="0", help="float files: absolute tolerance (default 0)")
    return p


def _tolerance(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise OptionError(f"{name} {text!r} must be a finite number >= 0")
    return value


def _examples(args) -> list[str]:
    from ..problems.examples import EXAMPLES, get_example

    for name in args.example or ():
        get_example(name)  # OptionError naming the known examples
    return list(dict.fromkeys(args.example or EXAMPLES))


def _write(args) -> int:
    from ..golden import write_all

    for path in write_all(args.write, _examples(args)):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def _check(args) -> int:
    from ..golden import ARITHMETICS, check_file, file_name, shipped_directory

    rtol, atol = _tolerance("--rtol", args.rtol), _tolerance("--atol", args.atol)
    directory = shipped_directory() if args.check is None else Path(args.check)
    if not directory.is_dir():
        raise OptionError(f"--check {directory}: no such directory")
    examples = _examples(args)
    wanted = {file_name(ex, a) for ex in examples for a in ARITHMETICS}
    found = {f.name: f for f in directory.iterdir()
             if f.name.endswith(".json") and not f.name.startswith(".")}
    if args.example:
        found = {name: f for name, f in found.items() if name in wanted}
    print(f"checking {directory}: |obtained - expected| <= atol + rtol*|expected|, "
          f"rtol={rtol:g}, atol={atol:g} (exact files: equal)")
    failed, start = 0, time.perf_counter()
    for name in sorted(wanted - found.keys()):
        print(f"MISSING  {name}")
        failed += 1
    for name in sorted(found):
        t = time.perf_counter()
        differences = check_file(found[name], rtol=rtol, atol=atol, named=True)
        status = "DIFFERS" if differences else "ok     "
        print(f"{status}  {name}  ({time.perf_counter() - t:.2f} s)")
        for d in differences[:SHOWN]:
            print(f"  {d}")
        failed += bool(differences)
    total = len(found) + len(wanted - found.keys())
    print(f"{total - failed} of {total} files equal ({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


def run(args) -> int:
    if args.write is not None:
        return _write(args)
    return _check(args)
