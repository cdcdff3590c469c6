"""Elementwise ops: arithmetic, functions of one value, and the elementwise choices
(maximum, minimum, where). Inputs broadcast by NumPy's rules; the engine sums each gradient
back to its input's shape."""

from __future__ import annotations

import numpy as np

from .arraylike import log
from .op import Op, data_of, shape_of

__all__ = ["Add", "Sub", "Neg", "Mul", "Div", "Pow", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "Relu",
           "Clip", "Maximum", "Minimum", "Where", "elementwise"]  # fmt: skip


def elementwise(ufunc, name, a, b):
    """Apply a binary ufunc, turning NumPy's broadcast error into one that names the op.

    NOTE: as in PyTorch, a 0-d float tensor does not upcast an n-d float tensor of another
    precision (``t32 * Tensor(2.0)`` stays float32); each input's gradient keeps its dtype.
    """
    a = data_of(a)
    b = data_of(b)
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


# -- arithmetic ----------------------------------------------------------------------------
class Add(Op):
    """f(a, b) = a + b;  df/da = 1, df/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        return elementwise(np.add, "add", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    """f(a, b) = a - b;  df/da = 1, df/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        return elementwise(np.subtract, "sub", a, b)

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
        return elementwise(np.multiply, "mul", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """f(a, b) = a / b;  df/da = 1 / b, df/db = -a / b^2 = -out / b."""

    @staticmethod
    def forward(ctx, a, b):
        out = elementwise(np.true_divide, "div", a, b)
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
        out = elementwise(np.power, "pow", a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * b * a ** (b - 1) if need_a else None
        grad_b = grad * out * log(a + (a == 0)) if need_b else None  # log 1 = 0 where a = 0
        return grad_a, grad_b


# -- functions of one value ----------------------------------------------------------------
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
        ctx.save_for_backward(x)
        return np.abs(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x > 0) - grad * (x < 0)  # grad * sign(x), the sign recomputed from x


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
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)  # x > 0 exactly where out > 0


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
        out = elementwise(cls.pick, cls.__name__.lower(), a, b)
        share_a = (out == data_of(a)).astype(out.dtype)
        share_b = (out == data_of(b)).astype(out.dtype)
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
        condition = np.asarray(data_of(condition))
        if condition.dtype != bool:
            raise TypeError(f"where: the condition must be a bool array, got dtype {condition.dtype}")
        ctx.save_for_backward(condition)
        try:
            return np.where(condition, data_of(a), data_of(b))
        except ValueError:
            raise ValueError(
                f"where: shapes {condition.shape}, {shape_of(a)} and {shape_of(b)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        return None, (grad * condition if need_a else None), (grad * ~condition if need_b else None)
