"""Op: the base class of the built-in operations, and how they read their inputs."""

from __future__ import annotations

import numpy as np

from .. import function
from ..function import Function

__all__ = ["Op", "is_tensor", "data_of", "shape_of"]


class Op(Function):
    """A built-in op: a :class:`~autograd.Function` whose backward uses only what arrays and
    Tensors share (see :mod:`autograd.ops.arraylike`), so the engine runs it on plain arrays
    unless a graph of the gradient is wanted (``backward_on_arrays``); its forward only reads
    arrays (``forward_on_arrays``) and depends on nothing but its inputs and options, so a
    traced program can replay it (``pure``)."""

    backward_on_arrays = True
    forward_on_arrays = True
    pure = True  # forward is a function of its inputs and options, so a trace can replay it


def is_tensor(value):
    """Whether ``value`` is a Tensor (rather than an array or a number)."""
    return isinstance(value, function.tensor_type)


def data_of(value):
    """The array behind a Tensor; an array, a number or ``None`` as it is."""
    return value.data if isinstance(value, function.tensor_type) else value


def shape_of(value):
    """The shape of a Tensor, an array or a number."""
    return np.shape(data_of(value))
