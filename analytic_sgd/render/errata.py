"""The errata of the published write-ups, where a named example reproduces one.

The examples come from public write-ups of the same problem (see ``shared/references``);
some of their printed numbers or settings do not follow from their own code. A student
comparing with them is told what differs and what the right values are. Every value
said to be right is computed here from the example; the write-up's printed numbers are
quoted as published.

>>> from analytic_sgd.problems.problem import example_problem
>>> notes = errata(example_problem("worked-linear"))
>>> notes[0].source, "w = 8/3" in notes[0].text
('003', True)
>>> errata(example_problem("worked-linear", loss="rmse"))
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conventions.loss import get_loss
from ..problems.examples import EXAMPLES
from ..problems.problem import example_problem
from ..symbolic.model import model_from_name

__all__ = ["Erratum", "errata", "SOURCES", "errata_section", "published_rounding", "writeup_note",
           "WRITEUP_LETTERS"]

SOURCES = {"worked-linear": "003", "noisy-quadratic": "001", "rollercoaster": "000",
           "two-feature-linear": "002 and 004"}


@dataclass(frozen=True)
class Erratum:
    source: str   # the write-up, by its number in the references
    text: str


def _own(problem) -> bool:
    """True when ``problem`` is a named example with the example's own model and loss."""
    ex = EXAMPLES.get(problem.name)
    return ex is not None and problem.name in _MAKERS and \
        problem.model == model_from_name(ex.model) and problem.loss is get_loss(ex.loss)


def _worked_linear(problem) -> list[str]:
    tenfold = example_problem("worked-linear", lr="0.1").run("exact").steps[0].updated
    published = problem.run("exact").steps[0].updated
    x, y = problem.data("exact")
    missing = [(int(a), int(b)) for a, b in zip(x, y)][4]
    return [
        f"Its text gives the learning rate as 0.1, but its table uses 0.01: with 0.1 the first "
        f"step would end at w = {tenfold[0]}, b = {tenfold[1]}; with 0.01 it ends at "
        f"w = {published[0]}, b = {published[1]} (printed 0.267 and 0.24).",
        f"Its verification code lists 8 targets for the 9 inputs: y = {missing[1]} for "
        f"x = {missing[0]} is missing, which a framework's dataset refuses; it also prints "
        "weight.bias for model.bias. With the full list the framework reproduces the table.",
    ]


def _noisy_quadratic(problem) -> list[str]:
    run = problem.run("float64")
    first, grad = float(run.loss[0]), [float(g) for g in run.grad[0]]
    losses = ", ".join(f"{float(v):.2f}" for v in run.loss[:3])
    rises = sum(1 for a, b in zip(run.loss[1:], run.loss[2:]) if b > a)
    return [
        "Its printed losses (23.30, 12.93, ...) and first gradient (11.28, 6.94, 0.00) do not "
        f"follow from its own code: on its data (drawn as `torch.manual_seed(42)` makes them) the "
        f"first loss is "
        f"{first:.4f} and the gradient ({grad[0]:.4f}, {grad[1]:.4f}, {grad[2]:.4f}); a zero "
        "gradient for c is impossible with these data.",
        f"With lr {problem.settings.lr.text} the loss rises ({losses}, ..., "
        f"{float(run.loss[-1]):.2f} after {len(run)} steps; it rises in {rises} of the last "
        f"{len(run) - 2} steps): the step is too large.",
    ]


def _unseeded(problem) -> list[str]:
    extra = (" Its update() as printed also leaves out loss.backward() and the zeroing of the "
             "gradient that its text describes." if problem.name == "two-feature-linear" else "")
    return ["Its random data are drawn without a seed, so its printed numbers cannot be "
            "reproduced digit for digit; this example draws them as the same calls would after "
            f"`torch.manual_seed(42)`.{extra}"]


_MAKERS = {"worked-linear": _worked_linear, "noisy-quadratic": _noisy_quadratic,
           "rollercoaster": _unseeded, "two-feature-linear": _unseeded}


def errata(problem) -> list[Erratum]:
    """The errata of the write-up that ``problem`` reproduces ([] for any other problem)."""
    if not _own(problem):
        return []
    return [Erratum(SOURCES[problem.name], text) for text in _MAKERS[problem.name](problem)]


def published_rounding(problem, digits: int) -> str:
    """How the published table rounds, where it differs from ``digits`` decimals (003 prints
    w after the first batch to 3 decimals); computed from the exact run."""
    if problem.name != "worked-linear":
        return f"Values are rounded to {digits} decimals."
    w = problem.run("exact").steps[0].updated[0]
    return (f"The published table rounds to {digits} decimals too, except w after batch 1, which "
            f"it prints to 3: {w} = {float(w):.{digits + 1}f}… shows as {float(w):.3f} there and "
            f"as {float(w):.{digits}f} here.")


def errata_section(problem, number: int) -> list[str]:
    """The page section, numbered ``number``, listing ``errata(problem)`` ([] when none)."""
    notes = errata(problem)
    if not notes:
        return []
    return [f"## {number}. Errata of the published write-up",
            f"The example `{problem.name}` reproduces write-up {notes[0].source} of the "
            "references. Where its printed numbers or settings differ from what its own code "
            "computes:",
            "\n".join(f"- {note.text}" for note in notes)]


WRITEUP_LETTERS = {"u1": "a", "u2": "c", "r": "d", "s": "e"}  # 003's names of the linear MSE nodes


def writeup_note(d, example: str) -> str:
    """For linear MSE on the worked example: which of the write-up's letters each node is."""
    names = [str(node.name) for node in d.graph.nodes]
    if example != "worked-linear" or names != [*WRITEUP_LETTERS, "l"] or \
            not d.loss.outer.is_identity:
        return ""
    pairs = ", ".join(f"its {theirs} is {ours}" for ours, theirs in WRITEUP_LETTERS.items())
    return (f"The write-up this example comes from names the same nodes a, c, d, e: {pairs}; "
            "the letters here avoid d (read as a differential) and e (read as Euler's number).")
