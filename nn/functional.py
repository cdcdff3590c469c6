"""Layers and losses as functions of Tensors (what the modules of ``nn`` call); every function of ``nn`` in one place.

The activation functions live in ``activation_functions.py``; convolution, pooling,
normalisation and embedding in their own files (``conv.py``, ``pooling.py``,
``normalization.py``, ``embedding.py``, on the windows of ``windows.py``) beside their layers.
Their functions are imported here so ``nn.functional`` has them all.

Most are one line of Tensor operations, so their gradients (and second derivatives) come
from the engine. Two are fused :class:`autograd.Function` s, for speed and for the exact
gradient at a kink: :func:`cross_entropy` (log-softmax and pick in one step, backward
``softmax - onehot``; its ops live in ``cross_entropy.py``) and
:func:`binary_cross_entropy_with_logits` (backward ``sigmoid(x) - y``). Their backward rules
are differentiable too, so double backward works.

Inputs may be Tensors, arrays or lists; losses take ``reduction="mean" | "sum" | "none"``.
"""

from __future__ import annotations

import math

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops import Linear
from autograd.program import is_tracing

from . import checks
from . import init as _init
from .activation_functions import (
    Erf,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    prelu,
    relu,
    sigmoid,
    silu,
    softmax,
    softplus,
    step,
    tanh,
)
from .conv import conv1d, conv2d
from .cross_entropy import (
    CrossEntropy,
    class_axis,
    class_target,
    class_weights,
    counted_mask,
    pick_index,
    smoothing_value,
)
from .embedding import embedding
from .normalization import batch_norm, layer_norm
from .pooling import adaptive_avg_pool2d, avg_pool2d, interpolate, max_pool2d
from .windows import fold, unfold

__all__ = [
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "step",
    "Erf",
    "gelu",
    "silu",
    "softplus",
    "hardtanh",
    "linear",
    "dropout",
    "conv1d",
    "conv2d",
    "unfold",
    "fold",
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "interpolate",
    "batch_norm",
    "layer_norm",
    "embedding",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
]


def _target(target, like):
    """A constant (a target, an input array) as a Tensor in ``like``'s float dtype."""
    if isinstance(target, Tensor):
        return target
    array = np.asarray(target)
    if array.dtype.kind in "fiub" and like.dtype.kind == "f":
        array = array.astype(like.dtype, copy=False)
    return Tensor(array)


# --------------------------------------------------------------------------- layers
def linear(x, weight, bias=None):
    """y = x W^T + b, with ``weight`` W of shape (out, in) and ``bias`` b of shape (out,).

    dy/dx = W, dy/dW = x (summed over the batch), dy/db = 1.

    >>> import autograd, nn
    >>> nn.functional.linear(autograd.Tensor([[1.0, 2.0]]), autograd.Tensor([[1.0, 1.0]]), autograd.Tensor([0.5]))
    Tensor([[3.5]])
    """
    weight = checks.tensor(weight)
    x = _target(x, weight)  # an array input takes the layer's dtype, as Tensor operators do
    if weight.ndim != 2:
        raise ValueError(f"linear: the weight must be 2-d (out_features, in_features), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: the input's last axis must have in_features = {weight.shape[1]} values, "
            f"got input shape {x.shape} (weight shape {weight.shape})"
        )
    return Linear.apply(x, weight, bias)


def dropout(x, p=0.5, training=True, generator=None):
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1 / (1 - p).

    f(x) = x * m / (1 - p) with m ~ Bernoulli(1 - p), so E[f(x)] = x and evaluation needs no
    rescaling; with ``training=False`` (or p = 0) f(x) = x. Masks come from ``generator`` or
    the default generator of :mod:`nn.init` (seed it with ``nn.init.manual_seed``).

    >>> import autograd, nn
    >>> out = nn.functional.dropout(autograd.Tensor([1.0] * 1000), p=0.5)
    >>> sorted(set(out.data.tolist()))
    [0.0, 2.0]
    >>> nn.functional.dropout(autograd.Tensor([1.0, 2.0]), p=0.5, training=False)
    Tensor([1., 2.])
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, got p={p!r}")
    x = checks.tensor(x)
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    if is_tracing():
        raise autograd.TraceError(
            "dropout: a random op cannot be part of a traced program (its mask would be frozen at "
            "the traced draw); trace the model in eval() mode, or keep dropout out of the traced function"
        )
    rng = _init.default_generator() if generator is None else generator
    keep = rng.random(x.shape) >= p
    return x * (keep / (1 - p)).astype(x.dtype)


# --------------------------------------------------------------------------- losses
def _reduce(loss, reduction):
    """Per-element losses reduced; every loss checks ``reduction`` on entry (_check_reduction)."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _same_shape(input, target, where):
    if input.shape != target.shape:
        raise ValueError(
            f"{where}: input shape {input.shape} and target shape {target.shape} differ; broadcasting "
            "them would compare every prediction with every target. Reshape one to match "
            "(e.g. target.reshape(input.shape))"
        )


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: l_i = (x_i - y_i)^2, then the mean (or sum) over all elements.

    dl_i/dx_i = 2 (x_i - y_i). (Lecture 2's quadratic loss 1/2 sum (y - y_hat)^2 is
    ``mse_loss(..., reduction="sum") / 2``.)

    >>> import nn
    >>> nn.functional.mse_loss([1.0, 3.0], [0.0, 0.0])
    Tensor(5.)
    """
    checks.reduction(reduction, "mse_loss")
    input = checks.tensor(input)
    target = _target(target, input)
    _same_shape(input, target, "mse_loss")
    return _reduce((input - target) ** 2, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: l_i = |x_i - y_i|;  dl_i/dx_i = sign(x_i - y_i) (0 at a tie).

    >>> import nn
    >>> nn.functional.l1_loss([1.0, -3.0], [0.0, 0.0])
    Tensor(2.)
    """
    checks.reduction(reduction, "l1_loss")
    input = checks.tensor(input)
    target = _target(target, input)
    _same_shape(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction)


_LOG_FLOOR = math.exp(-100.0)  # log(p) is clamped at -100, as in PyTorch: log(max(p, e^-100))


def binary_cross_entropy(input, target, reduction="mean"):
    """Binary cross-entropy of probabilities p: l_i = -(y_i log p_i + (1 - y_i) log(1 - p_i)).

    dl_i/dp_i = (p_i - y_i) / (p_i (1 - p_i)). It is the negative log-likelihood of
    Bernoulli labels (lecture 5's coins).

    NOTE: each log is clamped at -100 as in PyTorch, so p = 0 or 1 gives a finite loss
    (and a zero, not NaN, gradient there). Feeding logits? Use
    :func:`binary_cross_entropy_with_logits`, which is also stable.

    >>> import nn
    >>> nn.functional.binary_cross_entropy([0.5] * 20, [1.0] * 20, reduction="sum")  # 20 log 2
    Tensor(13.86294361)
    """
    checks.reduction(reduction, "binary_cross_entropy")
    input = checks.tensor(input)
    target = _target(target, input)
    _same_shape(input, target, "binary_cross_entropy")
    if input.size and not (input.data.min() >= 0 and input.data.max() <= 1):
        raise ValueError(
            "binary_cross_entropy: every input must be a probability in [0, 1], got values in "
            f"[{input.data.min():.4g}, {input.data.max():.4g}]; for raw scores (logits) use "
            "binary_cross_entropy_with_logits"
        )
    log_p = input.clip(_LOG_FLOOR, None).log()
    log_not_p = (1 - input).clip(_LOG_FLOOR, None).log()
    return _reduce(-(target * log_p + (1 - target) * log_not_p), reduction)


class BCEWithLogits(autograd.Function):
    """l(x, y) = -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) = max(x, 0) - x y + log(1 + e^-|x|).

    dl/dx = sigmoid(x) - y,  dl/dy = -x.

    NOTE: fused for stability and for the exact gradient at x = 0: composed of max and |x|,
    it would pick up their kinks' conventions and give -y instead of 1/2 - y there. Its
    backward reads only the saved x and y, so a traced program replays it.
    """

    pure = True

    @staticmethod
    def compute(x, y):
        """The losses from arrays: what a traced program runs."""
        return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return BCEWithLogits.compute(x.data, y.data)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return ((x.sigmoid() - y) * grad if need_x else None), (-x * grad if need_y else None)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    l_i = max(x_i, 0) - x_i y_i + log(1 + e^-|x_i|);  dl_i/dx_i = sigmoid(x_i) - y_i.
    Logits of +-1000 give finite losses and gradients.

    >>> import nn
    >>> loss = nn.functional.binary_cross_entropy_with_logits([0.0, 1000.0, -1000.0], [1.0, 1.0, 1.0], reduction="none")
    >>> loss.data.round(4).tolist()
    [0.6931, 0.0, 1000.0]
    """
    checks.reduction(reduction, "binary_cross_entropy_with_logits")
    input = checks.tensor(input)
    target = _target(target, input)
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    return _reduce(BCEWithLogits.apply(input, target), reduction)


def cross_entropy(input, target, reduction="mean", ignore_index=-100, weight=None, label_smoothing=0.0):
    """Softmax cross-entropy: l_n = -log(e^(x_n,y_n) / sum_c e^(x_n,c)) = -log_softmax(x_n)_(y_n).

    ``input``: logits of shape (N, C) (or (C,), or (N, C, d1, ...)); ``target``: integer class
    indices of shape (N,) (or (), or (N, d1, ...)). Equals ``nll_loss(log_softmax(input, 1),
    target)``; apply no softmax before it. dl_n/dx_n = softmax(x_n) - onehot(y_n). Samples whose
    target is ``ignore_index`` count for nothing (and not in the mean's N). A float ``target``
    of the input's shape is taken as class probabilities: l_n = -sum_c t_n,c log_softmax(x_n)_c.

    ``weight`` (C,): l_n = -w[y_n] log_softmax(x_n)_(y_n), and the mean divides by
    sum_n w[y_n] (with probability targets: by N). ``label_smoothing`` eps: the target becomes
    (1 - eps) onehot(y_n) + eps / C, as in PyTorch (with weights too).

    >>> import autograd, nn
    >>> scores = autograd.Tensor([[-2.85, 0.86, 0.28]], requires_grad=True)
    >>> loss = nn.functional.cross_entropy(scores, [2])
    >>> round(loss.item(), 2)
    1.04
    >>> loss.backward()
    >>> scores.grad.data.round(3)  # p - onehot(y)
    array([[ 0.015,  0.631, -0.647]])
    >>> round(nn.functional.cross_entropy(scores, [2], label_smoothing=0.1).item(), 3)
    1.125
    """
    checks.reduction(reduction, "cross_entropy")
    smoothing = smoothing_value(label_smoothing, "cross_entropy")
    input = checks.tensor(input)
    raw_target = target.data if isinstance(target, Tensor) else np.asarray(target)
    weight = class_weights(weight, input, "cross_entropy")
    if raw_target.dtype.kind == "f" and raw_target.shape == input.shape and input.ndim >= 1:
        axis = class_axis(input, "cross_entropy")
        probabilities = _target(target, input)
        if smoothing:
            probabilities = probabilities * (1 - smoothing) + smoothing / input.shape[axis]
        if weight is not None:
            probabilities = probabilities * weight.reshape((-1,) + (1,) * (input.ndim - axis - 1))
        per_sample = -(probabilities * input.log_softmax(axis=axis)).sum(axis=axis)
        return _reduce(per_sample, reduction)
    labels, axis = class_target(input, raw_target, "cross_entropy")
    # the target Tensor itself when there is one: a traced program then reads new labels
    labels = target if isinstance(target, Tensor) and target.data is labels else labels
    return CrossEntropy.apply(
        input, labels, axis=axis, reduction=reduction, ignore_index=ignore_index, weight=weight,
        label_smoothing=smoothing,
    )  # fmt: skip


def nll_loss(input, target, reduction="mean", ignore_index=-100, weight=None):
    """Negative log-likelihood of log-probabilities: l_n = -x_n,(y_n) (input from log_softmax).

    ``input`` (N, C) (or (C,), or (N, C, d1, ...)), ``target`` integer class indices (N,)
    (or (), or (N, d1, ...)); dl_n/dx_n,c = -1 if c = y_n else 0. Samples whose target is
    ``ignore_index`` count for nothing (and not in the mean's N).  With class ``weight`` (C,)
    l_n = -w[y_n] x_n,(y_n) and the mean divides by sum_n w[y_n], as in PyTorch.

    >>> import autograd, nn
    >>> log_p = autograd.Tensor([[0.25, 0.75]]).log()
    >>> round(nn.functional.nll_loss(log_p, [1]).item(), 4)  # -log 0.75
    0.2877
    """
    checks.reduction(reduction, "nll_loss")
    input = checks.tensor(input)
    weight = class_weights(weight, input, "nll_loss")
    labels, axis = class_target(input, target, "nll_loss")
    valid = counted_mask(labels, input.shape[axis], ignore_index, "nll_loss", input.shape)
    if valid is None and weight is None:
        return _reduce(-input[pick_index(labels, axis)], reduction)
    valid = np.ones(labels.shape, dtype=bool) if valid is None else valid
    safe = np.where(valid, labels, 0)
    counted = valid.astype(input.dtype) if weight is None else weight[safe] * valid
    losses = -input[pick_index(safe, axis)] * counted
    if reduction == "mean":
        total = float(counted.sum())
        return losses.sum() * (1.0 / (total if total else 1.0))
    return _reduce(losses, reduction)
