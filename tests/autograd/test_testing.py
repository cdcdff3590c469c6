"""The hypothesis strategies users import: they produce what they promise."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd.testing import arrays, broadcastable_shapes, shapes, tensors


@given(shapes(min_dims=1, max_dims=3, max_side=4))
def test_shapes_respect_their_bounds(shape):
    assert 1 <= len(shape) <= 3 and all(1 <= n <= 4 for n in shape)


@given(st.data())
def test_broadcastable_shapes_broadcast(data):
    shape = data.draw(shapes())
    other = data.draw(broadcastable_shapes(shape))
    np.broadcast_shapes(shape, other)  # raises if they do not broadcast


@given(arrays(shape=(3, 4), contiguous=False))
def test_non_contiguous_arrays_are_strided_views(array):
    assert array.shape == (3, 4) and not array.flags.c_contiguous


@given(arrays(shape=(2, 3), dtype=np.float32, contiguous=True))
def test_arrays_have_the_dtype_and_layout_asked_for(array):
    assert array.dtype == np.float32 and array.flags.c_contiguous and np.all(np.isfinite(array))


@given(tensors(shape=(2, 2), contiguous=False))
def test_tensors_require_grad_keep_layout_and_gradcheck(t):
    assert t.requires_grad and not t.data.flags.c_contiguous
    assert autograd.gradcheck(lambda x: (x * x.T).tanh(), (t,))


@given(tensors(dtype=np.int64))
def test_integer_tensors_do_not_require_grad(t):
    assert t.dtype == np.int64 and not t.requires_grad
