"""The learning-rate schedule of a problem, as PyTorch writes it.

``torch_scheduler(schedule, optimizer, torch, per_epoch)`` returns the scheduler and when
to step it: PyTorch's own ``StepLR``, ``MultiStepLR`` and ``ExponentialLR`` stepped after
each epoch (as ``scheduler.step()`` is called in a training loop), and ``LambdaLR`` stepped
after each batch for an expression in t and epoch (the optimizer's base lr is 1, and the
lambda returns the learning rate of the step itself). A constant needs no scheduler.
"""

from __future__ import annotations

import functools
from typing import Any

from ..conventions.schedule import Constant, ExponentialLR, Expression, MultiStepLR, StepLR

__all__ = ["torch_scheduler", "base_lr"]


def base_lr(schedule) -> float:
    """The lr given to ``torch.optim.SGD``: the schedule's base learning rate (1 for an
    expression, which LambdaLR then scales to the step's value)."""
    return float(schedule.lr) if hasattr(schedule, "lr") else float(
        schedule.constant) if schedule.constant is not None else 1.0


@functools.singledispatch
def torch_scheduler(schedule, optimizer, torch, per_epoch: int) -> tuple[Any, str] | None:
    """(scheduler, "epoch" or "step"): when to call ``scheduler.step()``; None for none."""
    raise TypeError(f"no PyTorch scheduler for {type(schedule).__name__}; write the schedule "
                    "as an expression in t and epoch (LambdaLR)")


@torch_scheduler.register
def _(schedule: Constant, optimizer, torch, per_epoch: int):
    return None


@torch_scheduler.register
def _(schedule: Expression, optimizer, torch, per_epoch: int):
    if schedule.constant is not None:
        return None

    def lr(step: int) -> float:
        return float(schedule.floats([step], [step // per_epoch])[0])

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr), "step"


@torch_scheduler.register
def _(schedule: StepLR, optimizer, torch, per_epoch: int):
    return torch.optim.lr_scheduler.StepLR(optimizer, schedule.step_size,
                                           float(schedule.gamma)), "epoch"


@torch_scheduler.register
def _(schedule: MultiStepLR, optimizer, torch, per_epoch: int):
    return torch.optim.lr_scheduler.MultiStepLR(optimizer, list(schedule.milestones),
                                                float(schedule.gamma)), "epoch"


@torch_scheduler.register
def _(schedule: ExponentialLR, optimizer, torch, per_epoch: int):
    return torch.optim.lr_scheduler.ExponentialLR(optimizer, float(schedule.gamma)), "epoch"
