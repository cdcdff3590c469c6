"""The few operations that NumPy arrays and Tensors spell differently, made to work on both.

Why they exist: a built-in op's backward rule is written once and runs two ways. In an
ordinary ``backward()`` it gets plain arrays (fast: no Tensor, no graph); under
``create_graph=True`` it gets Tensors and records the gradient's own graph (double backward).
Arithmetic, ``@``, ``.T``, ``.mT``, ``.sum``, ``.reshape``, indexing and comparisons are
spelled the same on both; these are not, so each picks the spelling of its argument
(``op.is_tensor``).

On a Tensor a helper calls the Tensor's method (``x.exp()``, ``x.cumsum(axis)``), which applies
the op of its family; so this module imports none of the families, and each can use it, even
the op a helper stands for (``Cumsum``'s backward is a ``cumsum``). Two such helpers live
beside their ops instead: ``where`` (in ``elementwise.py``) and ``einsum`` (in ``einsum.py``)
have no Tensor method to call, so each needs its op's class, whose backward needs the helper.
"""

from __future__ import annotations

import numpy as np

from .op import is_tensor
from .scatter import ScatterAdd
from .shape import BroadcastTo

__all__ = ["exp", "log", "softmax", "broadcast_to", "scatter_add", "sin", "cos", "sinh", "cosh", "floor", "sigmoid",
           "cumsum", "prod_others"]  # fmt: skip


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
    e /= e.sum(axis=axis, keepdims=True)  # in the exponentials' own array: it is fresh
    return e


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


def cumsum(x, axis):
    """Running sum along ``axis``."""
    return x.cumsum(axis) if is_tensor(x) else np.cumsum(x, axis=axis)


def prod_others(x):
    """others[..., i] = product of x[..., k] for k != i, along the last axis, exactly (zeros included).

    On arrays: the product of everything before i times everything after i (two running
    products, O(n)). On Tensors (double backward): the product over the last axis of the
    (n, n) matrix that is x with its diagonal set to 1, so the result stays differentiable.
    """
    n = x.shape[-1]
    if n == 0:
        return x * 1  # no factors: nothing to leave out
    if is_tensor(x):
        eye = np.eye(n, dtype=x.dtype)
        return (x.reshape(x.shape[:-1] + (1, n)) * (1 - eye) + eye).prod(axis=-1)
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return before * after
