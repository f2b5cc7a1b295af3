"""``analytic-sgd plot``: a picture of a run: loss, fit, contour or animation (extra ``plot``)."""

from __future__ import annotations

from ..errors import OptionError
from .options import (
    add_arithmetic_option,
    add_problem_options,
    arithmetic_from_args,
    problem_from_args,
    warn,
)


def add_parser(sub):
    from ..pictures import KINDS

    p = sub.add_parser("plot", help="a picture of a run: loss, fit, contour or animation",
                       description="Run SGD on a problem (default: the worked-linear example) and "
                       "draw the loss per step (loss), the data with the fitted curve after "
                       "chosen steps (fit), the path of two parameters over the loss contours "
                       "(contour) or a GIF of the fit step by step (animation). Needs matplotlib: "
                       "pip install 'analytic-sgd[plot]'.")
    add_problem_options(p)
    p.add_argument("--kind", required=True, choices=KINDS, help="the picture to draw")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write: .png, .svg, .pdf, ... (.gif for animation)")
    add_arithmetic_option(p)
    p.add_argument("--steps", metavar="K,K,...",
                   help="fit: the steps whose curve to draw, 0 being the start (default: the "
                   "start and about four steps spaced geometrically up to the last)")
    return p


def _steps(text: str) -> list[int]:
    items = [item for item in text.replace(",", " ").split() if item]
    if not items or not all(item.isdigit() for item in items):
        raise OptionError(f"--steps {text!r}: give whole numbers of 0 or more separated by "
                          f"commas, e.g. --steps 0,1,5,10")
    return [int(item) for item in items]


def run(args) -> int:
    from ..pictures import draw

    steps = None
    if args.steps is not None:
        if args.kind != "fit":
            raise OptionError(f"--steps is for --kind fit, not --kind {args.kind}")
        steps = _steps(args.steps)
    problem = problem_from_args(args)
    warn(problem)
    draw(args.kind, problem, args.out, arithmetic=arithmetic_from_args(args), steps=steps)
    print(f"wrote {args.out}")
    return 0
