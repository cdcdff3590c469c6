"""Normalisation: ``batch_norm``, ``layer_norm`` and the layers ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm``.

Both standardise and then scale and shift::

    y = (x - mean) / sqrt(var + eps) * weight + bias

BatchNorm takes mean and (biased) variance per channel over the batch (and the positions of
an image or sequence) while training, and keeps running averages of them for evaluation;
LayerNorm takes them per sample over its last axes, the same in training and evaluation. Both
are composed of Tensor operations, so their gradients, which are not simple (the mean and
variance depend on every x), and second derivatives come from the engine.
"""

from __future__ import annotations

import numpy as np

from autograd import Tensor, no_grad

from . import checks, init
from .module import Module, Parameter

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "BatchNorm2d", "LayerNorm"]


def _tensor(x):
    return x if x is None or isinstance(x, Tensor) else Tensor(x)


def _batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps, where):
    x = _tensor(x)
    if x.ndim < 2:
        raise ValueError(f"{where}: expected an input with a batch and a channel axis (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // channels
        if count <= 1:
            raise ValueError(
                f"{where}: expected more than 1 value per channel when training (a variance needs two), "
                f"got input shape {x.shape}; use a larger batch, or eval() mode"
            )
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        with no_grad():  # running averages: state, not part of the graph; the variance unbiased, as in PyTorch
            if running_mean is not None:
                running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * mean.data.reshape(channels)
            if running_var is not None:
                unbiased = var.data.reshape(channels) * (count / (count - 1))
                running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
        out = centred / (var + eps).sqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError(f"{where}: evaluation (training=False) needs running_mean and running_var")
        out = (x - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalisation over axis 1 (channels) of ``input`` (N, C, ...).

    Training: y = (x - mu_B) / sqrt(var_B + eps) * weight + bias with mu_B, var_B the mean and
    biased variance of each channel over N and the other axes; ``running_mean`` and
    ``running_var`` (Tensors, updated in place when given) move towards mu_B and the
    *unbiased* variance: r <- (1 - momentum) r + momentum * stat. Evaluation
    (``training=False``): the running statistics stand in for mu_B and var_B.

    >>> import autograd, nn
    >>> x = autograd.Tensor([[1.0], [3.0]])
    >>> mean, var = autograd.Tensor([0.0]), autograd.Tensor([1.0])
    >>> nn.functional.batch_norm(x, mean, var, training=True, eps=0.0)
    Tensor([[-1.],
            [ 1.]])
    >>> mean, var  # 0.9 * 0 + 0.1 * 2,  0.9 * 1 + 0.1 * 2 (unbiased variance of 1 and 3)
    (Tensor([0.2]), Tensor([1.1]))
    """
    checks.number(momentum, "momentum", "batch_norm", minimum=0)
    return _batch_norm(input, _tensor(running_mean), _tensor(running_var), _tensor(weight), _tensor(bias),
                       training, momentum, eps, "batch_norm")  # fmt: skip


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; subclasses say which input ranks they take."""

    ranks = (2, 3)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, dtype=None, *,
                 bias=True):  # fmt: skip
        super().__init__()
        where = type(self).__name__
        self.num_features = checks.integer(num_features, "num_features", where)
        self.eps = checks.number(eps, "eps", where, minimum=0)
        self.momentum = None if momentum is None else checks.number(momentum, "momentum", where, minimum=0)
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        dtype = checks.float_dtype(dtype, where)
        weight = Parameter(np.ones(self.num_features, dtype=dtype)) if self.affine else None
        self.register_parameter("weight", weight)
        with_bias = self.affine and bias  # PyTorch's keyword: an affine map without the shift
        self.register_parameter("bias", Parameter(np.zeros(self.num_features, dtype=dtype)) if with_bias else None)
        if self.track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self):
        """Reset the running statistics, the weight to 1 and the bias to 0."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x):
        where = type(self).__name__
        x = _tensor(x)
        if x.ndim not in self.ranks:
            shapes = " or ".join(["(N, C)", "(N, C, L)", "(N, C, H, W)"][rank - 2] for rank in self.ranks)
            raise ValueError(f"{where}: expected a {' or '.join(f'{r}-d' for r in self.ranks)} input {shapes}, "
                             f"got shape {x.shape}")  # fmt: skip
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{where}: expected an input with {self.num_features} channels (num_features) on axis 1, "
                f"got {x.shape[1]} (input shape {x.shape})"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data[...] += 1
            if self.momentum is None:  # a cumulative average: the k-th batch gets weight 1/k
                factor = 1.0 / float(self.num_batches_tracked.data)
        batch_stats = self.training or self.running_mean is None
        keep = not self.training or self.track_running_stats
        return _batch_norm(x, self.running_mean if keep else None, self.running_var if keep else None,
                           self.weight, self.bias, batch_stats, factor, self.eps, where)  # fmt: skip

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C. See :func:`nn.functional.batch_norm`.

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias; the statistics are the batch's in
    ``train()`` mode (where the buffers ``running_mean`` and ``running_var`` follow them with
    ``momentum``; ``momentum=None`` keeps a plain cumulative average) and the running ones in
    ``eval()`` mode. ``weight`` and ``bias`` (with ``affine``) start at 1 and 0. The state dict
    (``weight``, ``bias``, ``running_mean``, ``running_var``, ``num_batches_tracked``) is PyTorch's.

    >>> import autograd, nn
    >>> layer = nn.BatchNorm1d(2)
    >>> layer
    BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    >>> out = layer(autograd.Tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> out.data.round(3), layer.running_mean.data
    (array([[-1., -1.],
           [ 1.,  1.]]), array([0.2, 2. ]))
    """

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel over N, H and W. See :class:`BatchNorm1d`.

    >>> import numpy as np, autograd, nn
    >>> layer = nn.BatchNorm2d(3)
    >>> out = layer(autograd.Tensor(np.random.default_rng(0).normal(5.0, 2.0, (4, 3, 8, 8))))
    >>> bool(abs(out.data.mean()) < 1e-12), layer.num_batches_tracked
    (True, Tensor(1))
    """

    ranks = (4,)


def _layer_norm(x, normalized_shape, weight, bias, eps, where):
    x = _tensor(x)
    k = len(normalized_shape)
    if x.shape[x.ndim - k :] != normalized_shape or x.ndim < k:
        raise ValueError(
            f"{where}: expected an input whose last axes have shape {normalized_shape} (normalized_shape), "
            f"got input shape {x.shape}"
        )
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def _shape(normalized_shape, where):
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) else (normalized_shape,)
    return tuple(checks.integer(n, "normalized_shape", where) for n in shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation: standardise each sample over its last axes (``normalized_shape``), then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance over the last
    len(normalized_shape) axes; ``weight`` and ``bias`` have shape ``normalized_shape``.

    >>> import autograd, nn
    >>> nn.functional.layer_norm(autograd.Tensor([[1.0, 3.0], [0.0, 10.0]]), 2, eps=0.0)
    Tensor([[-1.,  1.],
            [-1.,  1.]])
    """
    shape = _shape(normalized_shape, "layer_norm")
    return _layer_norm(input, shape, _tensor(weight), _tensor(bias), eps, "layer_norm")


class LayerNorm(Module):
    """Layer normalisation over the last axes (``normalized_shape``) of each sample; see ``layer_norm``.

    With ``elementwise_affine`` a ``weight`` (ones) and, with ``bias``, a ``bias`` (zeros) of
    shape ``normalized_shape``. The same in training and evaluation.

    >>> import autograd, nn
    >>> layer = nn.LayerNorm(3)
    >>> layer
    LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)
    >>> layer(autograd.Tensor([[1.0, 2.0, 3.0]])).data.round(4)
    array([[-1.2247,  0.    ,  1.2247]])
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape, "LayerNorm")
        self.eps = checks.number(eps, "eps", "LayerNorm", minimum=0)
        self.elementwise_affine = bool(elementwise_affine)
        dtype = checks.float_dtype(dtype, "LayerNorm")
        weight = Parameter(np.ones(self.normalized_shape, dtype=dtype)) if elementwise_affine else None
        self.register_parameter("weight", weight)
        self.register_parameter(
            "bias", Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if elementwise_affine and bias else None
        )

    def forward(self, x):
        return _layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps, "LayerNorm")

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
