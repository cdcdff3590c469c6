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


# ---- the newer rules by hand ---------------------------------------------------------


def test_adamw_decays_the_weight_not_the_gradient():
    p = _param_with_grad([2.0], [0.2])
    opt = nn.optim.AdamW([p], lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.5)
    m, v, value = 0.0, 0.0, 2.0
    for t in (1, 2, 3):
        value *= 1 - 0.01 * 0.5
        m = 0.9 * m + 0.1 * 0.2
        v = 0.99 * v + 0.01 * 0.04
        value -= 0.01 / (1 - 0.9**t) * m / (math.sqrt(v) / math.sqrt(1 - 0.99**t) + 1e-8)
        opt.step()
        np.testing.assert_allclose(p.data, [value], rtol=1e-12)
    assert nn.optim.AdamW([p]).defaults["weight_decay"] == 0.01


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_step_by_hand(centered, momentum):
    p = _param_with_grad([1.0], [0.3])
    opt = nn.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=momentum, centered=centered)
    v = a = b = 0.0
    value = 1.0
    for _ in range(3):
        g = 0.3 + 0.1 * value
        v = 0.9 * v + 0.1 * g * g
        a = 0.9 * a + 0.1 * g
        d = math.sqrt(v - a * a if centered else v) + 1e-8
        b = momentum * b + g / d
        value -= 0.01 * (b if momentum else g / d)
        opt.step()
        np.testing.assert_allclose(p.data, [value], rtol=1e-12)
    expected = (
        {"step", "square_avg"} | ({"momentum_buffer"} if momentum else set()) | ({"grad_avg"} if centered else set())
    )
    assert set(opt.state[p]) == expected and opt.state[p]["step"] == 3


def test_adagrad_step_by_hand():
    p = _param_with_grad([1.0], [0.3])
    opt = nn.optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=0.2, eps=1e-10)
    assert opt.state[p]["step"] == 0 and opt.state[p]["sum"][0] == 0.2  # made with the optimiser
    s, value = 0.2, 1.0
    for t in (1, 2, 3):
        s += 0.09
        value -= 0.1 / (1 + (t - 1) * 0.5) * 0.3 / (math.sqrt(s) + 1e-10)
        opt.step()
        np.testing.assert_allclose(p.data, [value], rtol=1e-12)


ALL_OPTIMISERS = [
    lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    lambda p: nn.optim.Adam(p),
    lambda p: nn.optim.AdamW(p),
    lambda p: nn.optim.RMSprop(p, momentum=0.5, centered=True),
    lambda p: nn.optim.Adagrad(p),
]


@pytest.mark.parametrize("make", ALL_OPTIMISERS)
def test_every_optimiser_keeps_float32_updates_in_place_and_grads_untouched(make):
    p = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    data = p.data
    grad = np.array([0.5, -0.5], dtype=np.float32)
    p.grad = Tensor(grad)
    opt = make([p])
    for _ in range(3):
        opt.step()
    assert p.data is data and p.data.dtype == np.float32
    assert all(value.dtype == np.float32 for value in opt.state[p].values() if isinstance(value, np.ndarray))
    np.testing.assert_array_equal(grad, [0.5, -0.5])


@pytest.mark.parametrize("make", ALL_OPTIMISERS)
def test_a_hand_set_gradient_of_the_wrong_shape_is_named(make):
    a, b = nn.Parameter([1.0, 2.0]), nn.Parameter([[1.0, 2.0, 3.0]])
    a.grad = Tensor([0.1, 0.1])
    b.grad = Tensor([0.5, 0.5, 0.5])  # would broadcast into the (1, 3) update
    opt = make([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError, match=r"parameter 0 of group 1 has shape \(1, 3\) but its .grad has shape \(3,\)"):
        opt.step()
    b.grad = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        opt.step()


def test_zero_grad_set_to_none_false_gives_new_zero_gradients():
    p = _param_with_grad([1.0, 2.0], [3.0, 4.0])
    q = nn.Parameter([1.0])
    old = p.grad.data
    opt = nn.optim.SGD([p, q], lr=0.1)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])
    np.testing.assert_array_equal(old, [3.0, 4.0])  # a shared gradient array is not zeroed in place
    assert q.grad is None
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize("lr", [np.float32(0.1), np.float64(0.1), np.int64(1), np.array(0.1)])
def test_numpy_scalars_are_accepted_as_settings(lr):
    p = _param_with_grad([1.0], [1.0])
    opt = nn.optim.SGD([p], lr=lr, momentum=np.float32(0.5))
    opt.step()
    assert type(opt.param_groups[0]["lr"]) is float
    np.testing.assert_allclose(p.data, [1.0 - float(lr)], rtol=1e-7)


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda p: nn.optim.AdamW(p, lr=-1), "lr"),
        (lambda p: nn.optim.AdamW(p, betas=(0.9, 1.5)), "beta parameter at index 1"),
        (lambda p: nn.optim.RMSprop(p, alpha=-0.1), "alpha"),
        (lambda p: nn.optim.RMSprop(p, momentum=-1), "momentum"),
        (lambda p: nn.optim.RMSprop(p, eps=float("nan")), "eps"),
        (lambda p: nn.optim.Adagrad(p, lr_decay=-1), "lr_decay"),
        (lambda p: nn.optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
        (lambda p: nn.optim.SGD(p, lr="0.1"), "lr"),
        (lambda p: nn.optim.SGD(p, lr=True), "lr"),
    ],
)
def test_invalid_settings_of_the_newer_optimisers_are_named(make, name):
    with pytest.raises(ValueError, match=f"Invalid {name}"):
        make([nn.Parameter([1.0])])


# ---- state dicts ---------------------------------------------------------------------


def test_state_dict_has_pytorchs_structure_and_is_a_copy():
    a, b, c = nn.Parameter([1.0]), nn.Parameter([2.0, 3.0]), nn.Parameter([4.0])
    for p in (a, b):
        p.grad = Tensor(np.ones(p.shape))
    opt = nn.optim.Adam([{"params": [a, c]}, {"params": [b], "lr": 0.1}], amsgrad=True)
    opt.step()
    state = opt.state_dict()
    assert list(state) == ["state", "param_groups"]
    assert [group["params"] for group in state["param_groups"]] == [[0, 1], [2]]
    assert sorted(state["state"]) == [0, 2]  # c has no gradient, so no state
    assert set(state["state"][2]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["param_groups"][1]["lr"] == 0.1 and state["param_groups"][0]["betas"] == (0.9, 0.999)
    before = state["state"][0]["exp_avg"].copy()
    opt.step()
    np.testing.assert_array_equal(state["state"][0]["exp_avg"], before)


def test_load_state_dict_restores_and_does_not_alias():
    p = _param_with_grad([1.0, 2.0], [0.5, 0.5])
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    saved = opt.state_dict()
    q = nn.Parameter([1.0, 2.0])
    fresh = nn.optim.SGD([q], lr=1.0)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.1 and fresh.param_groups[0]["momentum"] == 0.9
    assert fresh.param_groups[0]["params"][0] is q
    buffer = fresh.state[q]["momentum_buffer"]
    np.testing.assert_array_equal(buffer, [0.5, 0.5])
    buffer += 1
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], [0.5, 0.5])


def test_load_state_dict_refuses_what_does_not_fit():
    p = _param_with_grad([1.0, 2.0], [0.5, 0.5])
    adam = nn.optim.Adam([p])
    adam.step()
    sgd = nn.optim.SGD([nn.Parameter([1.0, 2.0])], lr=0.1, momentum=0.9)
    with pytest.raises(
        ValueError, match=r"no setting\(s\) \['dampening', 'momentum', 'nesterov'\].*another optimiser than SGD"
    ):
        sgd.load_state_dict(adam.state_dict())
    with pytest.raises(ValueError, match="1 parameter group"):
        nn.optim.Adam([{"params": [nn.Parameter([1.0])]}, {"params": [nn.Parameter([1.0])]}]).load_state_dict(
            adam.state_dict()
        )
    with pytest.raises(ValueError, match=r"group 0 has 2 parameter\(s\) here but 1"):
        nn.optim.Adam([nn.Parameter([1.0]), nn.Parameter([1.0])]).load_state_dict(adam.state_dict())
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(2,\), the parameter \(3,\)"):
        nn.optim.Adam([nn.Parameter([1.0, 2.0, 3.0])]).load_state_dict(adam.state_dict())
    amsgrad = nn.optim.Adam([nn.Parameter([1.0, 2.0])], amsgrad=True)
    state = adam.state_dict()
    state["param_groups"][0]["amsgrad"] = True
    with pytest.raises(ValueError, match="max_exp_avg_sq"):
        amsgrad.load_state_dict(state)
    for bad in (None, "opt.npz", [1, 2]):
        with pytest.raises(TypeError, match="'state' and 'param_groups'"):
            adam.load_state_dict(bad)
