"""Tensor methods that reduce over an axis or run along one: sums, means, extrema, softmax,
statistics, norms, products, running sums and products, ``argmax``, ``any``, ``all``.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..ops import composed
from ..ops.reductions import normalise_axis
from .arguments import given_axis, given_keepdims

__all__ = ["ReductionMethods"]


class ReductionMethods:
    """The reductions of :class:`~autograd.Tensor`, each taking NumPy's ``axis``/``keepdims`` or
    PyTorch's ``dim``/``keepdim``."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    # -- reductions ----------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Sum over ``axis`` (an int, a tuple, or None for all); PyTorch's ``dim``/``keepdim`` also work."""
        if dim is not None or keepdim is not None:
            axis, keepdims = given_axis("sum", axis, dim), given_keepdims("sum", keepdims, keepdim)
        if axis is None and not keepdims:
            return ops.Sum.apply(self)  # the loss's sum, without building the options
        return ops.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Mean over ``axis``: the sum divided by the number of elements summed."""
        axis, keepdims = given_axis("mean", axis, dim), given_keepdims("mean", keepdims, keepdim)
        axes = normalise_axis(axis, self.ndim, "mean")
        count = int(np.prod([self.shape[a] for a in axes]))
        if count == 0:
            raise ValueError(f"mean: no elements to average over axis {axis} of shape {self.shape}")
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Maximum over ``axis``; tied maxima share the gradient equally.

        Only the values: for the positions use ``x.argmax(axis)`` (PyTorch's ``x.max(dim)``
        returns both; here ``values, indices = x.max(axis), x.argmax(axis)``).

        >>> import autograd
        >>> x = autograd.Tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(axis=1), x.argmax(axis=1)
        (Tensor([5., 7.]), Tensor([1, 0]))
        """
        axis, keepdims = given_axis("max", axis, dim), given_keepdims("max", keepdims, keepdim)
        return ops.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Minimum over ``axis``; tied minima share the gradient equally (positions: ``x.argmin(axis)``)."""
        axis, keepdims = given_axis("min", axis, dim), given_keepdims("min", keepdims, keepdim)
        return ops.Min.apply(self, axis=axis, keepdims=keepdims)

    def softmax(self, axis=None, *, dim=None):
        """e^x / sum(e^x) along ``axis`` (or ``dim``; default -1), stable for large logits.

        >>> import autograd
        >>> autograd.Tensor([1000.0, 1000.0]).softmax()
        Tensor([0.5, 0.5])
        >>> autograd.Tensor([[0.0, 0.0]]).softmax(dim=1)
        Tensor([[0.5, 0.5]])
        """
        return ops.Softmax.apply(self, axis=given_axis("softmax", axis, dim, -1))

    def log_softmax(self, axis=None, *, dim=None):
        """x - log(sum(e^x)) along ``axis`` (or ``dim``; default -1), stable for large logits."""
        return ops.LogSoftmax.apply(self, axis=given_axis("log_softmax", axis, dim, -1))

    # -- more reductions -----------------------------------------------------------------------------
    def var(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
        """Variance over ``axis``: sum((x - mean)^2) / (n - ddof).

        NOTE: ``ddof=0`` by default (NumPy); PyTorch's ``var`` divides by n - 1 by default:
        pass ``ddof=1`` or ``correction=1`` for that.

        >>> import autograd
        >>> x = autograd.Tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var(), x.var(ddof=1), x.var(correction=1)
        (Tensor(1.25), Tensor(1.66666667), Tensor(1.66666667))
        """
        axis, keepdims = given_axis("var", axis, dim), given_keepdims("var", keepdims, keepdim)
        return composed.var(self, axis, ddof, keepdims, correction)

    def std(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
        """Standard deviation over ``axis``: sqrt(var) (``ddof=0`` by default, as NumPy)."""
        axis, keepdims = given_axis("std", axis, dim), given_keepdims("std", keepdims, keepdim)
        return composed.std(self, axis, ddof, keepdims, correction)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Product over ``axis``;  d/dx_i = product of the others (exact with zeros).

        >>> import autograd
        >>> x = autograd.Tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        Tensor([0., 6., 0.])
        """
        axis, keepdims = given_axis("prod", axis, dim), given_keepdims("prod", keepdims, keepdim)
        return ops.Prod.apply(self, axis=axis, keepdims=keepdims)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """log(sum(e^x)) over ``axis``, stable;  the gradient is softmax(x).

        >>> import autograd
        >>> autograd.Tensor([1000.0, 1000.0]).logsumexp()
        Tensor(1000.69314718)
        """
        axis, keepdims = given_axis("logsumexp", axis, dim), given_keepdims("logsumexp", keepdims, keepdim)
        return composed.logsumexp(self, axis, keepdims)

    def norm(self, p=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """The vector p-norm over ``axis`` (``p``: a number, inf, -inf or "fro").

        >>> import autograd
        >>> autograd.Tensor([3.0, -4.0]).norm(), autograd.Tensor([3.0, -4.0]).norm(1)
        (Tensor(5.), Tensor(7.))
        """
        axis, keepdims = given_axis("norm", axis, dim), given_keepdims("norm", keepdims, keepdim)
        return composed.norm(self, p, axis, keepdims)

    def cumsum(self, axis=None, *, dim=None):
        """Running sum along ``axis`` (None: of the flattened tensor);  the gradient is a
        running sum from the end.

        >>> import autograd
        >>> autograd.Tensor([1.0, 2.0, 3.0]).cumsum(0)
        Tensor([1., 3., 6.])
        """
        axis = given_axis("cumsum", axis, dim)
        return ops.Cumsum.apply(self.reshape(-1) if axis is None else self, axis=0 if axis is None else axis)

    def cumprod(self, axis=None, *, dim=None):
        """Running product along ``axis`` (None: of the flattened tensor); exact gradient with zeros."""
        axis = given_axis("cumprod", axis, dim)
        return ops.Cumprod.apply(self.reshape(-1) if axis is None else self, axis=0 if axis is None else axis)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Position of the maximum over ``axis`` (None: in the flattened tensor); an int64 tensor, no graph."""
        axis, keepdims = given_axis("argmax", axis, dim), given_keepdims("argmax", keepdims, keepdim)
        return _index_reduction(np.argmax, "argmax", self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Position of the minimum over ``axis`` (None: in the flattened tensor); an int64 tensor, no graph."""
        axis, keepdims = given_axis("argmin", axis, dim), given_keepdims("argmin", keepdims, keepdim)
        return _index_reduction(np.argmin, "argmin", self, axis, keepdims)

    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """True where some value over ``axis`` is nonzero; a bool tensor, no graph."""
        axis, keepdims = given_axis("any", axis, dim), given_keepdims("any", keepdims, keepdim)
        return self._make(np.asarray(self.data.any(axis=normalise_axis(axis, self.ndim, "any"), keepdims=keepdims)))

    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """True where every value over ``axis`` is nonzero; a bool tensor, no graph."""
        axis, keepdims = given_axis("all", axis, dim), given_keepdims("all", keepdims, keepdim)
        return self._make(np.asarray(self.data.all(axis=normalise_axis(axis, self.ndim, "all"), keepdims=keepdims)))


def _index_reduction(pick, op, x, axis, keepdims):
    if x.size == 0:
        raise ValueError(f"{op}: the tensor is empty (shape {x.shape}), so it has no {op[3:]}imum")
    if axis is not None:
        if isinstance(axis, tuple):
            raise TypeError(f"{op}: axis must be one integer or None, got {axis}")
        (axis,) = normalise_axis(axis, x.ndim, op) or (None,)
    return x._make(np.asarray(pick(x.data, axis=axis, keepdims=keepdims)))
