"""nn.utils by hand: clipping rules, shared gradients, flat vectors (the oracle is in test_optim_oracle.py)."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor


def params_with_grads(*grads):
    params = []
    for grad in grads:
        p = nn.Parameter(np.zeros(np.shape(grad)))
        p.grad = Tensor(np.array(grad, dtype=float))
        params.append(p)
    return params


def test_clip_grad_norm_by_hand():
    a, b = params_with_grads([3.0, 0.0], [[0.0, 4.0]])  # joint 2-norm 5, 1-norm 7, max 4
    total = nn.utils.clip_grad_norm_([a, b], max_norm=2.5)
    assert total.item() == 5.0
    scale = 2.5 / (5.0 + 1e-6)
    np.testing.assert_allclose(a.grad.data, [3 * scale, 0.0], rtol=1e-15)
    a, b = params_with_grads([3.0, 0.0], [[0.0, 4.0]])
    assert nn.utils.clip_grad_norm_([a, b], 100.0, norm_type=1).item() == 7.0
    np.testing.assert_array_equal(a.grad.data, [3.0, 0.0])  # below max_norm: unchanged
    assert nn.utils.clip_grad_norm_([a, b], 100.0, norm_type=math.inf).item() == 4.0


def test_clip_grad_norm_skips_missing_grads_and_handles_none_at_all():
    (a,) = params_with_grads([1.0])
    assert nn.utils.clip_grad_norm_([a, nn.Parameter([5.0])], 1.0).item() == pytest.approx(1.0)
    assert nn.utils.clip_grad_norm_([nn.Parameter([5.0])], 1.0).item() == 0.0
    assert nn.utils.clip_grad_norm_(a, 1.0).item() == pytest.approx(1.0)  # one Tensor


def test_clipping_never_changes_a_shared_gradient_array_in_place():
    x, y = nn.Parameter([1.0, 1.0]), nn.Parameter([1.0, 1.0])
    ((x + y) * 10).sum().backward()  # one upstream array may reach both leaves
    before_x, before_y = x.grad.data.copy(), y.grad.data.copy()
    nn.utils.clip_grad_norm_([x, y], 1.0)
    norm = np.sqrt((x.grad.data**2).sum() + (y.grad.data**2).sum())
    assert norm == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(x.grad.data / before_x, y.grad.data / before_y)
    nn.utils.clip_grad_value_([x, y], 0.1)
    assert np.abs(x.grad.data).max() <= 0.1


def test_clip_keeps_float32():
    p = nn.Parameter(np.zeros(3, dtype=np.float32))
    p.grad = Tensor(np.array([3.0, 4.0, 0.0], dtype=np.float32))
    total = nn.utils.clip_grad_norm_([p], 1.0)
    assert total.dtype == np.float32 and p.grad.dtype == np.float32
    nn.utils.clip_grad_value_([p], 0.1)
    assert p.grad.dtype == np.float32


def test_bad_arguments_are_named():
    (a,) = params_with_grads([1.0])
    with pytest.raises(ValueError, match="clip_grad_norm_: norm_type must be a number > 0"):
        nn.utils.clip_grad_norm_([a], 1.0, norm_type=0)
    with pytest.raises(ValueError, match="clip_grad_value_: clip_value must be a number >= 0"):
        nn.utils.clip_grad_value_([a], -1.0)
    with pytest.raises(TypeError, match="clip_grad_norm_: parameter 1 must be a Tensor, got ndarray"):
        nn.utils.clip_grad_norm_([a, np.ones(2)], 1.0)


def test_vector_round_trip_writes_in_place():
    layer = nn.Linear(3, 2)
    weight = layer.weight.data
    vec = nn.utils.parameters_to_vector(layer.parameters())
    assert vec.shape == (8,) and vec.requires_grad
    nn.utils.vector_to_parameters(vec.data * 2, layer.parameters())
    assert layer.weight.data is weight  # optimisers holding the parameter see the values
    np.testing.assert_array_equal(nn.utils.parameters_to_vector(layer.parameters()).data, vec.data * 2)
    with pytest.raises(ValueError, match="vec has 7 elements but the parameters hold 8"):
        nn.utils.vector_to_parameters(np.zeros(7), layer.parameters())
    with pytest.raises(ValueError, match=r"1-d vector, got shape \(2, 4\)"):
        nn.utils.vector_to_parameters(np.zeros((2, 4)), layer.parameters())
    with pytest.raises(ValueError, match="at least one Tensor"):
        nn.utils.parameters_to_vector([])
