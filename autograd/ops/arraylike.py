"""The few operations that NumPy arrays and Tensors spell differently, made to work on both.

Why they exist: a built-in op's backward rule is written once and runs two ways. In an
ordinary ``backward()`` it gets plain arrays (fast: no Tensor, no graph); under
``create_graph=True`` it gets Tensors and records the gradient's own graph (double backward).
Arithmetic, ``@``, ``.T``, ``.mT``, ``.sum``, ``.reshape``, indexing and comparisons are
spelled the same on both; these are not, so each picks the spelling of its argument
(``op.is_tensor``).
"""

from __future__ import annotations

import numpy as np

from .op import is_tensor
from .scatter import ScatterAdd
from .shape import BroadcastTo

__all__ = ["exp", "log", "softmax", "broadcast_to", "scatter_add", "sin", "cos", "sinh", "cosh", "floor", "sigmoid"]


def exp(x):
    """e^x."""
    return x.exp() if is_tensor(x) else np.exp(x)


def log(x):
    """ln x."""
    return x.log() if is_tensor(x) else np.log(x)


def softmax(x, axis, known=None):
    """e^x / sum(e^x) along ``axis``, with the maximum subtracted first (no overflow).

    ``known``: the softmax of the same ``x`` if forward already computed it as an array. On
    arrays it is returned as it is (no second computation); on Tensors the softmax is always
    computed again as a Tensor operation, so it stays a function of ``x`` (double backward,
    tracing).
    """
    if is_tensor(x):
        return x.softmax(axis=axis)
    if known is not None:
        return known
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def broadcast_to(x, shape):
    """``x`` copied along new or length-1 axes up to ``shape``."""
    if not is_tensor(x):
        out = np.empty(shape, dtype=x.dtype)  # faster than np.broadcast_to, and a writeable array of its own
        out[...] = x
        return out
    return BroadcastTo.apply(x, shape=shape)


def scatter_add(grad, index, shape):
    """zeros(shape) with ``grad`` added at ``index``: the adjoint of ``x[index]``."""
    if not is_tensor(grad):
        return ScatterAdd.scatter(grad, index, shape)
    return ScatterAdd.apply(grad, index=index, shape=shape)


# -- functions that a few backward rules need, by name: a Tensor's method or NumPy's ufunc ------
def _either(name, ufunc):
    def call(x):
        return getattr(x, name)() if is_tensor(x) else ufunc(x)

    call.__name__ = name
    call.__doc__ = f"{name}(x) of an array or a Tensor."
    return call


sin = _either("sin", np.sin)
cos = _either("cos", np.cos)
sinh = _either("sinh", np.sinh)
cosh = _either("cosh", np.cosh)
floor = _either("floor", np.floor)


def sigmoid(x):
    """1 / (1 + e^-x), without overflow."""
    if is_tensor(x):
        return x.sigmoid()
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
