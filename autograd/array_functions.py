"""The ``autograd.`` spellings of the shape, indexing and product methods, as NumPy and
PyTorch users expect them: ``autograd.flip(x)`` is ``x.flip()``. Each takes a Tensor (or
anything ``Tensor(...)`` accepts) and calls the method or its composition in ``ops``.
"""

from __future__ import annotations

from .ops import composed, movement
from .tensor import Tensor

__all__ = [
    "permute",
    "squeeze",
    "unsqueeze",
    "expand",
    "flatten",
    "unflatten",
    "tile",
    "flip",
    "roll",
    "split",
    "chunk",
    "tril",
    "triu",
    "swapaxes",
    "movedim",
    "broadcast_to",
    "pad",
    "gather",
    "take_along_axis",
    "index_select",
    "scatter_add",
    "index_add",
    "masked_fill",
    "dot",
    "outer",
    "matmul",
    "einsum",
    "moveaxis",
]


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# -- shape and movement ---------------------------------------------------------------------------
def permute(x, *axes):
    """Reorder the axes (NumPy: ``transpose(axes)``).

    >>> import autograd
    >>> autograd.permute(autograd.zeros(2, 3, 4), 2, 0, 1).shape
    (4, 2, 3)
    """
    return _t(x).permute(*axes)


def squeeze(x, axis=None, *, dim=None):
    """Remove axes of length 1.

    >>> import autograd
    >>> autograd.squeeze(autograd.zeros(2, 1, 3)).shape
    (2, 3)
    """
    return _t(x).squeeze(axis, dim=dim)


def unsqueeze(x, axis=None, *, dim=None):
    """Insert an axis of length 1 at ``axis`` (NumPy: ``expand_dims``).

    >>> import autograd
    >>> autograd.unsqueeze(autograd.zeros(2, 3), 0).shape
    (1, 2, 3)
    """
    return _t(x).unsqueeze(axis, dim=dim)


def expand(x, *sizes):
    """Broadcast to ``sizes``, -1 keeping an axis (PyTorch's ``expand``).

    >>> import autograd
    >>> autograd.expand(autograd.zeros(3, 1), -1, 4).shape
    (3, 4)
    """
    return _t(x).expand(*sizes)


def flatten(x, start_axis=0, end_axis=-1):
    """Merge axes ``start_axis`` to ``end_axis`` into one.

    >>> import autograd
    >>> autograd.flatten(autograd.zeros(2, 3, 4), 1).shape
    (2, 12)
    """
    return _t(x).flatten(start_axis, end_axis)


def unflatten(x, axis, sizes):
    """Split ``axis`` into axes of ``sizes``.

    >>> import autograd
    >>> autograd.unflatten(autograd.zeros(2, 12), 1, (3, 4)).shape
    (2, 3, 4)
    """
    return _t(x).unflatten(axis, sizes)


def tile(x, reps):
    """Repeat the tensor ``reps[i]`` times along axis i (PyTorch: ``repeat``).

    >>> import autograd
    >>> autograd.tile(autograd.Tensor([1.0, 2.0]), 2)
    Tensor([1., 2., 1., 2.])
    """
    return _t(x).tile(reps)


def flip(x, axis=None, *, dims=None):
    """Reverse the order along ``axis`` (all axes when None).

    >>> import autograd
    >>> autograd.flip(autograd.Tensor([1.0, 2.0, 3.0]))
    Tensor([3., 2., 1.])
    """
    return _t(x).flip(axis, dims=dims)


def roll(x, shifts, axis=None, *, dims=None):
    """Shift entries by ``shifts`` along ``axis``, wrapping around.

    >>> import autograd
    >>> autograd.roll(autograd.Tensor([1.0, 2.0, 3.0]), 1)
    Tensor([3., 1., 2.])
    """
    return _t(x).roll(shifts, axis, dims=dims)


def split(x, split_size_or_sections, axis=0, *, dim=None):
    """PyTorch's ``split``: pieces of the given length (int) or lengths (list).

    >>> import autograd
    >>> [p.shape for p in autograd.split(autograd.zeros(5), 2)]
    [(2,), (2,), (1,)]
    """
    return _t(x).split(split_size_or_sections, axis, dim=dim)


def chunk(x, chunks, axis=0, *, dim=None):
    """PyTorch's ``chunk``: ``chunks`` pieces of (almost) equal length.

    >>> import autograd
    >>> [p.shape for p in autograd.chunk(autograd.zeros(5), 2)]
    [(3,), (2,)]
    """
    return _t(x).chunk(chunks, axis, dim=dim)


def tril(x, k=0, *, diagonal=None):
    """The lower triangle of the last two axes (the rest 0).

    >>> import autograd
    >>> autograd.tril(autograd.ones(2, 2))
    Tensor([[1., 0.],
            [1., 1.]])
    """
    return _t(x).tril(k, diagonal=diagonal)


def triu(x, k=0, *, diagonal=None):
    """The upper triangle of the last two axes (the rest 0).

    >>> import autograd
    >>> autograd.triu(autograd.ones(2, 2))
    Tensor([[1., 1.],
            [0., 1.]])
    """
    return _t(x).triu(k, diagonal=diagonal)


def swapaxes(x, axis1, axis2):
    """Exchange two axes (PyTorch: ``swapdims``, ``transpose(a, b)``).

    >>> import autograd
    >>> autograd.swapaxes(autograd.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    """
    return _t(x).swapaxes(axis1, axis2)


def movedim(x, source, destination):
    """Move axes ``source`` to ``destination`` (NumPy: ``moveaxis``).

    >>> import autograd
    >>> autograd.movedim(autograd.zeros(2, 3, 4), 0, -1).shape
    (3, 4, 2)
    """
    return _t(x).movedim(source, destination)


moveaxis = movedim


def broadcast_to(x, shape):
    """x copied along new or length-1 axes up to ``shape`` (NumPy's rule); the gradient is summed back.

    >>> import autograd
    >>> autograd.broadcast_to(autograd.Tensor([1.0, 2.0]), (2, 2))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    return _t(x).broadcast_to(shape)


def pad(x, pad, mode="constant", value=0.0):
    """Pad the last axes, PyTorch's ``F.pad``: ``pad = (left, right, top, bottom, ...)`` from the
    last axis backwards; ``mode`` ``"constant"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
    The gradient of the copied entries adds back to their originals.

    >>> import autograd
    >>> x = autograd.Tensor([1.0, 2.0, 3.0])
    >>> autograd.pad(x, (2, 1)), autograd.pad(x, (2, 1), mode="reflect")
    (Tensor([0., 0., 1., 2., 3., 0.]), Tensor([3., 2., 1., 2., 3., 2.]))
    >>> autograd.pad(x, (2, 1), mode="replicate"), autograd.pad(x, (2, 1), mode="circular")
    (Tensor([1., 1., 1., 2., 3., 3.]), Tensor([2., 3., 1., 2., 3., 1.]))
    """
    return movement.pad(_t(x), pad, mode, value)


# -- picking, scattering, products -----------------------------------------------------------------------
def gather(x, axis=None, index=None, *, dim=None):
    """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for axis 0, ``x[i][index[i][j]]`` for axis 1.

    >>> import autograd
    >>> autograd.gather(autograd.Tensor([[1.0, 2.0], [3.0, 4.0]]), 1, [[1], [0]])
    Tensor([[2.],
            [3.]])
    """
    return _t(x).gather(axis, index, dim=dim)


def take_along_axis(x, indices, axis):
    """NumPy's ``take_along_axis``: x[..., indices[...], ...] along ``axis``, other axes broadcast.

    >>> import autograd, numpy as np
    >>> x = autograd.Tensor([[10.0, 30.0, 20.0]])
    >>> autograd.take_along_axis(x, np.argsort(x.data, axis=1), axis=1)
    Tensor([[10., 20., 30.]])
    """
    return _t(x).take_along_axis(indices, axis)


def index_select(x, axis=None, index=None, *, dim=None):
    """The entries at positions ``index`` (1-d) along ``axis``.

    >>> import autograd
    >>> autograd.index_select(autograd.Tensor([[1.0, 2.0, 3.0]]), 1, [2, 0])
    Tensor([[3., 1.]])
    """
    return _t(x).index_select(axis, index, dim=dim)


def scatter_add(x, axis=None, index=None, src=None, *, dim=None):
    """PyTorch's ``scatter_add`` as a new tensor: ``src[i][j]`` added at ``[index[i][j]][j]`` (axis 0).

    >>> import autograd
    >>> autograd.scatter_add(autograd.zeros(3), 0, [0, 0, 2], autograd.Tensor([1.0, 2.0, 5.0]))
    Tensor([3., 0., 5.])
    """
    return _t(x).scatter_add(axis, index, src, dim=dim)


def index_add(x, axis=None, index=None, source=None, *, alpha=1, dim=None):
    """``source`` slices (times ``alpha``) added at positions ``index`` along ``axis``, as a new tensor.

    >>> import autograd
    >>> autograd.index_add(autograd.zeros(3), 0, [2, 2], autograd.Tensor([1.0, 2.0]))
    Tensor([0., 0., 3.])
    """
    return _t(x).index_add(axis, index, source, alpha=alpha, dim=dim)


def masked_fill(x, mask, value):
    """``value`` where ``mask`` is True, x elsewhere (no gradient to the filled places).

    >>> import autograd
    >>> x = autograd.Tensor([1.0, -2.0])
    >>> autograd.masked_fill(x, x < 0, 0.0)
    Tensor([1., 0.])
    """
    return _t(x).masked_fill(mask, value)


def dot(a, b):
    """The dot product of two vectors: sum_i a_i b_i;  d/da = b, d/db = a.

    >>> import autograd
    >>> autograd.dot(autograd.Tensor([1.0, 2.0]), autograd.Tensor([3.0, 4.0]))
    Tensor(11.)
    """
    return _t(a).dot(b)


def outer(a, b):
    """out[i, j] = a[i] b[j].

    >>> import autograd
    >>> autograd.outer(autograd.Tensor([1.0, 2.0]), autograd.Tensor([1.0, 10.0]))
    Tensor([[ 1., 10.],
            [ 2., 20.]])
    """
    return _t(a).outer(b)


def matmul(a, b):
    """``a @ b`` (NumPy's matmul rules);  d/da = grad b^T, d/db = a^T grad.

    >>> import autograd
    >>> autograd.matmul(autograd.eye(2), autograd.Tensor([1.0, 2.0]))
    Tensor([1., 2.])
    """
    return _t(a) @ b


def einsum(subscripts, *operands):
    """Einstein summation, any subscripts NumPy's ``einsum`` accepts (``...``, implicit output,
    repeated letters such as ``"ii->i"``); the gradient of each operand is another einsum.

    >>> import autograd
    >>> a = autograd.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> autograd.einsum("ii->", a)  # the trace
    Tensor(5., grad_fn=<EinsumBackward>)
    >>> autograd.einsum("ij,j->i", a, autograd.Tensor([1.0, 1.0]))
    Tensor([3., 7.], grad_fn=<EinsumBackward>)
    """
    return composed.einsum(subscripts, *operands)
