"""``analytic-sgd crosscheck``: the same problem through frameworks, against the derived run.

``--against`` names a backend, ``all`` (every installed one; a line for each one skipped),
or ``MODULE:CALLABLE``, your own function (``analytic_sgd.crosscheck.user_backend``).
Exit codes: 0 when every backend agrees with the reference, 1 when any disagrees (its
worst rows are shown), 2 for bad usage, a framework that is not installed (the message
names the extra to install), a setting a backend cannot express, or a user backend that
cannot be used.
"""

from __future__ import annotations

import sys

from .options import UsageError, add_problem_options, problem_from_args, tolerance, warn

AGAINST = ("torch", "jax", "optax", "autograd", "finite-difference", "all")


def add_parser(sub):
    p = sub.add_parser(
        "crosscheck", help="compare PyTorch, JAX, optax, autograd, finite differences or your "
        "own framework with the derived run, step by step",
        description="Run the same problem (model, loss, data, start, batches, update "
        "settings) through a framework and measure every loss, partial and updated "
        "parameter against the reference (the exact run of the derived kernels). A value a "
        "agrees with the reference b when |a - b| <= atol + rtol*|b|. Exit 0 when all agree, "
        "1 when any disagrees, 2 for bad usage or a missing framework.")
    p.add_argument("--against", required=True, metavar="|".join(AGAINST) + "|MODULE:CALLABLE",
                   help="the backend to check; all: every installed one; MODULE:CALLABLE: your "
                   "own function, gradient(theta, x, y) -> (loss, grad) or step(theta, x, y, "
                   "lr, state) -> (loss, grad, updated, state)")
    add_problem_options(p)
    p.add_argument("--dtype", default="float64", choices=["float32", "float64"],
                   help="the dtype of every backend's run (default float64)")
    p.add_argument("--mode", default="trajectory", choices=["gradient", "trajectory", "hessian"],
                   help="trajectory: the whole run (default); gradient: loss and gradient at "
                   "the start on each batch of the first epoch; hessian: the Hessian of each "
                   "of those batch losses at the start (torch.autograd.functional.hessian, "
                   "jax.hessian, autograd.hessian, differences) against the exact one")
    p.add_argument("--atol", help="absolute tolerance. Default per dtype and backend (float64: "
                   "1e-12, float32: 1e-4), times the step k in trajectory mode; a given value "
                   "applies as is at every step")
    p.add_argument("--rtol", help="relative tolerance. Default per dtype and backend (float64: "
                   "1e-12, float32: 1e-5), times the step k in trajectory mode; a given value "
                   "applies as is at every step")
    p.add_argument("--reference", default="exact", choices=["exact", "float64"],
                   help="exact (default; RMSE runs of more than one step fall back to the "
                   "derived float64 run) or the derived float64 run")
    p.add_argument("--fd-method", default="auto", choices=["auto", "complex-step", "central"],
                   help="finite differences: the complex step where the model allows it "
                   "(auto, the default), or central differences")
    p.add_argument("--all-rows", action="store_true",
                   help="print every row (step, quantity) of every backend")
    return p


def run(args) -> int:
    from ..crosscheck import crosscheck, is_user_backend, plan_backends
    from ..crosscheck.summary import render_report

    if args.against not in AGAINST and not is_user_backend(args.against):
        raise UsageError(f"analytic-sgd crosscheck: --against {args.against!r}: choose one of "
                         f"{', '.join(AGAINST)}, or MODULE:CALLABLE (your own function)")
    atol, rtol = tolerance("atol", args.atol), tolerance("rtol", args.rtol)
    problem = problem_from_args(args)
    if args.mode == "trajectory":  # the other modes run no SGD
        warn(problem)
    names, skipped = plan_backends(problem, args.against, args.mode)
    reports = crosscheck(problem, names, dtype=args.dtype, mode=args.mode, atol=atol,
                         rtol=rtol, fd_method=args.fd_method, reference=args.reference)
    sys.stdout.write(render_report(reports, problem, all_rows=args.all_rows, skipped=skipped))
    return 0 if all(r.passed for r in reports) else 1
