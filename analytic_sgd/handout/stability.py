"""The handout's note on a learning rate that is too large: the one place it is made.

Today it is the table's note on a rising loss (``render.table.rising_note``): the loss rose
several steps in a row. The stability analysis of the learning rate (issue 13) replaces the
body of ``stability_note`` and nothing else.

>>> from analytic_sgd.problems.problem import example_problem
>>> p = example_problem("noisy-quadratic")
>>> stability_note(p, p.run()).startswith("note: the loss rose 8 steps in a row")
True
>>> stability_note(example_problem(), example_problem().run()) is None
True
"""

from __future__ import annotations

from ..render.table import rising_note

__all__ = ["stability_note"]


def stability_note(problem, traj) -> str | None:
    """A sentence warning that ``problem``'s learning rate is too large, or None."""
    return rising_note(traj) or None
