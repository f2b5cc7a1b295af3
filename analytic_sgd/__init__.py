"""analytic_sgd: SGD with gradients derived node by node by sympy, proven, and compiled.

>>> import analytic_sgd as asgd
>>> d = asgd.derive(asgd.linear(), asgd.mse)
>>> d.chain("b").closed_form
2*Sum(b + w*x[i] - y[i], (i, 1, n))/n
"""

from .derive import Chain, Derivation, derive
from .errors import (
    AnalyticSGDError,
    DataError,
    DerivationError,
    DivergenceError,
    MissingExtraError,
    ModelError,
    OptionError,
)
from .examples import EXAMPLES, Example, get_example
from .graph import Graph, Node, build_graph
from .kernels import Kernels
from .loss import LOSSES, Loss, get_loss, mse, rmse, sse
from .model import (
    Model,
    linear,
    model_from_name,
    parse_model,
    polynomial,
    quadratic,
    two_feature_linear,
)
from .sgd import sgd
from .trajectory import Step, Trajectory

__version__ = "0.1.0"

__all__ = [
    "AnalyticSGDError", "Chain", "DataError", "Derivation", "DerivationError",
    "DivergenceError", "Graph", "Kernels", "LOSSES", "Loss", "MissingExtraError", "Model",
    "ModelError", "Node", "OptionError", "build_graph", "derive", "get_loss", "linear",
    "model_from_name", "mse", "parse_model", "polynomial", "quadratic", "rmse", "sse",
    "two_feature_linear", "sgd", "Step", "Trajectory", "EXAMPLES", "Example", "get_example",
]
