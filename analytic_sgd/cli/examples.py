"""``analytic-sgd examples``: the named examples, one line each."""

from __future__ import annotations


def add_parser(sub):
    return sub.add_parser("examples", help="list the named examples",
                          description="List the named examples, one line each.")


def run(args) -> int:
    from ..problems.examples import EXAMPLES

    width = max(map(len, EXAMPLES))
    for name, ex in EXAMPLES.items():
        print(f"{name.ljust(width)}  {ex.summary}")
    return 0
