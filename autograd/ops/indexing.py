"""Indexing: picking elements of a tensor; the gradient scatters back (see ``scatter.py``)."""

from __future__ import annotations

import numpy as np

from .arraylike import scatter_add
from .op import Op, is_tensor

__all__ = ["GetItem", "plain_index"]


def plain_index(index):
    """Tensors in an index become their arrays, lists become arrays, as NumPy would read them."""
    if isinstance(index, tuple):
        return tuple(plain_index(i) for i in index)
    if is_tensor(index):
        if index.requires_grad:
            raise TypeError("indexing: an index tensor cannot require grad")
        return index.data
    if isinstance(index, list):
        array = np.asarray(index)
        # NumPy reads [] as an empty integer index (t[[]] has shape (0, ...)), not a float array
        return array.astype(np.intp) if array.size == 0 else array
    return index


class GetItem(Op):
    """f(x) = x[index] (slices, integers, integer or bool arrays);  df/dx scatters ``grad`` back.

    NOTE: the scatter adds, so an element picked twice gets both gradients (repeated indices
    accumulate).
    """

    @staticmethod
    def forward(ctx, x, index):
        ctx.index = index
        ctx.in_shape = x.shape
        try:
            return x.data[index]
        except IndexError as error:
            raise IndexError(f"indexing a tensor of shape {x.shape}: {error}") from None

    @staticmethod
    def backward(ctx, grad):
        return scatter_add(grad, ctx.index, ctx.in_shape)
