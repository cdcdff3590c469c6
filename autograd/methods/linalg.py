"""Tensor methods for products of vectors and matrices: ``matmul``, ``dot``, ``outer``."""

from __future__ import annotations

from ..ops import composed
from .arguments import as_tensor

__all__ = ["LinalgMethods"]


class LinalgMethods:
    """The vector and matrix products of :class:`~autograd.Tensor` (``a @ b`` is the operator, in
    ``tensor.py``)."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    def matmul(self, other):
        """``self @ other``."""
        return self @ other

    def dot(self, other):
        """The dot product of two vectors."""
        return composed.dot(self, as_tensor(other))

    def outer(self, other):
        """out[i, j] = self[i] * other[j]."""
        return composed.outer(self, as_tensor(other))
