"""The learning rate of each step, converted to the run's arithmetic once, and checked.

Every engine takes its learning rates from here: a constant schedule gives one value; any
other gives one value per step, computed for all the steps of a block at once (float
runs evaluate the schedule in float64 with numpy and round once to the dtype; exact runs
evaluate it exactly and require a rational learning rate). A value that is negative, not
finite, too large for the dtype or (exact) irrational is an OptionError naming the step.

>>> from analytic_sgd.conventions.arithmetic import EXACT, FLOAT32
>>> from analytic_sgd.conventions.schedule import schedule_from_text
>>> learning_rates(schedule_from_text("5/(t+50)"), EXACT, 0, 3, 3).tolist()
[1/10, 5/51, 5/52]
>>> learning_rates(schedule_from_text("0.01"), FLOAT32, 0, 10**9, 3)
np.float32(0.01)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..conventions.arithmetic import Arithmetic, to_exact
from ..conventions.schedule import Schedule
from ..errors import OptionError

__all__ = ["learning_rates", "learning_rate_at", "LIMIT"]

LIMIT = 2.0**900  # the fused multiply-add emulation is exact below this


def _bad(schedule: Schedule, t: int | None, epoch: int, value: Any, why: str) -> OptionError:
    where = "" if t is None else f"at step {t + 1} (epoch {epoch + 1}) "
    return OptionError.about("lr", schedule.text, f"{where}the learning rate is {value}: {why}")


def learning_rates(schedule: Schedule, arithmetic: Arithmetic, first: int, count: int,
                   per_epoch: int) -> Any:
    """The learning rates of steps ``first`` .. ``first + count - 1`` (from 0; an epoch has
    ``per_epoch`` steps) in ``arithmetic``: one value if the schedule is constant, else an
    array (count,). OptionError naming the first step whose value cannot be used."""
    if schedule.constant is not None:
        return _checked(schedule, arithmetic, [schedule.constant], None, None)[0]
    t = np.arange(first, first + count, dtype=np.int64)
    return _values(schedule, arithmetic, t, t // per_epoch)


def learning_rate_at(schedule: Schedule, arithmetic: Arithmetic, t: int, epoch: int) -> Any:
    """The learning rate of step ``t`` in epoch ``epoch`` (both from 0), converted, checked."""
    if schedule.constant is not None:
        return _checked(schedule, arithmetic, [schedule.constant], None, None)[0]
    return _values(schedule, arithmetic, np.array([t]), np.array([epoch]))[0]


def _values(schedule: Schedule, arithmetic: Arithmetic, t: np.ndarray, epoch: np.ndarray):
    if arithmetic.exact:
        values = [schedule(int(k), int(e)) for k, e in zip(t, epoch)]
    else:
        values = schedule.floats(t, epoch)
    return _checked(schedule, arithmetic, values, t, epoch)


def _checked(schedule: Schedule, arithmetic: Arithmetic, values, t, epoch) -> np.ndarray:
    """``values`` converted; ``t`` and ``epoch`` (arrays, or None for a constant) name the
    step of a value that cannot be used."""

    def bad(k, value, why):
        return _bad(schedule, None if t is None else int(t[k]), 0 if epoch is None
                    else int(epoch[k]), value, why)

    if arithmetic.exact:
        out = np.empty(len(values), dtype=object)
        out[:] = [arithmetic.setting(v) for v in values]
        for k, v in enumerate(out):
            if not arithmetic.all_finite([v]) or not v.is_real or v < 0:
                raise bad(k, v, "it must be a finite number >= 0")
            if not v.is_Rational:
                raise bad(k, v, "exact arithmetic needs a rational learning rate at every "
                          "step; use float64")
        return out
    floats = np.asarray([float(v) for v in values] if isinstance(values, list) else values,
                        np.float64)
    limit = min(float(np.finfo(arithmetic.dtype).max), LIMIT)
    if floats.size and floats.min() > 0 and floats.max() < limit:  # the common case, two passes
        cast = floats.astype(arithmetic.dtype, copy=False)
        if cast.dtype == floats.dtype or cast.min() > 0:  # nothing rounded to 0
            return cast
    floats = floats.copy()  # values are mended below
    unusable = ~(np.isfinite(floats) & (floats >= 0) & (floats < limit))
    shown: dict[int, Any] = {}  # the exact value, for the message
    if unusable.any() and t is not None:  # rounding may leave an exact 0 at -5.6e-17: ask exactly
        for k in np.flatnonzero(unusable):
            exact = to_exact(schedule(int(t[k]), int(epoch[k])))
            if exact.is_finite and exact.is_real and exact >= 0:
                floats[k] = float(exact)
            elif exact.is_Rational:
                shown[int(k)] = float(exact)
        unusable = ~(np.isfinite(floats) & (floats >= 0) & (floats < limit))
    if unusable.any():
        k = int(np.argmax(unusable))
        why = ("it must be a finite number >= 0" if not np.isfinite(floats[k]) or floats[k] < 0
               else f"it is too large for {arithmetic}")
        raise bad(k, shown.get(k, floats[k]), why)
    cast = floats.astype(arithmetic.dtype)
    lost = (cast == 0) & (floats != 0)  # a learning rate the dtype rounds to 0: nothing moves
    if t is None and not lost.any() and floats[0] == 0:
        lost[0] = to_exact(values[0]) != 0  # a constant that float64 itself rounds to 0
    if lost.any():
        k = int(np.argmax(lost))
        raise bad(k, values[k] if t is None else floats[k], f"it rounds to 0 in {arithmetic}, "
                  "so no parameter would move; give a larger learning rate, or use exact")
    return cast
