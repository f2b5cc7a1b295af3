"""What the command line shows while it runs: -v phases, the estimate, no bar off a terminal."""

from __future__ import annotations

import io

from helpers import run

from analytic_sgd.cli.progress import Phases


def test_verbose_prints_every_phase_in_order(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0.1,1\n0.2,2\n0.3,3\n")
    code, out, err = run(capsys, "table", "--data", data, "-v")
    assert code == 0 and out.startswith("batch")
    phases = [line.split(":")[1].strip() for line in err.splitlines()
              if line.startswith("analytic-sgd: ") and line.endswith(" s")]
    assert phases == ["read", "derive", "compile", "run", "write"]


def test_quiet_without_verbose_and_no_bar_off_a_terminal(capsys):
    code, out, err = run(capsys, "table")
    assert code == 0 and err == ""
    stream = io.StringIO()
    hook = Phases(stream=stream)
    hook.advance(5, 10)
    hook.finish()
    assert stream.getvalue() == ""


def test_exact_runs_take_any_finite_decimal_float_runs_name_the_cell(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0.1,1\n0.2,1e400\n")
    code, out, err = run(capsys, "table", "--data", data, "--arithmetic", "exact",
                         "--lr", "0", "--batch-size", "2")
    assert code == 0 and "1" + "0" * 400 in out
    code, out, err = run(capsys, "table", "--data", data)
    assert code == 2
    assert err == (f"analytic-sgd: error: {data}: line 3: column 'y': '1e400' overflows to "
                   "infinity as a float; every value must be finite\n")
