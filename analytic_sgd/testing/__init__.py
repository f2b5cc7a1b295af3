"""Test helpers for other projects: compare your SGD with a golden trajectory in pytest.

``assert_trajectory_close(obtained, golden, *, rtol, atol, names, quantities)``
(``compare.py``) passes when every value is within ``|a - b| <= atol + rtol*|b|`` of the
golden one, and otherwise raises AssertionError naming the worst values (step, quantity,
parameter, obtained, expected, absolute and relative error, ULPs); misspelt keys,
different step counts and different parameter names are errors that name both sides.
``golden`` may be a golden file, a table JSON document, a ``Trajectory`` or an example's
name; ``obtained`` may be any of those, or the steps a framework's loop recorded
(``obtained.py``).

``to_columns`` and ``golden_csv`` (``regression_csv.py``) give the same numbers as the flat
columns and the CSV that pytest-regressions' ``num_regression`` reads (the layout of
``analytic-sgd table --format csv``). The pytest plugin (``plugin.py``, registered as a
``pytest11`` entry point) adds the ``sgd_regression`` fixture, which keeps a golden file
beside your test.

>>> golden = load_golden("worked-linear", "exact")
>>> assert_trajectory_close([{"loss": "440/3", "grad": [-26.666666666666668, -24.0]}], golden,
...                         steps=1)
>>> print(golden_csv(golden).splitlines()[1])
0,1,1,3,0,0,440/3,-80/3,-24,4/15,6/25
"""

from __future__ import annotations

from ..golden import load_golden
from .compare import SHOWN, assert_trajectory_close, obtained_path
from .regression_csv import golden_csv, to_columns

__all__ = ["assert_trajectory_close", "load_golden", "to_columns", "golden_csv", "SHOWN",
           "obtained_path"]
