"""Conventions as values: the loss, the arithmetic, the optimizer settings, the learning-rate
schedule and the batch plan. Each is one small object, checked when it is made; every
other layer computes from these objects and never compares their names."""

from .arithmetic import ARITHMETICS, EXACT, FLOAT32, FLOAT64, Arithmetic, get_arithmetic
from .batch_plan import BatchPlan
from .loss import LOSSES, Loss, get_loss, half_mse, half_sse, mse, register_loss, rmse, sse
from .schedule import Constant, Schedule
from .settings import Settings

__all__ = ["ARITHMETICS", "EXACT", "FLOAT32", "FLOAT64", "Arithmetic", "get_arithmetic",
           "BatchPlan", "LOSSES", "Loss", "get_loss", "half_mse", "half_sse", "mse",
           "register_loss", "rmse", "sse", "Constant", "Schedule", "Settings"]
