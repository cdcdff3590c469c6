"""Tensor methods that act on each value: ``exp``, ``log``, ``clip``, ``softplus``, the step
functions, the tests of values; and the functions ``maximum``, ``minimum``, ``where``.
"""

from __future__ import annotations

import numpy as np

from .. import function, ops
from ..ops.op import is_tensor
from .arguments import operand

__all__ = ["ElementwiseMethods", "maximum", "minimum", "where"]


class ElementwiseMethods:
    """The elementwise methods of :class:`~autograd.Tensor` (one op each, or a few composed)."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    # -- elementwise functions ---------------------------------------------------------------
    def exp(self):
        """f(x) = e^x."""
        return ops.Exp.apply(self)

    def log(self):
        """f(x) = ln x."""
        return ops.Log.apply(self)

    def sqrt(self):
        """f(x) = sqrt(x)."""
        return ops.Sqrt.apply(self)

    def abs(self):
        """f(x) = |x| (gradient 0 at 0)."""
        return ops.Abs.apply(self)

    def tanh(self):
        """f(x) = tanh x."""
        return ops.Tanh.apply(self)

    def sigmoid(self):
        """f(x) = 1 / (1 + e^-x), computed without overflow."""
        return ops.Sigmoid.apply(self)

    def relu(self):
        """f(x) = max(0, x) (gradient 0 at 0)."""
        return ops.Relu.apply(self)

    def clip(self, lo=None, hi=None):
        """f(x) = min(max(x, lo), hi); bounds are numbers, arrays or Tensors (broadcast), or None.

        The gradient passes to x where lo <= x <= hi, and to a bound that requires grad where
        it is the value taken (PyTorch's ``clamp``).

        >>> import autograd
        >>> autograd.Tensor([-2.0, 0.5, 3.0]).clip(0.0, autograd.Tensor([1.0, 1.0, 2.0]))
        Tensor([0. , 0.5, 2. ])
        """
        return ops.Clip.apply(self, *[None if b is None else operand(b, self) for b in (lo, hi)])

    # -- logs, exponentials, powers -----------------------------------------------------------------
    def log1p(self):
        """f(x) = ln(1 + x), accurate for tiny x;  f'(x) = 1 / (1 + x)."""
        return ops.Log1p.apply(self)

    def expm1(self):
        """f(x) = e^x - 1, accurate for tiny x;  f'(x) = e^x."""
        return ops.Expm1.apply(self)

    def log2(self):
        """f(x) = log2 x;  f'(x) = 1 / (x ln 2)."""
        return ops.Log2.apply(self)

    def log10(self):
        """f(x) = log10 x;  f'(x) = 1 / (x ln 10)."""
        return ops.Log10.apply(self)

    def exp2(self):
        """f(x) = 2^x;  f'(x) = 2^x ln 2."""
        return ops.Exp2.apply(self)

    def reciprocal(self):
        """f(x) = 1 / x;  f'(x) = -1 / x^2 (composed: a division)."""
        return 1.0 / self

    def rsqrt(self):
        """f(x) = 1 / sqrt(x);  f'(x) = -1 / (2 x^1.5) (composed)."""
        return 1.0 / self.sqrt()

    def square(self):
        """f(x) = x^2;  f'(x) = 2x (composed: x * x)."""
        return self * self

    def softplus(self, beta=1.0, threshold=20.0):
        """f(x) = ln(1 + e^(beta x)) / beta (x itself where beta x > threshold);  f'(x) = sigmoid(beta x).

        >>> import autograd
        >>> autograd.Tensor([0.0, 1000.0]).softplus()
        Tensor([6.93147181e-01, 1.00000000e+03])
        """
        return ops.Softplus.apply(self, beta=beta, threshold=threshold)

    def logaddexp(self, other):
        """f(a, b) = ln(e^a + e^b), stable;  df/da = e^(a - f), df/db = e^(b - f)."""
        return ops.LogAddExp.apply(self, other if is_tensor(other) else operand(other, self))

    # -- step functions: gradient 0 ---------------------------------------------------------------
    def sign(self):
        """f(x) = -1, 0 or 1;  f'(x) = 0."""
        return ops.Sign.apply(self)

    def floor(self):
        """f(x) = largest integer <= x;  f'(x) = 0."""
        return ops.Floor.apply(self)

    def ceil(self):
        """f(x) = smallest integer >= x;  f'(x) = 0."""
        return ops.Ceil.apply(self)

    def round(self, decimals=0):
        """f(x) = x rounded (halves to even, as NumPy and PyTorch);  f'(x) = 0."""
        return ops.Round.apply(self, decimals=decimals)

    def trunc(self):
        """f(x) = x rounded towards 0;  f'(x) = 0."""
        return ops.Trunc.apply(self)

    # -- tests of values: bool tensors, never in the graph -------------------------------------------
    def isnan(self):
        """True where the value is nan."""
        return self._make(np.isnan(self.data))

    def isinf(self):
        """True where the value is +inf or -inf."""
        return self._make(np.isinf(self.data))

    def isfinite(self):
        """True where the value is neither nan nor infinite."""
        return self._make(np.isfinite(self.data))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """True where |self - other| <= atol + rtol |other| (NumPy's and PyTorch's rule)."""
        other = other.data if is_tensor(other) else other
        return self._make(np.asarray(np.isclose(self.data, other, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def maximum(a, b):
    """Elementwise maximum; where ``a == b`` each gets half the gradient.

    >>> import autograd
    >>> autograd.maximum(autograd.Tensor([1.0, 5.0]), 2.0)
    Tensor([2., 5.])
    """
    a, b = _pair(a, b)
    return ops.Maximum.apply(a, b)


def minimum(a, b):
    """Elementwise minimum; where ``a == b`` each gets half the gradient."""
    a, b = _pair(a, b)
    return ops.Minimum.apply(a, b)


def where(condition, a, b):
    """``a`` where ``condition`` (a bool tensor or array) holds, else ``b``.

    >>> import autograd
    >>> x = autograd.Tensor([-1.0, 2.0])
    >>> autograd.where(x > 0, x, 0.0)
    Tensor([0., 2.])
    """
    a, b = _pair(a, b)
    return ops.Where.apply(condition, a, b)


def _pair(a, b):
    """Make the first Tensor operand the reference for coercing the other one."""
    if is_tensor(a):
        return a, operand(b, a)
    if is_tensor(b):
        return operand(a, b), b
    return function.tensor_type(a), function.tensor_type(b)
