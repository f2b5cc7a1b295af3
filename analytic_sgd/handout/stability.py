"""The handout's note on a learning rate that is too large: the one place it is made.

Before the run, the stability analysis (``numeric.stability``): when the learning rate is
above 2/λmax of the loss's Hessian, the note says so with its figures
(``render.stability.stability_paragraph``). After it, the table's note on a rising loss
(``render.table.rising_note``) where the analysis has nothing to say.

>>> from analytic_sgd.problems.problem import example_problem
>>> p = example_problem("noisy-quadratic")
>>> stability_note(p, p.run()).startswith("The Hessian of the loss on all 20 rows")
True
>>> stability_note(example_problem(), example_problem().run()) is None
True
"""

from __future__ import annotations

from ..render.stability import stability_paragraph
from ..render.table import rising_note

__all__ = ["stability_note"]


def stability_note(problem, traj) -> str | None:
    """A sentence warning that ``problem``'s learning rate is too large, or None."""
    return stability_paragraph(problem.stability()) or rising_note(traj) or None
