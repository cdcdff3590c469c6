"""Reductions: many values to fewer along axes (sum, max, min) and the normalisations along an
axis (softmax, log-softmax)."""

from __future__ import annotations

import numpy as np

from .arraylike import broadcast_to, exp
from .op import Op

__all__ = ["Sum", "Max", "Min", "Softmax", "LogSoftmax", "normalise_axis"]


def normalise_axis(axis, ndim, op):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    normalised = []
    for a in axes:
        # a 0-d tensor accepts axis 0 and -1, as NumPy's and PyTorch's reductions do
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        normalised.append(a % ndim if ndim else 0)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(normalised) if ndim else ()


def _keptshape_of(shape, axes):
    """The shape of a reduction with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Op):
    """f(x) = sum of x over ``axis``;  df/dx_i = 1, so the gradient is ``grad`` broadcast back."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        if axis is None and not keepdims:  # the loss's sum: the common case, kept quick
            data = x.data
            if ctx.needs_input_grad[0]:
                ctx.in_shape = data.shape
                ctx.kept_shape = (1,) * data.ndim
            return np.add.reduce(data, axis=None)
        axes = normalise_axis(axis, x.ndim, "sum")
        if ctx.needs_input_grad[0]:
            ctx.in_shape = x.shape
            ctx.kept_shape = _keptshape_of(x.shape, axes)
        return x.data.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return broadcast_to(grad.reshape(ctx.kept_shape), ctx.in_shape)


class Max(Op):
    """f(x) = max of x over ``axis``;  df/dx_i = 1 for the maximal element, 0 elsewhere.

    NOTE: tied maxima share the gradient equally (each gets 1/count), as in PyTorch. A NaN
    is the maximum of its slice (NaN propagates) and takes the whole gradient, shared among
    the slice's NaNs, as ``torch.max`` does. (``torch.amax`` along an axis instead sends NaN to
    every element of such a slice.) The chosen elements are found in backward, from the saved
    input and output.
    """

    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, x, axis=None, keepdims=False):
        name = cls.__name__.lower()
        if x.size == 0:
            raise ValueError(f"{name}: the tensor is empty (shape {x.shape}), so it has no {name}")
        axes = normalise_axis(axis, x.ndim, name)
        data = x.data
        kept = cls.pick(data, axis=axes, keepdims=True)
        out = kept if keepdims else kept.reshape([n for i, n in enumerate(data.shape) if i not in axes])
        ctx.save_for_backward(x, out)
        ctx.axes = axes
        ctx.kept_shape = kept.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        out = out.reshape(ctx.kept_shape)
        chosen = (x == out) + (x != x) * (out != out)  # bool or: equal to the extreme, or NaN where it is NaN
        count = chosen.sum(axis=ctx.axes, keepdims=True).astype(grad.dtype)
        return grad.reshape(ctx.kept_shape) / count * chosen


class Min(Max):
    """f(x) = min of x over ``axis``; gradient as :class:`Max`: ties shared equally, a NaN takes it."""

    pick = staticmethod(np.min)


def _softmax_axis(x, axis, op):
    """Check ``axis`` against ``x`` for (log-)softmax: an error that names the op, the axis and the shape."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be one integer, got {axis!r}")
    if not -max(x.ndim, 1) <= axis < max(x.ndim, 1):
        raise ValueError(
            f"{op}: axis {axis} is out of range for a tensor of shape {x.shape} "
            f"(valid: {-max(x.ndim, 1)} to {max(x.ndim, 1) - 1})"
        )
    return axis if x.ndim else None


class Softmax(Op):
    """out_i = e^(x_i) / sum_j e^(x_j) along ``axis``;  dx = out * (grad - sum(grad * out)).

    NOTE: a primitive for stability: the row's maximum is subtracted before exponentiating,
    so logits of size 1e3 do not overflow. An axis of length 0 gives an empty result, as in
    PyTorch.
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
        axis = _softmax_axis(x, axis, "softmax")
        if x.size == 0:
            out = x.data.copy()
        else:
            shifted = x.data - x.data.max(axis=axis, keepdims=True)
            e = np.exp(shifted)
            out = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Op):
    """out_i = x_i - log sum_j e^(x_j) along ``axis``;  dx = grad - softmax(x) * sum(grad).

    NOTE: a primitive for stability (log-sum-exp with the maximum subtracted first). An axis
    of length 0 gives an empty result, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
        axis = _softmax_axis(x, axis, "log_softmax")
        if x.size == 0:
            out = x.data.copy()
        else:
            shifted = x.data - x.data.max(axis=axis, keepdims=True)
            out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - exp(out) * grad.sum(axis=ctx.axis, keepdims=True)
