"""nn.optim.lr_scheduler: the closed forms, step 0, state dicts and teaching errors (the PyTorch
oracle is tests/nn/test_optim_oracle.py)."""

import math

import numpy as np
import pytest

import nn
from nn.optim import lr_scheduler as S


def sgd(lr=1.0, groups=1, momentum=0.0):
    return nn.optim.SGD([{"params": [nn.Parameter([1.0])]} for _ in range(groups)], lr=lr, momentum=momentum)


def rates(scheduler, steps):
    """The rate of step 0, then of each of ``steps`` steps."""
    seen = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        scheduler.optimizer.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr()[0])
    return seen


CLOSED_FORMS = [
    (lambda o: S.StepLR(o, step_size=3, gamma=0.5), lambda t: 0.5 ** (t // 3)),
    (lambda o: S.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1), lambda t: 0.1 ** sum(m <= t for m in (2, 5, 5))),
    (lambda o: S.ExponentialLR(o, gamma=0.9), lambda t: 0.9**t),
    (lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.1), lambda t: 0.1 + 0.9 * (1 + math.cos(math.pi * t / 7)) / 2),
    (lambda o: S.LambdaLR(o, lambda t: 1 / (t + 1)), lambda t: 1 / (t + 1)),
]


@pytest.mark.parametrize("make, closed_form", CLOSED_FORMS)
def test_the_chained_rates_follow_the_closed_form(make, closed_form):
    seen = rates(make(sgd()), 30)  # 30 > 2 T_max: the cosine goes down, up and down again
    np.testing.assert_allclose(seen, [closed_form(t) for t in range(31)], rtol=1e-12, atol=1e-15)


def test_making_a_scheduler_is_step_0_and_records_initial_lr():
    opt = sgd(lr=0.3, groups=2)
    opt.param_groups[1]["lr"] = 0.6
    schedule = S.ExponentialLR(opt, gamma=0.5)
    assert schedule.last_epoch == 0 and schedule.base_lrs == [0.3, 0.6]
    assert [group["initial_lr"] for group in opt.param_groups] == [0.3, 0.6]
    opt.step()
    schedule.step()
    assert schedule.last_epoch == 1 and schedule.get_last_lr() == [0.15, 0.3]


def test_two_schedulers_on_one_optimiser_compose():
    opt = sgd()
    a, b = S.ExponentialLR(opt, gamma=0.5), S.StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(2):
        opt.step()
        a.step()
        b.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25 * 0.1)


def test_one_cycle_rises_then_falls_and_cycles_momentum():
    opt = sgd(momentum=0.9)
    schedule = S.OneCycleLR(opt, max_lr=1.0, total_steps=20, pct_start=0.25, div_factor=10, final_div_factor=100)
    seen, momenta = [schedule.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(19):
        opt.step()
        schedule.step()
        seen.append(schedule.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
    peak = int(np.argmax(seen))
    assert seen[0] == pytest.approx(0.1) and peak == 4 and seen[peak] == pytest.approx(1.0)
    assert seen[-1] == pytest.approx(0.1 / 100)
    assert np.all(np.diff(seen[: peak + 1]) > 0) and np.all(np.diff(seen[peak:]) < 0)
    assert momenta[0] == pytest.approx(0.95) and momenta[peak] == pytest.approx(0.85)
    assert momenta[-1] == pytest.approx(0.95)
    schedule.step()  # step 20 is allowed (PyTorch's bound); 21 is not
    with pytest.raises(ValueError, match="OneCycleLR: stepped 21 times, but total_steps is 20"):
        schedule.step()


def test_reduce_on_plateau_patience_cooldown_and_min_lr():
    opt = sgd(lr=1.0)
    plateau = S.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=2, min_lr=0.2)
    seen = []
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
        plateau.step(loss)
        seen.append(plateau.get_last_lr()[0])
    # two bad epochs (more than patience 1) halve it; the cooldown of 2 then hides bad epochs
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2]
    plateau = S.ReduceLROnPlateau(sgd(), mode="max", patience=0)
    plateau.step(nn.Parameter([0.5]).sum())  # a one-element Tensor is a metric
    plateau.step(np.float32(0.4))
    assert plateau.get_last_lr() == [0.1]


SCHEDULERS = [
    lambda o: S.StepLR(o, step_size=2),
    lambda o: S.MultiStepLR(o, milestones=[1, 3]),
    lambda o: S.ExponentialLR(o, gamma=0.9),
    lambda o: S.CosineAnnealingLR(o, T_max=5),
    lambda o: S.LambdaLR(o, lambda t: 0.9**t),
    lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=10),
    lambda o: S.ReduceLROnPlateau(o, patience=0),
]


def step(scheduler):
    scheduler.optimizer.step()
    if isinstance(scheduler, S.ReduceLROnPlateau):
        scheduler.step(1.0)
    else:
        scheduler.step()


@pytest.mark.parametrize("make", SCHEDULERS)
def test_state_dict_is_plain_data_saved_and_restored(make, tmp_path):
    schedule = make(sgd(momentum=0.9))
    for _ in range(3):
        step(schedule)
    state = schedule.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    nn.save({"scheduler": state}, tmp_path / "s.npz")
    loaded = nn.load(tmp_path / "s.npz")["scheduler"]
    assert loaded == state
    fresh = make(sgd(momentum=0.9))
    fresh.load_state_dict(loaded)
    fresh.optimizer.load_state_dict(schedule.optimizer.state_dict())
    for _ in range(3):
        step(schedule)
        step(fresh)
        assert fresh.get_last_lr() == schedule.get_last_lr()


def test_lambda_lr_keeps_the_attributes_of_a_callable_object():
    class Warmup:
        def __init__(self, length):
            self.length = length

        def __call__(self, t):
            return min(1.0, (t + 1) / self.length)

    schedule = S.LambdaLR(sgd(groups=2), [Warmup(4), lambda t: 1.0])
    assert schedule.state_dict()["lr_lambdas"] == [{"length": 4}, None]
    schedule.lr_lambdas[0].length = 10
    other = S.LambdaLR(sgd(groups=2), [Warmup(4), lambda t: 1.0])
    other.load_state_dict(schedule.state_dict())
    assert other.lr_lambdas[0].length == 10 and callable(other.lr_lambdas[1])


@pytest.mark.parametrize("make", SCHEDULERS)
def test_a_scheduler_on_something_else_names_both_types(make):
    class FakeOptimizer:
        param_groups = [{"lr": 0.1, "params": []}]
        defaults = {"lr": 0.1, "momentum": 0.9}

    with pytest.raises(TypeError) as info:
        make(FakeOptimizer())
    message = str(info.value)
    name = type(make(sgd(momentum=0.9))).__name__
    assert message.startswith(f"{name}: optimizer must be an nn.optim optimiser")
    assert "nn.optim.Optimizer" in message and "FakeOptimizer" in message


def test_a_scheduler_state_for_another_scheduler_or_optimiser_is_refused():
    step_state = S.StepLR(sgd(), step_size=2).state_dict()
    with pytest.raises(ValueError, match=r"ExponentialLR.load_state_dict: the state does not fit.*another scheduler"):
        S.ExponentialLR(sgd(), gamma=0.5).load_state_dict(step_state)
    with pytest.raises(ValueError, match=r"for 1 parameter group\(s\), the optimiser has 2"):
        S.StepLR(sgd(groups=2), step_size=2).load_state_dict(step_state)
    with pytest.raises(TypeError, match="expected a mapping"):
        S.StepLR(sgd(), step_size=2).load_state_dict("state.npz")


def test_one_cycle_momentum_needs_an_optimiser_with_momentum():
    adagrad = nn.optim.Adagrad([nn.Parameter([1.0])])
    with pytest.raises(
        ValueError, match=r"OneCycleLR: cycle_momentum=True needs an optimiser with momentum.*got Adagrad"
    ):
        S.OneCycleLR(adagrad, max_lr=0.1, total_steps=10)
    S.OneCycleLR(adagrad, max_lr=0.1, total_steps=10, cycle_momentum=False)
    adam = nn.optim.Adam([nn.Parameter([1.0])])
    S.OneCycleLR(adam, max_lr=0.1, total_steps=10)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda o: S.StepLR(o, step_size=0), "StepLR: step_size must be an integer >= 1, got 0"),
        (lambda o: S.MultiStepLR(o, milestones=[-1]), "MultiStepLR: milestones must be an integer >= 0, got -1"),
        (lambda o: S.CosineAnnealingLR(o, T_max=0), "CosineAnnealingLR: T_max must be an integer >= 1, got 0"),
        (lambda o: S.LambdaLR(o, [abs, abs]), r"one function or one per parameter group \(1\), got 2"),
        (lambda o: S.LambdaLR(o, 0.5), "LambdaLR: lr_lambda must be a function"),
        (lambda o: S.OneCycleLR(o, max_lr=1.0), "OneCycleLR: give total_steps, or epochs and steps_per_epoch"),
        (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1.5), "pct_start must be a number in"),
        (lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=10), "max_lr must have one value per"),
        (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="cosine"), "anneal_strategy"),
        (lambda o: S.ReduceLROnPlateau(o, factor=1.0), "factor must be a number < 1"),
        (lambda o: S.ReduceLROnPlateau(o, mode="lowest"), "ReduceLROnPlateau: mode must be 'min' or 'max'"),
        (lambda o: S.StepLR(o, step_size=2, last_epoch=-2), "last_epoch must be an integer >= -1"),
    ],
)
def test_bad_arguments_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make(sgd(momentum=0.9))


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="StepLR: parameter group 0 has no 'initial_lr'"):
        S.StepLR(sgd(), step_size=2, last_epoch=4)
    opt = sgd()
    S.StepLR(opt, step_size=2)
    assert S.StepLR(opt, step_size=2, last_epoch=4).last_epoch == 5
