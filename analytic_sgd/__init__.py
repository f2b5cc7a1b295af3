"""analytic_sgd: SGD with gradients derived node by node by sympy, proven, and compiled.

>>> import analytic_sgd as asgd
>>> d = asgd.derive(asgd.linear(), asgd.mse)
>>> d.chain("b").closed_form
2*Sum(b + w*x[i] - y[i], (i, 1, n))/n
"""

from .conventions.loss import LOSSES, Loss, get_loss, mse, rmse, sse
from .errors import (
    AnalyticSGDError,
    DataError,
    DerivationError,
    DivergenceError,
    MissingExtraError,
    ModelError,
    OptionError,
)
from .kernels.elementwise import Kernels
from .numeric.driver import sgd
from .numeric.trajectory import Step, Trajectory
from .problems.examples import EXAMPLES, Example, get_example
from .symbolic.derive import Chain, Derivation, derive
from .symbolic.graph import Graph, Node, build_graph
from .symbolic.model import (
    Model,
    linear,
    model_from_name,
    parse_model,
    polynomial,
    quadratic,
    two_feature_linear,
)

__version__ = "0.1.0"

__all__ = [
    "AnalyticSGDError", "Chain", "DataError", "Derivation", "DerivationError",
    "DivergenceError", "Graph", "Kernels", "LOSSES", "Loss", "MissingExtraError", "Model",
    "ModelError", "Node", "OptionError", "build_graph", "derive", "get_loss", "linear",
    "model_from_name", "mse", "parse_model", "polynomial", "quadratic", "rmse", "sse",
    "two_feature_linear", "sgd", "Step", "Trajectory", "EXAMPLES", "Example", "get_example",
]
