"""More functions of one value (logs and exponentials in other bases, softplus), the
two-argument ``logaddexp``, floor division and remainder, and the step functions whose
derivative is zero wherever it exists (sign, floor, ceil, round, trunc)."""

from __future__ import annotations

import math

import numpy as np

from .arraylike import exp, floor, sigmoid
from .elementwise import elementwise
from .op import Op

__all__ = ["Log1p", "Expm1", "Log2", "Log10", "Exp2", "Softplus", "LogAddExp", "Sign", "Floor", "Ceil", "Round",
           "Trunc", "FloorDivide", "Remainder"]  # fmt: skip


class Log1p(Op):
    """f(x) = ln(1 + x);  f'(x) = 1 / (1 + x).

    NOTE: a primitive for accuracy: for tiny x, ``1 + x`` rounds away the digits of x.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(Op):
    """f(x) = e^x - 1;  f'(x) = e^x = out + 1.

    NOTE: a primitive for accuracy near 0 (``exp(x) - 1`` cancels).
    """

    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(Op):
    """f(x) = log2 x;  f'(x) = 1 / (x ln 2).

    NOTE: a primitive so that powers of two give exact integers (``log(8) / log(2)`` does not).
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(2))


class Log10(Op):
    """f(x) = log10 x;  f'(x) = 1 / (x ln 10)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(10))


class Exp2(Op):
    """f(x) = 2^x;  f'(x) = 2^x ln 2 = out ln 2."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp2(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * math.log(2)


class Softplus(Op):
    """f(x) = ln(1 + e^(beta x)) / beta;  f'(x) = sigmoid(beta x).

    Where ``beta x > threshold`` it returns x itself (gradient 1), as PyTorch's ``softplus``.

    NOTE: a primitive for stability: computed as ``logaddexp(0, beta x) / beta``, which never
    overflows (composing ``log(1 + exp(x))`` gives inf at x = 1000).
    """

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        scaled = x.data * beta
        return np.where(scaled > threshold, x.data, np.logaddexp(0, scaled) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        scaled = x * ctx.beta
        s = sigmoid(scaled)
        return grad * (s + (scaled > ctx.threshold) * (1 - s))


class LogAddExp(Op):
    """f(a, b) = ln(e^a + e^b);  df/da = e^(a - out), df/db = e^(b - out) (a softmax of two).

    NOTE: a primitive for stability (the larger argument is factored out before exponentiating).
    """

    @staticmethod
    def forward(ctx, a, b):
        out = elementwise(np.logaddexp, "logaddexp", a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * exp(a - out) if need_a else None), (grad * exp(b - out) if need_b else None)


# -- step functions: flat almost everywhere ------------------------------------------------------
class Sign(Op):
    """f(x) = sign x (-1, 0 or 1);  f'(x) = 0.

    NOTE: the jumps (at 0 for sign, at the integers for floor, ceil, round, trunc) have no
    derivative; the gradient there is 0 as well, as in PyTorch.
    """

    pick = staticmethod(np.sign)

    @classmethod
    def forward(cls, ctx, x):
        return cls.pick(x.data)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Floor(Sign):
    """f(x) = the largest integer <= x;  f'(x) = 0 (see :class:`Sign`)."""

    pick = staticmethod(np.floor)


class Ceil(Sign):
    """f(x) = the smallest integer >= x;  f'(x) = 0 (see :class:`Sign`)."""

    pick = staticmethod(np.ceil)


class Trunc(Sign):
    """f(x) = x with its fractional part dropped (towards 0);  f'(x) = 0 (see :class:`Sign`)."""

    pick = staticmethod(np.trunc)


class Round(Op):
    """f(x) = x rounded to ``decimals`` places, halves to even (NumPy's and PyTorch's rule);  f'(x) = 0."""

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x.data, decimals)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class FloorDivide(Op):
    """f(a, b) = floor(a / b) (Python's ``//``);  df/da = df/db = 0 (a step function)."""

    @staticmethod
    def forward(ctx, a, b):
        return elementwise(np.floor_divide, "floor_divide", a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return (grad * 0 if need_a else None), (grad * 0 if need_b else None)


class Remainder(Op):
    """f(a, b) = a - b floor(a / b) (Python's ``%``: the sign of b);  df/da = 1, df/db = -floor(a / b).

    NOTE: at the jumps (a a multiple of b) the derivative is taken from the right, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return elementwise(np.remainder, "remainder", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * floor(a / b) if ctx.needs_input_grad[1] else None)
