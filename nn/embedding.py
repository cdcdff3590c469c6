"""Embeddings: a learnt vector per index (a word, a token, a class), looked up by integer indices."""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Tensor
from autograd.ops.arraylike import scatter_add

from . import checks, init
from .module import Module, Parameter

__all__ = ["embedding", "Embedding", "EmbeddingLookup"]


class EmbeddingLookup(autograd.Function):
    """out[..., :] = weight[indices[...], :];  d(out)/d(weight) scatter-adds each row's gradient back to its index.

    An index that occurs k times collects all k gradients. The row ``padding_idx`` (when given)
    gets none: its positions' gradients are zeroed, computed in backward from the saved indices.
    """

    backward_on_arrays = True

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None):
        ctx.save_for_backward(indices)
        ctx.weight_shape, ctx.padding_idx = weight.shape, padding_idx
        return weight.data[indices]

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        if ctx.padding_idx is not None:
            grad = grad * (indices != ctx.padding_idx)[..., None]
        return scatter_add(grad, indices, ctx.weight_shape), None


def _indices(input, num_embeddings, weight_shape, where):
    indices = np.asarray(input.data if isinstance(input, Tensor) else input)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{where}: the indices must be integers, got dtype {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= num_embeddings):
        bad = indices[(indices < 0) | (indices >= num_embeddings)].flat[0]
        raise IndexError(
            f"{where}: index {bad} is out of range: with {num_embeddings} embeddings (weight shape "
            f"{weight_shape}) an index must be in [0, {num_embeddings - 1}]"
        )
    return indices


def _padding_index(padding_idx, num_embeddings, where):
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise ValueError(f"{where}: padding_idx must be an integer or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{where}: padding_idx must be in [{-num_embeddings}, {num_embeddings - 1}] "
            f"(num_embeddings={num_embeddings}), got {padding_idx}"
        )
    return int(padding_idx) % num_embeddings


def embedding(input, weight, padding_idx=None):
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input``: shape input.shape + (dim,).

    d(out)/d(weight): each picked row gets its gradient added (repeats add up); the row
    ``padding_idx`` gets none.

    >>> import autograd, nn
    >>> weight = autograd.Tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]])
    >>> nn.functional.embedding([[2, 1, 2]], weight)
    Tensor([[[3., 4.],
             [1., 2.],
             [3., 4.]]])
    """
    weight = weight if isinstance(weight, Tensor) else Tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding: the weight must be 2-d (num_embeddings, embedding_dim), got shape {weight.shape}")
    indices = _indices(input, weight.shape[0], weight.shape, "embedding")
    padding_idx = _padding_index(padding_idx, weight.shape[0], "embedding")
    return EmbeddingLookup.apply(weight, indices, padding_idx=padding_idx)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` learnt vectors of size ``embedding_dim``: ``weight`` (num, dim).

    Input: integer indices of any shape; output: input.shape + (embedding_dim,). Initialised
    from N(0, 1) as in PyTorch. The row ``padding_idx`` (if given) starts at zero and gets no
    gradient, so it stays what it is (a "nothing here" vector for padded positions).

    >>> import nn
    >>> table = nn.Embedding(10, 3, padding_idx=0)
    >>> table
    Embedding(10, 3, padding_idx=0)
    >>> table([[0, 4, 4]]).shape, table.weight.data[0].tolist()
    ((1, 3, 3), [0.0, 0.0, 0.0])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, dtype=None):
        super().__init__()
        self.num_embeddings = checks.integer(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = checks.integer(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings, "Embedding")
        dtype = checks.float_dtype(dtype, "Embedding")
        self.weight = Parameter(np.zeros((self.num_embeddings, self.embedding_dim), dtype=dtype))
        self.reset_parameters()

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None):
        """An Embedding holding a copy of ``embeddings`` (num, dim), frozen (no gradient) unless ``freeze=False``.

        >>> import nn
        >>> nn.Embedding.from_pretrained([[1.0, 2.0], [3.0, 4.0]])([1])
        Tensor([[3., 4.]])
        """
        values = np.asarray(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if values.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-d (num, dim), got shape {values.shape}")
        if values.dtype.kind != "f":
            values = values.astype(autograd.get_default_dtype())
        table = cls(values.shape[0], values.shape[1], padding_idx=padding_idx, dtype=values.dtype)
        table.weight.data[...] = values
        table.weight.requires_grad_(not freeze)
        return table

    def reset_parameters(self):
        """Draw the weight from N(0, 1) and zero the ``padding_idx`` row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input):
        indices = _indices(input, self.num_embeddings, self.weight.shape, "Embedding")
        return EmbeddingLookup.apply(self.weight, indices, padding_idx=self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
