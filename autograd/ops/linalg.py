"""Linear algebra: matrix products, and the affine map of a linear layer."""

from __future__ import annotations

import numpy as np

from .op import Op, data_of, shape_of

__all__ = ["MatMul", "Linear"]


class MatMul(Op):
    """f(a, b) = a @ b (NumPy's matmul: vectors, matrices, batches with broadcast batch axes).

    df/da = grad @ b^T, df/db = a^T @ grad, with 1-D operands treated as a row (a) or a
    column (b) and the batch axes summed back by the engine.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.matmul(data_of(a), data_of(b))
        except ValueError:
            raise ValueError(
                f"matmul: shapes {shape_of(a)} and {shape_of(b)} are not aligned: the last axis of "
                "the first must equal the second-to-last axis of the second (or its only axis), "
                "and both need at least one axis"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:  # dot product: grad is a number
            return (grad * b if need_a else None), (grad * a if need_b else None)
        a_row = a.reshape(1, -1) if a.ndim == 1 else a
        b_col = b.reshape(-1, 1) if b.ndim == 1 else b
        grad_2d = grad
        if a.ndim == 1:
            grad_2d = grad_2d.reshape(grad.shape[:-1] + (1, grad.shape[-1]))
        if b.ndim == 1:
            grad_2d = grad_2d.reshape(grad_2d.shape + (1,))
        grad_a = grad_b = None
        batched = grad_2d.ndim > 2  # (only then can an operand be shared by batch entries)
        if need_a:
            if batched and _shared(a_row, b_col, grad_2d):  # the same a for every batch entry: sum in the product
                grad_a = (_side_by_side(grad_2d) @ _side_by_side(b_col).mT).reshape(a_row.shape)
            else:
                grad_a = grad_2d @ b_col.mT
            if a.ndim == 1:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + (a.shape[0],))
        if need_b:
            if batched and _shared(b_col, a_row, grad_2d):  # the same b for every batch entry: sum in the product
                grad_b = (_stacked(a_row).mT @ _stacked(grad_2d)).reshape(b_col.shape)
            else:
                grad_b = a_row.mT @ grad_2d
            if b.ndim == 1:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
        return grad_a, grad_b


def _shared(operand, other, grad):
    """Is ``operand`` one matrix for every batch entry of a batched ``grad`` (its batch axes absent or of
    length 1) while ``other`` has all of them? Then the sum over the batch that the engine would
    do after a batched product goes inside one 2-d product: (rows, batch * n) @ (batch * n, cols),
    one BLAS call instead of one small product per batch entry plus a reduction."""
    return (
        grad.size > 0
        and operand.shape[:-2] == (1,) * (operand.ndim - 2)
        and other.shape[:-2] == grad.shape[:-2]
    )


class Linear(Op):
    """f(x, W, b) = x W^T + b over the last axis of ``x`` (any leading batch axes), with W of
    shape (out, in): PyTorch's ``linear``.

    df/dx = grad W,  df/dW = grad^T x (summed over the batch),  df/db = grad (summed over the batch).

    NOTE: one node instead of three (transpose, matmul, add): a layer call is the hottest path
    of a training step.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        out = x.data @ weight.data.T
        if bias is not None:
            out += bias.data  # out is a fresh array, so adding in place is safe
        ctx.save_for_backward(x, weight)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        rows = grad.reshape(-1, weight.shape[0])  # the batch axes flattened: (samples, out)
        grad_x = grad @ weight if need_x else None
        grad_weight = rows.T @ x.reshape(-1, weight.shape[1]) if need_weight else None
        grad_bias = rows.sum(axis=0) if need_bias else None
        return grad_x, grad_weight, grad_bias


def _side_by_side(x):
    """The batch entries of ``x`` (..., r, c) next to each other: (r, batch * c)."""
    rows, cols = x.shape[-2:]
    return x.reshape(-1, rows, cols).transpose(1, 0, 2).reshape(rows, -1)


def _stacked(x):
    """The batch entries of ``x`` (..., r, c) one above the other: (batch * r, c)."""
    return x.reshape(-1, x.shape[-1])
