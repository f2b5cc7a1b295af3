"""``analytic-sgd handout``: the one-file HTML handout of a problem, or a worksheet of exercises."""

from __future__ import annotations

from .options import add_problem_options, problem_from_args, whole_number


def add_parser(sub):
    p = sub.add_parser("handout", help="a one-file HTML handout, or a worksheet of exercises",
                       description="Write one self-contained HTML file (MathML, embedded "
                       "pictures, no script, nothing from the network): the model and loss, the "
                       "unit nodes with values, the chain rule, the closed forms, the first step "
                       "by hand, the table, the pictures and the errata of the write-up the "
                       "example reproduces. With --exercises N: N practice problems with blank "
                       "tables and an answer key in exact fractions (--seed S picks them).")
    add_problem_options(p)
    p.add_argument("--exercises", metavar="N", help="write a worksheet of N exercises instead")
    p.add_argument("--out", metavar="FILE.html", required=True, help="the file to write")
    return p


def run(args) -> int:
    from ..files import write_atomic

    if args.exercises is not None:
        from ..handout.exercises import worksheet_html

        count = whole_number("--exercises", args.exercises)
        seed = 0 if args.seed is None else whole_number("--seed", args.seed)
        path = write_atomic(args.out, worksheet_html(count, seed))
        print(f"wrote {path}: {count} exercise{'s' if count > 1 else ''} and the answer key "
              f"(seed {seed})")
        return 0
    from ..handout.page import write_handout

    path = write_handout(problem_from_args(args), args.out)
    print(f"wrote {path}")
    return 0
