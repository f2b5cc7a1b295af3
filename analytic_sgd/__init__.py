"""analytic_sgd: SGD with gradients derived node by node by sympy, proven, and compiled.

>>> import analytic_sgd as asgd
>>> d = asgd.derive(asgd.linear(), asgd.mse)
>>> d.chain("b").closed_form
2*Sum(b + w*x[i] - y[i], (i, 1, n))/n
>>> k = asgd.compile_kernels(d, "exact")
>>> k.grad([0, 0], [0, 1, 2], [10, 12, 14]).tolist()
[-80/3, -24]

The package is built in layers (``docs/architecture.md``): conventions (Loss, Arithmetic,
Settings, BatchPlan) -> symbolic -> kernels -> numeric -> problems -> outputs (render,
pictures, golden, crosscheck, testing) -> cli. This module re-exports the public API.
"""

from .conventions.arithmetic import ARITHMETICS, EXACT, FLOAT32, FLOAT64, Arithmetic, get_arithmetic
from .conventions.batch_plan import BatchPlan
from .conventions.loss import (
    LOSSES,
    Loss,
    get_loss,
    half_mse,
    half_sse,
    mse,
    register_loss,
    rmse,
    sse,
    unregister_loss,
)
from .conventions.sampling import (
    NUMPY,
    NUMPY_LEGACY,
    RNG,
    WITH_REPLACEMENT,
    WITHOUT_REPLACEMENT,
    RandomStart,
    Sampler,
)
from .conventions.schedule import (
    Constant,
    ExponentialLR,
    Expression,
    MultiStepLR,
    Schedule,
    StepLR,
    schedule_from_text,
)
from .conventions.settings import Settings
from .errors import (
    AnalyticSGDError,
    BackendError,
    DataError,
    DataTypeError,
    DerivationError,
    DivergenceError,
    FileSystemError,
    MissingExtraError,
    ModelError,
    ModelTypeError,
    OptionError,
    OptionTypeError,
    RunTooLargeError,
)
from .kernels.cache import derivation_for, kernels_for
from .kernels.elementwise import Kernels, compile_kernels
from .numeric.stability import Stability
from .numeric.trajectory import Step, Trajectory
from .pictures.notebook import register_figure_display
from .problems.examples import EXAMPLES, Example, get_example
from .problems.problem import Problem, example_problem, sgd
from .render.dot import to_dot, to_svg
from .render.mermaid import to_mermaid
from .render.node_values import NodeValues, node_values
from .render.notebook import register_notebook_display
from .render.table import table_pandas as to_pandas
from .render.table_stream import Streamed, stream_table
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
from .version import VERSION

__version__ = VERSION

__all__ = [
    "ARITHMETICS", "EXACT", "FLOAT32", "FLOAT64", "Arithmetic", "get_arithmetic", "BatchPlan",
    "LOSSES", "Loss", "get_loss", "half_mse", "half_sse", "mse", "register_loss", "rmse", "sse",
    "unregister_loss", "Constant", "Expression", "StepLR", "MultiStepLR", "ExponentialLR",
    "Schedule", "schedule_from_text", "Settings", "Sampler", "RNG", "RandomStart", "NUMPY",
    "NUMPY_LEGACY", "WITH_REPLACEMENT", "WITHOUT_REPLACEMENT", "Stability", "AnalyticSGDError", "DataError",
    "DerivationError", "DivergenceError", "MissingExtraError", "ModelError", "OptionError",
    "OptionTypeError", "BackendError", "derivation_for", "kernels_for", "Kernels", "compile_kernels", "Step",
    "Trajectory", "EXAMPLES", "Example", "get_example", "Problem", "example_problem", "sgd",
    "to_pandas", "Chain", "Derivation", "derive", "Graph", "Node", "build_graph", "Model",
    "linear", "model_from_name", "parse_model", "polynomial", "quadratic", "two_feature_linear",
    "register_notebook_display", "register_figure_display", "node_values", "NodeValues",
    "to_dot", "to_svg", "to_mermaid", "handout_html", "write_handout", "worksheet_html",
    "DataTypeError", "FileSystemError", "ModelTypeError", "RunTooLargeError", "stream_table",
    "Streamed",
]

_LAZY = {"handout_html": "handout", "worksheet_html": "handout", "write_handout": "handout"}


def __getattr__(name: str):
    """The names of the layers a run does not need, imported on first use (the handout
    takes about a fifth of the package's import time)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


register_notebook_display()  # rich display in Jupyter, when IPython is running
register_figure_display()    # pictures as PNG without %matplotlib inline
