"""Tensor methods that pick or add values at indices: ``gather``, ``index_select``,
``scatter_add``, ``index_add``, ``masked_fill``.
"""

from __future__ import annotations

from ..ops import composed
from .arguments import as_tensor, given_axis

__all__ = ["IndexingMethods"]


class IndexingMethods:
    """The picking and scattering methods of :class:`~autograd.Tensor` (``t[index]`` is the
    operator, in ``tensor.py``)."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    # -- picking, scattering, products (composed in ops/composed.py) --------------------------------
    def gather(self, axis=None, index=None, *, dim=None):
        """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for axis 0 (``x[i][index[i][j]]`` for axis 1).

        >>> import autograd
        >>> x = autograd.Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.gather(1, autograd.Tensor([[1], [0]]))
        Tensor([[2.],
                [3.]])
        """
        return composed.gather(self, given_axis("gather", axis, dim), index)

    def take_along_axis(self, indices, axis):
        """NumPy's ``take_along_axis`` (``gather`` with broadcasting)."""
        return composed.take_along_axis(self, indices, axis)

    def index_select(self, axis=None, index=None, *, dim=None):
        """The entries at positions ``index`` (1-d) along ``axis``."""
        return composed.index_select(self, given_axis("index_select", axis, dim), index)

    def scatter_add(self, axis=None, index=None, src=None, *, dim=None):
        """PyTorch's ``scatter_add`` (returns a new tensor): ``src`` added at ``index`` along ``axis``."""
        return composed.scatter_add(self, given_axis("scatter_add", axis, dim), index, as_tensor(src))

    def index_add(self, axis=None, index=None, source=None, *, alpha=1, dim=None):
        """``source`` slices added at positions ``index`` along ``axis`` (returns a new tensor)."""
        return composed.index_add(self, given_axis("index_add", axis, dim), index, as_tensor(source), alpha)

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` is True, the tensor's values elsewhere (gradient 0 where filled)."""
        return composed.masked_fill(self, mask, value)
