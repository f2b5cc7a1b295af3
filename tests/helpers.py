"""Helpers shared by the CLI tests."""

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
