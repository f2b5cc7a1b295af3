"""Learning-rate schedules: the constant schedule, and checking the numbers schedules give."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import analytic_sgd as asgd
from analytic_sgd.conventions.schedule import Constant, Schedule, as_schedule, check_number


def test_a_constant_is_a_schedule():
    lr = Constant("0.01")
    assert isinstance(lr, Schedule) and lr(0, 0) == lr(10**6, 99) == "0.01"
    assert lr.constant == "0.01" and lr.text == "0.01" and str(lr) == "0.01"
    assert Constant(0.1).text == "0.1" and Constant(Fraction(1, 3)).text == "1/3"
    assert as_schedule(lr) is lr and as_schedule(2).constant == 2


@pytest.mark.parametrize("value", [0, 1, 0.5, "0.25", Fraction(1, 3), sp.Rational(2, 7), " 3 "])
def test_numbers_kept_as_given(value):
    assert check_number("lr", value) == (value.strip() if isinstance(value, str) else value)


@pytest.mark.parametrize("value", ["-1", -0.5, float("nan"), "inf", sp.oo, sp.zoo, "abc", ""])
def test_bad_numbers(value):
    with pytest.raises(asgd.OptionError, match="lr must be a finite number >= 0"):
        check_number("lr", value)


def test_a_custom_schedule_drives_the_run():
    class Halving:
        """Half the learning rate every step: a schedule written by a user."""

        text = "0.1*(1/2)**t"
        constant = None

        def __call__(self, t, epoch):
            return Fraction(1, 10) / 2**t

        def floats(self, t, epoch):
            return 0.1 / 2.0 ** np.asarray(t)

    traj = asgd.sgd(asgd.linear(), asgd.mse, range(9), [2 * v + 10 for v in range(9)],
                    lr=Halving(), batch_size=3, arithmetic="exact")
    plain = asgd.sgd(asgd.linear(), asgd.mse, range(3), [10, 12, 14], lr="0.1", batch_size=3,
                     arithmetic="exact")
    assert traj.updated[0].tolist() == plain.updated[0].tolist()
    step2 = traj.params[1] - sp.Rational(1, 20) * traj.grad[1]
    assert traj.updated[1].tolist() == step2.tolist()


# -- expressions and PyTorch's schedulers ----------------------------------------------------

from analytic_sgd.conventions.schedule import (  # noqa: E402
    ExponentialLR,
    Expression,
    MultiStepLR,
    StepLR,
    schedule_from_text,
    torch_schedule,
)


def test_an_expression_is_exact_and_its_floats_agree():
    lr = Expression("0.05*0.8**floor(epoch/2) + 1/(t+100)")
    assert lr(0, 0) == sp.Rational(1, 20) + sp.Rational(1, 100)
    assert lr(7, 3) == sp.Rational(1, 20) * sp.Rational(4, 5) + sp.Rational(1, 107)
    t = np.arange(20)
    np.testing.assert_allclose(lr.floats(t, t // 4), [float(lr(k, k // 4)) for k in t],
                               rtol=1e-15)
    assert lr.constant is None and Expression("1/100").constant == sp.Rational(1, 100)


@pytest.mark.parametrize("text, message", [
    ("5/(q+50)", "unknown name 'q' (column 4); the learning rate is a number or an expression"),
    ("5/(t+50", "not a valid expression"),
    ("t.real", "attribute access is not allowed"),
    ("__import__('os')", "unknown function '__import__'"),
    ("", "the lr expression is empty"),
])
def test_bad_expressions_name_the_lr(text, message):
    with pytest.raises(asgd.OptionError, match=re.escape(message)) as info:
        schedule_from_text(text)
    assert info.value.field == "lr"


@pytest.mark.parametrize("schedule, expected", [
    (StepLR("0.1", "0.5", 2), ["1/10", "1/10", "1/20", "1/20", "1/40"]),
    (MultiStepLR("1", "0.1", (1, 3)), ["1", "1/10", "1/10", "1/100", "1/100"]),
    (ExponentialLR("0.5", "0.5"), ["1/2", "1/4", "1/8", "1/16", "1/32"]),
])
def test_pytorch_schedulers_exactly(schedule, expected):
    assert [str(schedule(0, e)) for e in range(5)] == expected
    assert schedule_from_text(schedule.text) == schedule


@pytest.mark.parametrize("spec", ["step:3:0.5", "multistep:2,4:0.1", "exponential:0.9"])
def test_pytorch_schedulers_match_torch_lr_scheduler(spec):
    torch = pytest.importorskip("torch")
    schedule = torch_schedule(spec, "0.1")
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([param], lr=0.1)
    kind, _, rest = spec.partition(":")
    fields = rest.split(":")
    make = {"step": lambda: torch.optim.lr_scheduler.StepLR(opt, int(fields[0]), float(fields[1])),
            "multistep": lambda: torch.optim.lr_scheduler.MultiStepLR(
                opt, [int(m) for m in fields[0].split(",")], float(fields[1])),
            "exponential": lambda: torch.optim.lr_scheduler.ExponentialLR(opt, float(fields[0]))}
    scheduler = make[kind]()
    ours = schedule.floats(np.zeros(12), np.arange(12))
    for epoch in range(12):
        assert opt.param_groups[0]["lr"] == pytest.approx(ours[epoch], rel=1e-15)
        opt.step()
        scheduler.step()


@pytest.mark.parametrize("spec, message", [
    ("step:0:0.5", "lr schedule step size must be a whole number >= 1"),
    ("step:2", "write step:STEP_SIZE:GAMMA"),
    ("multistep:3,2:0.1", "lr schedule milestones must be increasing"),
    ("exponential:-1", "lr schedule gamma must be a finite number >= 0"),
    ("cosine:10", "write step:STEP_SIZE:GAMMA"),
])
def test_bad_schedules_name_the_field(spec, message):
    with pytest.raises(asgd.OptionError, match=re.escape(message)):
        torch_schedule(spec, "0.1")


def test_a_float32_rate_of_a_scheduler_is_read_by_the_arithmetics_rule():
    step = asgd.StepLR(np.float32(0.1), gamma=np.float32(0.5), step_size=3)
    assert step(0, 0) == sp.Rational(1, 10) and step(0, 3) == sp.Rational(1, 20)
    assert step.text.startswith("0.1;")
