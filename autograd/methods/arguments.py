"""How a Tensor method reads its arguments: the other operand, a value as a Tensor, and the
axis and keepdims given with NumPy's names (``axis``, ``keepdims``) or PyTorch's (``dim``,
``keepdim``).

Shared by ``tensor.py``'s operators and the method families of ``autograd/methods/``. This
module sits below ``tensor.py``, so it makes Tensors through the class ``tensor.py`` registers
with :mod:`autograd.function` (``function.tensor_type``), as the ops tell one.
"""

from __future__ import annotations

import numpy as np

from .. import engine, function, ops
from ..ops.op import is_tensor

__all__ = ["operand", "as_tensor", "given_axis", "given_keepdims"]


def operand(value, like):
    """Coerce the other operand of ``like``'s operator.

    Tensors and Python numbers pass unchanged (NumPy keeps a float32 tensor float32 when
    combined with a Python number). Lists, arrays and NumPy scalars become constants, in
    ``like``'s dtype when ``like`` is a float tensor, so ``t32 * np.ones(3)``, ``t32 * [1, 2]``
    and ``t32 + np.float64(2)`` stay float32 rather than silently upcasting.
    """
    # numbers first: the operators pass a Tensor operand on without calling this
    if type(value) in (int, float, bool) or isinstance(value, function.tensor_type):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"cannot combine a Tensor with a value of dtype {array.dtype}")
    dtype = like.data.dtype
    if dtype.kind == "f" and array.dtype != dtype:
        if engine.state.tracing is not None:  # the array may be a traced value (a mask): cast as an op
            return ops.Cast.apply(function.tensor_type._make(array), dtype=dtype)
        array = array.astype(dtype)
    return function.tensor_type._make(array)


def as_tensor(value):
    return value if is_tensor(value) else function.tensor_type(value)


# -- NumPy's axis/keepdims and PyTorch's dim/keepdim -----------------------------------------------
def given_axis(op, axis, dim, default=None):
    """The axis the caller gave, as ``axis=`` (NumPy) or ``dim=`` (PyTorch), not both."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: got both axis={axis!r} and dim={dim!r}; they are two names for one argument")
        axis = dim
    if isinstance(axis, list):
        axis = tuple(axis)
    return default if axis is None else axis


def given_keepdims(op, keepdims, keepdim):
    """``keepdims`` (NumPy) or ``keepdim`` (PyTorch), not both."""
    if keepdim is None:
        return keepdims
    if keepdims:
        raise TypeError(f"{op}: got both keepdims and keepdim; they are two names for one argument")
    return keepdim
