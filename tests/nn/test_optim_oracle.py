"""PyTorch as the oracle for nn.optim, nn.optim.lr_scheduler and nn.utils, in float64 to 1e-9.

Every optimiser and schedule runs 50 steps beside PyTorch's on the same model, data and
settings; parameters, learning rates (and cycled momenta) must agree at every step. State
dicts are taken mid-run, passed through nn.save/nn.load, loaded into fresh objects, and the
run continued: it must stay on PyTorch's uninterrupted trajectory.
"""

import math

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor

from ..oracle import torch

TF = torch.nn.functional
torch.set_num_threads(1)
TOL = dict(rtol=1e-9, atol=1e-9)
STEPS = 50


def twins(seed=0):
    """Our Sequential(Linear, Tanh, Linear) and PyTorch's, with the same float64 weights."""
    nn.init.manual_seed(seed)
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    theirs.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def two_groups(model):
    params = list(model.parameters())
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.03}]


DATA = np.random.default_rng(10).standard_normal((8, 3)), np.random.default_rng(11).standard_normal((8, 2))


def backward_both(ours_model, theirs_model, step):
    """One loss and backward on both models (the data shift a little each step)."""
    x, target = DATA[0] + 0.01 * step, DATA[1]
    F.mse_loss(ours_model(x), target).backward()
    TF.mse_loss(theirs_model(torch.from_numpy(x)), torch.from_numpy(target)).backward()


def assert_same_params(ours_model, theirs_model, record=None):
    for p, tp in zip(ours_model.parameters(), theirs_model.parameters()):
        expected = tp.detach().numpy()
        np.testing.assert_allclose(p.data, expected, **TOL)
        if record is not None:
            record.append(np.abs(p.data - expected).max())


def run(ours_opt, theirs_opt, ours_model, theirs_model, steps, start=0, schedulers=None, record=None, zero=True):
    """``steps`` training steps on both; with ``schedulers`` (ours, theirs, metric) a schedule step
    after each optimiser step, comparing the learning rates each time."""
    for step in range(start, start + steps):
        ours_opt.zero_grad(set_to_none=zero)
        theirs_opt.zero_grad(set_to_none=zero)
        backward_both(ours_model, theirs_model, step)
        ours_opt.step()
        theirs_opt.step()
        assert_same_params(ours_model, theirs_model, record)
        if schedulers is not None:
            ours_sched, theirs_sched, metric = schedulers
            if metric is None:
                ours_sched.step()
                theirs_sched.step()
            else:
                ours_sched.step(metric(step))
                theirs_sched.step(metric(step))
            assert_same_rates(ours_sched, theirs_sched, ours_opt, theirs_opt)


def assert_same_rates(ours_sched, theirs_sched, ours_opt, theirs_opt):
    np.testing.assert_allclose(ours_sched.get_last_lr(), [float(lr) for lr in theirs_sched.get_last_lr()], **TOL)
    for group, tgroup in zip(ours_opt.param_groups, theirs_opt.param_groups):
        assert group["lr"] == pytest.approx(float(tgroup["lr"]), rel=1e-9, abs=1e-12)
        for key in ("momentum", "betas"):
            if key in group:
                np.testing.assert_allclose(group[key], tgroup[key], **TOL)


# --------------------------------------------------------------------------- optimisers
OPTIMISERS = {
    "SGD": [
        dict(lr=0.1),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.05),
        dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    ],
    "Adam": [
        dict(),
        dict(lr=0.02, weight_decay=0.1),
        dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6),
        dict(lr=0.02, amsgrad=True),
        dict(lr=0.02, amsgrad=True, weight_decay=0.05),
    ],
    "AdamW": [
        dict(),
        dict(lr=0.02, weight_decay=0.1),
        dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.0),
        dict(lr=0.02, amsgrad=True, weight_decay=0.3),
    ],
    "RMSprop": [
        dict(),
        dict(lr=0.005, alpha=0.9, eps=1e-6),
        dict(lr=0.005, momentum=0.9),
        dict(lr=0.005, centered=True),
        dict(lr=0.002, momentum=0.8, centered=True, weight_decay=0.1),
    ],
    "Adagrad": [
        dict(),
        dict(lr=0.05, lr_decay=0.01),
        dict(lr=0.05, weight_decay=0.1, initial_accumulator_value=0.5),
        dict(lr=0.05, eps=1e-3, lr_decay=0.1, weight_decay=0.01),
    ],
}
CASES = [(name, settings) for name, variants in OPTIMISERS.items() for settings in variants]


def case_id(case):
    name, settings = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in settings.items()) + ")"


def pair(name, settings, ours_params, theirs_params):
    return getattr(nn.optim, name)(ours_params, **settings), getattr(torch.optim, name)(theirs_params, **settings)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_trajectory_over_50_steps_equals_pytorch(case):
    name, settings = case
    ours_model, theirs_model = twins(seed=1)
    ours, theirs = pair(name, settings, ours_model.parameters(), theirs_model.parameters())
    run(ours, theirs, ours_model, theirs_model, STEPS)


@pytest.mark.parametrize("case", [c for c in CASES if c[1]][::2], ids=case_id)
def test_trajectory_with_groups_and_zeroed_grads_equals_pytorch(case):
    name, settings = case
    ours_model, theirs_model = twins(seed=2)
    ours, theirs = pair(name, settings, two_groups(ours_model), two_groups(theirs_model))
    run(ours, theirs, ours_model, theirs_model, STEPS, zero=False)


def through_disk(state, tmp_path, name="state.npz"):
    """``state`` after nn.save and nn.load, as a checkpoint would carry it."""
    nn.save({"optimizer": state}, tmp_path / name)
    return nn.load(tmp_path / name)["optimizer"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_state_dict_round_trip_continues_pytorchs_trajectory(case, tmp_path):
    name, settings = case
    ours_model, theirs_model = twins(seed=3)
    ours, theirs = pair(name, settings, two_groups(ours_model), two_groups(theirs_model))
    run(ours, theirs, ours_model, theirs_model, 20)
    compare_structure(ours.state_dict(), theirs.state_dict())
    saved = through_disk(ours.state_dict(), tmp_path)
    # a fresh model and optimiser, made with other settings, restored from the checkpoint
    fresh_model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    fresh_model.load_state_dict(ours_model.state_dict())
    fresh = getattr(nn.optim, name)(two_groups(fresh_model), lr=0.5)
    fresh.load_state_dict(saved)
    run(fresh, theirs, fresh_model, theirs_model, STEPS - 20, start=20)


def compare_structure(ours, theirs):
    """Same parameter numbering, the same state entries with equal values, and every setting
    of ours among PyTorch's with the same value."""
    assert list(ours) == ["state", "param_groups"] and set(theirs) == {"state", "param_groups"}
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for index, entries in ours["state"].items():
        assert set(entries) == set(theirs["state"][index])
        for key, value in entries.items():
            np.testing.assert_allclose(np.asarray(value), theirs["state"][index][key].numpy(), **TOL)
    for group, tgroup in zip(ours["param_groups"], theirs["param_groups"], strict=True):
        assert set(group) <= set(tgroup), set(group) - set(tgroup)
        for key, value in group.items():
            assert value == pytest.approx(tgroup[key]), key


def test_fresh_state_dicts_have_pytorchs_structure():
    for name, variants in OPTIMISERS.items():
        for settings in variants:
            ours_model, theirs_model = twins()
            ours, theirs = pair(name, settings, two_groups(ours_model), two_groups(theirs_model))
            compare_structure(ours.state_dict(), theirs.state_dict())  # Adagrad's state exists already


def test_numpy_scalar_learning_rates_follow_pytorch():
    ours_model, theirs_model = twins(seed=4)
    ours = nn.optim.Adam(ours_model.parameters(), lr=np.float32(0.01), betas=(np.float64(0.9), 0.999))
    theirs = torch.optim.Adam(theirs_model.parameters(), lr=float(np.float32(0.01)))
    run(ours, theirs, ours_model, theirs_model, 10)
    assert type(ours.param_groups[0]["lr"]) is float


# --------------------------------------------------------------------------- schedulers
def sgd_pair(model_pair, momentum=0.9):
    ours_model, theirs_model = model_pair
    return (
        nn.optim.SGD(two_groups(ours_model), lr=0.1, momentum=momentum),
        torch.optim.SGD(two_groups(theirs_model), lr=0.1, momentum=momentum),
    )


def adam_pair(model_pair):
    ours_model, theirs_model = model_pair
    return nn.optim.Adam(two_groups(ours_model), lr=0.01), torch.optim.Adam(two_groups(theirs_model), lr=0.01)


def plateau_metric(step):
    """A loss that falls, stalls, falls and stalls again (and is noisy), for ReduceLROnPlateau."""
    return 1.0 / (1 + min(step, 10) + max(0, min(step - 25, 5))) + 0.001 * math.sin(step)


class Warmup:
    """A callable object: LambdaLR's state dict keeps its attributes."""

    def __init__(self, length):
        self.length = length

    def __call__(self, step):
        return min(1.0, (step + 1) / self.length) * 0.97**step


SCHEDULERS = {
    "StepLR": (sgd_pair, lambda o, m: m.StepLR(o, step_size=7, gamma=0.5), None),
    "MultiStepLR": (sgd_pair, lambda o, m: m.MultiStepLR(o, milestones=[5, 15, 15, 30], gamma=0.3), None),
    "ExponentialLR": (sgd_pair, lambda o, m: m.ExponentialLR(o, gamma=0.93), None),
    "CosineAnnealingLR": (sgd_pair, lambda o, m: m.CosineAnnealingLR(o, T_max=12, eta_min=0.001), None),
    "CosineAnnealingLR_long": (adam_pair, lambda o, m: m.CosineAnnealingLR(o, T_max=60), None),
    "LambdaLR": (sgd_pair, lambda o, m: m.LambdaLR(o, lambda t: 0.95**t), None),
    "LambdaLR_per_group": (sgd_pair, lambda o, m: m.LambdaLR(o, [lambda t: 1 / (1 + t), Warmup(5)]), None),
    "OneCycleLR": (sgd_pair, lambda o, m: m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS), None),
    "OneCycleLR_linear_adam": (
        adam_pair,
        lambda o, m: m.OneCycleLR(o, max_lr=[0.05, 0.02], epochs=5, steps_per_epoch=10, anneal_strategy="linear"),
        None,
    ),
    "OneCycleLR_three_phase": (
        sgd_pair,
        lambda o, m: m.OneCycleLR(o, max_lr=0.3, total_steps=STEPS, pct_start=0.25, three_phase=True, div_factor=10.0),
        None,
    ),
    "OneCycleLR_no_momentum": (
        lambda models: sgd_pair(models, momentum=0.0),
        lambda o, m: m.OneCycleLR(o, max_lr=0.3, total_steps=STEPS, cycle_momentum=False),
        None,
    ),
    "ReduceLROnPlateau": (sgd_pair, lambda o, m: m.ReduceLROnPlateau(o, factor=0.5, patience=2), plateau_metric),
    "ReduceLROnPlateau_max_abs_cooldown": (
        sgd_pair,
        lambda o, m: m.ReduceLROnPlateau(
            o, mode="max", threshold=0.01, threshold_mode="abs", cooldown=3, patience=1, min_lr=[0.01, 0.02]
        ),
        lambda step: -plateau_metric(step),
    ),
}


def make_schedule(name, seed):
    make_optimisers, make_scheduler, metric = SCHEDULERS[name]
    models = twins(seed=seed)
    ours_opt, theirs_opt = make_optimisers(models)
    ours = make_scheduler(ours_opt, nn.optim.lr_scheduler)
    theirs = make_scheduler(theirs_opt, torch.optim.lr_scheduler)
    assert_same_rates(ours, theirs, ours_opt, theirs_opt)  # the rates of step 0
    return models, ours_opt, theirs_opt, ours, theirs, metric


@pytest.mark.parametrize("name", SCHEDULERS)
def test_schedule_over_50_steps_equals_pytorch(name):
    (ours_model, theirs_model), ours_opt, theirs_opt, ours, theirs, metric = make_schedule(name, seed=5)
    run(ours_opt, theirs_opt, ours_model, theirs_model, STEPS, schedulers=(ours, theirs, metric))
    assert ours.last_epoch == theirs.last_epoch


@pytest.mark.parametrize("name", SCHEDULERS)
def test_schedule_state_dict_round_trip_continues_pytorchs_schedule(name, tmp_path):
    (ours_model, theirs_model), ours_opt, theirs_opt, ours, theirs, metric = make_schedule(name, seed=6)
    run(ours_opt, theirs_opt, ours_model, theirs_model, 23, schedulers=(ours, theirs, metric))
    state = ours.state_dict()
    theirs_state = theirs.state_dict()
    assert set(state) <= set(theirs_state), set(state) - set(theirs_state)
    for key in ("base_lrs", "last_epoch", "_last_lr", "_step_count", "best", "num_bad_epochs", "total_steps"):
        if key in state:
            np.testing.assert_allclose(np.asarray(state[key], float), np.asarray(theirs_state[key], float), **TOL)
    checkpoint = {"model": ours_model, "optimizer": ours_opt, "scheduler": ours, "epoch": 23}
    nn.save(checkpoint, tmp_path / "run.npz")
    loaded = nn.load(tmp_path / "run.npz")
    # a fresh run restored from disk: model, optimiser (other settings), scheduler
    make_optimisers, make_scheduler, _ = SCHEDULERS[name]
    fresh_model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    fresh_model.load_state_dict(loaded["model"])
    fresh_opt = type(ours_opt)(two_groups(fresh_model), lr=1.0)
    fresh = make_scheduler(fresh_opt, nn.optim.lr_scheduler)
    fresh_opt.load_state_dict(loaded["optimizer"])
    fresh.load_state_dict(loaded["scheduler"])
    assert loaded["epoch"] == 23
    run(fresh_opt, theirs_opt, fresh_model, theirs_model, STEPS - 23, start=23, schedulers=(fresh, theirs, metric))


# --------------------------------------------------------------------------- nn.utils
def grads_pair(seed, scale=1.0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2), ()]
    grads = [rng.standard_normal(shape) * scale for shape in shapes]
    ours = [nn.Parameter(np.zeros(shape)) for shape in shapes]
    theirs = [torch.zeros(shape, requires_grad=True) for shape in shapes]
    for p, tp, g in zip(ours, theirs, grads):
        p.grad, tp.grad = Tensor(g.copy()), torch.tensor(g.copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, 0.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e3])
def test_clip_grad_norm_equals_pytorch(norm_type, max_norm):
    ours, theirs = grads_pair(seed=int(max_norm * 10) % 7)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), expected.item(), **TOL)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), **TOL)


def test_clip_grad_norm_of_nonfinite_gradients_equals_pytorch():
    for bad in (np.inf, np.nan):
        ours, theirs = grads_pair(seed=3)
        ours[1].grad.data[0] = theirs[1].grad[0] = bad
        total = nn.utils.clip_grad_norm_(ours, 1.0)
        expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
        np.testing.assert_allclose(total.item(), expected.item())
        for p, tp in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy())
        with pytest.raises(RuntimeError, match="total norm"):
            nn.utils.clip_grad_norm_(grads_pair(seed=3)[0][:1] + [ours[1]], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_equals_pytorch():
    ours, theirs = grads_pair(seed=4)
    nn.utils.clip_grad_value_(ours, 0.5)
    torch.nn.utils.clip_grad_value_(theirs, 0.5)
    for p, tp in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.data, tp.grad.numpy())


def test_parameters_to_vector_and_back_equal_pytorch():
    ours_model, theirs_model = twins(seed=7)
    vec = nn.utils.parameters_to_vector(ours_model.parameters())
    tvec = torch.nn.utils.parameters_to_vector(theirs_model.parameters())
    np.testing.assert_array_equal(vec.data, tvec.detach().numpy())
    new = np.random.default_rng(8).standard_normal(vec.shape)
    nn.utils.vector_to_parameters(Tensor(new), ours_model.parameters())
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new), theirs_model.parameters())
    assert_same_params(ours_model, theirs_model)
    # the vector is in the graph: the gradient of sum(vec^2) is 2p, as in PyTorch
    (nn.utils.parameters_to_vector(ours_model.parameters()) ** 2).sum().backward()
    (torch.nn.utils.parameters_to_vector(theirs_model.parameters()) ** 2).sum().backward()
    for p, tp in zip(ours_model.parameters(), theirs_model.parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), **TOL)
