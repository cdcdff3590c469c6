"""Tensor methods that move values without changing them: reshape, transpose, broadcast,
squeeze, flip, roll, split...; and the functions ``concatenate`` and ``stack``.
"""

from __future__ import annotations

from .. import ops
from ..ops import movement
from .arguments import as_tensor, given_axis

__all__ = ["ShapeMethods", "concatenate", "stack"]


class ShapeMethods:
    """The shape and movement methods of :class:`~autograd.Tensor`."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    # -- shape -------------------------------------------------------------------------------------
    def reshape(self, *shape):
        """The same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``; one -1 allowed)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.Reshape.apply(self, shape=shape)

    def broadcast_to(self, shape):
        """The tensor copied along new or length-1 axes up to ``shape`` (NumPy's rule); the
        gradient is summed back."""
        return ops.BroadcastTo.apply(self, shape=tuple(shape))

    def transpose(self, *axes):
        """Rearrange the axes: ``transpose()`` reverses them, ``transpose(a, b)`` swaps axes a
        and b (as ``torch.transpose``), ``transpose((...))`` or three or more integers permute
        them (as NumPy).

        NOTE: this agrees with PyTorch everywhere and with NumPy everywhere except the
        identity call ``transpose(0, 1)`` of a 2-d tensor: NumPy leaves it unchanged, here
        (as in PyTorch) it swaps the two axes.

        >>> import autograd
        >>> x = autograd.zeros(2, 3, 4)
        >>> x.transpose().shape, x.transpose(0, 2).shape, x.transpose((1, 2, 0)).shape
        ((4, 3, 2), (4, 3, 2), (3, 4, 2))
        """
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        elif len(axes) == 2:
            return movement.swapaxes(self, *axes)
        return ops.Transpose.apply(self, axes=axes or None)

    # -- more shape and movement (composed in ops/movement.py) --------------------------------------
    def view(self, *shape):
        """PyTorch's name for :meth:`reshape` (with no in-place ops, whether memory is shared never shows)."""
        return self.reshape(*shape)

    def permute(self, *axes):
        """Reorder the axes: ``permute(2, 0, 1)`` or ``permute((2, 0, 1))``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.Transpose.apply(self, axes=axes)

    def squeeze(self, axis=None, *, dim=None):
        """Remove axes of length 1 (all, or the given ones; an axis longer than 1 is left, as PyTorch)."""
        return movement.squeeze(self, given_axis("squeeze", axis, dim))

    def unsqueeze(self, axis=None, *, dim=None):
        """Insert an axis of length 1 at ``axis`` (NumPy's ``expand_dims``)."""
        return movement.unsqueeze(self, given_axis("unsqueeze", axis, dim))

    def expand(self, *sizes):
        """Broadcast to ``sizes`` (-1 keeps an axis): ``x.expand(3, -1)``."""
        return movement.expand(self, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes)

    def flatten(self, start_axis=0, end_axis=-1, *, start_dim=None, end_dim=None):
        """Merge axes ``start_axis`` to ``end_axis`` into one (all by default)."""
        start = start_axis if start_dim is None else start_dim
        return movement.flatten(self, start, end_axis if end_dim is None else end_dim)

    def unflatten(self, axis, sizes):
        """Split ``axis`` into axes of ``sizes``: ``x.unflatten(1, (2, 3))``."""
        return movement.unflatten(self, axis, sizes)

    def repeat(self, *sizes):
        """PyTorch's ``repeat``: tile the tensor ``sizes[i]`` times along axis i (NumPy: ``tile``)."""
        return movement.repeat(self, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes)

    def tile(self, reps):
        """NumPy's ``tile``: repeat the tensor ``reps[i]`` times along axis i (fewer reps: leading axes kept)."""
        return movement.tile(self, reps)

    def flip(self, axis=None, *, dims=None):
        """Reverse the order along ``axis`` (an int, a tuple, None for all); PyTorch spells it ``dims``."""
        return movement.flip(self, axis if dims is None else dims)

    def roll(self, shifts, axis=None, *, dims=None):
        """Shift entries by ``shifts`` along ``axis``, wrapping around."""
        return movement.roll(self, shifts, axis if dims is None else dims)

    def split(self, split_size_or_sections, axis=0, *, dim=None):
        """PyTorch's ``split``: pieces of a given length (int) or of the listed lengths; a tuple."""
        return movement.split(self, split_size_or_sections, axis if dim is None else dim)

    def chunk(self, chunks, axis=0, *, dim=None):
        """Split into ``chunks`` pieces of (almost) equal length (PyTorch's ``chunk``); a tuple."""
        return movement.chunk(self, chunks, axis if dim is None else dim)

    def tril(self, k=0, *, diagonal=None):
        """The lower triangle of the last two axes (entries above diagonal ``k`` set to 0)."""
        return movement.tril(self, k if diagonal is None else diagonal)

    def triu(self, k=0, *, diagonal=None):
        """The upper triangle of the last two axes (entries below diagonal ``k`` set to 0)."""
        return movement.triu(self, k if diagonal is None else diagonal)

    def swapaxes(self, axis1, axis2):
        """Exchange two axes (PyTorch also: ``swapdims``, ``transpose(a, b)``)."""
        return movement.swapaxes(self, axis1, axis2)

    swapdims = swapaxes

    def movedim(self, source, destination):
        """Move axes ``source`` to ``destination`` (NumPy: ``moveaxis``)."""
        return movement.movedim(self, source, destination)

    moveaxis = movedim


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis.

    >>> import autograd
    >>> autograd.concatenate([autograd.Tensor([1.0]), autograd.Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    return ops.Concatenate.apply(*[as_tensor(t) for t in tensors], axis=axis)


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis.

    >>> import autograd
    >>> autograd.stack([autograd.Tensor([1.0, 2.0]), autograd.Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return ops.Stack.apply(*[as_tensor(t) for t in tensors], axis=axis)
