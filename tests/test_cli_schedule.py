"""The command line's learning-rate schedules and samplers, against PyTorch runs of the same
recipe built with torch.optim.lr_scheduler, and exactly in rational arithmetic."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from helpers import run

DATA = "x,y\n" + "".join(f"{x / 4},{3 * x / 4 + 1 + (-1) ** x / 8}\n" for x in range(10))


def table(capsys, tmp_path, *options):
    path = tmp_path / "d.csv"
    path.write_text(DATA)
    code, out, err = run(capsys, "table", "--data", path, "--format", "json", *options)
    assert code == 0, err
    return json.loads(out)


def torch_run(x, y, batches, lr, make_scheduler, when, **options):
    """The recipe in PyTorch: nn.Parameter, MSE, torch.optim.SGD and an lr scheduler."""
    torch = pytest.importorskip("torch")
    xt, yt = torch.tensor(x), torch.tensor(y)
    theta = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))  # (w, b)
    opt = torch.optim.SGD([theta], lr=lr, **options)
    scheduler = make_scheduler(opt, torch)
    out = []
    for epoch in batches:
        for rows in epoch:
            opt.zero_grad()
            loss = ((theta[0] * xt[rows] + theta[1] - yt[rows]) ** 2).mean()
            loss.backward()
            opt.step()
            out.append(theta.detach().numpy().copy())
            if when == "step":
                scheduler.step()
        if when == "epoch":
            scheduler.step()
    return np.array(out)


def ours(doc):
    return np.array([[s["updated"]["w"], s["updated"]["b"]] for s in doc["steps"]])


def test_expression_with_replacement_and_legacy_numpy_match_torch(capsys, tmp_path):
    doc = table(capsys, tmp_path, "--lr", "5/(t+50)", "--sample", "with-replacement", "--rng",
                "numpy-legacy", "--seed", "3", "--batch-size", "3", "--epochs", "4")
    x = np.array([v / 4 for v in range(10)])
    y = 3 * x + 1 + np.array([(-1) ** v / 8 for v in range(10)])
    legacy = np.random.RandomState(3)
    batches = [[legacy.randint(10, size=k) for k in (3, 3, 3, 1)] for _ in range(4)]
    assert [s["n"] for s in doc["steps"]] == [3, 3, 3, 1] * 4
    theirs = torch_run(x, y, batches, 1.0, lambda opt, torch: torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: 5 / (t + 50)), "step")
    np.testing.assert_allclose(ours(doc), theirs, rtol=1e-10)
    assert [s["lr"] for s in doc["steps"][:3]] == [0.1, 5 / 51, 5 / 52]


@pytest.mark.parametrize("spec, make", [
    ("step:2:0.5", lambda opt, torch: torch.optim.lr_scheduler.StepLR(opt, 2, 0.5)),
    ("multistep:1,3:0.1", lambda opt, torch: torch.optim.lr_scheduler.MultiStepLR(opt, [1, 3],
                                                                                   0.1)),
    ("exponential:0.8", lambda opt, torch: torch.optim.lr_scheduler.ExponentialLR(opt, 0.8)),
])
@pytest.mark.parametrize("options", [[], ["--momentum", "0.9", "--nesterov"]])
def test_pytorch_schedulers_match_torch(capsys, tmp_path, spec, make, options):
    doc = table(capsys, tmp_path, "--lr", "0.1", "--schedule", spec, "--batch-size", "4",
                "--epochs", "5", "--shuffle", "--seed", "1", *options)
    x = np.array([v / 4 for v in range(10)])
    y = 3 * x + 1 + np.array([(-1) ** v / 8 for v in range(10)])
    generator = np.random.default_rng(1)
    batches = []
    for _ in range(5):
        order = generator.permutation(10)
        batches.append([order[i:i + 4] for i in range(0, 10, 4)])
    kwargs = dict(momentum=0.9, nesterov=True) if options else {}
    theirs = torch_run(x, y, batches, 0.1, make, "epoch", **kwargs)
    np.testing.assert_allclose(ours(doc), theirs, rtol=1e-10)


@pytest.mark.parametrize("options", [
    ["--lr", "5/(t+50)", "--sample", "with-replacement", "--rng", "numpy-legacy", "--seed", "3"],
    ["--lr", "0.1", "--schedule", "multistep:1,3:0.1", "--shuffle", "--seed", "1"],
    ["--lr", "0.05*0.8**floor(epoch/2)"],
])
def test_schedules_and_samplers_are_exact_rationals_in_exact_arithmetic(capsys, tmp_path, options):
    doc = table(capsys, tmp_path, *options, "--batch-size", "3", "--epochs", "4",
                "--arithmetic", "exact")
    floats = table(capsys, tmp_path, *options, "--batch-size", "3", "--epochs", "4")
    for exact, near in zip(doc["steps"], floats["steps"]):
        for p in ("w", "b"):
            value = Fraction(exact["updated"][p])  # a rational, written exactly
            assert float(value) == pytest.approx(near["updated"][p], rel=1e-9)
    lrs = [Fraction(s["lr"]) for s in doc["steps"]] if "lr" in doc["steps"][0] else []
    assert all(lr > 0 for lr in lrs)


def test_the_lr_column_is_shown_when_it_changes(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(DATA)
    code, out, _ = run(capsys, "table", "--data", path, "--lr", "1/(t+10)", "--batch-size", "5",
                       "--epochs", "2", "--arithmetic", "exact")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["epoch", "batch", "n", "lr"]
    assert [line.split()[3] for line in lines[1:]] == ["1/10", "1/11", "1/12", "1/13"]
    code, out, _ = run(capsys, "table", "--data", path, "--batch-size", "5", "--format", "csv")
    assert ",lr," not in out.splitlines()[0]  # a constant lr is not a column
