"""Convolution: ``conv1d``, ``conv2d`` and the layers ``Conv1d``, ``Conv2d``, built on :mod:`nn.windows`.

A 2-d convolution (PyTorch's, which is a cross-correlation: the kernel is not flipped) is::

    out[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] * x_pad[n, c, s_h i + d_h p, s_w j + d_w q]

With ``cols = unfold(x)`` (every window as a column, see :mod:`nn.windows`) that is one matrix
product per sample, ``out[n] = W (O, C*kh*kw) @ cols[n] + b``. Its gradients follow from the
product and from unfold's adjoint::

    dW = sum_n grad[n] @ cols[n]^T      (a correlation of the input with the gradient)
    dx = fold(W^T @ grad[n])            (a full convolution of the gradient with the kernel)

so the gradient of a convolution is itself a convolution, and since ``unfold``'s backward is
``fold`` and ``fold``'s is ``unfold``, every derivative (the second ones too) is recorded by the
engine like any other.

``groups = g`` splits the channels into g independent convolutions (weight shape
``(out, in / g, kh, kw)``); ``Conv1d`` is ``Conv2d`` on a height-1 image.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Tensor

from . import checks, init
from .module import Module, Parameter
from .windows import Unfold, pair, window_geometry

__all__ = ["conv1d", "conv2d", "Conv1d", "Conv2d", "conv_padding"]


def conv_padding(padding, kernel, dilation, stride, where, dims=2):
    """``padding`` (an int, a tuple, ``"valid"`` or ``"same"``) as ((top, bottom), (left, right)).

    ``"same"`` keeps the output the size of the input (stride 1 only, as in PyTorch): a total
    of d (k - 1) zeros per axis, the odd one on the bottom/right.
    """
    if isinstance(padding, str):
        checks.one_of(padding, ("valid", "same"), "padding", where)
        if padding == "valid":
            return ((0, 0), (0, 0))
        if stride != (1, 1):
            raise ValueError(f"{where}: padding='same' needs stride 1 (as in PyTorch), got stride={stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((total // 2, total - total // 2) for total in totals)
    if dims == 1:
        (pad,) = _single(padding, "padding", where, minimum=0)
        return ((0, 0), (pad, pad))
    h, w = pair(padding, "padding", where, minimum=0)
    return ((h, h), (w, w))


def _single(value, name, where, minimum=1):
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(values) != 1:
        raise ValueError(f"{where}: {name} must be an integer (or a 1-tuple), got {value!r}")
    return (checks.integer(values[0], name, where, minimum),)


_THREADED = 4 * 65536  # multiply-adds from which OpenBLAS splits a product over threads


def _conv2d(x, weight, bias, stride, padding, dilation, groups, where):
    """The convolution itself, on checked settings (see the module docstring for the math)."""
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=weight.dtype))
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape((1,) + x.shape)
    if x.ndim != 4 or weight.ndim != 4:
        raise ValueError(
            f"{where}: expected a 4-d input (N, C, H, W) or 3-d (C, H, W) and a 4-d weight "
            f"(out, in / groups, kh, kw), got input shape {x.shape} and weight shape {weight.shape}"
        )
    n, channels, h, w = x.shape
    out_channels, group_in, kh, kw = weight.shape
    if channels != group_in * groups:
        raise ValueError(
            f"{where}: expected an input with {group_in * groups} channels (weight shape {weight.shape}, "
            f"groups={groups}), got {channels} channels (input shape {x.shape})"
        )
    if out_channels % groups:
        raise ValueError(f"{where}: out_channels ({out_channels}) must be divisible by groups ({groups})")
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{where}: expected a bias of shape ({out_channels},), got shape {bias.shape}")
    kernel = (kh, kw)
    padding = _resolve_padding(padding, kernel, dilation, stride, where)
    out_h = window_geometry(h, kh, dilation[0], padding[0], stride[0], where)
    out_w = window_geometry(w, kw, dilation[1], padding[1], stride[1], where)
    per_group = group_in * kh * kw
    settings = {"kernel": kernel, "dilation": dilation, "padding": padding, "stride": stride}
    if groups == 1 and out_channels * per_group * out_h * out_w >= _THREADED:
        # one product for the batch, (O, K) @ (K, N*L): BLAS would split each sample's product
        # over threads anyway, and one split costs less waiting than N of them
        cols = Unfold.apply(x, rows=True, **settings)
        out = weight.reshape(out_channels, per_group) @ cols
        out = out.reshape(out_channels, n, out_h, out_w).transpose(1, 0, 2, 3)
    else:
        # one product per sample (and group), (O, K) @ (N, K, L): each small enough to stay on
        # one thread, where a threaded product of a small network on a busy two-core machine
        # was measured 30x slower (its threads wait for each other)
        cols = Unfold.apply(x, **settings)  # (N, K, L)
        grouped = weight.reshape(groups, out_channels // groups, per_group)
        out = grouped @ cols.reshape(n, groups, per_group, out_h * out_w)  # (N, G, O/G, L)
        out = out.reshape(n, out_channels, out_h, out_w)
    if bias is not None:
        out = out + bias.reshape(out_channels, 1, 1)
    return out.reshape(out.shape[1:]) if unbatched else out


def _as_tensor(value):
    return value if value is None or isinstance(value, Tensor) else Tensor(value)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation) of ``input`` (N, C, H, W) with ``weight`` (O, C / groups, kh, kw).

    out[n, o, i, j] = b[o] + sum_{c,p,q} w[o, c, p, q] x_pad[n, c, s i + d p, s j + d q], of shape
    (N, O, floor((H + 2 pad - d (kh - 1) - 1) / s) + 1, ...). ``padding`` is an int, a pair,
    ``"valid"`` (none) or ``"same"`` (output as large as the input; stride 1). dout/dx is the
    full convolution of the gradient with the kernel, dout/dw the correlation of x with the
    gradient, dout/db the gradient summed over n, i, j.

    >>> import numpy as np, autograd, nn
    >>> x = autograd.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> w = autograd.Tensor([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i + 1, j + 1]
    >>> nn.functional.conv2d(x, w).data[0, 0]
    array([[-5., -5., -5.],
           [-5., -5., -5.],
           [-5., -5., -5.]])
    """
    weight = _as_tensor(weight)
    stride = pair(stride, "stride", "conv2d")
    dilation = pair(dilation, "dilation", "conv2d")
    groups = checks.integer(groups, "groups", "conv2d")
    return _conv2d(input, weight, _as_tensor(bias), stride, padding, dilation, groups, "conv2d")


def _conv1d(x, weight, bias, stride, padding, dilation, groups, where):
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=weight.dtype))
    if x.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(
            f"{where}: expected a 3-d input (N, C, L) or 2-d (C, L) and a 3-d weight (out, in / groups, k), "
            f"got input shape {x.shape} and weight shape {weight.shape}"
        )
    if isinstance(padding, str):
        padding = conv_padding(padding, (1, weight.shape[2]), (1, dilation[0]), (1, stride[0]), where)
    else:
        padding = conv_padding(padding, None, None, None, where, dims=1)
    image = x.reshape(x.shape[:-1] + (1, x.shape[-1]))  # a height-1 image
    kernel = weight.reshape(weight.shape[:2] + (1, weight.shape[2]))
    out = _conv2d(image, kernel, bias, (1,) + stride, _Padded(padding), (1,) + dilation, groups, where)
    return out.reshape(out.shape[:-2] + (out.shape[-1],))


class _Padded(tuple):
    """Padding already in ((top, bottom), (left, right)) form (conv1d's, passed to _conv2d)."""


def _resolve_padding(padding, kernel, dilation, stride, where):
    return tuple(padding) if isinstance(padding, _Padded) else conv_padding(padding, kernel, dilation, stride, where)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution of ``input`` (N, C, L) with ``weight`` (O, C / groups, k): conv2d on a height-1 image.

    out[n, o, i] = b[o] + sum_{c,p} w[o, c, p] x_pad[n, c, s i + d p].

    >>> import autograd, nn
    >>> nn.functional.conv1d(autograd.Tensor([[[1.0, 2.0, 4.0, 7.0]]]), autograd.Tensor([[[-1.0, 1.0]]]))
    Tensor([[[1., 2., 3.]]])
    """
    weight = _as_tensor(weight)
    stride = _single(stride, "stride", "conv1d")
    dilation = _single(dilation, "dilation", "conv1d")
    groups = checks.integer(groups, "groups", "conv1d")
    return _conv1d(input, weight, _as_tensor(bias), stride, padding, dilation, groups, "conv1d")


class _ConvNd(Module):
    """What Conv1d and Conv2d share: settings, parameters, PyTorch's initialisation and repr."""

    dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, dtype):  # fmt: skip
        super().__init__()
        where = type(self).__name__
        tuple_of = _single if self.dims == 1 else pair
        self.in_channels = checks.integer(in_channels, "in_channels", where)
        self.out_channels = checks.integer(out_channels, "out_channels", where)
        self.kernel_size = tuple_of(kernel_size, "kernel_size", where)
        self.stride = tuple_of(stride, "stride", where)
        self.dilation = tuple_of(dilation, "dilation", where)
        self.groups = checks.integer(groups, "groups", where)
        checks.one_of(padding_mode, ("zeros",), "padding_mode", where)
        self.padding_mode = padding_mode
        for name in ("in_channels", "out_channels"):
            if getattr(self, name) % self.groups:
                raise ValueError(f"{where}: {name} ({getattr(self, name)}) must be divisible by groups ({self.groups})")
        if isinstance(padding, str):
            checks.one_of(padding, ("valid", "same"), "padding", where)
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{where}: padding='same' needs stride 1 (as in PyTorch), got stride={self.stride}")
            self.padding = padding
        else:
            self.padding = tuple_of(padding, "padding", where, minimum=0)
        dtype = checks.float_dtype(dtype, where)
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.zeros(shape, dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: W and b from U(-k, k), k = 1/sqrt(fan_in), fan_in = in / groups * prod(kernel)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * int(np.prod(self.kernel_size))
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding}"  # unquoted, as PyTorch prints it: padding=same
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """2-d convolution layer: ``weight`` (out_channels, in_channels / groups, kh, kw), ``bias`` (out_channels,).

    Input (N, C_in, H, W) or (C_in, H, W); output (N, C_out, H_out, W_out) with
    H_out = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1. See
    :func:`nn.functional.conv2d` for the math. Arguments, defaults, initialisation and
    state-dict keys are PyTorch's, so a state dict loads into ``torch.nn.Conv2d``.

    >>> import numpy as np, autograd, nn
    >>> layer = nn.Conv2d(1, 4, kernel_size=3, padding="same")
    >>> layer
    Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)
    >>> layer.weight.shape, layer(autograd.Tensor(np.zeros((2, 1, 8, 8)))).shape
    ((4, 1, 3, 3), (2, 4, 8, 8))
    """

    dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype)  # fmt: skip

    def forward(self, x):
        return _conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups, "Conv2d")


class Conv1d(_ConvNd):
    """1-d convolution layer: ``weight`` (out_channels, in_channels / groups, k), ``bias`` (out_channels,).

    Input (N, C_in, L) or (C_in, L); output (N, C_out, L_out), L_out = floor((L + 2 padding -
    dilation (k - 1) - 1) / stride) + 1. See :func:`nn.functional.conv1d`.

    >>> import numpy as np, autograd, nn
    >>> layer = nn.Conv1d(2, 3, kernel_size=5, stride=2)
    >>> layer.weight.shape, layer(autograd.Tensor(np.zeros((4, 2, 11)))).shape
    ((3, 2, 5), (4, 3, 4))
    """

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype)  # fmt: skip

    def forward(self, x):
        return _conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups, "Conv1d")
