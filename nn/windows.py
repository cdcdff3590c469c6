"""Sliding windows: ``unfold`` (im2col) and its adjoint ``fold`` (col2im), each the other's backward.

Convolution and pooling are built on these two. ``unfold`` cuts every ``kh x kw`` window out
of a padded image and lays the windows side by side as columns::

    x (N, C, H, W)  ->  cols (N, C * kh * kw, L),   L = out_h * out_w windows

so that a convolution is one matrix product per sample (``weight (O, C*kh*kw) @ cols``).
``fold`` goes back: it adds every column into the window it came from. Each is linear, and
each is the other's adjoint (<unfold(x), c> = <x, fold(c)>), so each one's backward is the
other: the gradient of unfold is fold, the gradient of fold is unfold, and double backward
through a convolution needs nothing more. Both lay out their axes as PyTorch's
``torch.nn.functional.unfold`` and ``fold`` do.

Settings, as in PyTorch: ``kernel_size``, ``dilation`` (the gap between a window's taps),
``padding`` (rows and columns of ``fill`` added on each side: zeros for convolution,
``-inf`` for max pooling) and ``stride`` (the step between windows). Internally the padding
is ``((top, bottom), (left, right))``, because ``padding="same"`` may need one more on the
bottom and right than on the top and left.

Their large arrays (the padded image, the columns) come from :mod:`nn.scratch`, which reuses
an array of the same shape once nothing refers to it, instead of asking the operating system
for fresh memory on every call.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import autograd
from autograd import Tensor

from . import checks, scratch

__all__ = ["Unfold", "Fold", "unfold", "fold", "unfold_array", "fold_array", "window_geometry", "pair"]


def pair(value, name, where, minimum=1):
    """An int or a pair of ints as a pair ``(h, w)``, each checked to be an integer >= ``minimum``."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2:
        raise ValueError(f"{where}: {name} must be an integer or a pair of integers, got {value!r}")
    return tuple(checks.integer(v, name, where, minimum) for v in values)


def window_geometry(size, kernel, dilation, padding, stride, where):
    """The number of windows along one axis: floor((size + pads - dilation (k - 1) - 1) / stride) + 1.

    Raises a ``ValueError`` naming ``where`` when the (dilated) kernel is larger than the
    padded input.
    """
    padded = size + padding[0] + padding[1]
    span = dilation * (kernel - 1) + 1
    if span > padded:
        raise ValueError(
            f"{where}: the kernel (size {kernel}, dilation {dilation}, so it spans {span}) must fit in the "
            f"padded input, which is {padded} long ({size} + padding {padding[0]} + {padding[1]}); "
            "use a smaller kernel or more padding"
        )
    return (padded - span) // stride + 1


def _settings(kernel, dilation, padding, stride, rows):
    return {"kernel": kernel, "dilation": dilation, "padding": padding, "stride": stride, "rows": rows}


def unfold_array(x, kernel, dilation, padding, stride, fill=0.0, rows=False):
    """The columns (N, C*kh*kw, L) of a plain array x (N, C, H, W); with ``rows`` (C*kh*kw, N*L),
    every sample's columns side by side, so that a convolution is one matrix product for the batch."""
    (kh, kw), (dh, dw), ((top, bottom), (left, right)), (sh, sw) = kernel, dilation, padding, stride
    n, c, h, w = x.shape
    if top or bottom or left or right:
        padded = scratch.empty((n, c, h + top + bottom, w + left + right), x.dtype)
        padded.fill(fill)
        padded[:, :, top : top + h, left : left + w] = x
        x = padded
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    # every span_h x span_w window (a view), keeping every stride-th window and dilation-th tap
    windows = sliding_window_view(x, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    out_h, out_w = windows.shape[2], windows.shape[3]
    if rows:  # (N, C, oh, ow, kh, kw) -> (C, kh, kw, N, oh, ow)
        cols = scratch.empty((c, kh, kw, n, out_h, out_w), x.dtype)
        np.copyto(cols, windows.transpose(1, 4, 5, 0, 2, 3))
        return cols.reshape(c * kh * kw, n * out_h * out_w)
    # (N, C, oh, ow, kh, kw) -> (N, C, kh, kw, oh, ow): the one copy of the whole operation
    cols = scratch.empty((n, c, kh, kw, out_h, out_w), x.dtype)
    np.copyto(cols, windows.transpose(0, 1, 4, 5, 2, 3))
    return cols.reshape(n, c * kh * kw, out_h * out_w)


def fold_array(cols, size, kernel, dilation, padding, stride, rows=False):
    """The image (N, C, H, W) whose windows' sums are ``cols`` (N, C*kh*kw, L), or (C*kh*kw, N*L)
    with ``rows``: unfold's adjoint."""
    (kh, kw), (dh, dw), ((top, bottom), (left, right)), (sh, sw) = kernel, dilation, padding, stride
    h, w = size
    out_h = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
    out_w = (w + left + right - dw * (kw - 1) - 1) // sw + 1
    if rows:  # (C*kh*kw, N*L): add into a (C, N, H, W) image, every tap's block contiguous
        c, n = cols.shape[0] // (kh * kw), cols.shape[1] // (out_h * out_w)
        taps = cols.reshape(c, kh, kw, n, out_h, out_w)
        padded = scratch.zeros((c, n, h + top + bottom, w + left + right), cols.dtype)
        for i in range(kh):
            band = slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh)
            for j in range(kw):
                padded[:, :, band, j * dw : j * dw + sw * (out_w - 1) + 1 : sw] += taps[:, i, j]
        image = scratch.empty((n, c, h, w), cols.dtype)
        np.copyto(image, padded[:, :, top : top + h, left : left + w].transpose(1, 0, 2, 3))
        return image
    n, c = cols.shape[0], cols.shape[1] // (kh * kw)
    if out_w < 16:  # short rows: add with the samples and channels innermost, in long runs
        taps = cols.reshape(n * c, kh, kw, out_h, out_w).transpose(1, 2, 3, 4, 0)
        padded = scratch.zeros((h + top + bottom, w + left + right, n * c), cols.dtype)
        for i in range(kh):
            band = slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh)
            for j in range(kw):
                padded[band, j * dw : j * dw + sw * (out_w - 1) + 1 : sw] += taps[i, j]
        image = scratch.empty((n * c, h, w), cols.dtype)
        np.copyto(image, padded[top : top + h, left : left + w].transpose(2, 0, 1))
        return image.reshape(n, c, h, w)
    cols = cols.reshape(n, c, kh, kw, out_h, out_w)
    padded = scratch.zeros((n, c, h + top + bottom, w + left + right), cols.dtype)
    for i in range(kh):  # one strided slice-add per kernel tap: kh * kw NumPy calls in all
        band = slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh)
        for j in range(kw):
            padded[:, :, band, j * dw : j * dw + sw * (out_w - 1) + 1 : sw] += cols[:, :, i, j]
    if top or bottom or left or right:
        return padded[:, :, top : top + h, left : left + w].copy()
    return padded


def _is_tensor(value):
    return isinstance(value, Tensor)


class Unfold(autograd.Function):
    """cols = unfold(x): every window of the padded input as a column, (N, C, H, W) -> (N, C*kh*kw, L).

    Linear in x, so d(cols)/dx is its adjoint: dx = fold(grad), which adds each column's
    gradient back onto the window it was cut from (overlapping windows add up). Entries that
    came from the padding are constants (``fill``) and get no gradient.
    """

    backward_on_arrays = True  # backward is fold: on arrays directly, on Tensors as a Function

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride, fill=0.0, rows=False):
        ctx.size = x.shape[2:]
        ctx.settings = _settings(kernel, dilation, padding, stride, rows)
        return unfold_array(x.data, kernel, dilation, padding, stride, fill, rows)

    @staticmethod
    def backward(ctx, grad):
        if _is_tensor(grad):
            return Fold.apply(grad, size=ctx.size, **ctx.settings)
        return fold_array(grad, ctx.size, **ctx.settings)


class Fold(autograd.Function):
    """x = fold(cols): each column added onto its window of a zero (N, C, H, W) image; unfold's adjoint.

    Linear in cols, so d(x)/d(cols) is unfold: dcols = unfold(grad) (zero padding).
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride, rows=False):
        ctx.settings = _settings(kernel, dilation, padding, stride, rows)
        return fold_array(cols.data, size, kernel, dilation, padding, stride, rows)

    @staticmethod
    def backward(ctx, grad):
        if _is_tensor(grad):
            return Unfold.apply(grad, **ctx.settings)
        return unfold_array(grad, **ctx.settings)


def _padding_pairs(padding, where):
    h, w = pair(padding, "padding", where, minimum=0)
    return (h, h), (w, w)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every ``kernel_size`` window of the (zero-)padded ``input`` (N, C, H, W) as a column: (N, C*kh*kw, L).

    Column ``l`` holds window ``l`` (row-major over the out_h x out_w window positions), its
    entries ordered channel, then kernel row, then kernel column, as in PyTorch.
    d(cols)/dx: :func:`fold` of the gradient.

    >>> import numpy as np, autograd, nn
    >>> x = autograd.Tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    >>> nn.functional.unfold(x, 2).data[0]  # four 2x2 windows, one per column
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim != 4:
        raise ValueError(f"unfold: the input must be 4-d (N, C, H, W), got shape {x.shape}")
    kernel = pair(kernel_size, "kernel_size", "unfold")
    dilation = pair(dilation, "dilation", "unfold")
    stride = pair(stride, "stride", "unfold")
    padding = _padding_pairs(padding, "unfold")
    for axis in range(2):
        window_geometry(x.shape[2 + axis], kernel[axis], dilation[axis], padding[axis], stride[axis], "unfold")
    return Unfold.apply(x, kernel=kernel, dilation=dilation, padding=padding, stride=stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Add the columns of ``input`` (N, C*kh*kw, L) back onto their windows of an ``output_size`` image.

    The adjoint of :func:`unfold` (not its inverse: where windows overlap, values add up).

    >>> import numpy as np, autograd, nn
    >>> ones = autograd.Tensor(np.ones((1, 4, 4)))
    >>> nn.functional.fold(ones, (3, 3), 2).data[0, 0]  # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    cols = input if isinstance(input, Tensor) else Tensor(input)
    size = pair(output_size, "output_size", "fold")
    kernel = pair(kernel_size, "kernel_size", "fold")
    dilation = pair(dilation, "dilation", "fold")
    stride = pair(stride, "stride", "fold")
    padding = _padding_pairs(padding, "fold")
    blocks = [window_geometry(size[a], kernel[a], dilation[a], padding[a], stride[a], "fold") for a in range(2)]
    k = kernel[0] * kernel[1]
    if cols.ndim != 3 or cols.shape[1] % k or cols.shape[2] != blocks[0] * blocks[1]:
        raise ValueError(
            f"fold: the input must be (N, C * {k}, {blocks[0] * blocks[1]}) for kernel {kernel} and output "
            f"size {size}, got shape {cols.shape}"
        )
    return Fold.apply(cols, size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
