"""Activations and losses: values, gradient conventions, gradcheck and gradgradcheck, errors, modules."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor
from autograd.testing import arrays


def _x(shape=(3, 4), seed=0):
    # away from the kinks at 0: central differences straddling a kink are wrong
    x = np.random.default_rng(seed).uniform(0.2, 2.0, shape) * np.random.default_rng(seed + 1).choice([-1, 1], shape)
    return Tensor(x, requires_grad=True)


# --------------------------------------------------------------------------- activations
ACTIVATIONS = {
    "relu": (F.relu, lambda x: np.maximum(x, 0)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "prelu": (lambda x: F.prelu(x, Tensor([0.25])), lambda x: np.where(x > 0, x, 0.25 * x)),
    "elu": (lambda x: F.elu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    "sigmoid": (F.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "tanh": (F.tanh, np.tanh),
    "softmax": (F.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    "softmax_dim0": (lambda x: F.softmax(x, dim=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
    "log_softmax": (F.log_softmax, lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
}
MODULES = {
    "relu": nn.ReLU(),
    "leaky_relu": nn.LeakyReLU(0.1),
    "prelu": nn.PReLU(),
    "elu": nn.ELU(0.5),
    "sigmoid": nn.Sigmoid(),
    "tanh": nn.Tanh(),
    "softmax": nn.Softmax(dim=-1),
    "softmax_dim0": nn.Softmax(dim=0),
    "log_softmax": nn.LogSoftmax(),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_and_module_form(name):
    ours, reference = ACTIVATIONS[name]
    x = _x()
    np.testing.assert_allclose(ours(x).data, reference(x.data), rtol=1e-12)
    np.testing.assert_allclose(MODULES[name](x).data, ours(x).data, rtol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients_and_second_derivatives(name):
    ours, _ = ACTIVATIONS[name]
    x = _x((2, 3), seed=3)
    assert autograd.gradcheck(ours, (x,))
    assert autograd.gradgradcheck(ours, (x,))


@given(arrays((5,), elements=st.floats(-5, 5)))
def test_softmax_rows_are_probabilities(values):
    p = F.softmax(Tensor(values))
    assert np.all(p.data >= 0) and math.isclose(p.data.sum(), 1.0)
    np.testing.assert_allclose(np.exp(F.log_softmax(Tensor(values)).data), p.data, rtol=1e-12)


def test_prelu_slope_gets_a_gradient_and_per_channel_slopes():
    x = _x((4, 3, 2), seed=5)
    weight = Tensor([0.1, 0.2, 0.3], requires_grad=True)
    assert autograd.gradcheck(F.prelu, (x, weight))
    layer = nn.PReLU(3, init=0.5)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    layer(x).sum().backward()
    expected = np.where(x.data > 0, 0.0, x.data).sum(axis=(0, 2))
    np.testing.assert_allclose(layer.weight.grad.data, expected)
    with pytest.raises(ValueError, match=r"3 slopes need an input with 3 channels on axis 1, got input shape \(4, 2\)"):
        F.prelu(Tensor(np.ones((4, 2))), weight)


def test_gradient_conventions_at_zero_match_pytorch():
    def grad_at_zero(fn):
        x = Tensor([0.0], requires_grad=True)
        fn(x).sum().backward()
        return x.grad.item()

    assert grad_at_zero(F.relu) == 0.0
    assert grad_at_zero(lambda x: F.leaky_relu(x, 0.2)) == pytest.approx(0.2)
    assert grad_at_zero(lambda x: F.prelu(x, Tensor([0.3]))) == pytest.approx(0.3)
    assert grad_at_zero(lambda x: F.elu(x, 2.0)) == pytest.approx(2.0)
    assert grad_at_zero(lambda x: F.l1_loss(x, [0.0])) == 0.0
    assert grad_at_zero(lambda x: F.binary_cross_entropy_with_logits(x, [1.0])) == pytest.approx(-0.5)


def test_elu_does_not_overflow_for_large_inputs():
    x = Tensor([1000.0, -1000.0], requires_grad=True)
    out = F.elu(x)
    out.sum().backward()
    np.testing.assert_array_equal(out.data, [1000.0, -1.0])
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0])


def test_step_is_the_perceptron_threshold_without_gradient():
    x = Tensor([-2.0, 0.0, 1e-9, 3.0], requires_grad=True)
    for out in (F.step(x), nn.Step()(x)):
        np.testing.assert_array_equal(out.data, [0.0, 0.0, 1.0, 1.0])
        assert not out.requires_grad and out.grad_fn is None
    assert F.step(Tensor(np.array([1.0], dtype=np.float32))).dtype == np.float32


def test_activations_keep_float32():
    x = Tensor(np.array([-1.0, 2.0], dtype=np.float32))
    for name, (fn, _) in ACTIVATIONS.items():
        if name != "prelu":
            assert fn(x).dtype == np.float32, name
    assert nn.PReLU(dtype=np.float32)(x).dtype == np.float32


# --------------------------------------------------------------------------- losses
def test_mse_and_l1_values():
    x, y = Tensor([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    assert F.mse_loss(x, y).item() == pytest.approx((0 + 4 + 9 + 16) / 4)
    assert F.mse_loss(x, y, reduction="sum").item() == pytest.approx(29.0)
    np.testing.assert_allclose(F.mse_loss(x, y, reduction="none").data, [[0, 4], [9, 16]])
    assert F.l1_loss(x, y).item() == pytest.approx((0 + 2 + 3 + 4) / 4)
    assert nn.L1Loss(reduction="sum")(x, y).item() == pytest.approx(9.0)


def test_binary_cross_entropy_values_and_clamp():
    p, y = Tensor([0.9, 0.2]), [1.0, 0.0]
    expected = -(math.log(0.9) + math.log(0.8)) / 2
    assert F.binary_cross_entropy(p, y).item() == pytest.approx(expected)
    assert nn.BCELoss()(p, y).item() == pytest.approx(expected)
    logits = Tensor([math.log(9), math.log(0.25)])  # sigmoid: 0.9, 0.2
    assert F.binary_cross_entropy_with_logits(logits, y).item() == pytest.approx(expected)
    x = Tensor([0.0, 1.0], requires_grad=True)
    out = F.binary_cross_entropy(x, [1.0, 0.0], reduction="none")  # log(0) clamped at -100
    out.sum().backward()
    np.testing.assert_allclose(out.data, [100.0, 100.0])
    assert np.isfinite(x.grad.data).all()


def test_binary_cross_entropy_with_logits_is_finite_for_huge_logits():
    x = Tensor([1000.0, -1000.0, 1000.0, -1000.0], requires_grad=True)
    out = F.binary_cross_entropy_with_logits(x, [1.0, 1.0, 0.0, 0.0], reduction="none")
    out.sum().backward()
    np.testing.assert_allclose(out.data, [0.0, 1000.0, 1000.0, 0.0])
    np.testing.assert_allclose(x.grad.data, [0.0, -1.0, 1.0, 0.0])


def test_cross_entropy_is_log_softmax_then_nll():
    x = _x((5, 4), seed=7)
    y = np.array([0, 3, 1, 1, 2])
    for reduction in ("mean", "sum", "none"):
        fused = F.cross_entropy(x, y, reduction=reduction)
        composed = F.nll_loss(F.log_softmax(x, dim=1), y, reduction=reduction)
        np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    module = nn.NLLLoss()(nn.LogSoftmax(dim=1)(x), y)
    assert nn.CrossEntropyLoss()(x, y).item() == pytest.approx(module.item())


LOSSES = {
    "mse": lambda x: F.mse_loss(x, np.linspace(-1, 1, 6).reshape(2, 3)),
    "l1": lambda x: F.l1_loss(x, np.zeros((2, 3)), reduction="sum"),
    "bce": lambda x: F.binary_cross_entropy(x.sigmoid(), np.full((2, 3), 0.3)),
    "bce_logits": lambda x: F.binary_cross_entropy_with_logits(x, np.full((2, 3), 0.7), reduction="none"),
    "cross_entropy": lambda x: F.cross_entropy(x, [2, 0]),
    "cross_entropy_none": lambda x: F.cross_entropy(x, [1, 2], reduction="none"),
    "cross_entropy_sum": lambda x: F.cross_entropy(x, [1, 2], reduction="sum"),
    "cross_entropy_ignore": lambda x: F.cross_entropy(x, [1, -100]),
    "cross_entropy_probs": lambda x: F.cross_entropy(x, np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])),
    "nll": lambda x: F.nll_loss(x, [0, 2]),
}


@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradients_and_second_derivatives(name):
    x = _x((2, 3), seed=11)
    assert autograd.gradcheck(LOSSES[name], (x,))
    assert autograd.gradgradcheck(LOSSES[name], (x,))


def test_bce_with_logits_gradient_with_respect_to_the_target():
    x, y = _x((2, 3), seed=2), Tensor(np.full((2, 3), 0.4), requires_grad=True)
    assert autograd.gradcheck(F.binary_cross_entropy_with_logits, (x, y))
    assert autograd.gradgradcheck(F.binary_cross_entropy_with_logits, (x, y))


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    x = _x((3, 4), seed=13)
    y = np.array([3, 0, 2])
    F.cross_entropy(x, y).backward()
    p = np.exp(x.data) / np.exp(x.data).sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.data, (p - np.eye(4)[y]) / 3, rtol=1e-12)


def test_cross_entropy_handles_huge_logits_and_single_samples():
    x = Tensor([[1000.0, 0.0, -1000.0]], requires_grad=True)
    loss = F.cross_entropy(x, [2])
    loss.backward()
    assert loss.item() == pytest.approx(2000.0) and np.isfinite(x.grad.data).all()
    single = F.cross_entropy(Tensor([-2.85, 0.86, 0.28]), np.array(2))
    assert single.item() == pytest.approx(1.0402, abs=1e-4)


def test_losses_keep_float32():
    x = Tensor(np.array([[0.2, 0.8], [0.6, 0.4]], dtype=np.float32), requires_grad=True)
    y, labels = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1, 0])
    for loss in (
        F.mse_loss(x, y),
        F.l1_loss(x, y),
        F.binary_cross_entropy(x, y),
        F.binary_cross_entropy_with_logits(x, y),
        F.cross_entropy(x, labels),
        F.nll_loss(x, labels),
    ):
        assert loss.dtype == np.float32
        x.grad = None
        loss.backward()
        assert x.grad.dtype == np.float32


# --------------------------------------------------------------------------- errors that teach
def test_reduction_is_validated():
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.mse_loss([1.0], [1.0], reduction="avg")
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be"):
        nn.CrossEntropyLoss(reduction="total")


def test_elementwise_losses_refuse_to_broadcast():
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(4, 1\) and target shape \(4,\) differ"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros(4))


def test_binary_cross_entropy_rejects_logits():
    with pytest.raises(ValueError, match="probability in \\[0, 1\\].*binary_cross_entropy_with_logits"):
        F.binary_cross_entropy([2.0, -1.0], [1.0, 0.0])


def test_class_targets_are_validated_with_shapes():
    x = Tensor(np.zeros((4, 3)))
    with pytest.raises(TypeError, match=r"integer class indices, got dtype float64.*astype\(np.int64\)"):
        F.cross_entropy(x, np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match=r"input of shape \(4, 3\).*target of shape \(4,\).*got target shape \(3,\)"):
        F.cross_entropy(x, [0, 1, 2])
    with pytest.raises(IndexError, match=r"target value 3 is out of range: with 3 classes.*\[0, 2\]"):
        F.nll_loss(x, [0, 1, 3, 1])
    with pytest.raises(IndexError, match="target value -1"):
        F.cross_entropy(x, [0, 1, -1, 1])
    with pytest.raises(ValueError, match="needs a class axis"):
        F.cross_entropy(Tensor(1.0), [0])
