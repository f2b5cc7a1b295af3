"""``analytic-sgd table``: the SGD table of a problem, batch by batch."""

from __future__ import annotations

import sys

from ..conventions.arithmetic import get_arithmetic
from ..errors import DivergenceError
from ..numeric.engines import ENGINES
from .options import add_arithmetic_option, add_problem_options, problem_from_args, warn
from .progress import Phases


def add_parser(sub):
    p = sub.add_parser("table", help="the SGD table, one row per batch",
                       description="Run SGD with the derived kernels and print one row per "
                       "batch: the gradient and loss at the parameters before the update, and "
                       "the parameters after it. Default: the worked-linear example.")
    add_problem_options(p)
    add_arithmetic_option(p)
    p.add_argument("--engine", default="auto", choices=list(ENGINES),
                   help="elementwise (batch by batch), compiled (the same steps as machine code, bit for "
                   "bit; extra fast), moments (every batch at once, for models linear in their "
                   "parameters) or auto (default: the cheapest by estimate)")
    p.add_argument("--format", default="text",
                   choices=["text", "markdown", "latex", "csv", "json"])
    p.add_argument("--digits", help="round text, Markdown and LaTeX to N decimal places")
    p.add_argument("--standalone", choices=["article", "beamer"],
                   help="with --format latex: a complete document (article or beamer slides)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print each phase (read, derive, compile, run, write) and its time on stderr")
    return p


def run(args) -> int:
    from ..render.table import render_table
    from .options import positive_int

    digits = None
    if args.digits is not None:
        digits = 0 if args.digits.strip() == "0" else positive_int("--digits", args.digits)
    arithmetic = get_arithmetic(args.arithmetic)
    phases = Phases(verbose=args.verbose)
    phases.phase("read")
    problem = problem_from_args(args, dtype=None if arithmetic.exact else arithmetic.dtype)
    warn(problem)
    phases.phase("derive")
    problem.derivation()
    phases.phase("compile")
    try:
        traj = problem.run(arithmetic, engine=args.engine, hook=phases)
    except DivergenceError as exc:
        phases.finish()
        if exc.trajectory is not None and args.format in ("text", "markdown"):
            sys.stdout.write(render_table(exc.trajectory, args.format, digits))
        raise
    phases.phase("write")
    sys.stdout.write(render_table(traj, args.format, digits, args.standalone))
    phases.finish()
    return 0
