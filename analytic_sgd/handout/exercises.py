"""Worksheets: practice problems with small data, a blank table, and an answer key.

Each exercise is a small problem a student can work with pencil and paper: two to four
samples with whole or half-integer values, a model (``w*x + b``, ``w*x`` or the quadratic),
a loss (MSE, SSE, half-MSE, half-SSE), a start, a learning rate and a batch size (one or
two steps). The answers are the exact run (rationals), so every value of the key is a
fraction. The same seed gives the same worksheet.

>>> sheet = make_exercises(2, seed=1)
>>> [len(e.problem.y) for e in sheet] == [len(e.problem.x) for e in sheet]
True
>>> str(sheet[0].answers.steps[0].loss) == str(make_exercises(2, seed=1)[0].answers.steps[0].loss)
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import OptionError
from ..problems.problem import make_problem
from ..render import formula as fm
from ..render.derivation import loss_definition, yhat
from ..symbolic.model import linear, parse_model, quadratic
from .mathml import math_equation, number
from .page import document

__all__ = ["Exercise", "make_exercises", "worksheet_html", "MAX_EXERCISES"]

MAX_EXERCISES = 50
MODELS = (("linear", linear), ("proportional", lambda: parse_model("w*x", "w")),
          ("quadratic", quadratic))
LOSSES = ("mse", "sse", "half-mse", "half-sse")
RATES = ("0.1", "0.05", "0.02", "0.01")


@dataclass(frozen=True)
class Exercise:
    """One practice problem and its exact answers (a Trajectory in exact arithmetic)."""

    number: int
    problem: object
    answers: object


def _value(rng, low: int, high: int, halves: bool) -> str:
    whole = int(rng.integers(low, high + 1))
    return f"{whole}.5" if halves and rng.random() < 0.3 else str(whole)


def _exercise(rng, number: int) -> Exercise:
    name, make = MODELS[int(rng.integers(len(MODELS)))]
    model = make()
    n = int(rng.integers(2, 5)) if name != "quadratic" else 2
    xs = sorted(rng.choice(np.arange(-3, 4), size=n, replace=False).tolist())
    x = [str(v) for v in xs]
    y = [_value(rng, -4, 8, halves=True) for _ in range(n)]
    init = {p: str(int(rng.integers(-1, 3))) for p in model.param_names}
    batch = n if n < 4 or rng.random() < 0.5 else n // 2
    problem = make_problem(model, LOSSES[int(rng.integers(len(LOSSES)))],
                           np.array([float(v) for v in x]), np.array([float(v) for v in y]),
                           init=init, lr=RATES[int(rng.integers(len(RATES)))], batch_size=batch,
                           name=f"exercise {number}", x_exact=x, y_exact=y)
    return Exercise(number, problem, problem.run("exact"))


def make_exercises(count: int, seed: int) -> list[Exercise]:
    """``count`` exercises drawn from ``numpy.random.default_rng(seed)``."""
    if not isinstance(count, int) or not 1 <= count <= MAX_EXERCISES:
        raise OptionError.for_field("exercises", count, f"a whole number from 1 to {MAX_EXERCISES}")
    rng = np.random.default_rng(seed)
    return [_exercise(rng, k) for k in range(1, count + 1)]


def _heads(problem) -> list[str]:
    names = problem.model.param_names
    return ["step", "n", "loss", *(f"∂l/∂{p}" for p in names), *(f"{p} after" for p in names)]


def _statement(e: Exercise) -> list[str]:
    p = e.problem
    attrs = {"model": p.model.text, "params": " ".join(p.model.param_names), "loss": p.loss.name,
             "x": ",".join(p.x_exact), "y": ",".join(p.y_exact), "lr": p.settings.lr.text,
             "batch": str(p.plan.batch_size),
             "init": ",".join(f"{k}={v}" for k, v in p.start.items())}
    data = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in attrs.items())
    rows = "".join(f"<tr><td>{i}</td><td>{html.escape(xv)}</td><td>{html.escape(yv)}</td></tr>"
                   for i, (xv, yv) in enumerate(zip(p.x_exact, p.y_exact), start=1))
    blank = "".join("<tr>" + "".join(f"<td>{k + 1 if j == 0 else ''}</td>"
                                     for j in range(len(_heads(p)))) + "</tr>"
                    for k in range(len(e.answers)))
    start = ", ".join(f"{k} = {v}" for k, v in p.start.items())
    return [f'<section class="exercise" {data}>', f"<h2>Exercise {e.number}</h2>",
            math_equation(yhat(), [fm.M(p.model.expr)]),
            math_equation(fm.M(sp.Symbol("l")), [loss_definition(p.loss)]),
            f"<p>Data (i, x, y):</p><table><tr><th>i</th><th>x</th><th>y</th></tr>{rows}</table>",
            f"<p>Start {html.escape(start)}; learning rate {html.escape(p.settings.lr.text)}; "
            f"{html.escape(p.plan.describe(len(p.y)))}. Fill in one row per "
            "batch: the loss and the gradient at the parameters before the step, then the "
            "parameters after it.</p>",
            '<table class="blank"><tr>' + "".join(f"<th>{html.escape(h)}</th>" for h in _heads(p))
            + f"</tr>{blank}</table>", "</section>"]


def _key(e: Exercise) -> list[str]:
    rows = []
    for k, step in enumerate(e.answers.steps, start=1):
        values = [step.loss, *step.grad, *step.updated]
        rows.append(f"<tr><td>{k}</td><td>{step.n}</td>" + "".join(
            f'<td class="answer" data-value="{v}">{number(v)}</td>' for v in values) + "</tr>")
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in _heads(e.problem))
    return [f'<section class="key" data-exercise="{e.number}"><h3>Exercise {e.number}</h3>',
            f"<table><tr>{heads}</tr>{''.join(rows)}</table></section>"]


def worksheet_html(count: int, seed: int) -> str:
    """A worksheet of ``count`` exercises (seed ``seed``) and, at the end, its answer key."""
    sheet = make_exercises(count, seed)
    body = [f"<h1>SGD by hand: {count} exercise{'s' if count > 1 else ''} (seed {seed})</h1>",
            "<p>Work each step with fractions: every answer is exact.</p>"]
    for e in sheet:
        body += _statement(e)
    body += ['<h2 style="page-break-before:always">Answer key</h2>']
    for e in sheet:
        body += _key(e)
    return document(f"SGD exercises, seed {seed}", body)
