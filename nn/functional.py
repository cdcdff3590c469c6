"""Layers and losses as functions of Tensors (what the modules of ``nn`` call); every function of ``nn`` in one place.

The activation functions live in ``activation_functions.py``; convolution, pooling,
normalisation and embedding in their own files (``conv.py``, ``pooling.py``,
``normalization.py``, ``embedding.py``, on the windows of ``windows.py``) beside their layers.
Their functions are imported here so ``nn.functional`` has them all.

Most are one line of Tensor operations, so their gradients (and second derivatives) come
from the engine. Two are fused :class:`autograd.Function` s, for speed and for the exact
gradient at a kink: :func:`cross_entropy` (log-softmax and pick in one step, backward
``softmax - onehot``) and :func:`binary_cross_entropy_with_logits` (backward
``sigmoid(x) - y``). Their backward rules are Tensor operations too, so double backward works.

Inputs may be Tensors, arrays or lists; losses take ``reduction="mean" | "sum" | "none"``.
"""

from __future__ import annotations

import math

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops import Linear
from autograd.ops.arraylike import softmax as _softmax
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


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


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
    weight = _tensor(weight)
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
    x = _tensor(x)
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
    input = _tensor(input)
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
    input = _tensor(input)
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
    input = _tensor(input)
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
    input = _tensor(input)
    target = _target(target, input)
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    return _reduce(BCEWithLogits.apply(input, target), reduction)


def _class_axis(input, where):
    if input.ndim == 0:
        raise ValueError(f"{where}: the input needs a class axis, got a 0-d tensor")
    return 1 if input.ndim >= 2 else 0


def _class_target(input, target, where):
    """Check integer class targets against ``input`` (N, C, ...) or (C,): dtype and shape.

    Returns the labels as an int array and the class axis. Their values are checked where
    they are used (:func:`_counted`), so a traced program checks new labels too.
    """
    axis = _class_axis(input, where)
    classes = input.shape[axis]
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    expected = input.shape[:axis] + input.shape[axis + 1 :]
    if labels.dtype.kind not in "iu":
        hint = ""
        if labels.dtype.kind == "f" and labels.shape == expected:
            hint = " (they look like labels stored as floats: use target.astype(np.int64))"
        raise TypeError(f"{where}: the target must hold integer class indices, got dtype {labels.dtype}{hint}")
    if labels.shape != expected:
        raise ValueError(
            f"{where}: input of shape {input.shape} ({classes} classes on axis {axis}) needs a target of "
            f"shape {expected}, one class index per sample, got target shape {labels.shape}"
        )
    return labels, axis


def _counted(labels, classes, ignore_index, where, shape):
    """The mask of samples that count (``None`` when every one does: no label equals
    ``ignore_index``), after checking every other label is a class."""
    if labels.size == 0:
        return None
    # Two reductions settle the usual case (every label a class, none ignored) without a mask.
    low, high = np.minimum.reduce(labels, axis=None), np.maximum.reduce(labels, axis=None)
    if 0 <= low and high < classes and not low <= ignore_index <= high:
        return None
    valid = labels != ignore_index
    bad = valid & ((labels < 0) | (labels >= classes))
    if bad.any():
        raise IndexError(
            f"{where}: target value {labels[bad].flat[0]} is out of range: with {classes} classes "
            f"(input shape {shape}) a target must be in [0, {classes - 1}]"
        )
    return None if valid.all() else valid


def _pick_index(labels, axis):
    """Integer-array index that takes, for each sample, its label's entry along the class axis."""
    if axis == 0:
        return (labels,)
    if labels.ndim == 1:  # (N, C) logits: rows 0..N-1, column y_n
        return (np.arange(labels.shape[0]), labels)
    grids = np.indices(labels.shape, sparse=True)
    return (grids[0], labels) + tuple(grids[1:])


def _class_weights(weight, input, where):
    """The class ``weight`` (C,) as an array in the input's dtype (a constant: no gradient), or None."""
    if weight is None:
        return None
    array = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=input.dtype)
    classes = input.shape[_class_axis(input, where)]
    if array.shape != (classes,):
        raise ValueError(
            f"{where}: weight must hold one number per class, shape ({classes},) for input shape {input.shape}, "
            f"got shape {array.shape}"
        )
    return array


def _smoothing(label_smoothing, where):
    value = checks.number(label_smoothing, "label_smoothing", where, minimum=0)
    if value > 1:
        raise ValueError(f"{where}: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    return value


def _expand(values, axis):
    """Per-sample values (N, d1, ...) with a length-1 class axis inserted at ``axis``."""
    return values.reshape(values.shape[:axis] + (1,) + values.shape[axis:])  # cheaper than np.expand_dims


def _coefficients(labels, shape, axis, weight, ignore_index, smoothing, dtype):
    """The a[n, c] of l_n = sum_c a[n, c] (logsumexp(x_n) - x[n, c]), and the mean's divisor.

    a[n, c] = (1 - eps) w[y_n] 1(c = y_n) + (eps / C) w[c] for a counted sample, 0 for an
    ignored one (label ``ignore_index``); w = 1 without class weights. The divisor is
    sum_n w[y_n] over the counted samples (their number without weights), as in PyTorch.
    Computed from the labels alone, in forward and again in backward.
    """
    valid = labels != ignore_index
    if weight is None and not smoothing:  # the plain loss: a = onehot(y), a bool array, N counted samples
        if valid.all():
            return _onehot(labels, shape, axis), float(max(labels.size, 1))
        return _onehot(np.where(valid, labels, 0), shape, axis) & _expand(valid, axis), float(max(valid.sum(), 1))
    safe = np.where(valid, labels, 0)
    counted = valid.astype(dtype) if weight is None else weight[safe] * valid
    coefficients = _onehot(safe, shape, axis) * _expand(counted * (1 - smoothing), axis)
    if smoothing:
        per_class = np.ones(shape[axis], dtype=dtype) if weight is None else weight
        per_class = per_class.reshape((-1,) + (1,) * (len(shape) - axis - 1))
        coefficients = coefficients + _expand(valid, axis) * per_class * (smoothing / shape[axis])
    divisor = float(counted.sum())
    return coefficients, (divisor if divisor else 1.0)


class ClassCoefficients(autograd.Function):
    """The a[n, c] of :class:`CrossEntropy`, divided by the mean's divisor when ``reduction`` is
    ``"mean"``, as an array of the logits' ``dtype`` shaped like them. A function of the labels
    alone, so it is not differentiable (labels are integers); an op of its own so that a traced
    program computes it from the labels it is given (see :mod:`autograd.program`)."""

    pure = True

    @staticmethod
    def compute(labels, shape, axis, reduction, ignore_index, weight, smoothing, dtype):
        coefficients, divisor = _coefficients(labels, shape, axis, weight, ignore_index, smoothing, dtype)
        coefficients = coefficients.astype(dtype, copy=False)
        return coefficients / divisor if reduction == "mean" else coefficients

    @staticmethod
    def forward(ctx, labels, **options):
        return ClassCoefficients.compute(np.asarray(labels.data), **options)

    @staticmethod
    def backward(ctx, grad):
        return None


def _cross_entropy(x, labels, axis, reduction, ignore_index, weight, smoothing, keep_softmax=False):
    """The loss on arrays (after checking the labels' values), the softmax when asked, and
    whether the loss is the plain one (no class weights, no smoothing, every sample counted)."""
    valid = _counted(labels, x.shape[axis], ignore_index, "cross_entropy", x.shape)
    plain = weight is None and not smoothing and valid is None
    shifted = x - np.maximum.reduce(x, axis=axis, keepdims=True)
    exp = np.exp(shifted)
    total = np.add.reduce(exp, axis=axis, keepdims=True)
    log_total = np.log(total)
    if plain:  # pick each sample's logit: no coefficient matrix
        losses = log_total.squeeze(axis) - shifted[_pick_index(labels, axis)]
        divisor = float(max(labels.size, 1))
    else:
        coefficients, divisor = _coefficients(labels, x.shape, axis, weight, ignore_index, smoothing, x.dtype)
        losses = np.add.reduce(coefficients * (log_total - shifted), axis=axis)
    if reduction != "none":
        losses = np.add.reduce(losses, axis=None)
        if reduction == "mean":
            losses = losses / divisor
    if keep_softmax:
        exp /= total  # now the softmax
        return losses, exp, plain
    return losses, None, plain


class CrossEntropy(autograd.Function):
    """L = reduce over samples of l_n = sum_c a[n, c] (logsumexp(x_n) - x[n, c]), from logits x and labels y.

    With a[n, c] = onehot(y_n) (no class weights, no label smoothing) l_n = -log softmax(x_n)_(y_n);
    class weights w and label smoothing eps give a[n, c] = (1 - eps) w[y_n] 1(c = y_n) + (eps / C) w[c].
    dl_n/dx_n = (sum_c a[n, c]) softmax(x_n) - a[n, :], the lecture's ``dscores = p - onehot(y)``;
    the mean divides by sum_n w[y_n] (the number of counted samples without weights).

    NOTE: fused for speed (one log-softmax, no index scatter in backward). The backward rule
    uses operations arrays and Tensors share (``backward_on_arrays``) and computes the
    coefficients again from the saved labels (:class:`ClassCoefficients`); on arrays it reuses
    the softmax forward computed, on Tensors (create_graph, a trace) it computes the softmax
    again from the saved logits, so it is a function of them and a traced program replays it.
    """

    backward_on_arrays = True
    pure = True

    @staticmethod
    def compute(logits, labels, axis, reduction, ignore_index=-100, weight=None, label_smoothing=0.0):
        """The loss from arrays: what a traced program runs."""
        return _cross_entropy(logits, labels, axis, reduction, ignore_index, weight, label_smoothing)[0]

    @staticmethod
    def forward(ctx, logits, labels, axis, reduction, ignore_index=-100, weight=None, label_smoothing=0.0):
        labels_data = labels.data if isinstance(labels, Tensor) else labels
        needed = ctx.needs_input_grad[0]
        loss, softmax, plain = _cross_entropy(
            logits.data, labels_data, axis, reduction, ignore_index, weight, label_smoothing, keep_softmax=needed
        )
        if needed:
            ctx.save_for_backward(logits, labels)
            ctx.softmax = softmax
            # plain: dL/dx = (softmax - onehot(y)) / N, from the labels alone; a traced program
            # must weigh whatever labels it is later given, so it always takes the general rule
            ctx.plain = plain and not is_tracing()
            ctx.options = dict(axis=axis, reduction=reduction, ignore_index=ignore_index, weight=weight,
                               smoothing=label_smoothing)  # fmt: skip
        return loss

    @staticmethod
    def backward(ctx, grad):
        logits, labels = ctx.saved_tensors
        options = ctx.options
        axis = options["axis"]
        probs = _softmax(logits, axis, known=ctx.softmax)
        if options["reduction"] == "none":  # one loss per sample: its gradient along the class axis
            grad = grad.reshape(grad.shape[:axis] + (1,) + grad.shape[axis:])
        elif options["reduction"] == "mean" and ctx.plain:
            grad = grad * (1.0 / max(labels.size, 1))
        if ctx.plain:  # the labels are constants here (no trace): their array will do
            labels = labels.data if isinstance(labels, Tensor) else labels
            if not isinstance(probs, Tensor) and grad.ndim == 0:
                # on arrays, one factor for every sample: grad * (p - onehot(y)) without
                # building onehot(y) (subtract grad at each sample's label, in a fresh array)
                dscores = probs * grad
                dscores[_pick_index(labels, axis)] -= grad
                return dscores, None
            return grad * (probs - _onehot(labels, logits.shape, axis)), None
        if isinstance(labels, Tensor):
            a = ClassCoefficients.apply(labels, shape=logits.shape, dtype=logits.dtype, **options)
        else:
            a = ClassCoefficients.compute(labels, logits.shape, dtype=logits.dtype, **options)
        return grad * (probs * a.sum(axis=axis, keepdims=True) - a), None


def _onehot(labels, shape, axis):
    """onehot(y): a bool array of ``shape`` that is True where the class axis equals the label."""
    classes = np.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    return _expand(labels, axis) == classes


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
    smoothing = _smoothing(label_smoothing, "cross_entropy")
    input = _tensor(input)
    raw_target = target.data if isinstance(target, Tensor) else np.asarray(target)
    weight = _class_weights(weight, input, "cross_entropy")
    if raw_target.dtype.kind == "f" and raw_target.shape == input.shape and input.ndim >= 1:
        axis = _class_axis(input, "cross_entropy")
        probabilities = _target(target, input)
        if smoothing:
            probabilities = probabilities * (1 - smoothing) + smoothing / input.shape[axis]
        if weight is not None:
            probabilities = probabilities * weight.reshape((-1,) + (1,) * (input.ndim - axis - 1))
        per_sample = -(probabilities * input.log_softmax(axis=axis)).sum(axis=axis)
        return _reduce(per_sample, reduction)
    labels, axis = _class_target(input, raw_target, "cross_entropy")
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
    input = _tensor(input)
    weight = _class_weights(weight, input, "nll_loss")
    labels, axis = _class_target(input, target, "nll_loss")
    valid = _counted(labels, input.shape[axis], ignore_index, "nll_loss", input.shape)
    if valid is None and weight is None:
        return _reduce(-input[_pick_index(labels, axis)], reduction)
    valid = np.ones(labels.shape, dtype=bool) if valid is None else valid
    safe = np.where(valid, labels, 0)
    counted = valid.astype(input.dtype) if weight is None else weight[safe] * valid
    losses = -input[_pick_index(safe, axis)] * counted
    if reduction == "mean":
        total = float(counted.sum())
        return losses.sum() * (1.0 / (total if total else 1.0))
    return _reduce(losses, reduction)
