"""nn.optim: the update rules by hand, state, skipping, validation (the PyTorch oracle is elsewhere)."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor


def _param_with_grad(values, grad):
    p = nn.Parameter(values)
    p.grad = Tensor(np.array(grad, dtype=float))
    return p


def test_plain_sgd_step():
    p = _param_with_grad([1.0, 2.0], [0.5, -1.0])
    nn.optim.SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [0.95, 2.1])


def test_sgd_momentum_buffer_starts_as_the_gradient():
    p = _param_with_grad([0.0], [1.0])
    opt = nn.optim.SGD([p], lr=1.0, momentum=0.9, dampening=0.5)
    opt.step()  # b = g = 1 (no dampening on the first step)
    np.testing.assert_allclose(p.data, [-1.0])
    opt.step()  # b = 0.9 * 1 + 0.5 * 1 = 1.4
    np.testing.assert_allclose(p.data, [-2.4])
    assert isinstance(opt.state[p]["momentum_buffer"], np.ndarray)


def test_sgd_nesterov_and_weight_decay():
    p = _param_with_grad([2.0], [1.0])
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.25)
    opt.step()  # g = 1 + 0.25 * 2 = 1.5, b = 1.5, step = g + 0.5 b = 2.25
    np.testing.assert_allclose(p.data, [2.0 - 0.225])


def test_adam_step_by_hand():
    p = _param_with_grad([1.0], [0.2])
    opt = nn.optim.Adam([p], lr=0.01, betas=(0.9, 0.99), eps=1e-8)
    m, v, value = 0.0, 0.0, 1.0
    for t in (1, 2, 3):
        m = 0.9 * m + 0.1 * 0.2
        v = 0.99 * v + 0.01 * 0.04
        value -= 0.01 / (1 - 0.9**t) * m / (math.sqrt(v) / math.sqrt(1 - 0.99**t) + 1e-8)
        opt.step()
        np.testing.assert_allclose(p.data, [value], rtol=1e-12)
    assert opt.state[p]["step"] == 3
    assert all(isinstance(opt.state[p][k], np.ndarray) for k in ("exp_avg", "exp_avg_sq"))


def test_parameters_without_gradient_are_skipped():
    a, b = _param_with_grad([1.0], [1.0]), nn.Parameter([1.0])
    for opt in (nn.optim.SGD([a, b], lr=0.1, momentum=0.9), nn.optim.Adam([a, b])):
        opt.step()
        assert b.data[0] == 1.0 and b not in opt.state


def test_gradients_are_never_modified():
    p = _param_with_grad([1.0, 2.0], [0.5, 0.5])
    grad = p.grad.data
    for opt in (
        nn.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1),
        nn.optim.Adam([p], weight_decay=0.1),
    ):
        for _ in range(3):
            opt.step()
    np.testing.assert_array_equal(grad, [0.5, 0.5])
    assert p.grad.data is grad


def test_momentum_buffer_does_not_alias_the_gradient():
    p = _param_with_grad([1.0], [1.0])
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    opt.step()
    assert p.grad.data[0] == 1.0


def test_updates_are_in_place_and_keep_float32():
    p = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    data = p.data
    p.grad = Tensor(np.array([1.0, 1.0], dtype=np.float32))
    for opt in (nn.optim.SGD([p], lr=0.1, momentum=0.9), nn.optim.Adam([p])):
        opt.step()
        assert p.data is data and p.data.dtype == np.float32


def test_zero_grad_sets_gradients_to_none():
    p = _param_with_grad([1.0], [1.0])
    opt = nn.optim.SGD([p], lr=0.1)
    opt.zero_grad()
    assert p.grad is None


def test_training_loop_reduces_the_loss():
    nn.init.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    x = np.random.default_rng(0).standard_normal((32, 2))
    y = (x[:, :1] * x[:, 1:]).copy()
    for opt in (nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), nn.optim.Adam(model.parameters(), lr=0.01)):
        first = None
        for _ in range(50):
            loss = nn.functional.mse_loss(model(x), y)
            first = first or loss.item()
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert loss.item() < first


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda p: nn.optim.SGD(p, lr=-0.1), "lr"),
        (lambda p: nn.optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
        (lambda p: nn.optim.SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda p: nn.optim.SGD(p, lr=0.1, nesterov=True), "nesterov"),
        (lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
        (lambda p: nn.optim.Adam(p, lr=-1), "lr"),
        (lambda p: nn.optim.Adam(p, eps=-1), "eps"),
        (lambda p: nn.optim.Adam(p, weight_decay=-0.1), "weight_decay"),
        (lambda p: nn.optim.Adam(p, betas=(1.0, 0.999)), "beta parameter at index 0"),
        (lambda p: nn.optim.Adam(p, betas=(0.9, -0.1)), "beta parameter at index 1"),
        (lambda p: nn.optim.Adam(p, betas=0.9), "betas"),
    ],
)
def test_invalid_hyper_parameters_are_named(make, name):
    with pytest.raises(ValueError, match=f"Invalid {name}"):
        make([nn.Parameter([1.0])])


def test_invalid_parameter_lists_teach():
    with pytest.raises(ValueError, match="empty parameter list"):
        nn.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="not a single Tensor"):
        nn.optim.SGD(nn.Parameter([1.0]), lr=0.1)
    with pytest.raises(ValueError, match="not a leaf"):
        nn.optim.SGD([nn.Parameter([1.0]) * 2], lr=0.1)
    p = nn.Parameter([1.0])
    with pytest.raises(ValueError, match="more than one group"):
        nn.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['momentun'\]"):
        nn.optim.SGD([{"params": [p], "momentun": 0.9}], lr=0.1)
