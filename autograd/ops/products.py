"""Products and running totals along an axis: prod, cumsum, cumprod.

The gradient of a product is the product of the *other* factors, never ``out / x``: dividing
by x fails where x is 0, and a product with a zero in it still has a gradient (the product of
the rest). ``arraylike.prod_others`` computes it exactly.
"""

from __future__ import annotations

import numpy as np

from .arraylike import cumsum, prod_others
from .op import Op
from .reductions import normalise_axis

__all__ = ["Prod", "Cumsum", "Cumprod"]


def _to_last(x, axes):
    """The permutation that moves ``axes`` to the end, and its inverse."""
    order = [i for i in range(x.ndim) if i not in axes] + list(axes)
    inverse = [0] * len(order)
    for position, axis in enumerate(order):
        inverse[axis] = position
    return tuple(order), tuple(inverse)


class Prod(Op):
    """f(x) = product of x over ``axis``;  df/dx_i = product of the other x_k.

    NOTE: exact with zeros (one zero: only its own entry gets a gradient; two: none do), as
    in PyTorch; never computed as ``out / x``.
    """

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalise_axis(axis, x.ndim, "prod")
        ctx.save_for_backward(x)
        ctx.axes = axes
        return np.prod(x.data, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        order, inverse = _to_last(x, ctx.axes)
        moved = x.transpose(order) if x.ndim else x
        lead = moved.shape[: x.ndim - len(ctx.axes)]
        n = int(np.prod([x.shape[a] for a in ctx.axes]))
        others = prod_others(moved.reshape(lead + (n,)))
        grad_x = (grad.reshape(lead + (1,)) * others).reshape(moved.shape)
        return grad_x.transpose(inverse) if x.ndim else grad_x


def _flip(x, axis):
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


class Cumsum(Op):
    """out_j = x_1 + ... + x_j along ``axis``;  dx_i = grad_i + ... + grad_n (a cumsum from the end)."""

    @staticmethod
    def forward(ctx, x, axis):
        (ctx.axis,) = normalise_axis(axis, x.ndim, "cumsum")
        return np.cumsum(x.data, axis=ctx.axis)

    @staticmethod
    def backward(ctx, grad):
        return _flip(cumsum(_flip(grad, ctx.axis), ctx.axis), ctx.axis)


class Cumprod(Op):
    """out_j = x_1 x_2 ... x_j along ``axis``;  dx_i = sum over j >= i of grad_j * (product of
    x_k for k <= j, k != i).

    NOTE: exact with zeros (never ``out / x``), as in PyTorch; the backward builds an (n, n)
    matrix per row along ``axis``, so it costs O(n^2) for rows of length n.
    """

    @staticmethod
    def forward(ctx, x, axis):
        (ctx.axis,) = normalise_axis(axis, x.ndim, "cumprod")
        ctx.save_for_backward(x)
        return np.cumprod(x.data, axis=ctx.axis)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        order, inverse = _to_last(x, (ctx.axis,))
        moved, grad = x.transpose(order), grad.transpose(order)
        n = x.shape[ctx.axis]
        upto = np.tril(np.ones((n, n), dtype=x.dtype))  # upto[j, k] = 1 where k <= j
        factors = moved.reshape(moved.shape[:-1] + (1, n)) * upto + (1 - upto)  # row j: x_1..x_j, then ones
        grad_moved = (grad.reshape(grad.shape + (1,)) * prod_others(factors) * upto).sum(axis=-2)
        return grad_moved.transpose(inverse)
