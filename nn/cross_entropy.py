"""Softmax cross-entropy on class indices: the fused loss, its gradient, and the labels' checks.

:func:`nn.functional.cross_entropy` and :func:`nn.functional.nll_loss` call these. The loss
is three ops: :class:`CrossEntropy` (log-softmax and pick in one step),
:class:`CrossEntropyGrad` (its gradient ``g (s softmax(x) - a)``, one op too, so that a
recorded backward has one softmax), and :class:`ClassCoefficients` (the ``a`` of the labels,
an op of its own so that a traced program computes it from the labels it is given).
"""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops.arraylike import softmax as _softmax
from autograd.program.rules import register_pair

from . import checks

__all__ = ["CrossEntropy", "CrossEntropyGrad", "ClassCoefficients", "class_axis", "class_target", "class_weights",
           "counted_mask", "pick_index", "smoothing_value"]  # fmt: skip


def class_axis(input, where):
    """The class axis of ``input``: 1 for (N, C, ...), 0 for (C,)."""
    if input.ndim == 0:
        raise ValueError(f"{where}: the input needs a class axis, got a 0-d tensor")
    return 1 if input.ndim >= 2 else 0


def class_target(input, target, where):
    """Check integer class targets against ``input`` (N, C, ...) or (C,): dtype and shape.

    Returns the labels as an int array and the class axis. Their values are checked where
    they are used (:func:`counted_mask`), so a traced program checks new labels too.
    """
    axis = class_axis(input, where)
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


def counted_mask(labels, classes, ignore_index, where, shape):
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


def pick_index(labels, axis):
    """Integer-array index that takes, for each sample, its label's entry along the class axis."""
    if axis == 0:
        return (labels,)
    if labels.ndim == 1:  # (N, C) logits: rows 0..N-1, column y_n
        return (np.arange(labels.shape[0]), labels)
    grids = np.indices(labels.shape, sparse=True)
    return (grids[0], labels) + tuple(grids[1:])


def class_weights(weight, input, where):
    """The class ``weight`` (C,) as an array in the input's dtype (a constant: no gradient), or None."""
    if weight is None:
        return None
    array = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=input.dtype)
    classes = input.shape[class_axis(input, where)]
    if array.shape != (classes,):
        raise ValueError(
            f"{where}: weight must hold one number per class, shape ({classes},) for input shape {input.shape}, "
            f"got shape {array.shape}"
        )
    return array


def smoothing_value(label_smoothing, where):
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
    valid = counted_mask(labels, x.shape[axis], ignore_index, "cross_entropy", x.shape)
    plain = weight is None and not smoothing and valid is None
    shifted = x - np.maximum.reduce(x, axis=axis, keepdims=True)
    exp = np.exp(shifted)
    total = np.add.reduce(exp, axis=axis, keepdims=True)
    log_total = np.log(total)
    if plain:  # pick each sample's logit: no coefficient matrix
        losses = log_total.squeeze(axis) - shifted[pick_index(labels, axis)]
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

    NOTE: fused for speed (one log-softmax, no index scatter in backward). The backward is
    :class:`CrossEntropyGrad`: on arrays its computation with the softmax forward kept, on
    Tensors (create_graph, a trace) the op itself, which computes the softmax again from the
    saved logits, so the gradient is a function of them and a traced program replays it.
    """

    backward_on_arrays = True
    pure = True

    @staticmethod
    def compute(logits, labels, axis, reduction, ignore_index=-100, weight=None, label_smoothing=0.0):
        """The loss from arrays: what a traced program runs."""
        return _cross_entropy(logits, labels, axis, reduction, ignore_index, weight, label_smoothing)[0]

    @staticmethod
    def compute_with_grad(logits, labels, grad, axis, reduction, ignore_index=-100, weight=None, label_smoothing=0.0):
        """(L, g dL/dx) from arrays: the loss and ``CrossEntropyGrad.compute(logits, labels, grad,
        ...)``, with g dL/dx = g (s softmax(x) - a), from one softmax and one check of the labels, as
        the eager backward has them. What a traced program runs when it needs both (see
        ``_loss_and_grad``).

        >>> import numpy as np
        >>> loss, dx = CrossEntropy.compute_with_grad(np.zeros((1, 2)), np.array([1]), np.array(1.0), axis=1,
        ...                                           reduction="mean")
        >>> round(float(loss), 4), dx  # log 2, and p - onehot(y)
        (0.6931, array([[ 0.5, -0.5]]))
        """
        loss, softmax, plain = _cross_entropy(
            logits, labels, axis, reduction, ignore_index, weight, label_smoothing, keep_softmax=True
        )
        options = dict(axis=axis, reduction=reduction, ignore_index=ignore_index, weight=weight,
                       smoothing=label_smoothing)  # fmt: skip
        return loss, _grad_from_softmax(logits, labels, grad, softmax, plain, options)

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
            # plain: dL/dx = (softmax - onehot(y)) / N, and the labels are checked: the backward
            # on arrays takes the short path (a traced backward is on Tensors: it never does)
            ctx.plain = plain
            ctx.options = dict(axis=axis, reduction=reduction, ignore_index=ignore_index, weight=weight,
                               smoothing=label_smoothing)  # fmt: skip
        return loss

    @staticmethod
    def backward(ctx, grad):
        logits, labels = ctx.saved_tensors
        options = ctx.options
        axis = options["axis"]
        if options["reduction"] == "none":  # one loss per sample: its gradient along the class axis
            grad = grad.reshape(grad.shape[:axis] + (1,) + grad.shape[axis:])
        if isinstance(logits, Tensor):  # a graph of the gradient is wanted (create_graph, a trace)
            return CrossEntropyGrad.apply(logits, labels, grad, **options), None
        # on arrays: the same computation, with the softmax forward kept
        return _grad_from_softmax(logits, labels, grad, ctx.softmax, ctx.plain, options), None


def _grad_from_softmax(logits, labels, grad, softmax, plain, options):
    """CrossEntropyGrad's result on arrays, given the softmax the loss's forward computed and
    whether that loss was the plain one (its labels then checked already): the usual training
    loss, plain with a 0-d gradient, takes the short path."""
    if plain and np.ndim(grad) == 0:
        return _plain_grad(softmax, labels, options["axis"], grad, options["reduction"])
    return CrossEntropyGrad.compute(logits, labels, grad, softmax=softmax, **options)


def _plain_grad(p, labels, axis, grad, reduction):
    """The plain loss's g (p - onehot(y)) (over N for the mean), from the softmax p and a 0-d
    g: one factor for every sample, so p times it, less it at each sample's label (no
    onehot(y) is built). A fresh array: p is not changed."""
    scale = grad * (1.0 / max(labels.size, 1)) if reduction == "mean" else grad
    out = p * scale
    out[pick_index(labels, axis)] -= scale
    return out


class CrossEntropyGrad(autograd.Function):
    """dL/dx of :class:`CrossEntropy`: f(x, g) = g (s softmax(x) - a), a = the coefficients of the
    labels (:class:`ClassCoefficients`), s = sum_c a[n, c] (1 for the plain loss, over N for the mean).

    An op of its own so that a recorded backward (``create_graph``, a traced program) is one
    op with one softmax, as the eager backward is. Its own derivatives, for double backward:
    with u the gradient of f and w = u g s, df/dx = p (w - sum_c w p) (the softmax's
    vector-Jacobian product, p = softmax(x)) and df/dg = u (s p - a), summed to g's shape.

    >>> import numpy as np, autograd
    >>> from nn.cross_entropy import CrossEntropyGrad
    >>> CrossEntropyGrad.apply(autograd.Tensor([[0.0, 0.0]]), np.array([1]), autograd.Tensor(1.0), axis=1,
    ...                        reduction="mean", ignore_index=-100, weight=None, smoothing=0.0)  # p - onehot(y)
    Tensor([[ 0.5, -0.5]])
    """

    backward_on_arrays = True
    forward_on_arrays = True
    pure = True

    @staticmethod
    def compute(logits, labels, grad, axis, reduction, ignore_index, weight, smoothing, softmax=None):
        """dL/dx from arrays; ``softmax``: the softmax of these logits, if forward kept it (it is
        not changed)."""
        p = _softmax(logits, axis) if softmax is None else softmax
        if weight is None and not smoothing and np.ndim(grad) == 0:
            if counted_mask(labels, p.shape[axis], ignore_index, "cross_entropy", p.shape) is None:
                return _plain_grad(p, labels, axis, grad, reduction)
        a = ClassCoefficients.compute(labels, p.shape, axis, reduction, ignore_index, weight, smoothing, p.dtype)
        return grad * (p * np.add.reduce(a, axis=axis, keepdims=True) - a)

    @staticmethod
    def forward(ctx, logits, labels, grad, **options):
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[2]:
            ctx.save_for_backward(logits, labels, grad)
            ctx.options = options
        arrays = [value.data if isinstance(value, Tensor) else np.asarray(value) for value in (logits, labels, grad)]
        return CrossEntropyGrad.compute(*arrays, **options)

    @staticmethod
    def backward(ctx, upstream):
        logits, labels, grad = ctx.saved_tensors
        options = ctx.options
        axis = options["axis"]
        p = _softmax(logits, axis)
        if isinstance(labels, Tensor):
            a = ClassCoefficients.apply(labels, shape=logits.shape, dtype=logits.dtype, **options)
        else:
            a = ClassCoefficients.compute(labels, logits.shape, dtype=logits.dtype, **options)
        s = a.sum(axis=axis, keepdims=True)
        w = upstream * grad * s
        dx = p * (w - (w * p).sum(axis=axis, keepdims=True)) if ctx.needs_input_grad[0] else None
        dg = upstream * (p * s - a) if ctx.needs_input_grad[2] else None
        return dx, None, dg


def _onehot(labels, shape, axis):
    """onehot(y): a bool array of ``shape`` that is True where the class axis equals the label."""
    classes = np.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    return _expand(labels, axis) == classes


def _loss_and_grad(loss, grad, src, ref):
    """A program's CrossEntropy and a later CrossEntropyGrad of the same logits and labels, with
    the same options, as one ``CrossEntropy.compute_with_grad`` (see ``autograd.program.rules.PAIRS``):
    the replay of a training step then computes one softmax, as the eager step does."""
    options, theirs = loss.options, grad.options
    same = (
        loss.args[0] is grad.args[0]
        and loss.args[1] is grad.args[1]
        and (options["axis"], options["reduction"]) == (theirs["axis"], theirs["reduction"])
        and options.get("ignore_index", -100) == theirs["ignore_index"]
        and options.get("label_smoothing", 0.0) == theirs["smoothing"]
        and options.get("weight") is theirs["weight"]
    )
    if not same:
        return None
    settings = "".join(f", {key}={src(value)}" for key, value in options.items())
    arrays = ", ".join(src(value) for value in (loss.args[0], loss.args[1], grad.args[2]))
    return f"{ref(CrossEntropy)}.compute_with_grad({arrays}{settings})"


register_pair(CrossEntropy, CrossEntropyGrad, _loss_and_grad)
