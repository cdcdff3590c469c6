"""autograd: a small, readable automatic-differentiation engine on NumPy.

Tensor and Scalar record the operations made with them into a graph; ``backward()`` walks
it in reverse topological order applying the chain rule. See ``API.md`` for the contract.
"""

from .engine import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .function import Function
from .functional import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .program import Program, TraceError, compile, set_num_threads, trace
from .scalar import Scalar
from .tensor import Tensor, concatenate, get_default_dtype, maximum, minimum, set_default_dtype, stack, where
from .viz import draw_graph

__all__ = [
    "Tensor",
    "Scalar",
    "Function",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "set_default_dtype",
    "get_default_dtype",
    "maximum",
    "minimum",
    "where",
    "concatenate",
    "stack",
    "draw_graph",
    "trace",
    "Program",
    "compile",
    "TraceError",
    "set_num_threads",
]
