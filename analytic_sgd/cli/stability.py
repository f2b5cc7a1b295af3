"""``analytic-sgd stability``: will the run converge? The Hessian, the largest stable learning
rate, the spectral radius of one epoch's update map, and a verdict."""

from __future__ import annotations

import sys

from .options import add_problem_options, name_values, problem_from_args


def add_parser(sub):
    p = sub.add_parser("stability", help="the Hessian, the largest stable lr, and a verdict",
                       description="Before running: the Hessian of the loss on all the data "
                       "(closed form from sympy, exact), its eigenvalues, the largest stable "
                       "learning rate 2(1 + momentum)/λmax, and for models linear in their "
                       "parameters under squared-error losses the spectral radius of one "
                       "epoch's update map in the run's batch order, which decides whether the "
                       "run converges. Other models get the Hessian at a point (the start, or "
                       "--at) and the verdict 'local'.")
    add_problem_options(p)
    p.add_argument("--at", metavar="NAME=VALUE,...", help="the point of the Hessian (default: "
                   "the start)")
    p.add_argument("--format", default="text", choices=["text", "json"])
    return p


def run(args) -> int:
    from ..conventions.arithmetic import get_arithmetic
    from ..crosscheck.summary import describe_problem
    from ..render.stability import stability_json, stability_text

    problem = problem_from_args(args)
    at = None if args.at is None else name_values("--at", args.at, problem.model)
    analysis = problem.stability(at)
    if args.format == "json":
        sys.stdout.write(stability_json(analysis, get_arithmetic(analysis.arithmetic).json))
    else:
        sys.stdout.write(stability_text(analysis, describe_problem(problem)))
    return 0
