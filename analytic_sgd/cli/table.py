"""``analytic-sgd table``: the SGD table of a problem, batch by batch.

Before the run starts it is sized: steps, memory (and, exact, the digits its fractions
grow to); above the limit (``--max-memory``, default half the memory available) it is
refused in one line giving the estimate and the ways out. ``--every N`` keeps step 1,
every N-th and the last; ``--out FILE`` writes the rows to FILE as they are made (CSV, or
JSON for a .json name or ``--format json``), memory flat for any number of steps.
"""

from __future__ import annotations

from ..errors import AnalyticSGDError, DivergenceError
from ..numeric.engines import ENGINES
from .options import (
    add_arithmetic_option,
    add_problem_options,
    arithmetic_from_args,
    positive_int,
    problem_from_args,
    warn,
)
from .output import write_pieces
from .progress import Phases


def add_parser(sub):
    p = sub.add_parser("table", help="the SGD table, one row per batch",
                       description="Run SGD with the derived kernels and print one row per "
                       "batch: the gradient and loss at the parameters before the update, and "
                       "the parameters after it. Default: the worked-linear example. A run is "
                       "sized before it starts and refused when it would not fit in memory.")
    add_problem_options(p)
    add_arithmetic_option(p)
    p.add_argument("--engine", default="auto", choices=list(ENGINES),
                   help="elementwise (batch by batch), compiled (the same steps as machine code, bit for "
                   "bit; extra fast), moments (every batch at once, for models linear in their "
                   "parameters) or auto (default: the cheapest by estimate)")
    p.add_argument("--format", choices=["text", "markdown", "latex", "csv", "json"],
                   help="text (default), markdown, latex, csv or json; with --out csv (default) "
                   "or json")
    p.add_argument("--digits", help="round text, Markdown and LaTeX to N decimal places "
                   "(N >= 1)")
    p.add_argument("--standalone", choices=["article", "beamer"],
                   help="with --format latex: a complete document (article or beamer slides)")
    p.add_argument("--every", metavar="N", help="keep step 1, every Nth step and the last")
    p.add_argument("--out", metavar="FILE", help="write the rows to FILE as they are made "
                   "(CSV, or JSON for FILE.json): memory stays flat for any number of steps")
    p.add_argument("--max-memory", metavar="SIZE", help="refuse a run estimated above SIZE "
                   "(500M, 2G, ...; default: half the memory available)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print each phase (read, derive, compile, run, write) and its time on stderr")
    return p


def run(args) -> int:
    from ..render.table import render_table_pieces
    from ..render.table_stream import stream_table

    digits = None if args.digits is None else positive_int("--digits", args.digits)
    every = 1 if args.every is None else positive_int("--every", args.every)
    arithmetic = arithmetic_from_args(args)
    phases = Phases(verbose=args.verbose)
    phases.phase("read")
    problem = problem_from_args(args, dtype=None if arithmetic.exact else arithmetic.dtype)
    phases.phase("derive")
    problem.derivation()
    warn(problem)  # the stability analysis derives the Hessian
    phases.phase("compile")
    if args.out is not None:
        if args.digits is not None or args.standalone is not None:
            flag = "--digits" if args.digits is not None else "--standalone"
            raise AnalyticSGDError(f"{flag} is for tables printed here; --out writes the "
                                   "unrounded rows as CSV or JSON")
        try:
            streamed = stream_table(problem, args.out, args.format, arithmetic, every=every,
                                    engine=args.engine, max_memory=args.max_memory, hook=phases)
        except (AnalyticSGDError, KeyboardInterrupt) as exc:
            phases.finish()
            if getattr(exc, "streamed", None) is not None:
                exc.note = exc.streamed.describe()  # the second line the command prints
            raise
        phases.finish()
        print(streamed.describe())
        return 0
    fmt = args.format or "text"
    try:
        traj = problem.run(arithmetic, engine=args.engine, every=every,
                           max_memory=args.max_memory, printed=True, hook=phases)
    except DivergenceError as exc:
        phases.finish()
        if exc.trajectory is not None and fmt in ("text", "markdown"):
            write_pieces(render_table_pieces(exc.trajectory, fmt, digits))
        raise
    phases.phase("write")
    write_pieces(render_table_pieces(traj, fmt, digits, args.standalone))
    phases.finish()
    return 0
