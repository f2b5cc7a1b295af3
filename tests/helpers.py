"""Helpers shared by the tests."""

import pytest

from analytic_sgd.cli import main


def run(capsys, *argv):
    """Run the command line in-process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_kernels(kernels, x, y, *, engine="auto", init=None, **options):
    """``analytic_sgd.numeric.driver.run`` with sgd()-style keywords: the Settings fields and
    the BatchPlan fields are picked out of ``options``."""
    from analytic_sgd.conventions import BatchPlan, Settings
    from analytic_sgd.numeric.driver import run
    from analytic_sgd.problems.problem import SETTINGS

    settings = Settings(**{k: options.pop(k) for k in SETTINGS if k in options})
    return run(kernels, x, y, settings, BatchPlan(**options), init=init, engine=engine)


def needs_backend(backend):
    """Skip the test unless the framework behind cross-check ``backend`` is installed."""
    from analytic_sgd.crosscheck import BACKENDS

    module = BACKENDS[backend][2]
    if module:
        pytest.importorskip(module)


P0 = [1, 2]  # start values and a gradient for the update-rule tests
G = [2, -4]


def run_exact(settings, grads, params=P0):
    """Params after each step of ``SGDRule(settings, "exact")``, as Fractions (each value
    checked to be a sympy Rational)."""
    from fractions import Fraction

    import numpy as np
    import sympy

    from analytic_sgd.numeric.update_rule import SGDRule

    rule = SGDRule(settings, "exact")
    p = np.array([sympy.Integer(v) for v in params], dtype=object)
    out = []
    for g in grads:
        p = rule.step(p, np.array([sympy.Rational(v) for v in g], dtype=object))
        assert all(isinstance(v, sympy.Rational) for v in p)
        out.append([Fraction(int(v.p), int(v.q)) for v in p])
    return out
