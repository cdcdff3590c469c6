"""Learning-rate schedules, as in ``torch.optim.lr_scheduler``: each sets ``group["lr"]`` of its
optimiser's parameter groups, one ``step()`` per epoch (or per batch for ``OneCycleLR``).

Call ``scheduler.step()`` after ``optimizer.step()``. A scheduler counts its steps in
``last_epoch``: making it is step 0 (the learning rates at step 0 are set then), and the n-th
``step()`` sets the rates of step n. The first scheduler on an optimiser records each
group's starting rate as ``group["initial_lr"]`` and in ``base_lrs``.

Like PyTorch, ``StepLR``, ``MultiStepLR``, ``ExponentialLR`` and ``CosineAnnealingLR`` change
the current ``group["lr"]`` by a factor each step (the *chainable* form: two schedulers on
one optimiser compose); the closed form each docstring gives is what that comes to when the
scheduler is the only one changing the rate. ``state_dict()`` holds plain data (numbers,
lists, strings), so ``nn.save`` can store it beside the optimiser's.

>>> import nn
>>> w = nn.Parameter([1.0])
>>> opt = nn.optim.SGD([w], lr=1.0)
>>> schedule = nn.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 4], gamma=0.1)
>>> rates = []
>>> for epoch in range(6):
...     rates.append(schedule.get_last_lr()[0])
...     opt.step()
...     schedule.step()
>>> [round(rate, 6) for rate in rates]
[1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
"""

from __future__ import annotations

import copy
import math
import types
from collections import Counter
from collections.abc import Mapping

import numpy as np

from .. import checks
from .optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LambdaLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
]


def _check_optimizer(scheduler, optimizer):
    if not isinstance(optimizer, Optimizer):
        kind = type(optimizer)
        raise TypeError(
            f"{type(scheduler).__name__}: optimizer must be an nn.optim optimiser (an nn.optim.Optimizer such as "
            f"nn.optim.SGD), got {kind.__module__}.{kind.__qualname__}"
        )


def _per_group(value, name, optimizer, where):
    """A setting given once or once per parameter group, as a list with one entry per group."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{where}: {name} must have one value per parameter group ({groups}), got {value!r}")
        return [checks.number(v, name, where) for v in value]
    return [checks.number(value, name, where)] * groups


class LRScheduler:
    """Base class: keeps ``base_lrs`` and ``last_epoch``; a subclass computes ``get_lr()``.

    ``optimizer`` must be one of nn.optim's optimisers. ``last_epoch=-1`` starts a new
    schedule; any other value resumes one (the groups must then hold ``"initial_lr"``, as
    after loading an optimiser's state dict).
    """

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(self, optimizer)
        self.optimizer = optimizer
        name = type(self).__name__
        last_epoch = checks.integer(last_epoch, "last_epoch", name, minimum=-1)
        for index, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{name}: parameter group {index} has no 'initial_lr', needed to resume at "
                    f"last_epoch={last_epoch}: load the optimiser's state dict first, or start with last_epoch=-1"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True  # the step made here sets the rates of step 0
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The learning rates of step ``last_epoch``, one per group (subclasses define it)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_lr()")

    def step(self):
        """Advance one step (``last_epoch += 1``) and set each group's ``lr`` to its new rate."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates the last ``step()`` (or the scheduler's creation) set, one per group."""
        return list(self._last_lr)

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """Everything the schedule needs to resume, as plain data (the optimiser is not in it).

        >>> import nn
        >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=0.1)
        >>> nn.optim.lr_scheduler.StepLR(opt, step_size=3).state_dict()["last_epoch"]
        0
        """
        return {key: _plain(value) for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()`` of a scheduler of the same kind on an optimiser with as many
        groups; anything else raises ``ValueError`` naming the difference."""
        name = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{name}.load_state_dict: expected a mapping (from state_dict()), got {type(state_dict).__name__}"
            )
        own = set(vars(self)) - {"optimizer"}
        if set(state_dict) != own:
            extra, missing = sorted(set(state_dict) - own), sorted(own - set(state_dict))
            raise ValueError(
                f"{name}.load_state_dict: the state does not fit a {name} (unexpected {extra}, missing {missing}): "
                "was it saved from another scheduler?"
            )
        groups = len(self.optimizer.param_groups)
        if "base_lrs" in state_dict and len(state_dict["base_lrs"]) != groups:
            raise ValueError(
                f"{name}.load_state_dict: the state is for {len(state_dict['base_lrs'])} parameter group(s), "
                f"the optimiser has {groups}"
            )
        for key, value in state_dict.items():
            if isinstance(value, (np.ndarray, np.generic)):  # a flat dict saved as a state dict of arrays
                value = value.tolist()
            setattr(self, key, list(value) if isinstance(value, (list, tuple)) else value)


def _plain(value):
    """A copy of an attribute as plain data (a later step does not change a state dict taken)."""
    if isinstance(value, Counter):
        return dict(value)
    return copy.deepcopy(list(value) if isinstance(value, tuple) else value)


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

        lr_t = lr_{t-1} * gamma  if t > 0 and t % step_size == 0,  else lr_{t-1}
        (closed form: lr_t = base_lr * gamma^floor(t / step_size))

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=1.0)
    >>> schedule = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> for _ in range(4):
    ...     opt.step()
    ...     schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_optimizer(self, optimizer)
        self.step_size = checks.integer(step_size, "step_size", "StepLR")
        self.gamma = checks.number(gamma, "gamma", "StepLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class MultiStepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` at each step listed in ``milestones``.

        lr_t = lr_{t-1} * gamma^(times t appears in milestones)
        (closed form: lr_t = base_lr * gamma^(number of milestones <= t))

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=1.0)
    >>> schedule = nn.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> for _ in range(3):
    ...     opt.step()
    ...     schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        _check_optimizer(self, optimizer)
        self.milestones = Counter(checks.integer(m, "milestones", "MultiStepLR", minimum=0) for m in milestones)
        self.gamma = checks.number(gamma, "gamma", "MultiStepLR")
        super().__init__(optimizer, last_epoch)

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.milestones = Counter({int(step): int(times) for step, times in dict(self.milestones).items()})

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._current_lrs()]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every step.

        lr_t = lr_{t-1} * gamma        (closed form: lr_t = base_lr * gamma^t)

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=1.0)
    >>> schedule = nn.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); schedule.step(); opt.step(); schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_optimizer(self, optimizer)
        self.gamma = checks.number(gamma, "gamma", "ExponentialLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the learning rate from ``base_lr`` to ``eta_min`` along half a cosine over ``T_max`` steps.

        closed form: lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi t / T_max)) / 2

    computed, as in PyTorch, step by step from the current rate:
    ``lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) / T_max))``
    (and at the steps where that divides by zero, t - 1 - T_max a multiple of 2 T_max, by adding
    ``(base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``). Past ``T_max`` the rate rises again
    along the cosine; there are no restarts.

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=1.0)
    >>> schedule = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    >>> rates = []
    >>> for _ in range(4):
    ...     opt.step()
    ...     schedule.step()
    ...     rates.append(round(schedule.get_last_lr()[0], 6))
    >>> rates
    [0.853553, 0.5, 0.146447, 0.0]
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):  # noqa: N803 (PyTorch's name)
        _check_optimizer(self, optimizer)
        self.T_max = checks.integer(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = checks.number(eta_min, "eta_min", "CosineAnnealingLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min  # noqa: N806
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:
            return [eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, lr in zip(self.base_lrs, self._current_lrs())
            ]
        return [
            (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - eta_min) + eta_min
            for lr in self._current_lrs()
        ]


class LambdaLR(LRScheduler):
    r"""Set the learning rate to ``base_lr * lr_lambda(t)``: ``lr_lambda`` is a function of the step
    (one for all groups, or a list with one per group).

        lr_t = base_lr * lr_lambda(t)

    ``state_dict()`` cannot hold the functions: it stores ``None`` for a plain function, and
    the attributes (``__dict__``) of a callable object, which ``load_state_dict`` restores.

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=0.1)
    >>> warmup = nn.optim.lr_scheduler.LambdaLR(opt, lambda t: min(1.0, (t + 1) / 4))
    >>> warmup.get_last_lr()
    [0.025]
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(self, optimizer)
        groups = len(optimizer.param_groups)
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(lambdas) != groups:
            raise ValueError(
                f"LambdaLR: lr_lambda must be one function or one per parameter group ({groups}), got {len(lambdas)}"
            )
        for fn in lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the step, got {fn!r}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def state_dict(self):
        state = super().state_dict()
        state["lr_lambdas"] = [None if _is_function(fn) else dict(vars(fn)) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        fns = self.lr_lambdas
        super().load_state_dict(state_dict)
        saved, self.lr_lambdas = self.lr_lambdas, fns
        for fn, attributes in zip(fns, saved):
            if attributes is not None:
                vars(fn).update(attributes)

    def get_lr(self):
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


def _is_function(fn):
    # a callable object's attributes are its state; a function's are not worth keeping
    return isinstance(fn, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)) or not hasattr(
        fn, "__dict__"
    )


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith & Topin): one step per batch, ``total_steps`` in all (or
    ``epochs * steps_per_epoch``). The rate rises from ``max_lr / div_factor`` to ``max_lr`` over
    the first ``pct_start`` of the steps, then falls to ``max_lr / (div_factor * final_div_factor)``;
    with ``cycle_momentum`` the momentum (SGD, RMSprop) or beta1 (Adam, AdamW) moves the other
    way, between ``max_momentum`` and ``base_momentum``. Each phase anneals from a start
    value a to an end value b, with pct the fraction of the phase done:

        cos:    a' = b + (a - b) * (1 + cos(pi * pct)) / 2
        linear: a' = a + (b - a) * pct

    Phases end at steps ``pct_start * total_steps - 1`` and ``total_steps - 1`` (with
    ``three_phase``: up, back down to the starting rate by ``2 * pct_start * total_steps - 2``,
    then down to the minimum). Stepping past ``total_steps`` raises ``ValueError``.

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=0.1, momentum=0.9)
    >>> schedule = nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(schedule.get_last_lr()[0], 6), opt.param_groups[0]["momentum"]  # max_lr / 25 at step 0
    (0.04, 0.95)
    """

    def __init__(
        self,
        optimizer,
        max_lr,
        total_steps=None,
        epochs=None,
        steps_per_epoch=None,
        pct_start=0.3,
        anneal_strategy="cos",
        cycle_momentum=True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
        last_epoch=-1,
    ):
        _check_optimizer(self, optimizer)
        where = "OneCycleLR"
        if total_steps is not None:
            self.total_steps = checks.integer(total_steps, "total_steps", where)
        elif epochs is not None and steps_per_epoch is not None:
            epochs = checks.integer(epochs, "epochs", where)
            self.total_steps = epochs * checks.integer(steps_per_epoch, "steps_per_epoch", where)
        else:
            raise ValueError(f"{where}: give total_steps, or epochs and steps_per_epoch, got neither")
        pct_start = checks.number(pct_start, "pct_start", where, minimum=0)
        if pct_start > 1:
            raise ValueError(f"{where}: pct_start must be a number in [0, 1], got {pct_start!r}")
        self._anneal_func_type = checks.one_of(anneal_strategy, ("cos", "linear"), "anneal_strategy", where)
        up = float(pct_start * self.total_steps) - 1
        if three_phase:  # (last step, rate from, rate to, momentum from, momentum to) per phase
            phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        keys = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")
        self._schedule_phases = [dict(zip(keys, phase)) for phase in phases]
        max_lrs = _per_group(max_lr, "max_lr", optimizer, where)
        div_factor = checks.number(div_factor, "div_factor", where)
        final_div_factor = checks.number(final_div_factor, "final_div_factor", where)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"{where}: cycle_momentum=True needs an optimiser with momentum or betas (SGD, Adam, AdamW, "
                    f"RMSprop), got {type(optimizer).__name__}; pass cycle_momentum=False"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            tops = _per_group(max_momentum, "max_momentum", optimizer, where)
            bottoms = _per_group(base_momentum, "base_momentum", optimizer, where)
            if last_epoch == -1:
                for group, top, bottom in zip(optimizer.param_groups, tops, bottoms):
                    self._set_momentum(group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR: stepped {t} times, but total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if t <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (t - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        self._set_momentum(group, momentum)
                    break
                start_step = end_step
        return lrs


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply the learning rate by ``factor`` when a metric has stopped improving.

    ``step(metric)`` once per epoch with the validation loss (``mode="min"``) or accuracy
    (``mode="max"``). A value is better than the best so far when, for ``mode="min"``,

        rel: value < best * (1 - threshold)          abs: value < best - threshold

    (for ``"max"``, above ``best * (1 + threshold)`` or ``best + threshold``). After more than
    ``patience`` epochs in a row without improvement, every group's rate becomes
    ``max(lr * factor, min_lr)`` (unless that changes it by no more than ``eps``), and
    ``cooldown`` epochs follow in which bad epochs are not counted.

    >>> import nn
    >>> opt = nn.optim.SGD([nn.Parameter([1.0])], lr=1.0)
    >>> plateau = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for loss in [1.0, 0.9, 0.9, 0.9, 0.9]:
    ...     plateau.step(loss)
    >>> plateau.get_last_lr()
    [0.5]
    """

    def __init__(
        self,
        optimizer,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0,
        eps=1e-8,
    ):
        _check_optimizer(self, optimizer)
        where = "ReduceLROnPlateau"
        self.factor = checks.number(factor, "factor", where, minimum=0)
        if self.factor >= 1.0:
            raise ValueError(f"{where}: factor must be a number < 1 (it multiplies the rate), got {factor!r}")
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr = None
            self.min_lrs = _per_group(min_lr, "min_lr", optimizer, where)
        else:
            self.default_min_lr = checks.number(min_lr, "min_lr", where, minimum=0)
            self.min_lrs = [self.default_min_lr] * len(optimizer.param_groups)
        self.patience = checks.integer(patience, "patience", where, minimum=0)
        self.cooldown = checks.integer(cooldown, "cooldown", where, minimum=0)
        self.eps = checks.number(eps, "eps", where, minimum=0)
        self.mode = checks.one_of(mode, ("min", "max"), "mode", where)
        self.threshold = checks.number(threshold, "threshold", where)
        self.threshold_mode = checks.one_of(threshold_mode, ("rel", "abs"), "threshold_mode", where)
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics):
        """Record one epoch's metric (a number, or a one-element Tensor or array) and reduce
        the rates if it has not improved for more than ``patience`` epochs."""
        current = float(np.asarray(getattr(metrics, "data", metrics)).item())
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self):
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimiser now has {len(self.optimizer.param_groups)} parameter groups "
                    f"but min_lr was given for {len(self.min_lrs)}: set min_lrs to one value per group"
                )
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def _is_better(self, value, best):
        if self.mode == "min":
            return (
                value < best * (1.0 - self.threshold) if self.threshold_mode == "rel" else value < best - self.threshold
            )
        return value > best * (1.0 + self.threshold) if self.threshold_mode == "rel" else value > best + self.threshold
