"""The primitive operations, one small class each (forward beside backward), one file per family.

Every backward rule reads like the derivative: ``grad`` is dL/d(output), ``out`` the forward
result, inputs keep their forward names. Derived operations (mean, ``a - b`` of a number,
``sigmoid`` of a Scalar...) are composed from these in the Tensor methods (``autograd/methods/``).

Broadcasting: a rule may return a gradient of the broadcast shape; the engine sums it back
to the input's shape (``function.sum_to_shape``), so no rule here un-broadcasts.

Files, from the bottom up (each imports only those above it):

* ``op.py``: the base class :class:`Op` and how an op reads its inputs;
* ``shape.py``: reshape, transpose, broadcast, cast, concatenate, stack;
* ``scatter.py``: adding into zeros at an index (the adjoint of indexing);
* ``arraylike.py``: the helpers that let one backward rule run on arrays and Tensors;
* ``elementwise.py``, ``reductions.py``, ``indexing.py``, ``linalg.py``: the rest;
* ``trig.py``, ``unary.py`` (more functions of one value, step functions, ``//`` and ``%``),
  ``products.py`` (prod, cumsum, cumprod), ``einsum.py``: more primitives;
* ``comparison.py``: ``< <= > >= == !=``, not differentiable, recorded by a trace;
* ``movement.py`` and ``composed.py``: ops composed from the primitives (no backward of their own).
"""

from .comparison import Compare, Equal, Greater, GreaterEqual, Less, LessEqual, NotEqual
from .einsum import Einsum
from .elementwise import (
    Abs,
    Add,
    Clip,
    Div,
    Exp,
    Log,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    Relu,
    Sigmoid,
    Sqrt,
    Sub,
    Tanh,
    Where,
)
from .indexing import GetItem
from .linalg import Linear, MatMul
from .op import Op
from .products import Cumprod, Cumsum, Prod
from .reductions import LogSoftmax, Max, Min, Softmax, Sum
from .scatter import ScatterAdd
from .shape import BroadcastTo, Cast, Concatenate, Reshape, Stack, Transpose
from .trig import Arccos, Arccosh, Arcsin, Arcsinh, Arctan, Arctanh, Cos, Cosh, Sin, Sinh, Tan
from .unary import (
    Ceil,
    Exp2,
    Expm1,
    Floor,
    FloorDivide,
    Log1p,
    Log2,
    Log10,
    LogAddExp,
    Remainder,
    Round,
    Sign,
    Softplus,
    Trunc,
)

__all__ = [
    "Op",
    "Add", "Sub", "Neg", "Mul", "Div", "Pow", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "Relu", "Clip",
    "Maximum", "Minimum", "Where",
    "Sum", "Max", "Min", "Softmax", "LogSoftmax",
    "Reshape", "Transpose", "BroadcastTo", "Cast", "Concatenate", "Stack",
    "GetItem", "ScatterAdd",
    "MatMul", "Linear",
    "Sin", "Cos", "Tan", "Arcsin", "Arccos", "Arctan", "Sinh", "Cosh", "Arcsinh", "Arccosh", "Arctanh",
    "Log1p", "Expm1", "Log2", "Log10", "Exp2", "Softplus", "LogAddExp",
    "Sign", "Floor", "Ceil", "Round", "Trunc", "FloorDivide", "Remainder",
    "Prod", "Cumsum", "Cumprod", "Einsum",
    "Compare", "Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual",
]  # fmt: skip
