"""The five lectures' worked examples, reproduced with the public API only (see LECTURES.md).

Each test prints the numbers it obtained (``pytest -s`` shows them) and asserts the lecture's.
"""

import math

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd import Scalar, Tensor


def record(name, value):
    print(f"[lecture] {name} = {value}")


def accuracy(model, X, y):
    with autograd.no_grad():
        return float((model(Tensor(X)).data.argmax(axis=1) == y).mean())


# =========================================================================== lecture 1
def test_lecture1_one_image_scores_loss_and_analytic_gradient():
    W = np.array([[0.01, -0.05, 0.1, 0.05], [0.7, 0.2, 0.05, 0.16], [0.0, -0.45, -0.2, 0.03]])
    b = np.array([0.0, 0.2, -0.3])
    x, label = np.array([-15.0, 22.0, -44.0, 56.0]), 2
    model = nn.Linear(4, 3)
    model.load_state_dict({"weight": W, "bias": b})
    scores = model(Tensor(x[None, :]))
    loss = nn.CrossEntropyLoss()(scores, [label])
    p = F.softmax(scores, dim=1).data[0]
    record("L1 one image: scores", scores.data[0].round(2).tolist())
    record("L1 one image: p(true class)", round(p[label], 4))
    record("L1 one image: loss", round(loss.item(), 4))
    np.testing.assert_allclose(scores.data[0], [-2.85, 0.86, 0.28], atol=1e-12)
    assert p[label] == pytest.approx(0.353, abs=5e-4)
    assert loss.item() == pytest.approx(1.04, abs=5e-3)
    loss.backward()
    dscores = p - np.eye(3)[label]  # the lecture's analytic gradient
    np.testing.assert_allclose(model.weight.grad.data, np.outer(dscores, x), rtol=1e-12)
    np.testing.assert_allclose(model.bias.grad.data, dscores, rtol=1e-12)


NINE_X = np.array(
    [[0.5, 0.4], [0.8, 0.3], [0.3, 0.8], [-0.4, 0.3], [-0.3, 0.7], [-0.7, 0.2], [0.7, -0.4], [0.5, -0.6], [-0.4, -0.5]]
)
NINE_Y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])


def _nine_point_classifier():
    model = nn.Linear(2, 3)
    model.load_state_dict({"weight": [[1.0, 2.0], [2.0, -4.0], [3.0, -1.0]], "bias": [0.0, 0.5, -0.5]})
    return model


def test_lecture1_nine_points_loss_regularisation_and_gradient_descent():
    lam = 0.01
    model = _nine_point_classifier()
    optimiser = nn.optim.SGD(model.parameters(), lr=1.0)
    history = []
    for _ in range(21):
        scores = model(Tensor(NINE_X))
        data_loss = nn.CrossEntropyLoss()(scores, NINE_Y)
        regularisation = lam * (model.weight**2).sum()  # R(W) = sum W^2, the bias is not regularised
        total = data_loss + regularisation
        history.append(int((scores.data.argmax(axis=1) == NINE_Y).sum()))
        if len(history) == 1:
            record("L1 nine points: data loss", round(data_loss.item(), 4))
            record("L1 nine points: regularisation", round(regularisation.item(), 4))
            record("L1 nine points: total", round(total.item(), 4))
            assert data_loss.item() == pytest.approx(1.84, abs=5e-3)
            assert regularisation.item() == pytest.approx(0.35, abs=1e-12)
            assert total.item() == pytest.approx(2.19, abs=5e-3)
        model.zero_grad()
        total.backward()  # gradient of data loss + lambda R: dW gets 2 lambda W
        optimiser.step()
    record("L1 nine points: correct after each of 0..20 steps", history)
    record("L1 nine points: first step with 9 of 9", history.index(9))
    assert history[0] == 2
    assert history.index(9) <= 20 and history[-1] == 9


def test_lecture1_iris_linear_softmax_classifier():
    X, y = nn.load_iris()  # raw centimetres: no standardisation needed to reach the lecture's numbers
    model = nn.Linear(4, 3)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimiser = nn.optim.SGD(model.parameters(), lr=0.1)
    inputs = Tensor(X)
    for _ in range(300):
        loss = F.cross_entropy(model(inputs), y) + 0.01 * (model.weight**2).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    train_accuracy = accuracy(model, X, y)
    record("L1 iris: training accuracy", train_accuracy)
    record("L1 iris: loss", round(loss.item(), 4))
    assert train_accuracy >= 0.95
    assert loss.item() == pytest.approx(0.36, abs=0.02)


def test_lecture1_hidden_relu_layer_on_the_nine_points():
    nn.init.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    optimiser = nn.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(200):
        loss = F.cross_entropy(model(Tensor(NINE_X)), NINE_Y)
        model.zero_grad()
        loss.backward()
        optimiser.step()
    record("L1 nine points, hidden ReLU layer: accuracy", accuracy(model, NINE_X, NINE_Y))
    assert accuracy(model, NINE_X, NINE_Y) == 1.0


# =========================================================================== lecture 2
X2, W1, B1, W2, B2, Y2 = 0.05, 0.1, -0.1, 0.3, 0.3, 0.01


def _by_hand():
    """The chain rule written out, as on the lecture's slides."""
    sig = lambda z: 1 / (1 + math.exp(-z))
    z1 = W1 * X2 + B1
    a1 = sig(z1)
    z2 = W2 * a1 + B2
    a2 = sig(z2)
    delta2 = (a2 - Y2) * a2 * (1 - a2)  # dL/dz2
    delta1 = delta2 * W2 * a1 * (1 - a1)  # dL/dz1
    return dict(z1=z1, a1=a1, z2=z2, a2=a2, w2=delta2 * a1, b2=delta2, w1=delta1 * X2, b1=delta1)


def test_lecture2_backprop_through_two_sigmoid_neurons_with_scalar():
    w1, b1, w2, b2 = Scalar(W1, "w1"), Scalar(B1, "b1"), Scalar(W2, "w2"), Scalar(B2, "b2")
    z1 = w1 * X2 + b1
    a1 = z1.sigmoid()
    z2 = w2 * a1 + b2
    a2 = z2.sigmoid()
    loss = 0.5 * (Y2 - a2) ** 2
    loss.backward()
    hand = _by_hand()
    values = dict(z1=z1.data, a1=a1.data, z2=z2.data, a2=a2.data)
    record("L2 Scalar forward", {k: round(v, 4) for k, v in values.items()})
    record("L2 Scalar dL/dw2, dL/dw1, dL/db1, dL/db2", [round(g, 6) for g in (w2.grad, w1.grad, b1.grad, b2.grad)])
    assert z1.data == pytest.approx(-0.095, abs=1e-12)
    assert a1.data == pytest.approx(0.476, abs=5e-4)
    assert z2.data == pytest.approx(0.443, abs=5e-4)
    assert a2.data == pytest.approx(0.609, abs=5e-4)
    assert w2.grad == pytest.approx(0.0679, abs=5e-5)
    for name, node in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
        assert node.grad == pytest.approx(hand[name], rel=1e-12)


def test_lecture2_the_same_network_with_tensors_and_nn():
    hidden, output = nn.Linear(1, 1), nn.Linear(1, 1)
    hidden.load_state_dict({"weight": [[W1]], "bias": [B1]})
    output.load_state_dict({"weight": [[W2]], "bias": [B2]})
    model = nn.Sequential(hidden, nn.Sigmoid(), output, nn.Sigmoid())
    a2 = model(Tensor([[X2]]))
    loss = 0.5 * nn.MSELoss(reduction="sum")(a2, [[Y2]])  # L = 1/2 (y - a2)^2
    loss.backward()
    hand = _by_hand()
    assert a2.item() == pytest.approx(hand["a2"], rel=1e-12)
    grads = dict(w1=hidden.weight, b1=hidden.bias, w2=output.weight, b2=output.bias)
    for name, param in grads.items():
        assert param.grad.item() == pytest.approx(hand[name], rel=1e-12)
    record("L2 Tensor dL/dw2", round(output.weight.grad.item(), 6))


# =========================================================================== lecture 3
def test_lecture3_computational_graph_with_scalar_and_tensor():
    x, y, z = Scalar(1.0, "x"), Scalar(-3.0, "y"), Scalar(4.0, "z")
    d = x + y
    f = d * z
    f.backward()
    record("L3 Scalar f, df/dx, df/dy, df/dz", (f.data, x.grad, y.grad, z.grad))
    assert (d.data, f.data, z.grad, x.grad, y.grad) == (-2.0, -8.0, -2.0, 4.0, 4.0)
    xt, yt, zt = (Tensor(v, requires_grad=True) for v in (1.0, -3.0, 4.0))
    ft = (xt + yt) * zt
    ft.backward()
    assert (ft.item(), zt.grad.item(), xt.grad.item(), yt.grad.item()) == (-8.0, -2.0, 4.0, 4.0)


def _maxout(x, weight, bias, out_features=4, pieces=2):
    """Maxout written out: max over the pieces of x W^T + b (the module's own layout)."""
    z = F.linear(x, weight, bias)
    return z.reshape(z.shape[0], out_features, pieces).max(axis=-1)


LECTURE3_ACTIVATIONS = {
    "sigmoid": (nn.Sigmoid(), None),
    "tanh": (nn.Tanh(), None),
    "relu": (nn.ReLU(), None),
    "leaky relu max(0.1x, x)": (nn.LeakyReLU(0.1), None),
    "prelu max(ax, x)": (nn.PReLU(init=0.2), F.prelu),
    "elu": (nn.ELU(alpha=1.0), None),
    "maxout": (nn.Maxout(4, 4, pieces=2), _maxout),
}


@pytest.mark.parametrize("name", LECTURE3_ACTIVATIONS)
def test_lecture3_activations_forward_and_backward(name):
    module, functional_form = LECTURE3_ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    x = Tensor(rng.uniform(0.1, 2.0, (3, 4)) * rng.choice([-1, 1], (3, 4)), requires_grad=True)
    assert module(x).shape == (3, 4)
    assert autograd.gradcheck(module, (x,))
    if functional_form is not None:  # learnt parameters: check their gradients too
        params = tuple(module.parameters())
        np.testing.assert_array_equal(functional_form(x, *params).data, module(x).data)
        assert autograd.gradcheck(functional_form, (x, *params))


LECTURE3_LOSSES = {
    "L1": (nn.L1Loss(), lambda rng: rng.standard_normal((4, 3))),
    "MSE": (nn.MSELoss(), lambda rng: rng.standard_normal((4, 3))),
    "binary cross-entropy": (lambda x, t: nn.BCELoss()(x.sigmoid(), t), lambda rng: rng.uniform(0, 1, (4, 3))),
    "binary cross-entropy with logits": (nn.BCEWithLogitsLoss(), lambda rng: rng.uniform(0, 1, (4, 3))),
    "cross-entropy": (nn.CrossEntropyLoss(), lambda rng: rng.integers(0, 3, 4)),
    "negative log-likelihood": (lambda x, t: nn.NLLLoss()(nn.LogSoftmax()(x), t), lambda rng: rng.integers(0, 3, 4)),
}


@pytest.mark.parametrize("name", LECTURE3_LOSSES)
def test_lecture3_losses_forward_and_backward(name):
    loss_fn, make_target = LECTURE3_LOSSES[name]
    rng = np.random.default_rng(1)
    x = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = make_target(rng)
    assert loss_fn(x, target).shape == ()
    assert autograd.gradcheck(lambda x: loss_fn(x, target), (x,))


def test_lecture3_nested_network_w2_max_0_w1x():
    nn.init.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 5, bias=False), nn.ReLU(), nn.Linear(5, 2, bias=False))
    x = np.random.default_rng(2).standard_normal((4, 3))
    W1, W2 = model[0].weight.data, model[2].weight.data
    np.testing.assert_allclose(model(x).data, (W2 @ np.maximum(0, W1 @ x.T)).T, rtol=1e-12)


# =========================================================================== lecture 4
def _train(model, X, y, steps, lr):
    optimiser = nn.optim.Adam(model.parameters(), lr=lr)
    inputs = Tensor(X)
    for _ in range(steps):
        loss = F.cross_entropy(model(inputs), y)  # five steps: output, loss, zero_grad, backward, step
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return loss.item()


def test_lecture4_spiral_needs_a_non_linearity():
    X, y = nn.make_spiral(1000, n_classes=3, seed=0)
    nn.init.manual_seed(0)
    linear = nn.Sequential(nn.Linear(2, 100), nn.Linear(100, 3))
    linear_loss = _train(linear, X, y, steps=150, lr=0.05)
    nn.init.manual_seed(0)
    relu = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
    relu_loss = _train(relu, X, y, steps=200, lr=0.05)
    linear_accuracy, relu_accuracy = accuracy(linear, X, y), accuracy(relu, X, y)
    record("L4 spiral: two Linear layers, accuracy / loss", (linear_accuracy, round(linear_loss, 4)))
    record("L4 spiral: with ReLU (100 hidden), accuracy / loss", (relu_accuracy, round(relu_loss, 4)))
    assert linear_accuracy <= 0.65
    assert relu_accuracy >= 0.95


def test_lecture4_ensemble_uncertainty_grows_outside_the_training_range():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-1, 1, 60))[:, None]
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(x.shape)
    grid = np.linspace(-3, 3, 121)[:, None]
    inside = np.abs(grid[:, 0]) <= 1
    predictions = []
    for activation in (nn.ReLU, nn.Tanh):
        for seed in range(5):
            nn.init.manual_seed(seed)
            model = nn.Sequential(nn.Linear(1, 32), activation(), nn.Linear(32, 32), activation(), nn.Linear(32, 1))
            optimiser = nn.optim.Adam(model.parameters(), lr=0.01)
            for _ in range(300):
                loss = nn.MSELoss()(model(x), y)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            assert loss.item() < 0.05  # each member fits the data
            with autograd.no_grad():
                predictions.append(model(grid).data[:, 0])
    predictions = np.array(predictions)
    for name, members in (("ReLU", predictions[:5]), ("tanh", predictions[5:]), ("all", predictions)):
        std = members.std(axis=0)
        std_inside, std_outside = float(std[inside].mean()), float(std[~inside].mean())
        record(f"L4 ensemble ({name}): mean std inside, outside [-1, 1]", f"{std_inside:.4f}, {std_outside:.4f}")
        assert std_outside > 3 * std_inside


# =========================================================================== lecture 5
def test_lecture5_logistic_regression_trained_instance_by_instance():
    X, y = nn.make_moons(200, noise=0.1, seed=0)
    neuron = nn.Linear(2, 1)
    optimiser = nn.optim.SGD(neuron.parameters(), lr=0.1)
    loader = nn.DataLoader(X, y.astype(float)[:, None], batch_size=1, shuffle=True, seed=0)
    for _ in range(5):
        for xb, yb in loader:  # stochastic gradient descent: one instance at a time
            a = neuron(xb).sigmoid()  # a = P(label = 1 | x)
            loss = nn.BCELoss()(a, yb)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    with autograd.no_grad():
        train_accuracy = float(((neuron(X).data[:, 0] > 0) == y).mean())
    record("L5 logistic regression (SGD, 5 epochs of single instances): accuracy", train_accuracy)
    assert train_accuracy >= 0.8

    # the chain rule for one instance with y = 1: dL/da = -1/a, da/dz = a(1 - a), dz/dw_i = x_i, dz/db = 1
    x1 = X[y == 1][:1]
    neuron.zero_grad()
    a = neuron(x1).sigmoid()
    nn.BCELoss()(a, [[1.0]]).backward()
    a_value = a.item()
    chain = (-1 / a_value) * a_value * (1 - a_value)
    np.testing.assert_allclose(neuron.weight.grad.data, chain * x1, rtol=1e-10)
    np.testing.assert_allclose(neuron.bias.grad.data, [chain], rtol=1e-10)

    # gradient checking: slow and approximate, only to check the analytic gradient
    w, b = Tensor(neuron.weight.data, requires_grad=True), Tensor(neuron.bias.data, requires_grad=True)
    bce = lambda w, b: F.binary_cross_entropy(F.linear(Tensor(X), w, b).sigmoid(), y.astype(float)[:, None])
    assert autograd.gradcheck(bce, (w, b))


def test_lecture5_softmax_jacobian():
    z = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    a = F.softmax(z)
    jacobian = np.array([autograd.grad(a[i], z, retain_graph=True)[0].data for i in range(3)])
    p = a.data
    np.testing.assert_allclose(jacobian, np.diag(p) - np.outer(p, p), rtol=1e-12)


def test_lecture5_softmax_regression_on_digits():
    X, y = nn.load_digits()
    X_train, y_train, X_val, y_val, X_test, y_test = nn.train_val_test_split(X, y, (0.6, 0.2, 0.2), seed=0)
    X_train, X_val, X_test = X_train / 16, X_val / 16, X_test / 16  # pixels 0..16 to 0..1
    nn.init.manual_seed(0)
    model = nn.Linear(64, 10)  # W is c x p = 10 x 64
    optimiser = nn.optim.Adam(model.parameters(), lr=0.05)
    best, best_state = -1.0, None
    for _ in range(150):
        loss = F.cross_entropy(model(X_train), y_train)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        val_accuracy = accuracy(model, X_val, y_val)
        if val_accuracy > best:  # validation decides when to stop
            best, best_state = val_accuracy, model.state_dict()
    model.load_state_dict(best_state)
    test_accuracy = accuracy(model, X_test, y_test)
    record("L5 digits softmax regression: validation / test accuracy", (best, test_accuracy))
    assert test_accuracy >= 0.90


def test_lecture5_coin_likelihoods_are_binary_cross_entropies():
    tosses = np.array([1.0, 0.0, 1.0, 1.0, 0.0] * 4)  # any 20 tosses
    fair = F.binary_cross_entropy(np.full(20, 0.5), tosses, reduction="sum")
    heads = np.ones(20)
    biased = F.binary_cross_entropy(np.full(20, 0.8), heads, reduction="sum")
    record("L5 coins: NLL fair coin, 20 tosses", round(fair.item(), 7))
    record("L5 coins: NLL A = 0.8, 20 heads", round(biased.item(), 6))
    assert fair.item() == pytest.approx(13.8629436, abs=5e-8)
    assert biased.item() == pytest.approx(4.462871, abs=5e-7)
    assert biased.item() < F.binary_cross_entropy(np.full(20, 0.5), heads, reduction="sum").item()
