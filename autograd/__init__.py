"""autograd: a small, readable automatic-differentiation engine on NumPy.

Tensor and Scalar record the operations made with them into a graph; ``backward()`` walks
it in reverse topological order applying the chain rule. See ``API.md`` for the contract.
"""

# `autograd.tensor` is the function (as `torch.tensor`), not the submodule `autograd/tensor.py`.
# Loading a submodule sets it as an attribute of its package, but only the first time:
# tensor.py is loaded (by the first import below) before `from .creation import tensor` binds
# the name to the function, and later imports of the submodule (`from autograd.tensor import
# Tensor`) leave the name alone.
# tests/autograd/test_creation.py checks `autograd.tensor([1.0])`.
from . import array_functions as _array_functions
from . import math_functions as _math_functions
from .array_functions import *  # noqa: F403 (the shape, indexing and product functions; their __all__)
from .creation import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from .engine import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .function import Function
from .functional import grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .math_functions import *  # noqa: F403 (the elementwise and reduction functions; their __all__)
from .methods.elementwise import maximum, minimum, where
from .methods.shape import concatenate, stack
from .program import Program, TraceError, compile, set_num_threads, trace
from .scalar import Scalar
from .tensor import Tensor, get_default_dtype, set_default_dtype
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
    # creation
    "tensor", "zeros", "ones", "full", "eye", "arange", "linspace", "zeros_like", "ones_like", "full_like",
    "rand", "randn", "randint", "manual_seed",
    # programs
    "trace", "Program", "compile", "TraceError", "set_num_threads",
]  # fmt: skip
__all__ += _math_functions.__all__ + _array_functions.__all__
