"""The ``autograd.`` spellings of the elementwise and reduction methods, as NumPy and PyTorch
users expect them: ``autograd.sin(x)`` is ``x.sin()``, ``autograd.var(x, axis=0)`` is
``x.var(axis=0)``. Each takes a Tensor (or anything ``Tensor(...)`` accepts) and calls the
method; the method's op has the gradient.
"""

from __future__ import annotations

from .tensor import Tensor

__all__ = [
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "exp2",
    "reciprocal",
    "rsqrt",
    "square",
    "sign",
    "floor",
    "ceil",
    "trunc",
    "isnan",
    "isinf",
    "isfinite",
    "round",
    "softplus",
    "logaddexp",
    "isclose",
    "floor_divide",
    "remainder",
    "var",
    "std",
    "prod",
    "logsumexp",
    "norm",
    "cumsum",
    "cumprod",
    "argmax",
    "argmin",
    "any",
    "all",
    "asin",
    "acos",
    "atan",
    "asinh",
    "acosh",
    "atanh",
]


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# -- functions of one value -----------------------------------------------------------------------
def sin(x):
    """f(x) = sin x;  f'(x) = cos x.

    >>> import autograd
    >>> autograd.sin(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).sin()


def cos(x):
    """f(x) = cos x;  f'(x) = -sin x.

    >>> import autograd
    >>> autograd.cos(autograd.Tensor([0.0]))
    Tensor([1.])
    """
    return _t(x).cos()


def tan(x):
    """f(x) = tan x;  f'(x) = 1 + tan^2 x.

    >>> import autograd
    >>> autograd.tan(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).tan()


def arcsin(x):
    """f(x) = arcsin x;  f'(x) = 1 / sqrt(1 - x^2) (PyTorch: ``asin``).

    >>> import autograd
    >>> autograd.arcsin(autograd.Tensor([1.0]))
    Tensor([1.57079633])
    """
    return _t(x).arcsin()


def arccos(x):
    """f(x) = arccos x;  f'(x) = -1 / sqrt(1 - x^2) (PyTorch: ``acos``).

    >>> import autograd
    >>> autograd.arccos(autograd.Tensor([1.0]))
    Tensor([0.])
    """
    return _t(x).arccos()


def arctan(x):
    """f(x) = arctan x;  f'(x) = 1 / (1 + x^2) (PyTorch: ``atan``).

    >>> import autograd
    >>> autograd.arctan(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).arctan()


def sinh(x):
    """f(x) = sinh x;  f'(x) = cosh x.

    >>> import autograd
    >>> autograd.sinh(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).sinh()


def cosh(x):
    """f(x) = cosh x;  f'(x) = sinh x.

    >>> import autograd
    >>> autograd.cosh(autograd.Tensor([0.0]))
    Tensor([1.])
    """
    return _t(x).cosh()


def arcsinh(x):
    """f(x) = arcsinh x;  f'(x) = 1 / sqrt(x^2 + 1) (PyTorch: ``asinh``).

    >>> import autograd
    >>> autograd.arcsinh(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).arcsinh()


def arccosh(x):
    """f(x) = arccosh x (x >= 1);  f'(x) = 1 / sqrt(x^2 - 1) (PyTorch: ``acosh``).

    >>> import autograd
    >>> autograd.arccosh(autograd.Tensor([1.0]))
    Tensor([0.])
    """
    return _t(x).arccosh()


def arctanh(x):
    """f(x) = arctanh x (|x| < 1);  f'(x) = 1 / (1 - x^2) (PyTorch: ``atanh``).

    >>> import autograd
    >>> autograd.arctanh(autograd.Tensor([0.0]))
    Tensor([0.])
    """
    return _t(x).arctanh()


def log1p(x):
    """f(x) = ln(1 + x), accurate for tiny x;  f'(x) = 1 / (1 + x).

    >>> import autograd
    >>> autograd.log1p(autograd.Tensor([1e-20])).item()
    1e-20
    """
    return _t(x).log1p()


def expm1(x):
    """f(x) = e^x - 1, accurate for tiny x;  f'(x) = e^x.

    >>> import autograd
    >>> autograd.expm1(autograd.Tensor([1e-20])).item()
    1e-20
    """
    return _t(x).expm1()


def log2(x):
    """f(x) = log2 x;  f'(x) = 1 / (x ln 2).

    >>> import autograd
    >>> autograd.log2(autograd.Tensor([8.0]))
    Tensor([3.])
    """
    return _t(x).log2()


def log10(x):
    """f(x) = log10 x;  f'(x) = 1 / (x ln 10).

    >>> import autograd
    >>> autograd.log10(autograd.Tensor([100.0]))
    Tensor([2.])
    """
    return _t(x).log10()


def exp2(x):
    """f(x) = 2^x;  f'(x) = 2^x ln 2.

    >>> import autograd
    >>> autograd.exp2(autograd.Tensor([3.0]))
    Tensor([8.])
    """
    return _t(x).exp2()


def reciprocal(x):
    """f(x) = 1 / x;  f'(x) = -1 / x^2.

    >>> import autograd
    >>> autograd.reciprocal(autograd.Tensor([4.0]))
    Tensor([0.25])
    """
    return _t(x).reciprocal()


def rsqrt(x):
    """f(x) = 1 / sqrt(x);  f'(x) = -1 / (2 x^1.5).

    >>> import autograd
    >>> autograd.rsqrt(autograd.Tensor([4.0]))
    Tensor([0.5])
    """
    return _t(x).rsqrt()


def square(x):
    """f(x) = x^2;  f'(x) = 2x.

    >>> import autograd
    >>> autograd.square(autograd.Tensor([3.0]))
    Tensor([9.])
    """
    return _t(x).square()


def sign(x):
    """f(x) = -1, 0 or 1;  f'(x) = 0.

    >>> import autograd
    >>> autograd.sign(autograd.Tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.])
    """
    return _t(x).sign()


def floor(x):
    """f(x) = the largest integer <= x;  f'(x) = 0.

    >>> import autograd
    >>> autograd.floor(autograd.Tensor([-1.5, 1.5]))
    Tensor([-2.,  1.])
    """
    return _t(x).floor()


def ceil(x):
    """f(x) = the smallest integer >= x;  f'(x) = 0.

    >>> import autograd
    >>> autograd.ceil(autograd.Tensor([-1.5, 1.5]))
    Tensor([-1.,  2.])
    """
    return _t(x).ceil()


def trunc(x):
    """f(x) = x rounded towards 0;  f'(x) = 0.

    >>> import autograd
    >>> autograd.trunc(autograd.Tensor([-1.5, 1.5]))
    Tensor([-1.,  1.])
    """
    return _t(x).trunc()


def isnan(x):
    """True where x is nan (a bool tensor, no graph).

    >>> import autograd
    >>> autograd.isnan(autograd.Tensor([1.0, float('nan')]))
    Tensor([False,  True])
    """
    return _t(x).isnan()


def isinf(x):
    """True where x is +inf or -inf (a bool tensor, no graph).

    >>> import autograd
    >>> autograd.isinf(autograd.Tensor([1.0, float('inf')]))
    Tensor([False,  True])
    """
    return _t(x).isinf()


def isfinite(x):
    """True where x is neither nan nor infinite (a bool tensor, no graph).

    >>> import autograd
    >>> autograd.isfinite(autograd.Tensor([1.0, float('inf')]))
    Tensor([ True, False])
    """
    return _t(x).isfinite()


asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh


def round(x, decimals=0):  # noqa: A001 (NumPy's and PyTorch's name)
    """f(x) = x rounded to ``decimals`` places, halves to even;  f'(x) = 0.

    >>> import autograd
    >>> autograd.round(autograd.Tensor([0.5, 1.5, 2.25]), decimals=0)
    Tensor([0., 2., 2.])
    """
    return _t(x).round(decimals)


def softplus(x, beta=1.0, threshold=20.0):
    """f(x) = ln(1 + e^(beta x)) / beta (x where beta x > threshold);  f'(x) = sigmoid(beta x).

    >>> import autograd
    >>> autograd.softplus(autograd.Tensor([0.0])).item() == __import__("math").log(2)
    True
    """
    return _t(x).softplus(beta, threshold)


def logaddexp(a, b):
    """f(a, b) = ln(e^a + e^b), without overflow;  df/da = e^(a - f), df/db = e^(b - f).

    >>> import autograd
    >>> autograd.logaddexp(autograd.Tensor([1000.0]), 1000.0)
    Tensor([1000.69314718])
    """
    return _t(a).logaddexp(b)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where |a - b| <= atol + rtol |b| (a bool tensor, no graph).

    >>> import autograd
    >>> autograd.isclose(autograd.Tensor([1.0, 1.1]), 1.0)
    Tensor([ True, False])
    """
    return _t(a).isclose(b, rtol, atol, equal_nan)


def floor_divide(a, b):
    """f(a, b) = floor(a / b), Python's ``//``;  gradient 0.

    >>> import autograd
    >>> autograd.floor_divide(autograd.Tensor([7.0, -7.0]), 2.0)
    Tensor([ 3., -4.])
    """
    return _t(a) // b


def remainder(a, b):
    """f(a, b) = a - b floor(a / b), Python's ``%`` (the sign of b);  df/da = 1, df/db = -floor(a / b).

    >>> import autograd
    >>> autograd.remainder(autograd.Tensor([7.0, -7.0]), 2.0)
    Tensor([1., 1.])
    """
    return _t(a) % b


# -- reductions ---------------------------------------------------------------------------------
def var(x, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
    """Variance: sum((x - mean)^2) / (n - ddof) over ``axis`` (``ddof=0`` as NumPy; PyTorch's
    default is ``correction=1``).

    >>> import autograd
    >>> autograd.var(autograd.Tensor([1.0, 3.0]))
    Tensor(1.)
    """
    return _t(x).var(axis, ddof, keepdims, correction=correction, dim=dim, keepdim=keepdim)


def std(x, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
    """Standard deviation: sqrt(var) over ``axis``.

    >>> import autograd
    >>> autograd.std(autograd.Tensor([1.0, 3.0]))
    Tensor(1.)
    """
    return _t(x).std(axis, ddof, keepdims, correction=correction, dim=dim, keepdim=keepdim)


def prod(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Product over ``axis``;  d/dx_i = product of the others (exact with zeros).

    >>> import autograd
    >>> autograd.prod(autograd.Tensor([2.0, 3.0]))
    Tensor(6.)
    """
    return _t(x).prod(axis, keepdims, dim=dim, keepdim=keepdim)


def logsumexp(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """log(sum(e^x)) over ``axis``, stable;  the gradient is softmax(x).

    >>> import autograd
    >>> autograd.logsumexp(autograd.Tensor([0.0, 0.0])).item() == __import__('math').log(2)
    True
    """
    return _t(x).logsumexp(axis, keepdims, dim=dim, keepdim=keepdim)


def norm(x, p=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """The vector p-norm over ``axis``: (sum |x|^p)^(1/p); ``p`` a number, inf, -inf or 'fro'.

    >>> import autograd
    >>> autograd.norm(autograd.Tensor([3.0, 4.0]))
    Tensor(5.)
    """
    return _t(x).norm(p, axis, keepdims, dim=dim, keepdim=keepdim)


def cumsum(x, axis=None, *, dim=None):
    """Running sum along ``axis``;  the gradient is a running sum from the end.

    >>> import autograd
    >>> autograd.cumsum(autograd.Tensor([1.0, 2.0, 3.0]), 0)
    Tensor([1., 3., 6.])
    """
    return _t(x).cumsum(axis, dim=dim)


def cumprod(x, axis=None, *, dim=None):
    """Running product along ``axis``; exact gradient with zeros.

    >>> import autograd
    >>> autograd.cumprod(autograd.Tensor([1.0, 2.0, 3.0]), 0)
    Tensor([1., 2., 6.])
    """
    return _t(x).cumprod(axis, dim=dim)


def argmax(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Position of the maximum over ``axis`` (flattened when None): int64, no graph.

    >>> import autograd
    >>> autograd.argmax(autograd.Tensor([[1.0, 5.0], [7.0, 2.0]]), axis=1)
    Tensor([1, 0])
    """
    return _t(x).argmax(axis, keepdims, dim=dim, keepdim=keepdim)


def argmin(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """Position of the minimum over ``axis`` (flattened when None): int64, no graph.

    >>> import autograd
    >>> autograd.argmin(autograd.Tensor([3.0, 1.0, 2.0]))
    Tensor(1)
    """
    return _t(x).argmin(axis, keepdims, dim=dim, keepdim=keepdim)


def any(x, axis=None, keepdims=False, *, dim=None, keepdim=None):  # noqa: A001 (NumPy's and PyTorch's name)
    """True where some value over ``axis`` is nonzero: bool, no graph.

    >>> import autograd
    >>> autograd.any(autograd.Tensor([0.0, 2.0]))
    Tensor(True)
    """
    return _t(x).any(axis, keepdims, dim=dim, keepdim=keepdim)


def all(x, axis=None, keepdims=False, *, dim=None, keepdim=None):  # noqa: A001 (NumPy's and PyTorch's name)
    """True where every value over ``axis`` is nonzero: bool, no graph.

    >>> import autograd
    >>> autograd.all(autograd.Tensor([0.0, 2.0]))
    Tensor(False)
    """
    return _t(x).all(axis, keepdims, dim=dim, keepdim=keepdim)
