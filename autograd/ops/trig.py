"""Trigonometric and hyperbolic functions and their inverses, each with its derivative.

The inverse functions are defined where NumPy defines them (``arcsin`` on [-1, 1], ``arccosh``
on [1, inf), ``arctanh`` on (-1, 1)); outside, the value is ``nan`` as in NumPy and PyTorch,
and at the ends of the interval the derivative is infinite.
"""

from __future__ import annotations

import numpy as np

from .arraylike import cos, cosh, sin, sinh
from .op import Op

__all__ = ["Sin", "Cos", "Tan", "Arcsin", "Arccos", "Arctan", "Sinh", "Cosh", "Arcsinh", "Arccosh", "Arctanh"]


class Sin(Op):
    """f(x) = sin x;  f'(x) = cos x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cos(x)


class Cos(Op):
    """f(x) = cos x;  f'(x) = -sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * sin(x)


class Tan(Op):
    """f(x) = tan x;  f'(x) = 1 + tan^2 x = 1 + out^2."""

    @staticmethod
    def forward(ctx, x):
        out = np.tan(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Arcsin(Op):
    """f(x) = arcsin x (PyTorch: ``asin``);  f'(x) = 1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x) ** 0.5


class Arccos(Op):
    """f(x) = arccos x (PyTorch: ``acos``);  f'(x) = -1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad / (1 - x * x) ** 0.5


class Arctan(Op):
    """f(x) = arctan x (PyTorch: ``atan``);  f'(x) = 1 / (1 + x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Sinh(Op):
    """f(x) = sinh x;  f'(x) = cosh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cosh(x)


class Cosh(Op):
    """f(x) = cosh x;  f'(x) = sinh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sinh(x)


class Arcsinh(Op):
    """f(x) = arcsinh x (PyTorch: ``asinh``);  f'(x) = 1 / sqrt(x^2 + 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1) ** 0.5


class Arccosh(Op):
    """f(x) = arccosh x (PyTorch: ``acosh``), for x >= 1;  f'(x) = 1 / sqrt(x^2 - 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccosh(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x - 1) ** 0.5


class Arctanh(Op):
    """f(x) = arctanh x (PyTorch: ``atanh``), for |x| < 1;  f'(x) = 1 / (1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctanh(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)
