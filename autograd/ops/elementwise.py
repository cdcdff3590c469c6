"""Elementwise ops: arithmetic, functions of one value, and the elementwise choices
(maximum, minimum, where). Inputs broadcast by NumPy's rules; the engine sums each gradient
back to its input's shape."""

from __future__ import annotations

import numpy as np

from .. import function
from .arraylike import log
from .op import Op, data_of, is_tensor, shape_of

__all__ = ["Add", "Sub", "Neg", "Mul", "Div", "Pow", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "Relu",
           "Clip", "Maximum", "Minimum", "Where", "elementwise"]  # fmt: skip


def elementwise(ufunc, name, a, b):
    """Apply a binary ufunc, turning NumPy's broadcast error into one that names the op.

    NOTE: as in PyTorch, a 0-d float tensor does not upcast an n-d float tensor of another
    precision (``t32 * Tensor(2.0)`` stays float32); each input's gradient keeps its dtype.
    """
    tensor = function.tensor_type  # data_of() inlined: this runs for every arithmetic operator
    a = a.data if isinstance(a, tensor) else a
    b = b.data if isinstance(b, tensor) else b
    # (dtype objects of the built-in types are shared, so `is not` rules out the usual case fast)
    if type(a) is np.ndarray and type(b) is np.ndarray and a.dtype is not b.dtype and a.dtype != b.dtype:
        if a.dtype.kind == "f" and b.dtype.kind == "f":
            if a.ndim == 0 and b.ndim:
                a = a.astype(b.dtype)
            elif b.ndim == 0 and a.ndim:
                b = b.astype(a.dtype)
    try:
        return ufunc(a, b)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        raise ValueError(
            f"{name}: shapes {np.shape(a)} and {np.shape(b)} cannot be broadcast together "
            "(NumPy rules: trailing axes must be equal or 1)"
        ) from None


# -- arithmetic ----------------------------------------------------------------------------
class Add(Op):
    """f(a, b) = a + b;  df/da = 1, df/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        return elementwise(np.add, "add", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    """f(a, b) = a - b;  df/da = 1, df/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        return elementwise(np.subtract, "sub", a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Neg(Op):
    """f(x) = -x;  f'(x) = -1."""

    @staticmethod
    def forward(ctx, x):
        return np.negative(x.data)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Mul(Op):
    """f(a, b) = a * b;  df/da = b, df/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        # keep only what the wanted gradients read (df/da reads b, df/db reads a), as PyTorch
        # does: ``x * 2`` then holds no input alive for backward, and nothing needs guarding
        if type(b) is float:  # the usual constant: no gradient for b, so a is never read
            ctx.save_for_backward(None, b)
        else:
            need_a, need_b = ctx.needs_input_grad
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return elementwise(np.multiply, "mul", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """f(a, b) = a / b;  df/da = 1 / b, df/db = -a / b^2 = -out / b."""

    @staticmethod
    def forward(ctx, a, b):
        out = elementwise(np.true_divide, "div", a, b)
        ctx.save_for_backward(b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, (-grad_a * out if ctx.needs_input_grad[1] else None)


class Pow(Op):
    """f(a, b) = a ** b;  df/da = b a^(b-1), df/db = out log(a).

    NOTE: at a == 0 the values follow PyTorch. df/da is 0 where a == 0 and b == 0 (so
    ``x ** 0`` has gradient 0 at 0, not ``0 * 0^-1 = nan``, and ``x ** 1`` has second
    derivative 0 there); df/db is 0 where a == 0 and b >= 0 (the limit of ``a^b log a``) and
    ``inf * -inf = -inf`` where a == 0 and b < 0. The choices are made with an elementwise
    ``where`` in the backward rule, so second derivatives at a == 0 are PyTorch's too,
    including its NaN for the exponent's second derivatives there (``a^b`` is not defined for
    a < 0, so there is no two-sided derivative to give). One deliberate difference: PyTorch
    zeroes df/da wherever b == 0, which also zeroes the mixed derivative d2f/dadb there
    (it is a^(b-1) = 1/a, e.g. 1 at a = 1, b = 0); here only a == 0 is masked, so it is right.
    """

    @staticmethod
    def forward(ctx, a, b):
        out = elementwise(np.power, "pow", a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 and log 0 are meant
            if need_a and type(b) in (int, float):  # a number exponent: x ** 2, x ** 0
                grad_a = grad * b * a ** (b - 1) if b != 0 else _where(True, 0.0, a)  # zeros like a
            elif need_a:
                grad_a = _where((b == 0) * (a == 0), 0.0, grad * b * a ** (b - 1))
            if need_b:
                grad_b = grad * _where((a == 0) * (b >= 0), 0.0, out * log(a))
        return grad_a, grad_b


def _where(condition, a, b):
    """``a`` where ``condition`` else ``b``, on arrays or (differentiably) on Tensors.

    An array-or-Tensor helper that cannot join ``arraylike``: no Tensor method applies
    :class:`Where`, so it needs the class, and ``Where``'s own backward needs it.
    """
    if is_tensor(b) or is_tensor(a):
        return Where.apply(condition, a, b)
    return np.where(condition, a, b)


# -- functions of one value ----------------------------------------------------------------
class Exp(Op):
    """f(x) = e^x;  f'(x) = e^x = out."""

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Op):
    """f(x) = ln x;  f'(x) = 1 / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    """f(x) = sqrt(x);  f'(x) = 1 / (2 sqrt(x)) = 1 / (2 out)."""

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (out * 2)


class Abs(Op):
    """f(x) = |x|;  f'(x) = sign(x).

    NOTE: abs'(0) = 0, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x > 0) - grad * (x < 0)  # grad * sign(x), the sign recomputed from x


class Tanh(Op):
    """f(x) = tanh x;  f'(x) = 1 - tanh^2 x = 1 - out^2."""

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x.data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Op):
    """f(x) = 1 / (1 + e^-x);  f'(x) = out (1 - out).

    NOTE: a primitive rather than composed, for stability: e^-x overflows for x = -1000,
    so the forward pass only ever exponentiates -|x|.
    """

    @staticmethod
    def forward(ctx, x):
        x = x.data
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Relu(Op):
    """f(x) = max(0, x);  f'(x) = 1 if x > 0 else 0.

    NOTE: relu'(0) = 0, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x.data, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)  # x > 0 exactly where out > 0


class Clip(Op):
    """f(x, lo, hi) = min(max(x, lo), hi);  df/dx = 1 where lo <= x <= hi, df/dlo = 1 where
    x < lo, df/dhi = 1 where x > hi (0 elsewhere).

    ``lo`` and ``hi`` are numbers, arrays or Tensors (broadcast with ``x`` by NumPy's rules),
    or ``None`` for no bound; Tensor bounds that require grad get their gradient too.

    NOTE: PyTorch's ``clamp`` conventions: at a bound itself the gradient goes to ``x``; where
    ``lo == hi`` and x < lo neither bound gets it; a NaN in ``x`` gives NaN and no gradient.
    ``lo > hi`` anywhere is an error (PyTorch and NumPy quietly return ``hi`` there).
    """

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        low, high = data_of(lo), data_of(hi)
        if low is not None and high is not None and np.any(np.greater(low, high)):
            raise ValueError(f"clip: lo={_brief(low)} is greater than hi={_brief(high)}; give lo <= hi")
        ctx.save_for_backward(x, lo, hi)
        try:
            return np.clip(x.data, low, high)
        except ValueError:
            raise ValueError(
                f"clip: x of shape {x.shape}, lo of shape {np.shape(low)} and hi of shape "
                f"{np.shape(high)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        need_x, need_lo, need_hi = ctx.needs_input_grad
        grad_x = grad_lo = grad_hi = None
        if need_x:
            grad_x = grad if lo is None else _where(x >= lo, grad, 0.0)
            grad_x = grad_x if hi is None else _where(x <= hi, grad_x, 0.0)
        if need_lo:
            grad_lo = _where(x < lo, grad, 0.0)
            grad_lo = grad_lo if hi is None else _where(lo < hi, grad_lo, 0.0)
        if need_hi:
            grad_hi = _where(x > hi, grad, 0.0)
        return grad_x, grad_lo, grad_hi


def _brief(value):
    """A bound for an error message: the number, or the array's shape."""
    return value if np.ndim(value) == 0 else f"<array of shape {np.shape(value)}>"


class Maximum(Op):
    """f(a, b) = max(a, b) elementwise;  df/da = 1 where a > b, df/db = 1 where b > a.

    NOTE: PyTorch's conventions: where ``a == b`` the gradient is shared, 1/2 each; where
    either is NaN the result is NaN and both get the whole gradient (so the NaN side always
    receives it). The masks are recomputed in backward from the saved inputs.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return elementwise(np.maximum, "maximum", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        shared = _where(a == b, grad * 0.5, grad)
        return (_where(a < b, 0.0, shared) if need_a else None), (_where(a > b, 0.0, shared) if need_b else None)


class Minimum(Op):
    """f(a, b) = min(a, b) elementwise;  df/da = 1 where a < b, df/db = 1 where b < a.

    NOTE: as :class:`Maximum`: ties shared 1/2 each, NaN on either side gives both the gradient.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return elementwise(np.minimum, "minimum", a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        shared = _where(a == b, grad * 0.5, grad)
        return (_where(a > b, 0.0, shared) if need_a else None), (_where(a < b, 0.0, shared) if need_b else None)


class Where(Op):
    """f(c, a, b) = a where c else b;  df/da = c, df/db = not c (c is a bool mask, no gradient).

    NOTE: the gradient not taken is exactly 0 (even where ``grad`` is inf or NaN), as in PyTorch.
    """

    @staticmethod
    def forward(ctx, condition, a, b):
        condition = np.asarray(data_of(condition))
        if condition.dtype != bool:
            raise TypeError(f"where: the condition must be a bool array, got dtype {condition.dtype}")
        ctx.save_for_backward(condition)
        try:
            return np.where(condition, data_of(a), data_of(b))
        except ValueError:
            raise ValueError(
                f"where: shapes {condition.shape}, {shape_of(a)} and {shape_of(b)} cannot be broadcast together"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        return (
            None,
            (_where(condition, grad, 0.0) if need_a else None),
            (_where(condition, 0.0, grad) if need_b else None),
        )
