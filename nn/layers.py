"""Layers: Linear, Identity, Flatten, Unflatten, Dropout and lecture 3's Maxout."""

from __future__ import annotations

import math

import numpy as np

from . import checks, init
from . import functional as F
from .module import Module, Parameter

__all__ = ["Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Maxout"]


def _init_affine(weight, bias, in_features):
    """PyTorch's default for an affine map: W and b from U(-k, k), k = 1/sqrt(in_features)."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        bound = 1 / math.sqrt(in_features)
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """Affine map y = x W^T + b, with ``weight`` W of shape (out_features, in_features).

    dy/dx = W, dy/dW = x, dy/db = 1. The layout matches ``torch.nn.Linear``, so state dicts
    load into each other. Initialised like PyTorch: W and b from U(-k, k), k = 1/sqrt(in_features)
    (``kaiming_uniform_`` with a = sqrt(5)). ``dtype`` defaults to the default float dtype.

    >>> import autograd, nn
    >>> layer = nn.Linear(4, 3)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 4), (3,))
    >>> layer(autograd.Tensor([[1.0, 2.0, 3.0, 4.0]])).shape
    (1, 3)
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = checks.integer(in_features, "in_features", "Linear")
        self.out_features = checks.integer(out_features, "out_features", "Linear")
        dtype = checks.float_dtype(dtype, "Linear")
        self.weight = Parameter(np.zeros((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh values with PyTorch's default initialisation (see the class docstring)."""
        _init_affine(self.weight, self.bias, self.in_features)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """f(x) = x: a placeholder layer (e.g. to switch a part of a model off).

    >>> import autograd, nn
    >>> nn.Identity()(autograd.Tensor([1.0, 2.0]))
    Tensor([1., 2.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()  # like PyTorch, any arguments are accepted and ignored

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge the axes ``start_dim`` .. ``end_dim`` (inclusive) into one; the gradient is reshaped back.

    The default keeps the batch axis: (N, 8, 8) -> (N, 64).

    >>> import autograd, nn
    >>> nn.Flatten()(autograd.Tensor([[[1.0, 2.0], [3.0, 4.0]]])).shape
    (1, 4)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        shape = x.shape
        if not shape:
            return x.reshape(1)
        start, end = self.start_dim % len(shape), self.end_dim % len(shape)
        if not (-len(shape) <= self.start_dim < len(shape) and -len(shape) <= self.end_dim < len(shape)) or start > end:
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit an input of shape {shape}"
            )
        merged = int(np.prod(shape[start : end + 1]))
        return x.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size`` (a tuple whose product is that axis' length; one entry may be -1).

    Flatten's inverse: (N, 64) -> (N, 1, 8, 8) with ``Unflatten(1, (1, 8, 8))``.

    >>> import numpy as np, autograd, nn
    >>> nn.Unflatten(1, (1, 8, 8))(autograd.Tensor(np.zeros((5, 64)))).shape
    (5, 1, 8, 8)
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise ValueError(f"Unflatten: dim must be an integer, got {dim!r}")
        sizes = tuple(unflattened_size) if isinstance(unflattened_size, (tuple, list)) else None
        if not sizes or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or (n < 1 and n != -1)
                            for n in sizes) or sizes.count(-1) > 1:  # fmt: skip
            raise ValueError(
                "Unflatten: unflattened_size must be a tuple of positive integers (at most one -1), "
                f"got {unflattened_size!r}"
            )
        self.dim, self.unflattened_size = int(dim), tuple(int(n) for n in sizes)

    def forward(self, x):
        shape = x.shape
        if not -len(shape) <= self.dim < len(shape):
            raise ValueError(f"Unflatten: dim {self.dim} is out of range for an input of shape {shape}")
        axis = self.dim % len(shape)
        sizes = self.unflattened_size
        known = int(np.prod([n for n in sizes if n != -1]))
        if (-1 in sizes and shape[axis] % known) or (-1 not in sizes and known != shape[axis]):
            raise ValueError(
                f"Unflatten: unflattened_size {sizes} does not fit axis {self.dim} of length {shape[axis]} "
                f"(input shape {shape})"
            )
        sizes = tuple(shape[axis] // known if n == -1 else n for n in sizes)
        return x.reshape(shape[:axis] + sizes + shape[axis + 1 :])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Inverted dropout in training mode: zero each element with probability ``p``, scale the rest by 1/(1-p).

    In eval mode (``model.eval()``) it is the identity. See :func:`nn.functional.dropout`.

    >>> import autograd, nn
    >>> layer = nn.Dropout(p=0.5)
    >>> x = autograd.Tensor([1.0, 2.0, 3.0])
    >>> sorted(set(layer(autograd.Tensor([1.0] * 100)).data.tolist()))
    [0.0, 2.0]
    >>> layer.eval()(x)
    Tensor([1., 2., 3.])
    """

    def __init__(self, p=0.5):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p is the probability of zeroing an element, between 0 and 1, got {p!r}")
        self.p = float(p)

    def forward(self, x):
        return F.dropout(x, self.p, training=self.training)

    def extra_repr(self):
        return f"p={self.p}"


class Maxout(Module):
    """Maxout (lecture 3): out_j = max over k of (w_jk . x + b_jk), ``pieces`` affine maps per output.

    ``weight`` has shape (out_features * pieces, in_features), row ``j * pieces + k`` being
    piece ``k`` of output ``j``; ``bias`` (out_features * pieces,). The gradient reaches only
    the maximal piece; tied pieces share it equally. Initialised like :class:`Linear`.

    >>> import autograd, nn
    >>> layer = nn.Maxout(2, 1, pieces=2)
    >>> with autograd.no_grad():
    ...     layer.weight.data[...] = [[1.0, 0.0], [0.0, 1.0]]
    ...     layer.bias.data[...] = 0.0
    >>> layer(autograd.Tensor([[3.0, -1.0], [0.0, 2.0]]))  # max(x1, x2)
    Tensor([[3.],
            [2.]], grad_fn=<MaxBackward>)
    """

    def __init__(self, in_features, out_features, pieces, dtype=None):
        super().__init__()
        self.in_features = checks.integer(in_features, "in_features", "Maxout")
        self.out_features = checks.integer(out_features, "out_features", "Maxout")
        self.pieces = checks.integer(pieces, "pieces", "Maxout")
        dtype = checks.float_dtype(dtype, "Maxout")
        rows = self.out_features * self.pieces
        self.weight = Parameter(np.zeros((rows, self.in_features), dtype=dtype))
        self.bias = Parameter(np.zeros(rows, dtype=dtype))
        _init_affine(self.weight, self.bias, self.in_features)

    def forward(self, x):
        z = F.linear(x, self.weight, self.bias)
        return z.reshape(z.shape[:-1] + (self.out_features, self.pieces)).max(axis=-1)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, pieces={self.pieces}"
