"""Worksheets: ``handout --exercises 5 --seed 1`` gives five problems whose answer keys are
recomputed here with ``fractions.Fraction`` alone (not the project's kernels)."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import pytest

from analytic_sgd.cli import main as cli
from analytic_sgd.errors import OptionError
from analytic_sgd.handout.exercises import make_exercises, worksheet_html

# the features of each model the worksheets use: ŷ = Σ_j θ_j φ_j(x)
FEATURES = {"b + w*x": lambda x: [x, 1], "w*x": lambda x: [x],
            "a*x**2 + b*x + c": lambda x: [x * x, x, 1]}
# loss = scale(n) · Σ r², r = ŷ - y
SCALES = {"mse": lambda n: Fraction(1, n), "sse": lambda n: Fraction(1),
          "half-mse": lambda n: Fraction(1, 2 * n), "half-sse": lambda n: Fraction(1, 2)}


def recompute(attrs: dict) -> list[list[Fraction]]:
    """Each step's loss, gradient and parameters after it, in Fractions."""
    phi = FEATURES[attrs["model"]]
    scale = SCALES[attrs["loss"]]
    xs = [Fraction(v) for v in attrs["x"].split(",")]
    ys = [Fraction(v) for v in attrs["y"].split(",")]
    start = dict(item.split("=") for item in attrs["init"].split(","))
    theta = [Fraction(start[p]) for p in attrs["params"].split()]
    lr, size = Fraction(attrs["lr"]), int(attrs["batch"])
    rows = []
    for first in range(0, len(xs), size):
        batch = list(zip(xs[first:first + size], ys[first:first + size]))
        n = len(batch)
        residuals = [sum(t * f for t, f in zip(theta, phi(x))) - y for x, y in batch]
        loss = scale(n) * sum(r * r for r in residuals)
        grad = [scale(n) * 2 * sum(r * phi(x)[j] for r, (x, _) in zip(residuals, batch))
                for j in range(len(theta))]
        theta = [t - lr * g for t, g in zip(theta, grad)]
        rows.append([loss, *grad, *theta])
    return rows


@pytest.fixture(scope="module")
def sheet(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("sheet") / "ex.html"
    assert cli(["handout", "--exercises", "5", "--seed", "1", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_five_exercises_whose_answer_keys_fractions_recompute(sheet):
    statements = re.findall(r'<section class="exercise" ([^>]*)>', sheet)
    keys = re.findall(r'<section class="key" data-exercise="(\d+)">(.*?)</section>', sheet, re.S)
    assert len(statements) == len(keys) == 5
    for attrs_text, (number, key) in zip(statements, keys):
        attrs = {k: html.unescape(v) for k, v in re.findall(r'data-([a-z]+)="([^"]*)"', attrs_text)}
        answers = [[Fraction(v) for v in re.findall(r'data-value="([^"]*)"', row)]
                   for row in re.findall(r"<tr><td>\d+</td>.*?</tr>", key)]
        assert answers == recompute(attrs), f"exercise {number}: {attrs}"


def test_each_exercise_is_small_with_simple_values(sheet):
    for e in make_exercises(5, seed=1):
        assert 2 <= len(e.problem.y) <= 4 and len(e.answers) <= 2
        for v in [*e.problem.x_exact, *e.problem.y_exact]:
            assert Fraction(v).denominator in (1, 2)
    assert sheet.count('class="blank"') == 5 and "<script" not in sheet


def test_the_same_seed_gives_the_same_sheet_and_another_seed_another():
    assert worksheet_html(3, 7) == worksheet_html(3, 7)
    assert worksheet_html(3, 7) != worksheet_html(3, 8)


def test_the_number_of_exercises_is_checked(capsys):
    with pytest.raises(OptionError, match="exercises"):
        make_exercises(0, seed=1)
    assert cli(["handout", "--exercises", "0", "--out", "x.html"]) == 2
    assert "--exercises" in capsys.readouterr().err
