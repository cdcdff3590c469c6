"""Layers: Linear, Identity, Flatten, Dropout, Maxout."""

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor


# --------------------------------------------------------------------------- Linear
def test_linear_computes_x_weight_transposed_plus_bias():
    layer = nn.Linear(3, 2)
    x = np.random.default_rng(0).standard_normal((4, 3))
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(Tensor(x)).data, expected)
    np.testing.assert_allclose(layer(x).data, expected)  # arrays are accepted too


def test_linear_gradients_pass_gradcheck():
    layer = nn.Linear(3, 2)
    x = Tensor(np.random.default_rng(1).standard_normal((4, 3)), requires_grad=True)
    assert autograd.gradcheck(lambda x, w, b: nn.functional.linear(x, w, b), (x, layer.weight, layer.bias))


@pytest.mark.parametrize("batch_shape", [(), (5,), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_linear_equals_the_composed_ops_and_double_backward_works(batch_shape, bias):
    rng = np.random.default_rng(4)
    x = autograd.Tensor(rng.standard_normal(batch_shape + (4,)), requires_grad=True)
    w = autograd.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = autograd.Tensor(rng.standard_normal(3), requires_grad=True) if bias else None
    fused = nn.functional.linear(x, w, b)
    composed = x @ w.T + (b if bias else 0.0)
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    inputs = (x, w, b) if bias else (x, w)
    assert autograd.gradcheck(lambda *t: nn.functional.linear(*t), inputs)
    assert autograd.gradgradcheck(lambda *t: nn.functional.linear(*t), inputs)


def test_linear_default_init_is_pytorchs_uniform_bound():
    nn.init.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.95 * bound  # really spread over the whole interval
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_linear_without_bias_and_with_float32():
    layer = nn.Linear(2, 3, bias=False, dtype=np.float32)
    assert layer.bias is None and [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer.weight.dtype == np.float32
    assert layer(np.ones((1, 2))).dtype == np.float32  # the input array takes the layer's dtype
    assert repr(layer) == "Linear(in_features=2, out_features=3, bias=False)"


def test_linear_shape_error_names_the_shapes():
    with pytest.raises(ValueError, match=r"in_features = 3.*input shape \(5, 2\).*weight shape \(4, 3\)"):
        nn.Linear(3, 4)(Tensor(np.ones((5, 2))))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_linear_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="Linear: in_features must be an integer >= 1, got"):
        nn.Linear(bad, 2)


# --------------------------------------------------------------------------- Identity, Flatten
def test_identity_returns_its_input():
    x = Tensor([1.0, 2.0])
    assert nn.Identity(54, unused="ignored")(x) is x


@pytest.mark.parametrize(
    "start, end, shape, expected",
    [(1, -1, (2, 3, 4), (2, 12)), (0, -1, (2, 3, 4), (24,)), (1, 2, (2, 3, 4, 5), (2, 12, 5)), (0, 0, (2, 3), (2, 3))],
)
def test_flatten_merges_the_axes(start, end, shape, expected):
    x = Tensor(np.arange(np.prod(shape), dtype=float).reshape(shape), requires_grad=True)
    out = nn.Flatten(start, end)(x)
    assert out.shape == expected
    out.sum().backward()
    assert x.grad.shape == shape


def test_flatten_rejects_axes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"Flatten\(start_dim=3, end_dim=-1\).*shape \(2, 3\)"):
        nn.Flatten(3)(Tensor(np.ones((2, 3))))


# --------------------------------------------------------------------------- Dropout
def test_dropout_is_inverted_and_unbiased():
    nn.init.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = Tensor(np.ones(20000), requires_grad=True)
    out = layer(x)
    assert set(np.unique(out.data)) == {0.0, 1 / 0.75}
    assert out.data.mean() == pytest.approx(1.0, abs=0.03)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)  # the gradient goes through the same mask


def test_dropout_is_identity_in_eval_mode_and_for_p_zero():
    x = Tensor([1.0, 2.0, 3.0])
    assert nn.Dropout(0.9).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, 0.0)


def test_dropout_masks_follow_the_seed():
    nn.init.manual_seed(3)
    first = nn.Dropout(0.5)(Tensor(np.ones(50))).data
    nn.init.manual_seed(3)
    np.testing.assert_array_equal(nn.Dropout(0.5)(Tensor(np.ones(50))).data, first)
    # an explicit generator decides the mask: the same seed, the same mask
    masks = [nn.functional.dropout(Tensor(np.ones(50)), 0.5, generator=np.random.default_rng(4)).data
             for _ in range(2)]
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0] == 0, np.random.default_rng(4).random(50) < 0.5)


@pytest.mark.parametrize("p", [-0.1, 1.5, "half"])
def test_dropout_validates_p(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.functional.dropout(Tensor([1.0]), p)


def test_dropout_keeps_float32():
    assert nn.Dropout(0.5)(Tensor(np.ones(4, dtype=np.float32))).dtype == np.float32


# --------------------------------------------------------------------------- Maxout
def _maxout(weight, bias, pieces):
    layer = nn.Maxout(2, len(weight) // pieces, pieces)
    layer.load_state_dict({"weight": np.array(weight), "bias": np.array(bias)})
    return layer


def test_maxout_is_the_maximum_of_its_affine_pieces():
    layer = nn.Maxout(3, 2, pieces=4)
    x = np.random.default_rng(2).standard_normal((5, 3))
    z = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(x).data, z.reshape(5, 2, 4).max(axis=-1))
    assert layer(x).shape == (5, 2)
    assert repr(layer) == "Maxout(in_features=3, out_features=2, pieces=4)"


def test_maxout_gradient_reaches_only_the_winning_piece():
    # lecture 3: max(w1.x + b1, w2.x + b2), here max(x1, 2 x2)
    layer = _maxout([[1.0, 0.0], [0.0, 2.0]], [0.0, 0.0], pieces=2)
    layer(Tensor([[3.0, 1.0]])).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.data, [[3.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(layer.bias.grad.data, [1.0, 0.0])


def test_maxout_ties_share_the_gradient():
    layer = _maxout([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], pieces=2)
    x = Tensor([[2.0, 2.0]], requires_grad=True)
    layer(x).sum().backward()
    np.testing.assert_array_equal(layer.bias.grad.data, [0.5, 0.5])
    np.testing.assert_array_equal(x.grad.data, [[0.5, 0.5]])


def test_maxout_passes_gradcheck():
    layer = nn.Maxout(3, 2, pieces=3)
    x = Tensor(np.random.default_rng(4).standard_normal((4, 3)), requires_grad=True)
    assert autograd.gradcheck(lambda x, w, b: _maxout_fn(x, w, b), (x, layer.weight, layer.bias))


def _maxout_fn(x, w, b):
    z = nn.functional.linear(x, w, b)
    return z.reshape(z.shape[0], 2, 3).max(axis=-1)
