"""Conventions as values: the loss, the arithmetic, the optimizer settings, the learning-rate
schedule and the batch plan. Each is one small object, checked when it is made; every
other layer computes from these objects and never compares their names."""

from .arithmetic import ARITHMETICS, EXACT, FLOAT32, FLOAT64, Arithmetic, get_arithmetic
from .batch_plan import BatchPlan
from .loss import LOSSES, Loss, get_loss, half_mse, half_sse, mse, register_loss, rmse, sse
from .sampling import (
    NUMPY,
    NUMPY_LEGACY,
    RNG,
    WITH_REPLACEMENT,
    WITHOUT_REPLACEMENT,
    RandomStart,
    Sampler,
)
from .schedule import (
    Constant,
    ExponentialLR,
    Expression,
    MultiStepLR,
    Schedule,
    StepLR,
    schedule_from_text,
)
from .settings import Settings

__all__ = ["ARITHMETICS", "EXACT", "FLOAT32", "FLOAT64", "Arithmetic", "get_arithmetic",
           "BatchPlan", "LOSSES", "Loss", "get_loss", "half_mse", "half_sse", "mse",
           "register_loss", "rmse", "sse", "Constant", "Expression", "StepLR", "MultiStepLR",
           "ExponentialLR", "Schedule", "schedule_from_text", "Settings", "Sampler", "RNG",
           "RandomStart", "NUMPY", "NUMPY_LEGACY", "WITH_REPLACEMENT", "WITHOUT_REPLACEMENT"]
