"""The primitive operations, one small class each: forward beside backward.

Every backward rule reads like the derivative: ``grad`` is dL/d(output), ``out`` the forward
result, inputs keep their forward names. The rules use only operations that NumPy arrays and
Tensors share (arithmetic, ``@``, ``.mT``, ``.sum``, ``.reshape``, indexing) plus the few
helpers below, so the same rule runs on raw arrays in an ordinary backward and on Tensors,
recording a graph, under ``create_graph=True`` (double backward). Derived operations (mean,
division by a number, ``sigmoid`` of a Scalar...) are composed from these in ``tensor.py``.

Broadcasting: a rule may return a gradient of the broadcast shape; the engine sums it back
to the input's shape (``function.sum_to_shape``), so no rule here un-broadcasts.
"""

from __future__ import annotations

import numpy as np

from . import tensor as _tensor
from .function import Function


class Op(Function):
    """A built-in op: its backward runs on raw arrays unless a graph of the gradient is wanted."""

    backward_on_arrays = True
    _forward_on_arrays = True


def _data(value):
    """The array behind a Tensor; anything else as it is."""
    return value.data if isinstance(value, _tensor.Tensor) else value


def _shape(value):
    return np.shape(_data(value))


def _is_tensor(value):
    return isinstance(value, _tensor.Tensor)


# Helpers for the few backward steps that ndarray and Tensor spell differently.
def _exp(x):
    return x.exp() if _is_tensor(x) else np.exp(x)


def _log(x):
    return x.log() if _is_tensor(x) else np.log(x)


def _broadcast_to(x, shape):
    if _is_tensor(x):
        return BroadcastTo.apply(x, shape=shape)
    out = np.empty(shape, dtype=x.dtype)  # faster than np.broadcast_to, and a writeable array of its own
    out[...] = x
    return out


def _scatter_add(grad, index, shape):
    if _is_tensor(grad):
        return ScatterAdd.apply(grad, index=index, shape=shape)
    return ScatterAdd.scatter(grad, index, shape)


def _elementwise(ufunc, name, a, b):
    """Apply a binary ufunc, turning NumPy's broadcast error into one that names the op.

    NOTE: as in PyTorch, a 0-d float tensor does not upcast an n-d float tensor of another
    precision (``t32 * Tensor(2.0)`` stays float32); each input's gradient keeps its dtype.
    """
    Tensor = _tensor.Tensor  # _data() inlined: this runs for every arithmetic operator
    a = a.data if isinstance(a, Tensor) else a
    b = b.data if isinstance(b, Tensor) else b
    # (dtype objects of the built-in types are shared, so `is not` rules out the usual case fast)
    if type(a) is np.ndarray and type(b) is np.ndarray and a.dtype is not b.dtype and a.dtype != b.dtype:
        if a.dtype.kind == "f" and b.dtype.kind == "f":
            if a.ndim == 0 and b.ndim:
                a = a.astype(b.dtype)
            elif b.ndim == 0 and a.ndim:
                b = b.astype(a.dtype)
    try:
        return ufunc(a, b)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        raise ValueError(
            f"{name}: shapes {np.shape(a)} and {np.shape(b)} cannot be broadcast together "
            "(NumPy rules: trailing axes must be equal or 1)"
        ) from None


# --------------------------------------------------------------------------- arithmetic
class Add(Op):
    """f(a, b) = a + b;  df/da = 1, df/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        return _elementwise(np.add, "add", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    """f(a, b) = a - b;  df/da = 1, df/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        return _elementwise(np.subtract, "sub", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Neg(Op):
    """f(x) = -x;  f'(x) = -1."""

    @staticmethod
    def forward(ctx, x):
        return np.negative(x.data)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Mul(Op):
    """f(a, b) = a * b;  df/da = b, df/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _elementwise(np.multiply, "mul", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """f(a, b) = a / b;  df/da = 1 / b, df/db = -a / b^2 = -out / b."""

    @staticmethod
    def forward(ctx, a, b):
        out = _elementwise(np.true_divide, "div", a, b)
        ctx.save_for_backward(b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, (-grad_a * out if ctx.needs_input_grad[1] else None)


class Pow(Op):
    """f(a, b) = a ** b;  df/da = b a^(b-1), df/db = out log(a).

    NOTE: where ``a == 0`` the exponent's gradient is taken as 0 (as PyTorch does), not
    ``0 * log(0) = nan``.
    """

    @staticmethod
    def forward(ctx, a, b):
        out = _elementwise(np.power, "pow", a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * b * a ** (b - 1) if need_a else None
        grad_b = None
        if need_b:
            nonzero = _data(a) != 0
            safe_a = Where.apply(nonzero, a, 1.0) if _is_tensor(a) else np.where(nonzero, a, 1.0)
            grad_b = grad * out * _log(safe_a)
        return grad_a, grad_b


class MatMul(Op):
    """f(a, b) = a @ b (NumPy's matmul: vectors, matrices, batches with broadcast batch axes).

    df/da = grad @ b^T, df/db = a^T @ grad, with 1-D operands treated as a row (a) or a
    column (b) and the batch axes summed back by the engine.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.matmul(_data(a), _data(b))
        except ValueError:
            raise ValueError(
                f"matmul: shapes {_shape(a)} and {_shape(b)} are not aligned: the last axis of "
                "the first must equal the second-to-last axis of the second (or its only axis), "
                "and both need at least one axis"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:  # dot product: grad is a number
            return (grad * b if need_a else None), (grad * a if need_b else None)
        a_row = a.reshape(1, -1) if a.ndim == 1 else a
        b_col = b.reshape(-1, 1) if b.ndim == 1 else b
        grad_2d = grad
        if a.ndim == 1:
            grad_2d = grad_2d.reshape(grad.shape[:-1] + (1, grad.shape[-1]))
        if b.ndim == 1:
            grad_2d = grad_2d.reshape(grad_2d.shape + (1,))
        grad_a = grad_b = None
        if need_a:
            grad_a = grad_2d @ b_col.mT
            if a.ndim == 1:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + (a.shape[0],))
        if need_b:
            grad_b = a_row.mT @ grad_2d
            if b.ndim == 1:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
        return grad_a, grad_b


# --------------------------------------------------------------------------- elementwise functions
class Exp(Op):
    """f(x) = e^x;  f'(x) = e^x = out."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Op):
    """f(x) = ln x;  f'(x) = 1 / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    """f(x) = sqrt(x);  f'(x) = 1 / (2 sqrt(x)) = 1 / (2 out)."""

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (out * 2)


class Abs(Op):
    """f(x) = |x|;  f'(x) = sign(x).

    NOTE: abs'(0) = 0, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x):
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(np.sign(x.data))
        return np.abs(x.data)

    @staticmethod
    def backward(ctx, grad):
        (sign,) = ctx.saved_tensors
        return grad * sign


class Tanh(Op):
    """f(x) = tanh x;  f'(x) = 1 - tanh^2 x = 1 - out^2."""

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Op):
    """f(x) = 1 / (1 + e^-x);  f'(x) = out (1 - out).

    NOTE: a primitive rather than composed, for stability: e^-x overflows for x = -1000,
    so the forward pass only ever exponentiates -|x|.
    """

    @staticmethod
    def forward(ctx, x):
        x = x.data
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Relu(Op):
    """f(x) = max(0, x);  f'(x) = 1 if x > 0 else 0.

    NOTE: relu'(0) = 0, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x.data, 0)
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(x.data > 0)
        return out

    @staticmethod
    def backward(ctx, grad):
        (positive,) = ctx.saved_tensors
        return grad * positive


class Clip(Op):
    """f(x) = min(max(x, lo), hi);  f'(x) = 1 if lo <= x <= hi else 0.

    NOTE: at the bounds themselves the gradient passes (PyTorch's ``clamp`` convention).
    ``lo`` or ``hi`` may be ``None`` for no bound.
    """

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        data = x.data
        if ctx.needs_input_grad[0]:
            inside = np.ones(data.shape, dtype=bool)
            if lo is not None:
                inside &= data >= lo
            if hi is not None:
                inside &= data <= hi
            ctx.save_for_backward(inside)
        return np.clip(data, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside


class Maximum(Op):
    """f(a, b) = max(a, b) elementwise;  df/da = 1 where a > b, df/db = 1 where b > a.

    NOTE: where ``a == b`` the gradient is shared, 1/2 each, as in PyTorch.
    """

    pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, a, b):
        out = _elementwise(cls.pick, cls.__name__.lower(), a, b)
        share_a = (out == _data(a)).astype(out.dtype)
        share_b = (out == _data(b)).astype(out.dtype)
        tie = share_a * share_b
        ctx.save_for_backward(share_a - tie / 2, share_b - tie / 2)
        return out

    @staticmethod
    def backward(ctx, grad):
        share_a, share_b = ctx.saved_tensors
        return grad * share_a, grad * share_b


class Minimum(Maximum):
    """f(a, b) = min(a, b) elementwise; gradient as :class:`Maximum`, ties shared 1/2 each."""

    pick = staticmethod(np.minimum)


class Where(Op):
    """f(c, a, b) = a where c else b;  df/da = c, df/db = not c (c is a bool mask, no gradient)."""

    @staticmethod
    def forward(ctx, condition, a, b):
        condition = np.asarray(_data(condition))
        if condition.dtype != bool:
            raise TypeError(f"where: the condition must be a bool array, got dtype {condition.dtype}")
        ctx.save_for_backward(condition)
        try:
            return np.where(condition, _data(a), _data(b))
        except ValueError:
            raise ValueError(
                f"where: shapes {condition.shape}, {_shape(a)} and {_shape(b)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        return None, (grad * condition if need_a else None), (grad * ~condition if need_b else None)


# --------------------------------------------------------------------------- reductions
def _normalise_axis(axis, ndim, op):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    normalised = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        normalised.append(a % ndim if ndim else 0)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(normalised) if ndim else ()


def _kept_shape(shape, axes):
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
        axes = _normalise_axis(axis, x.ndim, "sum")
        if ctx.needs_input_grad[0]:
            ctx.in_shape = x.shape
            ctx.kept_shape = _kept_shape(x.shape, axes)
        return x.data.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _broadcast_to(grad.reshape(ctx.kept_shape), ctx.in_shape)


class Max(Op):
    """f(x) = max of x over ``axis``;  df/dx_i = 1 for the maximal element, 0 elsewhere.

    NOTE: tied maxima share the gradient equally (each gets 1/count), as in PyTorch.
    """

    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, x, axis=None, keepdims=False):
        name = cls.__name__.lower()
        if x.size == 0:
            raise ValueError(f"{name}: the tensor is empty (shape {x.shape}), so it has no {name}")
        axes = _normalise_axis(axis, x.ndim, name)
        data = x.data
        kept = cls.pick(data, axis=axes, keepdims=True)
        if ctx.needs_input_grad[0]:
            chosen = (data == kept).astype(data.dtype)
            ctx.save_for_backward(chosen / chosen.sum(axis=axes, keepdims=True))
            ctx.kept_shape = kept.shape
        return kept if keepdims else kept.reshape([n for i, n in enumerate(data.shape) if i not in axes])

    @staticmethod
    def backward(ctx, grad):
        (share,) = ctx.saved_tensors
        return grad.reshape(ctx.kept_shape) * share


class Min(Max):
    """f(x) = min of x over ``axis``; gradient as :class:`Max`, ties shared equally."""

    pick = staticmethod(np.min)


class Softmax(Op):
    """out_i = e^(x_i) / sum_j e^(x_j) along ``axis``;  dx = out * (grad - sum(grad * out)).

    NOTE: a primitive for stability: the row's maximum is subtracted before exponentiating,
    so logits of size 1e3 do not overflow.
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
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

    NOTE: a primitive for stability (log-sum-exp with the maximum subtracted first).
    """

    @staticmethod
    def forward(ctx, x, axis=-1):
        shifted = x.data - x.data.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - _exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


# --------------------------------------------------------------------------- shape and movement
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


def _plain_index(index):
    """Tensors in an index become their arrays, lists become arrays, as NumPy would read them."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if _is_tensor(index):
        if index.requires_grad:
            raise TypeError("indexing: an index tensor cannot require grad")
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _has_integer_array(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, np.ndarray) and part.dtype.kind in "iu" for part in parts)


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
        return _scatter_add(grad, ctx.index, ctx.in_shape)


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


class Concatenate(Op):
    """f(x_1, ..., x_n) = the inputs joined along ``axis``;  each input gets its slice of ``grad``."""

    @staticmethod
    def forward(ctx, *tensors, axis=0):
        arrays = [_data(t) for t in tensors]
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
        arrays = [_data(t) for t in tensors]
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
