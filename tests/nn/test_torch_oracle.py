"""PyTorch as the oracle for nn: activations, losses, layers, optimisers and state dicts, in float64."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd import Tensor

from ..oracle import torch

TF = torch.nn.functional
torch.set_num_threads(1)  # tiny tensors: thread start-up costs more than it saves (and CI has 2 cores)
TOL = dict(rtol=1e-9, atol=1e-9)


def _pair(array, requires_grad=True):
    """The same float64 values as our Tensor and as a torch tensor."""
    return Tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad)


def _inputs(shape, seed=0, kinks=True):
    x = np.random.default_rng(seed).standard_normal(shape) * 2
    if kinks:
        x.reshape(-1)[:2] = 0.0  # the conventions at the kink must match too
    return x


def _check_forward_backward(ours_fn, torch_fn, x, extra=()):
    """Values, then gradients of sum(out * upstream) for x and every extra (ours, theirs) pair."""
    ours, theirs = _pair(x)
    out, expected = ours_fn(ours, *[e[0] for e in extra]), torch_fn(theirs, *[e[1] for e in extra])
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), **TOL)
    for mine, reference in extra:
        np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL)


ACTIVATIONS = {
    "relu": (F.relu, TF.relu),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    "elu": (F.elu, TF.elu),
    "elu_alpha": (lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5)),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "softmax": (F.softmax, lambda x: TF.softmax(x, dim=-1)),
    "softmax_dim0": (lambda x: F.softmax(x, dim=0), lambda x: TF.softmax(x, dim=0)),
    "log_softmax": (F.log_softmax, lambda x: TF.log_softmax(x, dim=-1)),
    "log_softmax_dim0": (lambda x: F.log_softmax(x, dim=0), lambda x: TF.log_softmax(x, dim=0)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_equals_pytorch(name):
    ours, theirs = ACTIVATIONS[name]
    _check_forward_backward(ours, theirs, _inputs((4, 5)))


@pytest.mark.parametrize("slopes", [[0.25], [0.1, 0.2, 0.3]])
def test_prelu_equals_pytorch_including_the_slope_gradient(slopes):
    weight = _pair(np.array(slopes))
    _check_forward_backward(F.prelu, TF.prelu, _inputs((4, 3, 2)), extra=[weight])


def test_activation_modules_equal_pytorch_modules():
    x = _inputs((3, 4))
    pairs = [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.LeakyReLU(), torch.nn.LeakyReLU()),
        (nn.ELU(alpha=2.0), torch.nn.ELU(alpha=2.0)),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.LogSoftmax(dim=0), torch.nn.LogSoftmax(dim=0)),
        (nn.PReLU(), torch.nn.PReLU()),
    ]
    for ours, theirs in pairs:
        _check_forward_backward(ours, theirs, x)
    ours, theirs = nn.PReLU(4, init=0.1), torch.nn.PReLU(4, init=0.1)
    _check_forward_backward(ours, theirs, x)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), **TOL)


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "name, ours, theirs",
    [
        ("mse", F.mse_loss, TF.mse_loss),
        ("l1", F.l1_loss, TF.l1_loss),
        ("bce_logits", F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits),
    ],
)
def test_elementwise_losses_equal_pytorch(name, ours, theirs, reduction):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 3))
    target = rng.uniform(0, 1, (6, 3)) if name == "bce_logits" else rng.standard_normal((6, 3))
    x[0, 0], x[0, 1] = 0.0, target[0, 1]  # logit 0; a tie for l1 (gradient 0)
    target_pair = _pair(target)
    _check_forward_backward(
        lambda a, t: ours(a, t, reduction=reduction), lambda a, t: theirs(a, t, reduction=reduction), x, [target_pair]
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_equals_pytorch(reduction):
    rng = np.random.default_rng(3)
    p, target = rng.uniform(0.02, 0.98, (5, 4)), rng.uniform(0, 1, (5, 4))
    target[0] = [0.0, 1.0, 0.0, 1.0]
    _check_forward_backward(
        lambda a: F.binary_cross_entropy(a, target, reduction=reduction),
        lambda a: TF.binary_cross_entropy(a, torch.from_numpy(target), reduction=reduction),
        p,
    )


def test_binary_cross_entropy_clamps_the_log_at_minus_100_like_pytorch():
    p, target = np.array([0.0, 1.0, 1e-50, 0.5]), np.array([1.0, 0.0, 1.0, 1.0])
    ours = F.binary_cross_entropy(p, target, reduction="none")
    expected = TF.binary_cross_entropy(torch.from_numpy(p), torch.from_numpy(target), reduction="none")
    np.testing.assert_allclose(ours.data, expected.numpy(), **TOL)
    np.testing.assert_allclose(ours.data[:3], 100.0)


def test_bce_with_logits_is_stable_for_huge_logits():
    logits = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    target = np.array([1.0, 1.0, 0.0, 0.0, 1.0])
    _check_forward_backward(
        lambda a: F.binary_cross_entropy_with_logits(a, target, reduction="none"),
        lambda a: TF.binary_cross_entropy_with_logits(a, torch.from_numpy(target), reduction="none"),
        logits,
    )
    ours = F.binary_cross_entropy_with_logits(Tensor(logits), target, reduction="none")
    assert np.isfinite(ours.data).all()


CLASS_CASES = {
    "batch": ((6, 4), (6,)),
    "single": ((4,), ()),
    "spatial": ((3, 4, 2, 2), (3, 2, 2)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CLASS_CASES)
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_class_losses_equal_pytorch(loss, case, reduction):
    input_shape, target_shape = CLASS_CASES[case]
    rng = np.random.default_rng(4)
    x = rng.standard_normal(input_shape) * 3
    target = rng.integers(0, 4, target_shape)
    ours_fn, torch_fn = getattr(F, loss), getattr(TF, loss)
    if loss == "nll_loss":  # fed log-probabilities, as after LogSoftmax
        x = x - np.log(np.exp(x).sum(axis=1 if x.ndim > 1 else 0, keepdims=True))
    _check_forward_backward(
        lambda a: ours_fn(a, target, reduction=reduction),
        lambda a: torch_fn(a, torch.from_numpy(target), reduction=reduction),
        x,
    )


@pytest.mark.parametrize("ignore_index", [7, 1, 0])  # out of range, a class, the smallest class
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_ignore_index_equals_pytorch(loss, reduction, ignore_index):
    rng = np.random.default_rng(5)
    x, target = rng.standard_normal((6, 3)), np.array([0, 2, 7, 1, 7, 2])
    target[target == 7] = ignore_index
    ours_fn, torch_fn = getattr(F, loss), getattr(TF, loss)
    _check_forward_backward(
        lambda a: ours_fn(a, target, reduction=reduction, ignore_index=ignore_index),
        lambda a: torch_fn(a, torch.from_numpy(target), reduction=reduction, ignore_index=ignore_index),
        x,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_probabilities_equals_pytorch(reduction):
    rng = np.random.default_rng(6)
    x, probs = rng.standard_normal((5, 3)), rng.dirichlet(np.ones(3), 5)
    _check_forward_backward(
        lambda a: F.cross_entropy(a, probs, reduction=reduction),
        lambda a: TF.cross_entropy(a, torch.from_numpy(probs), reduction=reduction),
        x,
    )


def test_cross_entropy_with_huge_logits_equals_pytorch():
    x = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]])
    _check_forward_backward(
        lambda a: F.cross_entropy(a, [1, 2]), lambda a: TF.cross_entropy(a, torch.tensor([1, 2])), x
    )


@pytest.mark.parametrize(
    "ours_fn, torch_fn, target",
    [
        (F.cross_entropy, TF.cross_entropy, np.array([2, 0, 1, 1])),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, np.full((4, 3), 0.3)),
    ],
    ids=["cross_entropy", "bce_with_logits"],
)
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_second_derivatives_of_fused_losses_equal_pytorch(ours_fn, torch_fn, target, reduction):
    x = np.random.default_rng(7).standard_normal((4, 3))
    ours, theirs = _pair(x)
    out = ours_fn(ours, target, reduction=reduction)
    expected = torch_fn(theirs, torch.from_numpy(target), reduction=reduction)
    upstream = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    (g,) = autograd.grad(out, ours, upstream, create_graph=True)
    (tg,) = torch.autograd.grad(expected, theirs, torch.from_numpy(upstream), create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), **TOL)
    (g * g * np.arange(12.0).reshape(4, 3)).sum().backward()
    (tg * tg * torch.arange(12.0).reshape(4, 3)).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), **TOL)


def test_loss_modules_equal_pytorch_modules():
    rng = np.random.default_rng(8)
    x, labels = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    probs, values = rng.uniform(0.1, 0.9, (5, 3)), rng.standard_normal((5, 3))
    cases = [
        (nn.MSELoss(reduction="sum"), torch.nn.MSELoss(reduction="sum"), x, values),
        (nn.L1Loss(), torch.nn.L1Loss(), x, values),
        (nn.BCELoss(), torch.nn.BCELoss(), probs, probs.round()),
        (nn.BCEWithLogitsLoss(reduction="none"), torch.nn.BCEWithLogitsLoss(reduction="none"), x, probs),
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), x, labels),
        (nn.NLLLoss(reduction="sum"), torch.nn.NLLLoss(reduction="sum"), x, labels),
    ]
    for ours, theirs, a, b in cases:
        _check_forward_backward(
            lambda t, ours=ours, b=b: ours(t, b), lambda t, theirs=theirs, b=b: theirs(t, torch.from_numpy(b)), a
        )


# --------------------------------------------------------------------------- layers and state dicts
def _twin_mlp(seed=0):
    """nn.Sequential(Linear, ReLU, Linear) and the torch equivalent, with the same weights."""
    nn.init.manual_seed(seed)
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    return ours, theirs


def test_linear_layer_equals_pytorch():
    ours, theirs = _twin_mlp()
    x = _inputs((7, 3), kinks=False)
    _check_forward_backward(ours, theirs, x)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), **TOL)


def test_state_dict_round_trips_through_torch_sequential():
    ours = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3)).double()
    # ours -> torch, unchanged: the same keys, shapes and (out, in) layout
    theirs.load_state_dict({name: torch.from_numpy(value) for name, value in ours.state_dict().items()})
    x = np.random.default_rng(9).standard_normal((5, 2))
    np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).detach().numpy(), **TOL)
    # torch -> ours, after torch changed its weights
    torch.nn.init.normal_(theirs[2].weight)
    ours.load_state_dict({name: value.numpy() for name, value in theirs.state_dict().items()})
    np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).detach().numpy(), **TOL)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_state_dict_loads_from_float32_torch_model_by_casting():
    theirs = torch.nn.Linear(2, 3)  # float32 here: cast to our float64 parameters
    ours = nn.Linear(2, 3)
    ours.load_state_dict({k: v.float().numpy() for k, v in theirs.state_dict().items()})
    assert ours.weight.dtype == np.float64
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().double().numpy())


# --------------------------------------------------------------------------- optimisers
def _trajectories(make_ours, make_theirs, steps=20, loss="mse"):
    ours_model, theirs_model = _twin_mlp(seed=1)
    ours_opt, theirs_opt = make_ours(ours_model.parameters()), make_theirs(theirs_model.parameters())
    rng = np.random.default_rng(10)
    x, target = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    labels = rng.integers(0, 2, 8)
    tx, ttarget, tlabels = torch.from_numpy(x), torch.from_numpy(target), torch.from_numpy(labels)
    for _ in range(steps):
        out, tout = ours_model(x), theirs_model(tx)
        if loss == "mse":
            J, tJ = F.mse_loss(out, target), TF.mse_loss(tout, ttarget)
        else:
            J, tJ = F.cross_entropy(out, labels), TF.cross_entropy(tout, tlabels)
        ours_opt.zero_grad()
        theirs_opt.zero_grad()
        J.backward()
        tJ.backward()
        ours_opt.step()
        theirs_opt.step()
        for p, tp in zip(ours_model.parameters(), theirs_model.parameters()):
            np.testing.assert_allclose(p.data, tp.detach().numpy(), **TOL)
    return ours_model


SGD_SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.5),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.1, weight_decay=0.01),
    dict(lr=0.05, momentum=0.8, dampening=0.1, weight_decay=0.05),
    dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
]


def _settings_id(settings):
    return ",".join(f"{key}={value}" for key, value in settings.items())


@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=_settings_id)
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_sgd_trajectory_equals_pytorch(settings, loss):
    _trajectories(lambda p: nn.optim.SGD(p, **settings), lambda p: torch.optim.SGD(p, **settings), loss=loss)


ADAM_SETTINGS = [
    dict(),
    dict(lr=0.01),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.01, amsgrad=True),
]


@pytest.mark.parametrize("settings", ADAM_SETTINGS, ids=lambda s: _settings_id(s) or "default")
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_adam_trajectory_equals_pytorch(settings, loss):
    _trajectories(lambda p: nn.optim.Adam(p, **settings), lambda p: torch.optim.Adam(p, **settings), loss=loss)


def test_parameter_groups_equal_pytorch():
    def groups(model):
        params = list(model.parameters())
        return [{"params": params[:2]}, {"params": params[2:], "lr": 0.01, "momentum": 0.5}]

    ours_model, theirs_model = _twin_mlp(seed=2)
    ours = nn.optim.SGD(groups(ours_model), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(groups(theirs_model), lr=0.1, momentum=0.9)
    x = np.random.default_rng(11).standard_normal((4, 3))
    for _ in range(5):
        for model, opt, inputs in ((ours_model, ours, x), (theirs_model, theirs, torch.from_numpy(x))):
            opt.zero_grad()
            (model(inputs) ** 2).sum().backward()
            opt.step()
    for p, tp in zip(ours_model.parameters(), theirs_model.parameters()):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- init
def test_gains_equal_pytorch():
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("selu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("conv2d", None)]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("xavier_uniform_", {}),
        ("xavier_normal_", {"gain": 2.0}),
        ("kaiming_uniform_", {}),
        ("kaiming_uniform_", {"a": 5**0.5}),
        ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
        ("kaiming_normal_", {"a": 0.1}),
    ],
)
@pytest.mark.parametrize("shape", [(300, 200), (100, 40, 3, 3)])
def test_init_distributions_match_pytorch(name, kwargs, shape):
    ours = getattr(nn.init, name)(Tensor(np.zeros(shape)), **kwargs, generator=np.random.default_rng(0))
    theirs = getattr(torch.nn.init, name)(torch.zeros(shape), **kwargs).numpy()
    assert ours.data.std() == pytest.approx(theirs.std(), rel=0.03)
    if "uniform" in name:  # the same bound: both samples reach almost to it
        assert np.abs(ours.data).max() == pytest.approx(np.abs(theirs).max(), rel=0.01)
