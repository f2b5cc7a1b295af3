"""A Derivation as one JSON object (the shape is in ``analytic_sgd.render.derivation``):
expressions as sympy's ``str()`` writes them, the local derivatives a path uses.

>>> import analytic_sgd as asgd
>>> sorted(derivation_dict(asgd.derive(asgd.linear(), asgd.mse)))[:3]
['gradients', 'inputs', 'local_derivatives']
"""

from __future__ import annotations

import json

import sympy as sp

__all__ = ["PROOF_METHOD", "derivation_dict", "derivation_json"]

PROOF_METHOD = "expand(split sums of chain_rule - diff(l, p)) == 0, else simplify(...) == 0"


def derivation_dict(d) -> dict:
    """The JSON-ready dictionary described in the module docstring."""
    m = d.model
    return {
        "model": m.text,
        "inputs": list(m.input_names),
        "params": list(m.param_names),
        "loss": d.loss.name,
        "loss_expr": str(d.loss_expr),
        "nodes": [
            {
                "name": str(node.name),
                "expr": str(node.expr),
                "op": node.op,
                "children": [str(c) for c in node.children],
                "per_sample": node.per_sample,
            }
            for node in d.graph.nodes
        ],
        "local_derivatives": [
            {"of": str(of), "wrt": str(wrt), "expr": str(e)} for (of, wrt), e in d.used_local.items()
        ],
        "gradients": [
            {
                "param": c.param.name,
                "paths": [[str(s) for s in path] for path in c.paths],
                "factors": [[str(f) for f in fs] for fs in c.factors],
                "product": str(c.product),
                "substituted": str(c.outer_substituted * c.substituted),
                "closed_form": str(c.closed_form),
                "closed_form_latex": sp.latex(c.closed_form),
                "proved": c.proved,
            }
            for c in d.chains
        ],
        "proof": {"method": PROOF_METHOD, "holds": d.proved},
    }


def derivation_json(d) -> str:
    return json.dumps(derivation_dict(d), indent=2) + "\n"
