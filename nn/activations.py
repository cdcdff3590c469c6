"""Activation functions as modules, each one line calling :mod:`nn.functional` (see it for the math)."""

from __future__ import annotations

import numpy as np

from . import checks
from . import functional as F
from .module import Module, Parameter

__all__ = [
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Step",
    "GELU",
    "SiLU",
    "Softplus",
    "Hardtanh",
]


class ReLU(Module):
    """f(x) = max(0, x);  f'(x) = 1 if x > 0 else 0 (0 at x = 0, as in PyTorch).

    >>> import nn
    >>> nn.ReLU()([-1.0, 2.0])
    Tensor([0., 2.])
    """

    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    """f(x) = x if x > 0 else slope * x;  f'(x) = 1 if x > 0 else slope (lecture 3: max(0.1 x, x)).

    >>> import nn
    >>> nn.LeakyReLU(0.1)([-1.0, 2.0])
    Tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Parametric ReLU: f(x) = x if x > 0 else a * x, the slope a learnt (Parameter ``weight``).

    df/da = x where x <= 0. ``num_parameters`` is 1 (one shared slope) or the number of
    channels (axis 1 of the input), each slope starting at ``init``.

    >>> import nn
    >>> layer = nn.PReLU()
    >>> layer.weight
    Parameter containing:
    Tensor([0.25], requires_grad=True)
    >>> layer([-4.0, 2.0])
    Tensor([-1.,  2.], grad_fn=<WhereBackward>)
    """

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        super().__init__()
        self.num_parameters = checks.integer(num_parameters, "num_parameters", "PReLU")
        self.weight = Parameter(np.full(self.num_parameters, init, dtype=checks.float_dtype(dtype, "PReLU")))

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """f(x) = x if x > 0 else alpha (e^x - 1);  f'(x) = 1 if x > 0 else alpha e^x.

    >>> import nn
    >>> nn.ELU()([-1.0, 2.0])
    Tensor([-0.63212056,  2.        ])
    """

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Sigmoid(Module):
    """f(x) = 1 / (1 + e^-x);  f'(x) = f(x) (1 - f(x)).

    >>> import nn
    >>> nn.Sigmoid()([0.0])
    Tensor([0.5])
    """

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """f(x) = tanh x;  f'(x) = 1 - f(x)^2.

    >>> import nn
    >>> nn.Tanh()([0.0])
    Tensor([0.])
    """

    def forward(self, x):
        return F.tanh(x)


class Softmax(Module):
    """f(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim``. Do not put it before ``CrossEntropyLoss``.

    >>> import nn
    >>> nn.Softmax(dim=-1)([0.0, 0.0])
    Tensor([0.5, 0.5])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """f(x)_i = x_i - log sum_j e^(x_j) along ``dim``; follow it with ``NLLLoss``.

    >>> import nn
    >>> nn.LogSoftmax()([0.0, 0.0])
    Tensor([-0.69314718, -0.69314718])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.log_softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Step(Module):
    """The perceptron's step: f(x) = 1 if x > 0 else 0.

    NOTE: no gradient flows through it (its derivative is 0 almost everywhere): the output
    never requires grad.

    >>> import nn
    >>> nn.Step()([-0.5, 0.0, 0.5])
    Tensor([0., 0., 1.])
    """

    def forward(self, x):
        return F.step(x)


class GELU(Module):
    """f(x) = x Phi(x), Phi the standard normal CDF (``approximate="tanh"``: PyTorch's tanh formula).

    See :func:`nn.functional.gelu`.

    >>> import nn
    >>> nn.GELU(approximate="tanh")
    GELU(approximate='tanh')
    >>> nn.GELU()([1.0])
    Tensor([0.84134475])
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = checks.one_of(approximate, ("none", "tanh"), "approximate", "GELU")

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """f(x) = x sigmoid(x);  f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x))). See :func:`nn.functional.silu`.

    >>> import nn
    >>> nn.SiLU()([0.0, 1.0])
    Tensor([0.        , 0.73105858])
    """

    def forward(self, x):
        return F.silu(x)


class Softplus(Module):
    """f(x) = log(1 + e^(beta x)) / beta, linear where beta x > threshold. See :func:`nn.functional.softplus`.

    >>> import nn
    >>> nn.Softplus(beta=2.0)
    Softplus(beta=2.0, threshold=20.0)
    >>> nn.Softplus()([0.0])
    Tensor([0.69314718])
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = checks.number(beta, "beta", "Softplus")
        if self.beta == 0:
            raise ValueError("Softplus: beta must be non-zero, got 0")
        self.threshold = checks.number(threshold, "threshold", "Softplus")

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """f(x) = min(max(x, min_val), max_val), gradient 1 strictly inside. See :func:`nn.functional.hardtanh`.

    >>> import nn
    >>> nn.Hardtanh(-2.0, 2.0)([-3.0, 1.0, 3.0])
    Tensor([-2.,  1.,  2.])
    """

    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        self.min_val = checks.number(min_val, "min_val", "Hardtanh")
        self.max_val = checks.number(max_val, "max_val", "Hardtanh")
        if self.min_val > self.max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"
