"""The update rules: SGD, Adam, AdamW, RMSprop and Adagrad, as in ``torch.optim``.

The rules are PyTorch's, step for step, so trajectories match it. Updates change ``p.data``
in place (``p.data -= ...``: an optimiser and its model share the parameters); gradients are
read, never modified (a ``.grad`` array may be shared with other tensors). Per-parameter
state (momentum buffers, moment estimates, step counts) is kept as NumPy arrays and Python
numbers in ``optimizer.state[p]``. Parameters whose ``grad`` is ``None`` are skipped.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import no_grad

from .optimizer import Optimizer, setting

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's rule. For each parameter p with gradient g:

        g <- g + weight_decay * p
        b <- g (first step),  else b <- momentum * b + (1 - dampening) * g     (if momentum != 0)
        g <- g + momentum * b (nesterov)  or  g <- b                          (if momentum != 0)
        p <- p - lr * g

    Nesterov needs momentum > 0 and dampening = 0. State: ``momentum_buffer`` (b), when
    momentum != 0.

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
        setting(group, "lr", "SGD", minimum=0)
        setting(group, "momentum", "SGD", minimum=0)
        setting(group, "dampening", "SGD")
        setting(group, "weight_decay", "SGD", minimum=0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: Invalid nesterov: Nesterov momentum requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']!r}, dampening={group['dampening']!r}"
            )

    def _state_keys(self, group):
        return {"momentum_buffer"} if group["momentum"] else set()

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

    With ``amsgrad``, v in the denominator is the running maximum of v. State: ``step`` (t),
    ``exp_avg`` (m), ``exp_avg_sq`` (v) and with amsgrad ``max_exp_avg_sq``.

    >>> import autograd, nn
    >>> w = nn.Parameter([1.0, -1.0])
    >>> opt = nn.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step moves each weight by about lr, against its gradient's sign
    >>> w.data.round(6)
    array([ 0.9, -0.9])
    """

    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _validate(self, group):
        where = type(self).__name__
        setting(group, "lr", where, minimum=0)
        setting(group, "eps", where, minimum=0)
        setting(group, "weight_decay", where, minimum=0)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{where}: Invalid betas: betas must be a pair (beta1, beta2), got {betas!r}")
        pair = {"beta parameter at index 0": betas[0], "beta parameter at index 1": betas[1]}
        for name in pair:
            setting(pair, name, where, minimum=0, maximum=1, rule="a number in [0, 1)")
        group["betas"] = tuple(float(beta) for beta in pair.values())

    def _state_keys(self, group):
        return {"step", "exp_avg", "exp_avg_sq"} | ({"max_exp_avg_sq"} if group["amsgrad"] else set())

    @no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
            for p, g in self._with_grads(group):
                if weight_decay and self.decoupled_weight_decay:
                    p.data *= 1 - lr * weight_decay  # AdamW: decay the weight, not the gradient
                elif weight_decay:
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


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's rule. At step t:

        p <- p - lr * weight_decay * p                  (the decay acts on p, not on g)
        m <- beta1 m + (1 - beta1) g,         v <- beta2 v + (1 - beta2) g^2
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Adam's ``weight_decay`` adds ``weight_decay * p`` to g, which the division by sqrt(v)
    then rescales per weight; AdamW shrinks every weight by the same factor. The default
    ``weight_decay`` is 0.01, as in PyTorch. State as Adam's.

    >>> import nn
    >>> w = nn.Parameter([1.0, -1.0])
    >>> opt = nn.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()  # 1 * (1 - 0.1 * 0.5) - 0.1 = 0.85
    >>> w.data.round(6)
    array([ 0.85, -0.85])
    """

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), PyTorch's rule. For each parameter p with gradient g:

        g <- g + weight_decay * p
        v <- alpha v + (1 - alpha) g^2                          (a running mean of g^2)
        centered:  a <- alpha a + (1 - alpha) g,  d = sqrt(v - a^2) + eps
        otherwise: d = sqrt(v) + eps
        momentum > 0:  b <- momentum * b + g / d,  p <- p - lr * b
        otherwise:     p <- p - lr * g / d

    ``centered`` divides by an estimate of the gradient's standard deviation instead of its
    root mean square. State: ``step``, ``square_avg`` (v), ``momentum_buffer`` (b) when
    momentum > 0 and ``grad_avg`` (a) when centered.

    >>> import nn
    >>> w = nn.Parameter([1.0, -1.0])
    >>> opt = nn.optim.RMSprop([w], lr=0.01, alpha=0.99)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step is lr / sqrt(1 - alpha) = 0.1 against the gradient
    >>> w.data.round(6)
    array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _validate(self, group):
        setting(group, "lr", "RMSprop", minimum=0)
        setting(group, "alpha", "RMSprop", minimum=0)
        setting(group, "eps", "RMSprop", minimum=0)
        setting(group, "weight_decay", "RMSprop", minimum=0)
        setting(group, "momentum", "RMSprop", minimum=0)

    def _state_keys(self, group):
        keys = {"step", "square_avg"}
        keys |= {"momentum_buffer"} if group["momentum"] > 0 else set()
        return keys | ({"grad_avg"} if group["centered"] else set())

    @no_grad()
    def step(self):
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            weight_decay, momentum, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p, g in self._with_grads(group):
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = 0
                    state["square_avg"] = np.zeros_like(p.data)
                    if momentum > 0:
                        state["momentum_buffer"] = np.zeros_like(p.data)
                    if centered:
                        state["grad_avg"] = np.zeros_like(p.data)
                state["step"] += 1
                if weight_decay:
                    g = g + weight_decay * p.data
                v = state["square_avg"]
                v *= alpha
                v += (1 - alpha) * g * g
                if centered:
                    a = state["grad_avg"]
                    a += (1 - alpha) * (g - a)  # PyTorch's lerp form
                    d = np.sqrt(v - a * a) + eps
                else:
                    d = np.sqrt(v) + eps
                if momentum > 0:
                    b = state["momentum_buffer"]
                    b *= momentum
                    b += g / d
                    p.data -= lr * b
                else:
                    p.data -= lr * (g / d)


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer), PyTorch's rule. For each parameter p with gradient g,
    at step t:

        g <- g + weight_decay * p
        s <- s + g^2                                    (s starts at initial_accumulator_value)
        p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)

    Each weight's step shrinks as its squared gradients add up. State: ``step`` (t) and
    ``sum`` (s), created for every parameter when the optimiser is made, as in PyTorch.

    >>> import nn
    >>> w = nn.Parameter([1.0, -1.0])
    >>> opt = nn.optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step is lr * g / |g| = 0.1 against the gradient
    >>> w.data.round(6)
    array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        return self.state.setdefault(p, {"step": 0, "sum": np.full_like(p.data, group["initial_accumulator_value"])})

    def _validate(self, group):
        setting(group, "lr", "Adagrad", minimum=0)
        setting(group, "lr_decay", "Adagrad", minimum=0)
        setting(group, "weight_decay", "Adagrad", minimum=0)
        setting(group, "initial_accumulator_value", "Adagrad", minimum=0)
        setting(group, "eps", "Adagrad", minimum=0)

    def _state_keys(self, group):
        return {"step", "sum"}

    @no_grad()
    def step(self):
        for group in self.param_groups:
            lr, lr_decay, eps, weight_decay = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
            for p, g in self._with_grads(group):
                state = self._init_state(p, group)  # a group added later starts here
                state["step"] += 1
                if weight_decay:
                    g = g + weight_decay * p.data
                clr = lr / (1 + (state["step"] - 1) * lr_decay)
                s = state["sum"]
                s += g * g
                p.data -= clr * (g / (np.sqrt(s) + eps))
