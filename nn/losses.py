"""Losses as modules: ``loss_fn = nn.CrossEntropyLoss(); J = loss_fn(output, target)``.

Each holds its ``reduction`` ("mean", "sum" or "none") and calls :mod:`nn.functional`,
whose docstrings give the formulas and gradients.
"""

from __future__ import annotations

from . import checks
from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"]


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        checks.reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error, reduce_i (x_i - y_i)^2. See :func:`nn.functional.mse_loss`.

    >>> import nn
    >>> nn.MSELoss()([1.0, 3.0], [0.0, 0.0])
    Tensor(5.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, reduce_i |x_i - y_i|. See :func:`nn.functional.l1_loss`.

    >>> import nn
    >>> nn.L1Loss(reduction="sum")([1.0, -3.0], [0.0, 0.0])
    Tensor(4.)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities, -(y log p + (1 - y) log(1 - p)), logs clamped at -100.

    See :func:`nn.functional.binary_cross_entropy`.

    >>> import nn
    >>> round(nn.BCELoss(reduction="sum")([0.8] * 20, [1.0] * 20).item(), 6)  # -20 log 0.8
    4.462871
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), stable: max(x, 0) - x y + log(1 + e^-|x|).

    See :func:`nn.functional.binary_cross_entropy_with_logits`.

    >>> import nn
    >>> nn.BCEWithLogitsLoss()([0.0], [1.0])
    Tensor(0.69314718)
    """

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits and integer class targets: ``LogSoftmax`` then ``NLLLoss``.

    Optional class ``weight`` (C,) (a buffer, as in PyTorch) and ``label_smoothing``; see
    :func:`nn.functional.cross_entropy`.

    >>> import nn
    >>> round(nn.CrossEntropyLoss()([[-2.85, 0.86, 0.28]], [2]).item(), 2)  # lecture 1
    1.04
    """

    def __init__(self, reduction="mean", ignore_index=-100, weight=None, label_smoothing=0.0):
        super().__init__(reduction)
        self.ignore_index = ignore_index
        self.register_buffer("weight", weight)  # a buffer, as in PyTorch: in the state dict when given
        smoothing = checks.number(label_smoothing, "label_smoothing", "CrossEntropyLoss", minimum=0)
        if smoothing > 1:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
        self.label_smoothing = smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.reduction, self.ignore_index, self.weight, self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (a ``LogSoftmax`` output) and class targets.

    Optional class ``weight`` (C,); see :func:`nn.functional.nll_loss`.

    >>> import nn
    >>> round(nn.NLLLoss()(nn.LogSoftmax()([[-2.85, 0.86, 0.28]]), [2]).item(), 2)
    1.04
    """

    def __init__(self, reduction="mean", ignore_index=-100, weight=None):
        super().__init__(reduction)
        self.ignore_index = ignore_index
        self.register_buffer("weight", weight)  # a buffer, as in PyTorch: in the state dict when given

    def forward(self, input, target):
        return F.nll_loss(input, target, self.reduction, self.ignore_index, self.weight)
