"""Ops composed from primitives, tinygrad-style: statistics, norms, picking and adding at
indices, products of vectors. Each takes Tensors and uses their operators and methods, so
its gradient (and second derivative) is that of the primitives it is made of; a ``NOTE:``
says where the composition is chosen for stability.
"""

from __future__ import annotations

import math

import numpy as np

from .einsum import Einsum
from .elementwise import Where
from .indexing import GetItem, plain_index
from .linalg import MatMul
from .movement import axis_index
from .op import is_tensor
from .reductions import normalise_axis
from .scatter import ScatterAdd

__all__ = ["var", "std", "logsumexp", "norm", "gather", "take_along_axis", "index_select", "scatter_add",
           "index_add", "masked_fill", "dot", "outer", "einsum"]  # fmt: skip


# -- statistics ---------------------------------------------------------------------------------
def _ddof(op, ddof, correction):
    if correction is not None:
        if ddof:
            raise TypeError(f"{op}: give ddof (NumPy) or correction (PyTorch), not both")
        return correction
    return ddof


def var(x, axis=None, ddof=0, keepdims=False, correction=None):
    """sum((x - mean)^2) / (n - ddof) over ``axis``: two passes (the mean first), so no
    cancellation. ``ddof=0`` (NumPy's default) divides by n; PyTorch's default is ``correction=1``."""
    ddof = _ddof("var", ddof, correction)
    axes = normalise_axis(axis, x.ndim, "var")
    n = math.prod(x.shape[a] for a in axes)
    if n - ddof <= 0:
        raise ValueError(f"var: {n} values over axis {axis} of shape {x.shape} are too few for ddof={ddof}")
    centred = x - x.mean(axis=axis, keepdims=True)
    return (centred * centred).sum(axis=axis, keepdims=keepdims) * (1.0 / (n - ddof))


def std(x, axis=None, ddof=0, keepdims=False, correction=None):
    """sqrt(var): the standard deviation over ``axis`` (``ddof``/``correction`` as :func:`var`)."""
    return var(x, axis, ddof, keepdims, correction).sqrt()


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(e^x)) over ``axis``.

    NOTE: stable: the maximum m is subtracted first, m + log(sum(e^(x - m))), with m a constant
    (it cancels in the derivative, which is softmax(x)); an all -inf row gives -inf. The
    identity holds for any constant m, so a replay of the graph with other inputs (which
    keeps this m) still computes logsumexp exactly; only the overflow guard is the first one's.
    """
    axes = normalise_axis(axis, x.ndim, "logsumexp")
    top = np.max(x.data, axis=axes, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, 0).astype(x.dtype)
    out = (x - top).exp().sum(axis=axes, keepdims=True).log() + top
    return out if keepdims else out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def norm(x, p=2, axis=None, keepdims=False):
    """The vector p-norm over ``axis`` (all axes when None): (sum |x|^p)^(1/p); ``p`` is a
    number, ``inf``, ``-inf`` or ``"fro"`` (= 2 over the axes).

    NOTE: as PyTorch's ``torch.norm``/``linalg.vector_norm``, also for two axes (NumPy's
    ``linalg.norm`` with ``ord=2`` and two axes is the spectral norm instead). The 2-norm's
    gradient x / norm is taken as 0 at x = 0, as in PyTorch (not 0/0).
    """
    if p == "fro":
        p = 2
    if isinstance(p, str) or p != p:
        raise ValueError(f"norm: p must be a number, inf, -inf or 'fro', got {p!r}")
    normalise_axis(axis, x.ndim, "norm")  # the error names norm
    size = x.abs()
    if p == math.inf:
        return size.max(axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return size.min(axis=axis, keepdims=keepdims)
    if p == 0:
        return (x != 0).astype(x.dtype).sum(axis=axis, keepdims=keepdims)
    if p == 1:
        return size.sum(axis=axis, keepdims=keepdims)
    if p == 2:
        total = (x * x).sum(axis=axis, keepdims=keepdims)
        positive = total > 0
        # the double where: sqrt never sees a 0, so no inf * 0 = nan in its gradient
        return Where.apply(positive, Where.apply(positive, total, 1.0).sqrt(), 0.0)
    return (size**p).sum(axis=axis, keepdims=keepdims) ** (1.0 / p)


# -- picking and adding at indices --------------------------------------------------------------
def _indices(index, op):
    index = np.asarray(plain_index(index))
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: the index must hold integers, got dtype {index.dtype}")
    return index


def _check_range(index, n, op, shape, axis):
    if index.size and (index.min() < -n or index.max() >= n):
        raise IndexError(f"{op}: index {index.max() if index.max() >= n else index.min()} is out of range "
                         f"for axis {axis} of length {n} (shape {shape})")  # fmt: skip


def _full_index(x, index, axis, op):
    """The NumPy index that picks x[..., index[...], ...] along ``axis`` at every position of ``index``."""
    axis = axis_index(axis, x.ndim, op)
    if index.ndim != x.ndim:
        raise ValueError(f"{op}: the index needs as many dimensions as the tensor: {index.shape} vs {x.shape}")
    _check_range(index, x.shape[axis], op, x.shape, axis)
    parts = []
    for d in range(x.ndim):
        if d == axis:
            parts.append(index)
        else:
            parts.append(np.arange(index.shape[d]).reshape((-1,) + (1,) * (x.ndim - 1 - d)))
    return tuple(parts), axis


def gather(x, axis, index):
    """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for axis 0 (``x[i][index[i][j]]`` for
    axis 1, ...); ``index`` has x's number of axes and is no longer than x on the others.
    The gradient adds back at the picked places (repeated indices accumulate)."""
    index = _indices(index, "gather")
    for d in range(min(x.ndim, index.ndim)):
        if d != axis % max(x.ndim, 1) and index.shape[d] > x.shape[d]:
            raise ValueError(f"gather: index of shape {index.shape} is longer than the tensor {x.shape} on axis {d}")
    parts, _ = _full_index(x, index, axis, "gather")
    return GetItem.apply(x, index=parts)


def take_along_axis(x, indices, axis):
    """NumPy's ``take_along_axis``: like :func:`gather`, with the other axes broadcast
    (``axis=None``: the flattened tensor)."""
    indices = _indices(indices, "take_along_axis")
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axis_index(axis, x.ndim, "take_along_axis")
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices of shape {indices.shape} need the {x.ndim} axes of {x.shape}")
    _check_range(indices, x.shape[axis], "take_along_axis", x.shape, axis)
    parts = tuple(
        indices if d == axis else np.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - 1 - d)) for d in range(x.ndim)
    )
    return GetItem.apply(x, index=parts)


def index_select(x, axis, index):
    """The entries at positions ``index`` (1-d) along ``axis``: ``x[:, index]`` for axis 1."""
    index = _indices(index, "index_select")
    axis = axis_index(axis, x.ndim, "index_select")
    if index.ndim != 1:
        raise ValueError(f"index_select: the index must be 1-d, got shape {index.shape}")
    _check_range(index, x.shape[axis], "index_select", x.shape, axis)
    return GetItem.apply(x, index=(slice(None),) * axis + (index,))


def scatter_add(x, axis, index, src):
    """PyTorch's ``scatter_add`` (not in place): x with ``src[i][j]`` added at ``[index[i][j]][j]`` for
    axis 0; repeated indices add up. dx = grad; dsrc = grad gathered at ``index``."""
    index = _indices(index, "scatter_add")
    parts, _ = _full_index(x, index, axis, "scatter_add")
    if src.shape != index.shape:
        if src.ndim != index.ndim or any(s < i for s, i in zip(src.shape, index.shape)):
            raise ValueError(f"scatter_add: src of shape {src.shape} is smaller than the index {index.shape}")
        src = GetItem.apply(src, index=tuple(slice(0, n) for n in index.shape))
    return x + ScatterAdd.apply(src, index=parts, shape=x.shape)


def index_add(x, axis, index, source, alpha=1):
    """x with source[..., i, ...] * alpha added at x[..., index[i], ...] along ``axis`` (not in
    place); repeated indices add up."""
    index = _indices(index, "index_add")
    axis = axis_index(axis, x.ndim, "index_add")
    _check_range(index, x.shape[axis], "index_add", x.shape, axis)
    expected = x.shape[:axis] + (index.size,) + x.shape[axis + 1 :]
    if index.ndim != 1 or source.shape != expected:
        raise ValueError(f"index_add: source of shape {source.shape} and index {index.shape} need shape {expected}")
    if alpha != 1:
        source = source * alpha
    return x + ScatterAdd.apply(source, index=(slice(None),) * axis + (index,), shape=x.shape)


def _broadcasts_to(shape, target):
    return len(shape) <= len(target) and all(n in (1, m) for n, m in zip(shape[::-1], target[::-1]))


def masked_fill(x, mask, value):
    """``value`` where ``mask`` (bool, broadcast to x) is True, x elsewhere; no gradient to the filled places."""
    mask = np.asarray(plain_index(mask))
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: the mask must be bool, got dtype {mask.dtype}")
    if not _broadcasts_to(mask.shape, x.shape):
        raise ValueError(f"masked_fill: mask of shape {mask.shape} does not broadcast to {x.shape}")
    value = value if is_tensor(value) else np.asarray(value, dtype=x.dtype)
    return Where.apply(mask, value, x)


# -- products ---------------------------------------------------------------------------------------
def dot(a, b):
    """The dot product of two vectors (NumPy's ``dot`` also for numbers and matrices)."""
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError(f"dot: shapes {a.shape} and {b.shape}: use matmul or einsum for more than 2 axes")
    return MatMul.apply(a, b)


def outer(a, b):
    """out[i, j] = a[i] b[j] (both flattened first, as NumPy)."""
    return a.reshape(-1, 1) * b.reshape(1, -1)


def einsum(subscripts, *operands):
    """Einstein summation as NumPy's ``einsum`` (operands also as one list, as in PyTorch)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return Einsum.apply(*operands, subscripts=subscripts)
