"""``analytic-sgd derive``: the chain rule, node by node, with its proof."""

from __future__ import annotations

import sys

from .options import add_model_options


def add_parser(sub):
    p = sub.add_parser("derive", help="the chain rule, node by node, with its proof",
                       description="Print the unit nodes, local derivatives, chain products, "
                       "closed forms and the proof for a model and loss.")
    add_model_options(p)
    p.add_argument("--format", default="text", choices=["text", "markdown", "latex", "json"])
    return p


def run(args) -> int:
    from ..render.derivation import render_derivation
    from ..symbolic.derive import derive
    from ..symbolic.model import model_from_name

    model = model_from_name(args.model or "linear", args.params)
    sys.stdout.write(render_derivation(derive(model, args.loss or "mse"), args.format))
    return 0
