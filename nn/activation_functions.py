"""Activation functions of Tensors: what the activation modules of :mod:`nn.activations` call.

Most are a line or a few of Tensor operations, so their gradients (and second derivatives) come
from the engine; ``gelu`` uses :class:`Erf`, a Function of its own, because NumPy has no erf.
They are imported into :mod:`nn.functional`, so ``nn.functional.relu`` and the rest are where
they always were; inputs may be Tensors, arrays or lists.
"""

from __future__ import annotations

import math

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops.arraylike import exp as _exp

from . import checks

__all__ = [
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "step",
    "Erf",
    "gelu",
    "silu",
    "softplus",
    "hardtanh",
]


def relu(x):
    """f(x) = max(0, x);  f'(x) = 1 if x > 0 else 0.

    NOTE: relu'(0) = 0, as in PyTorch.

    >>> import nn
    >>> nn.functional.relu([-1.0, 0.0, 2.0])
    Tensor([0., 0., 2.])
    """
    return checks.tensor(x).relu()


def leaky_relu(x, negative_slope=0.01):
    """f(x) = x if x > 0 else slope * x (= max(slope x, x) for slope < 1);  f'(x) = 1 if x > 0 else slope.

    NOTE: at x = 0 the gradient is ``slope``, as in PyTorch (not a shared tie).

    >>> import nn
    >>> nn.functional.leaky_relu([-2.0, 3.0], negative_slope=0.1)
    Tensor([-0.2,  3. ])
    """
    x = checks.tensor(x)
    return autograd.where(x > 0, x, x * negative_slope)


def prelu(x, weight):
    """f(x) = x if x > 0 else a * x, with a learnable slope ``weight`` (one, or one per channel).

    df/dx = 1 if x > 0 else a;  df/da = 0 if x > 0 else x. With several slopes, slope ``c``
    applies to channel ``c`` of axis 1 (axis 0 of a 1-d input), as in PyTorch.

    >>> import autograd, nn
    >>> nn.functional.prelu(autograd.Tensor([-2.0, 3.0]), autograd.Tensor([0.25]))
    Tensor([-0.5,  3. ])
    """
    x, weight = checks.tensor(x), checks.tensor(weight)
    if weight.size != 1:
        axis = 1 if x.ndim >= 2 else 0
        if x.ndim == 0 or x.shape[axis] != weight.size:
            raise ValueError(
                f"prelu: {weight.size} slopes need an input with {weight.size} channels on axis {axis}, "
                f"got input shape {x.shape}"
            )
        weight = weight.reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return autograd.where(x > 0, x, x * weight)


def elu(x, alpha=1.0):
    """f(x) = x if x > 0 else alpha (e^x - 1);  f'(x) = 1 if x > 0 else alpha e^x.

    NOTE: e^x is taken of min(x, 0), so large positive inputs do not overflow (and their
    unused branch gets no 0 * inf gradient).

    >>> import nn
    >>> nn.functional.elu([-1.0, 2.0])
    Tensor([-0.63212056,  2.        ])
    """
    x = checks.tensor(x)
    positive = x > 0
    negative_part = autograd.where(positive, 0.0, x)
    return autograd.where(positive, x, (negative_part.exp() - 1) * alpha)


def sigmoid(x):
    """f(x) = 1 / (1 + e^-x);  f'(x) = f(x) (1 - f(x)).

    >>> import nn
    >>> nn.functional.sigmoid([0.0])
    Tensor([0.5])
    """
    return checks.tensor(x).sigmoid()


def tanh(x):
    """f(x) = tanh x;  f'(x) = 1 - f(x)^2.

    >>> import nn
    >>> nn.functional.tanh([0.0])
    Tensor([0.])
    """
    return checks.tensor(x).tanh()


def softmax(x, dim=None, *, axis=None):
    """f(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim`` (or NumPy's ``axis``; default -1);
    df_i/dx_j = f_i (1[i = j] - f_j).

    >>> import nn
    >>> nn.functional.softmax([1.0, 1.0])
    Tensor([0.5, 0.5])
    >>> nn.functional.softmax([[0.0, 0.0]], axis=1)
    Tensor([[0.5, 0.5]])
    """
    return checks.tensor(x).softmax(axis=axis, dim=dim)


def log_softmax(x, dim=None, *, axis=None):
    """f(x)_i = x_i - log sum_j e^(x_j) along ``dim`` (or ``axis``; default -1), stable for large inputs.

    >>> import nn
    >>> nn.functional.log_softmax([0.0, 0.0])
    Tensor([-0.69314718, -0.69314718])
    """
    return checks.tensor(x).log_softmax(axis=axis, dim=dim)


def step(x):
    """The perceptron's step: f(x) = 1 if x > 0 else 0.

    NOTE: its derivative is 0 almost everywhere, so it passes no gradient: the result never
    requires grad (train a perceptron with its own rule, or use sigmoid).

    >>> import autograd, nn
    >>> y = nn.functional.step(autograd.Tensor([-1.0, 0.0, 2.0], requires_grad=True))
    >>> y, y.requires_grad
    (Tensor([0., 0., 1.]), False)
    """
    x = checks.tensor(x)
    dtype = x.dtype if x.dtype.kind == "f" else autograd.get_default_dtype()
    return Tensor((x.data > 0).astype(dtype))


class Erf(autograd.Function):
    """f(x) = erf x = (2 / sqrt(pi)) integral_0^x e^(-t^2) dt;  f'(x) = (2 / sqrt(pi)) e^(-x^2).

    NOTE: NumPy has no erf, so forward applies ``math.erf`` (exact to the last bit) element
    by element: correct, but slower than a ufunc.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf(x.data).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (2 / math.sqrt(math.pi)) * _exp(-(x * x))


_erf = np.frompyfunc(math.erf, 1, 1)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def gelu(x, approximate="none"):
    """f(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, Phi the standard normal CDF;  f'(x) = Phi(x) + x phi(x).

    ``approximate="tanh"``: f(x) = x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) / 2, PyTorch's
    approximation.

    >>> import nn
    >>> nn.functional.gelu([-1.0, 0.0, 1.0])
    Tensor([-0.15865525,  0.        ,  0.84134475])
    """
    checks.one_of(approximate, ("none", "tanh"), "approximate", "gelu")
    x = checks.tensor(x)
    if approximate == "tanh":
        return x * 0.5 * (1 + ((x + x * x * x * 0.044715) * _SQRT_2_OVER_PI).tanh())
    return x * 0.5 * (1 + Erf.apply(x * (1 / math.sqrt(2))))


def silu(x):
    """f(x) = x sigmoid(x) (also called swish);  f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x))).

    >>> import nn
    >>> nn.functional.silu([0.0, 1.0])
    Tensor([0.        , 0.73105858])
    """
    x = checks.tensor(x)
    return x * x.sigmoid()


def softplus(x, beta=1.0, threshold=20.0):
    """f(x) = log(1 + e^(beta x)) / beta, a smooth ReLU;  f'(x) = sigmoid(beta x).

    NOTE: where beta x > ``threshold`` it returns x itself (gradient 1), as PyTorch does; the
    exponential is taken of min(beta x, threshold), so large inputs do not overflow.

    >>> import nn
    >>> nn.functional.softplus([0.0, 100.0])
    Tensor([  0.69314718, 100.        ])
    """
    x = checks.tensor(x)
    scaled = x * beta
    linear = scaled > threshold
    safe = autograd.where(linear, 0.0, scaled)
    return autograd.where(linear, x, (safe.exp() + 1).log() * (1 / beta))


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """f(x) = min(max(x, min_val), max_val);  f'(x) = 1 if min_val < x < max_val else 0.

    NOTE: at the bounds themselves the gradient is 0, as in PyTorch's hardtanh (its clamp
    passes it; so does ``Tensor.clip``).

    >>> import nn
    >>> nn.functional.hardtanh([-2.0, 0.5, 2.0])
    Tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    x = checks.tensor(x)
    return autograd.where(x > min_val, autograd.where(x < max_val, x, max_val), min_val)
