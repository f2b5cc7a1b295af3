"""``analytic-sgd derive``: the chain rule, node by node, with its proof; or every node's value
and ∂l/∂node at one sample, drawn on the graph."""

from __future__ import annotations

import json
import sys

from ..errors import OptionError
from .options import add_problem_options, problem_from_args, whole_number

FORMATS = ["text", "markdown", "latex", "json", "dot", "svg"]


def add_parser(sub):
    p = sub.add_parser("derive", help="the chain rule, node by node, with its proof",
                       description="Print the unit nodes, local derivatives, chain products, "
                       "closed forms and the proof for a model and loss. With --at or --sample: "
                       "every node's value and ∂l/∂node at one sample of the problem, exactly, "
                       "as a table (text), on the Mermaid graph (markdown), as DOT or SVG.")
    add_problem_options(p, sampling=False)
    p.add_argument("--format", default="text", choices=FORMATS,
                   help="text, markdown, latex, json, dot (Graphviz text) or svg (extra graph)")
    p.add_argument("--standalone", choices=["article", "beamer"],
                   help="with --format latex: a complete document (article or beamer slides)")
    p.add_argument("--at", metavar="NAME=VALUE,...",
                   help="parameter values for the node values (default: the problem's start)")
    p.add_argument("--sample", metavar="I", help="the sample (1, 2, ...) of the node values "
                   "(default 1 when --at is given)")
    return p


def _values(args, problem):
    from ..render.node_values import node_values, read_at

    if args.at is None and args.sample is None:
        return None
    at = read_at(args.at, problem.model.param_names) if args.at is not None else None
    sample = 1 if args.sample is None else whole_number("--sample", args.sample)
    return node_values(problem, sample, at)


def run(args) -> int:
    from ..render.derivation import render_derivation
    from ..render.dot import to_dot, to_svg

    problem = problem_from_args(args)
    d = problem.derivation()
    values = _values(args, problem)
    if args.format in ("dot", "svg"):
        sys.stdout.write((to_dot if args.format == "dot" else to_svg)(d, values))
        return 0
    if values is None:
        sys.stdout.write(render_derivation(d, args.format, args.standalone))
        return 0
    from ..render.mermaid import to_mermaid
    from ..render.node_values import MEANING, values_dict, values_text

    if args.format == "text":
        sys.stdout.write(values_text(values))
    elif args.format == "markdown":
        sys.stdout.write(f"```mermaid\n{to_mermaid(d, values)}```\n\n{MEANING}.\n")
    elif args.format == "json":
        sys.stdout.write(json.dumps(values_dict(values), indent=2) + "\n")
    else:
        raise OptionError("--at and --sample write text, markdown, json, dot or svg; "
                          "--format latex writes the derivation without values")
    return 0
