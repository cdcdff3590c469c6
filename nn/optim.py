"""Optimisers: SGD (with momentum, dampening, Nesterov, weight decay) and Adam, as in ``torch.optim``.

The update rules are PyTorch's, step for step, so trajectories match it. Updates change
``p.data`` in place (an optimiser and its model share the parameters); gradients are read,
never modified (a ``.grad`` array may be shared with other tensors). Per-parameter state
(momentum buffers, moment estimates) is kept as NumPy arrays in ``optimizer.state[p]``.
Parameters whose ``grad`` is ``None`` are skipped.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Tensor, no_grad
from autograd.function import note_write

__all__ = ["Optimizer", "SGD", "Adam"]


def _check(name, value, ok, rule):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok(value):
        raise ValueError(f"Invalid {name}: {value!r} ({name} must be {rule})")


class Optimizer:
    """Base class: holds parameter groups and per-parameter state; subclasses write ``step``.

    ``params`` is an iterable of Tensors that require grad (``model.parameters()``) or of
    dicts ``{"params": [...], "lr": ...}`` (parameter groups with their own settings;
    missing settings come from ``defaults``).

    >>> import nn
    >>> model = nn.Linear(2, 1)
    >>> opt = nn.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.01]
    """

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors (e.g. model.parameters()), not a single Tensor")
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list: did the model register its Parameters?")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a dict ``{"params": [...], setting: value, ...}``; unset settings take the defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError("a parameter group is a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for index, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer: parameter {index} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:
                raise ValueError(f"optimizer: parameter {index} (shape {p.shape}) is not a leaf; optimise leaves only")
            if id(p) in seen:
                raise ValueError(f"optimizer: parameter {index} (shape {p.shape}) appears in more than one group")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {sorted(unknown)} in a parameter group")
        full = {**self.defaults, **group, "params": params}
        self._validate(full)
        self.param_groups.append(full)

    def _validate(self, group):
        """Raise ValueError naming any invalid setting of ``group``."""

    def zero_grad(self):
        """Clear every parameter's gradient (``p.grad = None``), before the next backward."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self):
        """Update every parameter that has a gradient (subclasses define the rule)."""
        raise NotImplementedError(f"{type(self).__name__} must define step()")

    def _with_grads(self, group):
        for p in group["params"]:
            if p.grad is not None:
                note_write(p)  # the step writes p.data in place: stale graphs must not use it
                yield p, np.asarray(p.grad.data, dtype=p.data.dtype)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {value}" for key, value in sorted(group.items()) if key != "params")
        return "\n".join(lines + [")"])


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's rule. For each parameter p with gradient g:

        g <- g + weight_decay * p
        b <- g (first step),  else b <- momentum * b + (1 - dampening) * g     (if momentum != 0)
        g <- g + momentum * b (nesterov)  or  g <- b                          (if momentum != 0)
        p <- p - lr * g

    Nesterov needs momentum > 0 and dampening = 0.

    >>> import autograd, nn
    >>> w = nn.Parameter([1.0, 2.0])
    >>> opt = nn.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()  # gradient 2w
    >>> opt.step()
    >>> w
    Parameter containing:
    Tensor([0.8, 1.6], requires_grad=True)
    """

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _validate(self, group):
        _check("lr", group["lr"], lambda v: v >= 0, ">= 0")
        _check("momentum", group["momentum"], lambda v: v >= 0, ">= 0")
        _check("dampening", group["dampening"], lambda v: True, "a number")
        _check("weight_decay", group["weight_decay"], lambda v: v >= 0, ">= 0")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"Invalid nesterov: Nesterov momentum requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )

    @no_grad()
    def step(self):
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for p, g in self._with_grads(group):
                if weight_decay:
                    g = g + weight_decay * p.data  # a new array: p.grad stays untouched
                if momentum:
                    state = self.state.setdefault(p, {})
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = state["momentum_buffer"] = g.copy()
                    else:
                        buffer *= momentum
                        buffer += (1 - dampening) * g
                    g = g + momentum * buffer if nesterov else buffer
                p.data -= lr * g


class Adam(Optimizer):
    r"""Adam (Kingma & Ba), PyTorch's rule. For each parameter p with gradient g, at step t:

        g <- g + weight_decay * p
        m <- beta1 m + (1 - beta1) g,         v <- beta2 v + (1 - beta2) g^2
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With ``amsgrad``, v in the denominator is the running maximum of v.

    >>> import autograd, nn
    >>> w = nn.Parameter([1.0, -1.0])
    >>> opt = nn.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step moves each weight by about lr, against its gradient's sign
    >>> w.data.round(6)
    array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _validate(self, group):
        _check("lr", group["lr"], lambda v: v >= 0, ">= 0")
        _check("eps", group["eps"], lambda v: v >= 0, ">= 0")
        _check("weight_decay", group["weight_decay"], lambda v: v >= 0, ">= 0")
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Invalid betas: {betas!r} (betas must be a pair (beta1, beta2))")
        _check("beta parameter at index 0", betas[0], lambda v: 0 <= v < 1, "in [0, 1)")
        _check("beta parameter at index 1", betas[1], lambda v: 0 <= v < 1, "in [0, 1)")

    @no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
            for p, g in self._with_grads(group):
                if weight_decay:
                    g = g + weight_decay * p.data
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = np.zeros_like(p.data)
                    state["exp_avg_sq"] = np.zeros_like(p.data)
                    if amsgrad:
                        state["max_exp_avg_sq"] = np.zeros_like(p.data)
                state["step"] += 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m += (1 - beta1) * (g - m)  # = beta1 m + (1 - beta1) g, PyTorch's lerp form
                v *= beta2
                v += (1 - beta2) * g * g
                if amsgrad:
                    np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
                    v = state["max_exp_avg_sq"]
                denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
                p.data -= (lr / (1 - beta1**t)) * m / denom
