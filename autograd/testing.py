"""Hypothesis strategies for property-based gradient tests, yours and ours.

Import this module in your own tests (hypothesis is imported here only, so the engine does
not need it at run time)::

    from hypothesis import given
    import autograd
    from autograd.testing import tensors

    @given(tensors(shape=(3,)))
    def test_square(x):
        assert autograd.gradcheck(lambda t: t * t, (x,))
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .tensor import make_tensor

__all__ = ["shapes", "broadcastable_shapes", "arrays", "tensors"]


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes (tuples), small by default so gradient checks stay fast.

    >>> from autograd.testing import shapes
    >>> shape = shapes(min_dims=2, max_dims=2).example()
    >>> len(shape)
    2
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(shape, min_dims=0, max_dims=None, min_side=1, max_side=None):
    """Shapes that broadcast with ``shape`` under NumPy's rules (fewer axes, axes of length 1).

    >>> import numpy as np
    >>> from autograd.testing import broadcastable_shapes
    >>> other = broadcastable_shapes((2, 3)).example()
    >>> np.broadcast_shapes((2, 3), other) == (2, 3) or len(other) > 2 or 1 in other
    True
    """
    max_dims = len(shape) if max_dims is None else max_dims
    return hnp.broadcastable_shapes(shape, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def _default_elements(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=min(dtype.itemsize * 8, 64))
    if dtype.kind == "b":
        return st.booleans()
    return st.integers(-5, 5)


@st.composite
def arrays(draw, shape=None, dtype=np.float64, elements=None, contiguous=None):
    """NumPy arrays of ``shape`` (drawn from :func:`shapes` when None) and ``dtype``.

    Floats default to [-3, 3], finite. ``contiguous``: True for C-contiguous arrays only,
    False for strided views only (a slice with step 2 of a larger array, or a transpose),
    None for either; layouts matter because an op must not assume contiguous memory.

    >>> from autograd.testing import arrays
    >>> a = arrays(shape=(2, 3), contiguous=False).example()
    >>> a.shape, a.flags.c_contiguous
    ((2, 3), False)
    """
    if shape is None:
        shape = draw(shapes())
    elif not isinstance(shape, tuple):
        shape = draw(shape)
    elements = _default_elements(dtype) if elements is None else elements
    if contiguous is None:
        contiguous = draw(st.booleans())
    if contiguous or len(shape) == 0:
        return draw(hnp.arrays(dtype, shape, elements=elements))
    if len(shape) >= 2 and draw(st.booleans()):
        base = draw(hnp.arrays(dtype, shape[::-1], elements=elements))
        view = base.T  # a transposed view: Fortran order in memory
        if not view.flags.c_contiguous:
            return view
    base = draw(hnp.arrays(dtype, shape[:-1] + (2 * shape[-1],), elements=elements))
    return base[..., ::2]  # every other element: a strided view


@st.composite
def tensors(draw, shape=None, dtype=np.float64, elements=None, requires_grad=True, contiguous=None):
    """Tensors built on :func:`arrays`; float tensors require grad unless told otherwise.

    >>> from autograd.testing import tensors
    >>> t = tensors(shape=(3,)).example()
    >>> t.shape, t.requires_grad
    ((3,), True)
    """
    array = draw(arrays(shape=shape, dtype=dtype, elements=elements, contiguous=contiguous))
    tensor = make_tensor(array)  # keeps the drawn memory layout (the constructor would copy)
    if requires_grad and array.dtype.kind == "f":
        tensor.requires_grad_(True)
    return tensor
