"""Shape and movement: the same values rearranged; each gradient is ``grad`` moved back."""

from __future__ import annotations

import numpy as np

from .op import Op, data_of

__all__ = ["Reshape", "Transpose", "BroadcastTo", "Cast", "Concatenate", "Stack"]


class Reshape(Op):
    """f(x) = x with a new shape;  the gradient is ``grad`` reshaped back."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        try:
            return x.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} into {tuple(shape)}") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class Transpose(Op):
    """f(x) = x with its axes permuted;  the gradient is ``grad`` permuted back."""

    @staticmethod
    def forward(ctx, x, axes=None):
        if axes is None:  # reversing the axes (x.T) is its own inverse
            ctx.inverse = None
            return x.data.T
        ndim = x.ndim
        axes = tuple(a % ndim if ndim else a for a in axes)
        if sorted(axes) != list(range(ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {ndim} axes of {x.shape}")
        inverse = [0] * ndim
        for position, axis in enumerate(axes):
            inverse[axis] = position
        ctx.inverse = tuple(inverse)
        return x.data.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        return grad.T if ctx.inverse is None else grad.transpose(ctx.inverse)


class BroadcastTo(Op):
    """f(x) = x copied along new or length-1 axes up to ``shape``;  the engine sums the gradient back."""

    @staticmethod
    def forward(ctx, x, shape):
        try:
            return np.broadcast_to(x.data, shape)
        except ValueError:
            raise ValueError(f"broadcast_to: shape {x.shape} cannot be broadcast to {tuple(shape)}") from None

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Op):
    """f(x) = x as another dtype;  the gradient is ``grad`` cast back (the engine casts it)."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.data.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Concatenate(Op):
    """f(x_1, ..., x_n) = the inputs joined along ``axis``;  each input gets its slice of ``grad``."""

    @staticmethod
    def forward(ctx, *tensors, axis=0):
        arrays = [data_of(t) for t in tensors]
        try:
            out = np.concatenate(arrays, axis=axis)
        except (ValueError, np.exceptions.AxisError) as error:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            raise ValueError(f"concatenate along axis {axis}: shapes {shapes} do not fit ({error})") from None
        ctx.axis = axis % out.ndim
        ctx.bounds = np.cumsum([0] + [np.shape(a)[ctx.axis] for a in arrays])
        return out

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return tuple(
            grad[lead + (slice(start, stop),)] if needed else None
            for start, stop, needed in zip(ctx.bounds[:-1], ctx.bounds[1:], ctx.needs_input_grad)
        )


class Stack(Op):
    """f(x_1, ..., x_n) = the inputs stacked along a new ``axis``;  input i gets ``grad[..., i, ...]``."""

    @staticmethod
    def forward(ctx, *tensors, axis=0):
        arrays = [data_of(t) for t in tensors]
        try:
            out = np.stack(arrays, axis=axis)
        except (ValueError, np.exceptions.AxisError) as error:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            raise ValueError(f"stack along axis {axis}: shapes {shapes} do not fit ({error})") from None
        ctx.axis = axis % out.ndim
        return out

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return tuple(grad[lead + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))
