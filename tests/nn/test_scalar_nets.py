"""Scalar networks (nn.Neuron, nn.ScalarLayer, nn.ScalarMLP): values by hand, gradients checked twice, training."""

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Scalar, Tensor

ACTIVATIONS = {
    "relu": lambda z: max(z, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    None: lambda z: z,
}
TENSOR_ACTIVATIONS = {
    "relu": Tensor.relu,
    "tanh": Tensor.tanh,
    "sigmoid": Tensor.sigmoid,
    None: lambda t: t,
}


def _set(neuron, weights, bias):
    for w, value in zip(neuron.w, weights, strict=True):
        w.data = value
    neuron.b.data = bias


def _weights(layer):
    """A ScalarLayer's parameters as the (n_out, n_in) matrix and (n_out,) vector of nn.Linear."""
    W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
    b = np.array([neuron.b.data for neuron in layer.neurons])
    return W, b


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_neuron_forward_and_gradients_by_hand(activation):
    neuron = nn.Neuron(3, activation=activation, generator=0)
    _set(neuron, [0.5, -1.0, 2.0], 0.1)
    x = [Scalar(1.0), Scalar(2.0), Scalar(0.25)]
    z = 0.5 * 1.0 - 1.0 * 2.0 + 2.0 * 0.25 + 0.1  # = -0.9
    a = neuron(x)
    assert a.data == pytest.approx(ACTIVATIONS[activation](z), abs=1e-15)
    a.backward()
    slope = {"relu": 0.0, "tanh": 1 - math.tanh(z) ** 2, "sigmoid": a.data * (1 - a.data), None: 1.0}[activation]
    assert [w.grad for w in neuron.w] == pytest.approx([slope * 1.0, slope * 2.0, slope * 0.25], abs=1e-15)
    assert neuron.b.grad == pytest.approx(slope, abs=1e-15)
    assert [v.grad for v in x] == pytest.approx([slope * 0.5, -slope, slope * 2.0], abs=1e-15)


def test_neuron_relu_passes_a_positive_sum_and_takes_numbers_and_numpy_rows():
    neuron = nn.Neuron(2, generator=0)
    _set(neuron, [1.5, -0.5], 0.25)
    assert neuron([2, 1]).data == 1.5 * 2 - 0.5 + 0.25
    assert neuron(np.array([2.0, 1.0], dtype=np.float32)).data == 2.75
    assert neuron([-2.0, 1.0]).data == 0.0


def test_layer_and_mlp_shapes_names_and_outputs():
    layer = nn.ScalarLayer(3, 4, generator=0)
    out = layer([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 4 and all(isinstance(a, Scalar) for a in out)
    names = [name for name, _ in layer.named_parameters()]
    assert names[:5] == ["0.w1", "0.w2", "0.w3", "0.b", "1.w1"] and len(names) == 16
    model = nn.ScalarMLP(2, [16, 16, 1], generator=0)
    assert len(model.parameters()) == 337  # micrograd's 2-16-16-1
    assert isinstance(model([0.5, -0.5]), Scalar)  # one output neuron: a Scalar
    assert len(nn.ScalarMLP(2, [5, 3], generator=0)([0.5, -0.5])) == 3
    assert [layer.activation for layer in model.layers] == ["relu", "relu", None]  # the last: scores
    assert len(set(map(id, model.parameters()))) == 337


def test_mlp_computes_the_tensor_network_it_describes():
    model = nn.ScalarMLP(3, [5, 4, 2], activation="tanh", generator=1)
    x = [0.3, -1.2, 0.7]
    h = np.array(x)
    for layer in model.layers:
        W, b = _weights(layer)
        h = W @ h + b
        if layer.activation:
            h = np.tanh(h)
    assert [a.data for a in model(x)] == pytest.approx(h, rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_mlp_gradients_equal_the_tensor_engines_which_pass_gradcheck(activation):
    model = nn.ScalarMLP(3, [4, 3, 1], activation=activation, generator=2)
    X = np.random.default_rng(3).normal(size=(5, 3))
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
    # the Scalar network: a squared-error loss over five samples, one backward
    model.zero_grad()
    loss = sum((model(row) - target) ** 2 for row, target in zip(X, y)) * (1 / len(X))
    loss.backward()
    # the same network with Tensors: W_k x + b_k on the whole batch
    params = []
    for layer in model.layers:
        W, b = _weights(layer)
        params += [Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)]

    def tensor_loss(*params):
        h = Tensor(X)
        for k, layer in enumerate(model.layers):
            h = h @ params[2 * k].T + params[2 * k + 1]
            if layer.activation:
                h = TENSOR_ACTIVATIONS[layer.activation](h)
        return ((h[:, 0] - Tensor(y)) ** 2).mean()

    t_loss = tensor_loss(*params)
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    for layer, W, b in zip(model.layers, params[::2], params[1::2]):
        gW = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons])
        gb = np.array([neuron.b.grad for neuron in layer.neurons])
        np.testing.assert_allclose(gW, W.grad.data, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(gb, b.grad.data, rtol=1e-10, atol=1e-13)
    assert autograd.gradcheck(tensor_loss, tuple(params))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", None])
def test_mlp_gradients_match_finite_differences(activation):
    model = nn.ScalarMLP(2, [3, 1], activation=activation, generator=4)
    X, y = [[0.5, -0.25], [-1.0, 0.75]], [1.0, 0.0]

    def loss_value():
        return sum((model(row) - target) ** 2 for row, target in zip(X, y)).data

    model.zero_grad()
    sum((model(row) - target) ** 2 for row, target in zip(X, y)).backward()
    eps = 1e-6
    for name, p in model.named_parameters():
        original = p.data
        p.data = original + eps
        up = loss_value()
        p.data = original - eps
        down = loss_value()
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-8), name


def test_zero_grad_resets_and_backward_accumulates():
    model = nn.ScalarMLP(2, [3, 1], generator=0)
    model([1.0, 2.0]).backward()
    first = [p.grad for p in model.parameters()]
    assert any(first)
    model([1.0, 2.0]).backward()
    assert [p.grad for p in model.parameters()] == pytest.approx([2 * g for g in first])
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_initialisation_is_seeded_and_bounded_like_linear():
    a = [p.data for p in nn.ScalarMLP(4, [8, 1], generator=7).parameters()]
    b = [p.data for p in nn.ScalarMLP(4, [8, 1], generator=np.random.default_rng(7)).parameters()]
    c = [p.data for p in nn.ScalarMLP(4, [8, 1], generator=8).parameters()]
    assert a == b and a != c
    nn.init.manual_seed(5)
    d = [p.data for p in nn.ScalarMLP(4, [8, 1]).parameters()]
    nn.init.manual_seed(5)
    assert d == [p.data for p in nn.ScalarMLP(4, [8, 1]).parameters()]
    model = nn.ScalarMLP(4, [8, 1], generator=7)
    for n_in, layer in zip([4, 8], model.layers):
        values = [p.data for p in layer.parameters()]
        assert max(map(abs, values)) <= 1 / math.sqrt(n_in)
    assert len(set(a)) == len(a)  # every neuron draws its own numbers from the one stream


def test_training_a_few_steps_reduces_the_loss():
    X, y = nn.make_moons(40, noise=0.1, seed=0)
    targets = 2.0 * y - 1.0  # labels -1 / +1 for the hinge loss
    model = nn.ScalarMLP(2, [8, 8, 1], generator=0)

    def loss_fn():
        scores = [model(row) for row in X]
        return sum((1 - t * s).relu() for t, s in zip(targets, scores)) * (1 / len(X))

    losses = []
    for _ in range(10):
        loss = loss_fn()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        losses.append(loss.data)
    assert loss_fn().data < 0.8 * losses[0]
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:]))


def test_parameters_are_labelled_by_name_so_drawings_name_them():
    neuron = nn.Neuron(2, activation="tanh", generator=0)
    a = neuron([Scalar(1.0, label="x1"), Scalar(-2.0, label="x2")])
    source = autograd.draw_graph(a).source
    for name in ["w1", "w2", "b", "x1", "x2"]:
        assert f"<b>{name}</b>" in source, name
    assert 'label="tanh"' in source and source.count('label="*"') == 2
    model = nn.ScalarMLP(2, [3, 1], generator=0)
    assert all(p.label == name for name, p in model.named_parameters())
    assert model.parameters()[-1].label == "1.0.b"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.Neuron(0), "Neuron: n_in must be an integer >= 1, got 0"),
        (lambda: nn.Neuron(2, activation="elu"), "Neuron: activation must be 'relu', 'tanh', 'sigmoid' or None"),
        (lambda: nn.ScalarLayer(2, 0), "ScalarLayer: n_out must be an integer >= 1, got 0"),
        (lambda: nn.ScalarMLP(2, []), "ScalarMLP: sizes must be a non-empty list"),
        (lambda: nn.ScalarMLP(2, [4, 0]), "ScalarMLP: sizes[1] must be an integer >= 1, got 0"),
        (lambda: nn.ScalarMLP(2, [4], activation="step"), "ScalarMLP: activation must be"),
        (lambda: nn.Neuron(3, generator=0)([1.0, 2.0]), "Neuron: x must be a list of 3 numbers or Scalars"),
        (lambda: nn.ScalarMLP(2, [1], generator=0)([1.0]), "ScalarLayer: x must be a list of 2 numbers"),
    ],
)
def test_errors_say_what_to_fix(make, message):
    with pytest.raises(ValueError) as caught:
        make()
    assert message in str(caught.value)


def test_a_single_number_is_not_a_sample():
    with pytest.raises(TypeError, match="Neuron: x must be a list of 1 numbers or Scalars"):
        nn.Neuron(1, generator=0)(2.0)
