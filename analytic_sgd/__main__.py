"""``python -m analytic_sgd``: the same as the ``analytic-sgd`` command."""

from .cli import run

run()
