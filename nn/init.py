"""Parameter initialisation, with PyTorch's formulas: each function fills ``tensor.data`` in place.

Every function takes an optional ``generator`` (a ``numpy.random.Generator``); without one it
draws from this module's default generator, which :func:`manual_seed` re-seeds (it also
drives the masks of :func:`nn.functional.dropout`). The values are drawn in float64 and
cast to the tensor's dtype; the tensor is returned.

Fans, as in PyTorch: for a weight of shape ``(out, in, *kernel)``,
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import no_grad
from autograd.function import note_write

__all__ = [
    "manual_seed",
    "default_generator",
    "calculate_gain",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]

_generator = np.random.default_rng()


def manual_seed(seed):
    """Re-seed the default generator of ``nn.init`` and dropout, for reproducible runs.

    >>> import nn
    >>> nn.init.manual_seed(0)
    >>> a = nn.Linear(2, 2).weight.data.copy()
    >>> nn.init.manual_seed(0)
    >>> bool((nn.Linear(2, 2).weight.data == a).all())
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)


def default_generator():
    """The ``numpy.random.Generator`` used when no ``generator=`` is given."""
    return _generator


def _fill(tensor, values):
    with no_grad():  # an in-place change of a leaf's values is never part of the graph
        tensor.data[...] = values
    note_write(tensor)  # a graph that saved the old values refuses to backward through them
    return tensor


def _rng(generator):
    return _generator if generator is None else generator


def _fans(tensor, where):
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            f"{where}: fan in and fan out need a tensor with at least 2 dimensions (out, in, ...), "
            f"got shape {shape}; initialise a bias with uniform_ or zeros_"
        )
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor, mode, where):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{where}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, where)
    return fan_in if mode == "fan_in" else fan_out


def calculate_gain(nonlinearity, param=None):
    """The gain PyTorch recommends for a non-linearity: the factor that keeps activations' variance.

    ``linear``, ``sigmoid`` and convolutions: 1; ``tanh``: 5/3; ``relu``: sqrt(2);
    ``leaky_relu``: sqrt(2 / (1 + slope^2)) with slope ``param`` (default 0.01); ``selu``: 3/4.

    >>> import nn
    >>> round(nn.init.calculate_gain("relu"), 4), nn.init.calculate_gain("tanh")
    (1.4142, 1.6666666666666667)
    """
    simple = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity in simple:
        return simple[nonlinearity]
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of {sorted(simple)} or leaky_relu"
    )


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values drawn from U(a, b).

    >>> import autograd, nn
    >>> t = nn.init.uniform_(autograd.Tensor([0.0, 0.0, 0.0]), -1.0, 1.0)
    >>> bool((abs(t.data) <= 1).all())
    True
    """
    if not a <= b:
        raise ValueError(f"uniform_: the lower bound a={a} must not exceed the upper bound b={b}")
    return _fill(tensor, _rng(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values drawn from N(mean, std^2).

    >>> import autograd, nn
    >>> nn.init.normal_(autograd.Tensor([0.0, 0.0]), std=0.01).shape
    (2,)
    """
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(tensor, _rng(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor, value):
    """Fill with ``value``.

    >>> import autograd, nn
    >>> nn.init.constant_(autograd.Tensor([0.0, 0.0]), 0.5)
    Tensor([0.5, 0.5])
    """
    return _fill(tensor, value)


def zeros_(tensor):
    """Fill with 0.

    >>> import autograd, nn
    >>> nn.init.zeros_(autograd.Tensor([3.0, 4.0]))
    Tensor([0., 0.])
    """
    return _fill(tensor, 0)


def ones_(tensor):
    """Fill with 1.

    >>> import autograd, nn
    >>> nn.init.ones_(autograd.Tensor([3.0, 4.0]))
    Tensor([1., 1.])
    """
    return _fill(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), so std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> import autograd, nn
    >>> w = nn.init.xavier_uniform_(autograd.Tensor([[0.0] * 3] * 2))
    >>> bool((abs(w.data) <= (6 / 5) ** 0.5).all())
    True
    """
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, _rng(generator).uniform(-bound, bound, size=tensor.shape))


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> import autograd, nn
    >>> nn.init.xavier_normal_(autograd.Tensor([[0.0] * 3] * 2)).shape
    (2, 3)
    """
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _rng(generator).normal(0.0, std, size=tensor.shape))


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He: U(-bound, bound) with bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    ``fan`` is ``fan_in`` (keeps the forward variance) or ``fan_out`` (the backward one).
    ``nn.Linear`` uses ``a = sqrt(5)``, which gives bound = 1 / sqrt(fan_in).

    >>> import math, autograd, nn
    >>> w = nn.init.kaiming_uniform_(autograd.Tensor([[0.0] * 4] * 3), a=math.sqrt(5))
    >>> bool((abs(w.data) <= 1 / math.sqrt(4)).all())
    True
    """
    fan = _fan(tensor, mode, "kaiming_uniform_")
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan) if fan else 0.0
    return _fill(tensor, _rng(generator).uniform(-bound, bound, size=tensor.shape))


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He: N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).

    >>> import autograd, nn
    >>> nn.init.kaiming_normal_(autograd.Tensor([[0.0] * 4] * 3), nonlinearity="relu").shape
    (3, 4)
    """
    fan = _fan(tensor, mode, "kaiming_normal_")
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0
    return _fill(tensor, _rng(generator).normal(0.0, std, size=tensor.shape))
