"""The one-file HTML handout a teacher hands out, and worksheets of exercises with answers.

``handout_html(problem)`` is a self-contained page (no script, no style or font from the
network; mathematics as MathML, pictures as PNG ``data:`` URIs): the model and loss, the
unit nodes with their values, the chain rule, the closed forms, the first step by hand,
the table, the loss and fit pictures, a note when the learning rate is too large, and the
errata of the published write-up the example reproduces. ``worksheet_html(n, seed)``
makes n practice problems with blank tables and an answer key in exact fractions.
"""

from .exercises import Exercise, make_exercises, worksheet_html
from .page import handout_html, write_handout
from .stability import stability_note

__all__ = ["handout_html", "write_handout", "stability_note", "Exercise", "make_exercises",
           "worksheet_html"]
