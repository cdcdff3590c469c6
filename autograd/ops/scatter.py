"""Scatter: adding values into zeros at an index, the adjoint of indexing."""

from __future__ import annotations

import numpy as np

from .op import Op

__all__ = ["ScatterAdd"]


def _has_integer_array(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, np.ndarray) and part.dtype.kind in "iu" for part in parts)


class ScatterAdd(Op):
    """f(g) = zeros(shape) with g added at ``index``: the adjoint of indexing, for double backward."""

    @staticmethod
    def scatter(grad, index, shape):
        out = np.zeros(shape, dtype=grad.dtype)
        if _has_integer_array(index):
            np.add.at(out, index, grad)  # repeated indices must add up, which out[index] += would not do
        else:
            out[index] = grad  # slices and masks pick each element at most once
        return out

    @staticmethod
    def forward(ctx, grad, index, shape):
        ctx.index = index
        return ScatterAdd.scatter(grad.data, index, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index]
