"""Hypothesis strategies shared by the tests: random model text in w, k and x."""

from __future__ import annotations

from hypothesis import strategies as st

LEAVES = st.sampled_from(["w", "k", "x", "2", "0.5", "3"])


def combine(children):
    """One level of a random expression: a binary operation, a power or a function call."""
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    power = st.tuples(children, st.sampled_from(["2", "3", "w", "x"])).map(
        lambda t: f"({t[0]})**{t[1]}")
    call = st.tuples(st.sampled_from(["exp", "sin", "tanh", "cos"]), children).map(
        lambda t: f"{t[0]}({t[1]})")
    return binary | power | call


def expressions(max_leaves: int):
    """Model text of at most ``max_leaves`` leaves."""
    return st.recursive(LEAVES, combine, max_leaves=max_leaves)
