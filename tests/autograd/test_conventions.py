"""Gradient conventions at kinks and ties (PyTorch's), and numerical stability."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Tensor
from autograd.testing import arrays


def _grad(fn, values):
    x = Tensor(values, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.data


def test_relu_and_abs_have_zero_gradient_at_zero():
    np.testing.assert_array_equal(_grad(lambda x: x.relu(), [-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(_grad(lambda x: x.abs(), [-1.0, 0.0, 2.0]), [-1.0, 0.0, 1.0])


def test_clip_passes_the_gradient_at_its_bounds():
    np.testing.assert_array_equal(_grad(lambda x: x.clip(-1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0]), [0, 1, 1, 1, 0])


@given(
    arrays(shape=st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.sampled_from([-1.0, 0.0, 2.0])),
    st.sampled_from([None, 0, 1]),
)
def test_tied_maxima_and_minima_share_the_gradient_equally(x, axis):
    for name in ("max", "min"):
        grad = _grad(lambda t, name=name: getattr(t, name)(axis=axis), x)
        extreme = getattr(x, name)(axis=axis, keepdims=True)
        chosen = x == extreme
        expected = chosen / chosen.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(grad, expected)


def test_maximum_and_minimum_split_ties_in_half():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([1.0, 5.0, 0.0], requires_grad=True)
    autograd.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad.data, [0.5, 1.0, 0.0])


def test_repeated_indices_accumulate():
    np.testing.assert_array_equal(_grad(lambda x: x[np.array([0, 0, 2, 0])], [1.0, 2.0, 3.0]), [3.0, 0.0, 1.0])


@pytest.mark.parametrize("scale", [1e3, -1e3, 1e4])
def test_softmax_and_log_softmax_are_stable_for_large_logits(scale):
    logits = Tensor(np.array([[1.0, 2.0, 3.0], [0.5, 0.5, -1.0]]) * scale, requires_grad=True)
    probabilities = logits.softmax(axis=-1)
    log_probabilities = logits.log_softmax(axis=-1)
    assert np.all(np.isfinite(probabilities.data)) and np.all(np.isfinite(log_probabilities.data))
    np.testing.assert_allclose(probabilities.data.sum(axis=-1), 1.0)
    (log_probabilities[:, 0].sum() + probabilities[:, 1].sum()).backward()
    assert np.all(np.isfinite(logits.grad.data))


def test_sigmoid_is_stable_at_large_magnitudes():
    x = Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    y = x.sigmoid()
    np.testing.assert_allclose(y.data, [0.0, 0.5, 1.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.25, 0.0])
