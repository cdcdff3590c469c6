"""Gradient clipping and flat views of parameters, as in ``torch.nn.utils``.

``clip_grad_norm_`` and ``clip_grad_value_`` run between ``backward()`` and
``optimizer.step()``; they replace each ``p.grad`` with a new Tensor (never scale the array
in place: one gradient array may be shared by several tensors).
``parameters_to_vector``/``vector_to_parameters`` turn a model's parameters into one flat
vector and back.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Tensor, concatenate
from autograd.function import note_write

from . import checks

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _as_list(parameters, where):
    if isinstance(parameters, Tensor):
        return [parameters]
    params = list(parameters)
    for index, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: parameter {index} must be a Tensor, got {type(p).__name__}")
    return params


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    r"""Scale the gradients so that their joint norm is at most ``max_norm``; return that norm
    before clipping, as a 0-d Tensor.

        total = ||(||g_1||_p, ..., ||g_n||_p)||_p      (= max |g| over all gradients for p = inf)
        g_i <- g_i * min(1, max_norm / (total + 1e-6))

    The norm is taken over all gradients together, as if they were one vector. ``norm_type``
    is any p > 0 or ``math.inf``. Parameters without a gradient are ignored. With
    ``error_if_nonfinite`` a NaN or infinite total raises ``RuntimeError`` (else the
    gradients become NaN, as in PyTorch).

    >>> import nn
    >>> w = nn.Parameter([0.0, 0.0])
    >>> (w * Tensor([3.0, 4.0])).sum().backward()  # gradient (3, 4), norm 5
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> w.grad.data.round(6)
    array([0.6, 0.8])
    """
    where = "clip_grad_norm_"
    max_norm = checks.number(max_norm, "max_norm", where)
    norm_type = checks.number(norm_type, "norm_type", where)
    if not norm_type > 0:
        raise ValueError(f"{where}: norm_type must be a number > 0 or math.inf, got {norm_type!r}")
    params = [p for p in _as_list(parameters, where) if p.grad is not None]
    if not params:
        return Tensor(0.0)
    grads = [np.asarray(p.grad.data) for p in params]
    if norm_type == math.inf:
        norms = [np.abs(g).max(initial=0.0) for g in grads]
        total = max(norms)
    else:
        norms = [np.sum(np.abs(g) ** norm_type) ** (1.0 / norm_type) for g in grads]
        total = np.sum(np.array(norms) ** norm_type) ** (1.0 / norm_type)
    total = np.asarray(total, dtype=np.result_type(*grads))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"{where}: the total norm of order {norm_type} of the gradients is {float(total)}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    scale = min(max_norm / (float(total) + 1e-6), 1.0) if np.isfinite(total) else max_norm / (float(total) + 1e-6)
    with np.errstate(invalid="ignore"):  # inf * 0 when the norm is infinite: NaN, as in PyTorch
        for p, g in zip(params, grads):
            p.grad = Tensor((g * scale).astype(g.dtype, copy=False))
    return Tensor(total)


def clip_grad_value_(parameters, clip_value):
    r"""Clip every gradient element into ``[-clip_value, clip_value]``: g <- min(max(g, -c), c).

    >>> import nn
    >>> w = nn.Parameter([0.0, 0.0])
    >>> (w * Tensor([3.0, -0.5])).sum().backward()
    >>> nn.utils.clip_grad_value_([w], 1.0)
    >>> w.grad
    Tensor([ 1. , -0.5])
    """
    clip_value = checks.number(clip_value, "clip_value", "clip_grad_value_", minimum=0)
    for p in _as_list(parameters, "clip_grad_value_"):
        if p.grad is not None:
            p.grad = Tensor(np.clip(p.grad.data, -clip_value, clip_value))


def parameters_to_vector(parameters):
    r"""All parameters flattened and joined into one vector: ``concatenate([p.reshape(-1), ...])``.

    The vector is part of the graph: a loss computed from it sends gradients to the parameters.

    >>> import nn
    >>> layer = nn.Linear(2, 3)
    >>> nn.utils.parameters_to_vector(layer.parameters()).shape
    (9,)
    """
    params = _as_list(parameters, "parameters_to_vector")
    if not params:
        raise ValueError("parameters_to_vector: parameters must hold at least one Tensor, got none")
    return concatenate([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    r"""Copy consecutive slices of the vector ``vec`` into the parameters, in order (the inverse
    of ``parameters_to_vector``); values are written into each ``p.data`` in place and cast
    to its dtype. ``vec`` must have exactly as many elements as the parameters together.

    >>> import nn
    >>> layer = nn.Linear(2, 1)
    >>> nn.utils.vector_to_parameters(Tensor([1.0, 2.0, 3.0]), layer.parameters())
    >>> layer.weight.data, layer.bias.data
    (array([[1., 2.]]), array([3.]))
    """
    where = "vector_to_parameters"
    values = np.asarray(vec.data if isinstance(vec, Tensor) else vec)
    if values.ndim != 1:
        raise ValueError(f"{where}: vec must be a 1-d vector, got shape {values.shape}")
    params = _as_list(parameters, where)
    needed = sum(p.size for p in params)
    if values.size != needed:
        raise ValueError(f"{where}: vec has {values.size} elements but the parameters hold {needed}")
    start = 0
    for p in params:
        note_write(p)  # a graph that saved the old values refuses to backward through them
        p.data[...] = values[start : start + p.size].reshape(p.shape)  # in place: optimisers keep the arrays
        start += p.size
