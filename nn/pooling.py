"""Pooling and upsampling: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, ``interpolate``
(nearest) and their layers, on the windows of :mod:`nn.windows`.

Each pools every ``kh x kw`` window of each channel to one number; the windows are the columns
of ``unfold``, viewed as (N, C, kh*kw, L). Average pooling is linear (a sum of the window
times 1 / its size), so the engine differentiates it; max pooling is one Function whose
backward sends each window's gradient to its maximum and folds the windows back.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import autograd
from autograd import Tensor

from . import checks
from .module import Module
from .windows import Fold, Unfold, fold_array, pair, unfold_array, window_geometry

__all__ = [
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "interpolate",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "Upsample",
]


def _image(input, where):
    """``input`` as a 4-d Tensor, and whether it came without a batch axis (C, H, W)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}: expected a 4-d input (N, C, H, W) or 3-d (C, H, W), got shape {x.shape}")
    return (x.reshape((1,) + x.shape), True) if x.ndim == 3 else (x, False)


def _pool_settings(x, kernel_size, stride, padding, dilation, where):
    """Checked settings as pairs, padding as ((top, bottom), (left, right)), and the output size."""
    kernel = pair(kernel_size, "kernel_size", where)
    stride = kernel if stride is None or stride == () else pair(stride, "stride", where)
    dilation = pair(dilation, "dilation", where)
    pads = pair(padding, "padding", where, minimum=0)
    for pad, k in zip(pads, kernel):
        if 2 * pad > k:  # PyTorch's rule: a window must never lie wholly in the padding
            raise ValueError(
                f"{where}: padding must be at most half the kernel size, got padding={pad} for kernel_size={k}"
            )
    padding = tuple((p, p) for p in pads)
    size = tuple(
        window_geometry(x.shape[2 + a], kernel[a], dilation[a], padding[a], stride[a], where) for a in range(2)
    )
    return kernel, stride, dilation, padding, size


def _check_ceil_mode(ceil_mode, where):
    if ceil_mode:
        raise ValueError(
            f"{where}: ceil_mode must be False (windows that run off the input are not supported), got True"
        )


class MaxPool(autograd.Function):
    """out[n, c, l] = max of window l of channel c (padding counts as -inf).

    d(out)/dx: each window's gradient goes to its maximal element(s), and the windows are
    folded back onto the image (an element that is the maximum of several overlapping
    windows collects all their gradients).

    NOTE: ties within a window share the gradient equally (each of the m tied maxima gets
    1/m), as ``Tensor.max`` does; PyTorch sends it all to one of them. A window wholly in the
    padding (possible with dilation) gives -inf and passes no gradient. Backward recomputes
    the windows and the tie shares from the saved input and output (no indices are kept).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        n, c, h, w = x.shape
        # the common case (MaxPool2d(2) on an even image): the windows tile the image, and a
        # reshape to (N, C, out_h, kh, out_w, kw) shows them without copying anything
        tiled = stride == kernel and dilation == (1, 1) and not any(sum(p) for p in padding)
        ctx.tiled = tiled and h % kernel[0] == 0 and w % kernel[1] == 0
        if ctx.tiled:  # the maximum of the kh * kw strided sub-images: cheaper than a 6-d reduction
            out = functools.reduce(np.maximum, _taps(x.data, kernel)).reshape(n, c, -1)
        else:
            cols = unfold_array(x.data, kernel, dilation, padding, stride, fill=-np.inf)
            out = np.max(cols.reshape(n, c, kernel[0] * kernel[1], -1), axis=2)
        ctx.save_for_backward(x, out)
        ctx.settings = {"kernel": kernel, "dilation": dilation, "padding": padding, "stride": stride, "rows": False}
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        settings = ctx.settings
        n, c = x.shape[:2]
        if ctx.tiled and not isinstance(x, Tensor):  # arrays: the rule below, one strided sub-image at a time
            kernel = settings["kernel"]
            out = out.reshape(n, c, x.shape[2] // kernel[0], x.shape[3] // kernel[1])
            hits = [tap == out for tap in _taps(x, kernel)]
            share = grad.reshape(out.shape) / sum(hits)
            grad_x = np.empty(x.shape, dtype=grad.dtype)
            for (i, j), hit in zip(np.ndindex(*kernel), hits):
                grad_x[:, :, i :: kernel[0], j :: kernel[1]] = hit * share
            return grad_x
        if ctx.tiled:  # the same rule on the tiles: share among each tile's maxima, no fold needed
            tiles = _tiles(x, settings["kernel"])
            out_h, out_w = tiles.shape[2], tiles.shape[4]
            hits = (tiles == out.reshape(n, c, out_h, 1, out_w, 1)).astype(grad.dtype)
            share = hits / hits.sum(axis=(3, 5), keepdims=True)
            return (share * grad.reshape(n, c, out_h, 1, out_w, 1)).reshape(x.shape)
        k = settings["kernel"][0] * settings["kernel"][1]
        if isinstance(x, Tensor):  # Tensors: the windows through the Function, so the graph records them
            windows = Unfold.apply(x, fill=-np.inf, **settings)
        else:
            windows = unfold_array(x, fill=-np.inf, **settings)
        windows = windows.reshape(n, c, k, -1)
        hits = (windows == out.reshape(n, c, 1, -1)).astype(grad.dtype)
        share = hits / hits.sum(axis=2, keepdims=True)
        grad_cols = (share * grad.reshape(n, c, 1, -1)).reshape(n, c * k, -1)
        if isinstance(grad_cols, Tensor):
            return Fold.apply(grad_cols, size=tuple(x.shape[2:]), **settings)
        return fold_array(grad_cols, x.shape[2:], **settings)


def _taps(x, kernel):
    """The kh * kw sub-images x[:, :, i::kh, j::kw] of an array whose windows tile it: tap (i, j) of every window."""
    return [x[:, :, i :: kernel[0], j :: kernel[1]] for i, j in np.ndindex(*kernel)]


def _tiles(x, kernel):
    """An array or Tensor (N, C, H, W) as its kh x kw tiles: (N, C, H / kh, kh, W / kw, kw)."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h // kernel[0], kernel[0], w // kernel[1], kernel[1])


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum of every ``kernel_size`` window (step ``stride``, default ``kernel_size``), per channel.

    out[n, c, i, j] = max_{p,q} x_pad[n, c, s i + d p, s j + d q], with -inf padding. The
    gradient goes to each window's maximum; ties within a window share it equally (PyTorch
    gives it all to one of them), see :class:`MaxPool`.

    >>> import numpy as np, autograd, nn
    >>> x = autograd.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> nn.functional.max_pool2d(x, 2).data[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    _check_ceil_mode(ceil_mode, "max_pool2d")
    if return_indices:
        raise ValueError("max_pool2d: return_indices must be False (the gradient is recomputed, no indices are kept)")
    return _max_pool2d(input, kernel_size, stride, padding, dilation, "max_pool2d")


def _max_pool2d(input, kernel_size, stride, padding, dilation, where):
    x, unbatched = _image(input, where)
    kernel, stride, dilation, padding, (out_h, out_w) = _pool_settings(x, kernel_size, stride, padding, dilation, where)
    out = MaxPool.apply(x, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    out = out.reshape(x.shape[:2] + (out_h, out_w))
    return out.reshape(out.shape[1:]) if unbatched else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):  # fmt: skip
    """The mean of every ``kernel_size`` window (step ``stride``, default ``kernel_size``), per channel.

    out[n, c, i, j] = (1 / m) sum_{p,q} x_pad[n, c, s i + p, s j + q], with zero padding and
    m = kh * kw (``count_include_pad=True``, PyTorch's default), or m = the number of real
    (not padding) elements in the window, or m = ``divisor_override``. Linear, so
    d(out)/dx spreads each gradient evenly (1 / m) over its window.

    >>> import numpy as np, autograd, nn
    >>> x = autograd.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> nn.functional.avg_pool2d(x, 2).data[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    _check_ceil_mode(ceil_mode, "avg_pool2d")
    return _avg_pool2d(input, kernel_size, stride, padding, count_include_pad, divisor_override, "avg_pool2d")


def _avg_pool2d(input, kernel_size, stride, padding, count_include_pad, divisor_override, where):
    x, unbatched = _image(input, where)
    kernel, stride, dilation, padding, (out_h, out_w) = _pool_settings(x, kernel_size, stride, padding, 1, where)
    n, c, h, w = x.shape
    k = kernel[0] * kernel[1]
    cols = Unfold.apply(x, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    sums = cols.reshape(n, c, k, out_h * out_w).sum(axis=2).reshape(n, c, out_h, out_w)
    if divisor_override is not None:
        out = sums * (1.0 / checks.integer(divisor_override, "divisor_override", where))
    elif count_include_pad or not any(sum(p) for p in padding):
        out = sums * (1.0 / k)
    else:  # how many real elements each window holds: a constant of the shapes alone
        ones = np.ones((1, 1, h, w), dtype=x.dtype)
        counts = unfold_array(ones, kernel, dilation, padding, stride).sum(axis=1).reshape(out_h, out_w)
        out = sums * (1.0 / counts)
    return out.reshape(out.shape[1:]) if unbatched else out


def _averaging_matrix(size, out_size, dtype):
    """A (out_size, size) matrix whose row i averages x[floor(i size / out) : ceil((i + 1) size / out)]."""
    matrix = np.zeros((out_size, size), dtype=dtype)
    for i in range(out_size):
        start, end = (i * size) // out_size, -((-(i + 1) * size) // out_size)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed ``output_size`` (an int, a pair; ``None`` keeps that axis).

    Output row i averages input rows floor(i H / out_h) .. ceil((i + 1) H / out_h) - 1 (as in
    PyTorch; windows may overlap by one when out_h does not divide H), columns likewise. That
    is out = A_h @ x @ A_w^T with two constant averaging matrices, so d(out)/dx = A_h^T grad A_w.

    >>> import numpy as np, autograd, nn
    >>> x = autograd.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> nn.functional.adaptive_avg_pool2d(x, 1).data.ravel()
    array([7.5])
    """
    x, unbatched = _image(input, "adaptive_avg_pool2d")
    sizes = _output_size(output_size, x.shape[2:], "adaptive_avg_pool2d")
    rows = _averaging_matrix(x.shape[2], sizes[0], x.dtype)
    cols = _averaging_matrix(x.shape[3], sizes[1], x.dtype)
    out = Tensor(rows) @ x @ Tensor(cols.T)
    return out.reshape(out.shape[1:]) if unbatched else out


def _output_size(output_size, input_size, where):
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise ValueError(f"{where}: output_size must be an integer or a pair, got {output_size!r}")
    return tuple(n if s is None else checks.integer(s, "output_size", where) for s, n in zip(sizes, input_size))


def interpolate(input, size=None, scale_factor=None, mode="nearest"):
    """Upsample (or downsample) ``input`` (N, C, H, W) by copying the nearest pixel: mode ``"nearest"``.

    Give ``size`` (an int or a pair) or ``scale_factor`` (a number or a pair). Output pixel i
    copies input pixel floor(i * scale), scale = H / out_h (or 1 / scale_factor), as in
    PyTorch; the gradient of an input pixel is the sum of its copies' gradients.

    >>> import autograd, nn
    >>> nn.functional.interpolate(autograd.Tensor([[[[1.0, 2.0]]]]), scale_factor=2).data[0, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    checks.one_of(mode, ("nearest",), "mode", "interpolate")
    x, unbatched = _image(input, "interpolate")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    in_size = x.shape[2:]
    if size is not None:
        out_size = _output_size(size, in_size, "interpolate")
        scales = [n / m for n, m in zip(in_size, out_size)]
    else:
        factors = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * 2
        factors = tuple(checks.number(f, "scale_factor", "interpolate") for f in factors)
        if min(factors) <= 0:
            raise ValueError(f"interpolate: scale_factor must be positive, got {scale_factor!r}")
        out_size = tuple(int(math.floor(n * f)) for n, f in zip(in_size, factors))
        scales = [1.0 / f for f in factors]
    index = [
        np.minimum(np.floor(np.arange(m) * s).astype(np.intp), n - 1) for m, s, n in zip(out_size, scales, in_size)
    ]
    out = x[:, :, index[0][:, None], index[1][None, :]]
    return out.reshape(out.shape[1:]) if unbatched else out


# --------------------------------------------------------------------------- layers
class MaxPool2d(Module):
    """Max pooling over ``kernel_size`` windows, step ``stride`` (default: ``kernel_size``), -inf padding.

    See :func:`nn.functional.max_pool2d` (ties within a window share the gradient equally).

    >>> import numpy as np, autograd, nn
    >>> nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> nn.MaxPool2d(2)(autograd.Tensor(np.zeros((5, 3, 8, 8)))).shape
    (5, 3, 4, 4)
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        _check_ceil_mode(ceil_mode, "MaxPool2d")
        if return_indices:
            raise ValueError("MaxPool2d: return_indices must be False (no indices are kept), got True")
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = False, False
        pair(kernel_size, "kernel_size", "MaxPool2d")
        pair(self.stride, "stride", "MaxPool2d")
        pair(dilation, "dilation", "MaxPool2d")
        pair(padding, "padding", "MaxPool2d", minimum=0)

    def forward(self, x):
        return _max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, "MaxPool2d")

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Average pooling over ``kernel_size`` windows, step ``stride`` (default: ``kernel_size``), zero padding.

    See :func:`nn.functional.avg_pool2d`.

    >>> import numpy as np, autograd, nn
    >>> nn.AvgPool2d(2)
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    >>> nn.AvgPool2d(3, stride=1, padding=1)(autograd.Tensor(np.ones((1, 1, 3, 3)))).data[0, 0, 0]
    array([0.44444444, 0.66666667, 0.44444444])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):  # fmt: skip
        super().__init__()
        _check_ceil_mode(ceil_mode, "AvgPool2d")
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = False, count_include_pad, divisor_override
        pair(kernel_size, "kernel_size", "AvgPool2d")
        pair(self.stride, "stride", "AvgPool2d")
        pair(padding, "padding", "AvgPool2d", minimum=0)

    def forward(self, x):
        return _avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.count_include_pad,
                           self.divisor_override, "AvgPool2d")  # fmt: skip

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (e.g. 1: one number per channel, global average pooling).

    See :func:`nn.functional.adaptive_avg_pool2d`.

    >>> import numpy as np, autograd, nn
    >>> nn.AdaptiveAvgPool2d((2, 1))(autograd.Tensor(np.zeros((4, 3, 7, 5)))).shape
    (4, 3, 2, 1)
    """

    def __init__(self, output_size):
        super().__init__()
        _output_size(output_size, (1, 1), "AdaptiveAvgPool2d")
        self.output_size = output_size

    def forward(self, x):
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Nearest-neighbour upsampling to ``size`` or by ``scale_factor``. See :func:`nn.functional.interpolate`.

    >>> import numpy as np, autograd, nn
    >>> nn.Upsample(scale_factor=2)(autograd.Tensor(np.zeros((1, 3, 4, 4)))).shape
    (1, 3, 8, 8)
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest"):
        super().__init__()
        checks.one_of(mode, ("nearest",), "mode", "Upsample")
        self.size, self.scale_factor, self.mode = size, scale_factor, mode

    def forward(self, x):
        return interpolate(x, self.size, self.scale_factor, self.mode)

    def extra_repr(self):
        setting = f"size={self.size}" if self.size is not None else f"scale_factor={float(self.scale_factor)}"
        return f"{setting}, mode={self.mode!r}"
