"""Creating tensors: from data, filled with a value, ranges, and random draws.

Every function takes ``dtype=`` (Python floats default to :func:`~autograd.get_default_dtype`)
and ``requires_grad=`` (float tensors only). Shapes are given PyTorch's way, ``zeros(2, 3)``,
or NumPy's, ``zeros((2, 3))``.

Random draws come from a NumPy :class:`numpy.random.Generator`: the module's own one
(reseeded by :func:`manual_seed`) unless a ``generator=`` is passed, so a run is reproducible
without touching NumPy's global state.
"""

from __future__ import annotations

import numpy as np

from .tensor import Tensor, get_default_dtype, make_tensor

__all__ = [
    "tensor", "zeros", "ones", "full", "eye", "arange", "linspace",
    "zeros_like", "ones_like", "full_like", "rand", "randn", "randint", "manual_seed",
]  # fmt: skip

_generator = np.random.default_rng()


def manual_seed(seed):
    """Reseed the generator behind :func:`rand`, :func:`randn` and :func:`randint`; returns it.

    >>> import autograd
    >>> _ = autograd.manual_seed(0)
    >>> a = autograd.rand(3)
    >>> _ = autograd.manual_seed(0)
    >>> bool((autograd.rand(3) == a).all())
    True
    """
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def _shape(where, size):
    """``(2, 3)`` from ``(2, 3)``, ``((2, 3),)`` or ``([2, 3],)``, checked."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise ValueError(f"{where}: sizes must be non-negative integers, got {tuple(size)}")
    return tuple(int(n) for n in size)


def _float_dtype(where, dtype):
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: random floats need a float dtype, got {dtype}")
    return dtype


def _finish(array, requires_grad):
    out = make_tensor(array)
    if requires_grad:
        out.requires_grad_(True)  # raises the teaching TypeError for integer dtypes
    return out


def _rng(generator):
    if generator is None:
        return _generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"generator must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(generator).__name__}"
        )
    return generator


def tensor(data, dtype=None, requires_grad=False):
    """A new leaf tensor holding a copy of ``data`` (PyTorch's ``torch.tensor``).

    The same as ``Tensor(data, requires_grad=requires_grad, dtype=dtype)``.

    >>> import autograd
    >>> autograd.tensor([1.0, 2.0], requires_grad=True)
    Tensor([1., 2.], requires_grad=True)
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*size, dtype=None, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``.

    >>> import autograd
    >>> autograd.zeros(2, 2)
    Tensor([[0., 0.],
            [0., 0.]])
    """
    return full(_shape("zeros", size), 0, dtype=dtype, requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """A tensor of ones: ``ones(3)`` or ``ones((2, 3))``.

    >>> import autograd
    >>> autograd.ones(3, dtype="int64")
    Tensor([1, 1, 1])
    """
    return full(_shape("ones", size), 1, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``; the dtype is the default float
    dtype unless ``dtype`` is given or ``fill_value`` is a bool.

    >>> import autograd
    >>> autograd.full((2,), 7.0)
    Tensor([7., 7.])
    """
    size = _shape("full", (size,) if isinstance(size, (int, np.integer)) else tuple(size))
    if dtype is None:
        dtype = bool if isinstance(fill_value, (bool, np.bool_)) else get_default_dtype()
    return _finish(np.full(size, fill_value, dtype=dtype), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The ``n x m`` identity matrix (``m = n`` by default).

    >>> import autograd
    >>> autograd.eye(2)
    Tensor([[1., 0.],
            [0., 1.]])
    """
    n, m = _shape("eye", (n, n if m is None else m))
    return _finish(np.eye(n, m, dtype=get_default_dtype() if dtype is None else dtype), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Values from ``start`` (0 when only one bound is given) up to, not including, ``end``.

    Integer bounds and step give an int64 tensor, any float a float one (as in PyTorch).

    >>> import autograd
    >>> autograd.arange(4)
    Tensor([0, 1, 2, 3])
    >>> autograd.arange(0, 1, 0.25)
    Tensor([0.  , 0.25, 0.5 , 0.75])
    """
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if integral else get_default_dtype()
    return _finish(np.arange(start, end, step, dtype=dtype), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    >>> import autograd
    >>> autograd.linspace(0, 1, 5)
    Tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    (steps,) = _shape("linspace", (steps,))
    return _finish(np.linspace(start, end, steps, dtype=get_default_dtype() if dtype is None else dtype), requires_grad)


def _like(where, other, fill_value, dtype, requires_grad):
    data = other.data if isinstance(other, Tensor) else np.asarray(other)
    return _finish(np.full(data.shape, fill_value, dtype=data.dtype if dtype is None else dtype), requires_grad)


def zeros_like(other, dtype=None, requires_grad=False):
    """Zeros of ``other``'s shape and dtype.

    >>> import autograd
    >>> autograd.zeros_like(autograd.Tensor([[1, 2]]))
    Tensor([[0, 0]])
    """
    return _like("zeros_like", other, 0, dtype, requires_grad)


def ones_like(other, dtype=None, requires_grad=False):
    """Ones of ``other``'s shape and dtype.

    >>> import autograd
    >>> autograd.ones_like(autograd.Tensor([1.0, 2.0]))
    Tensor([1., 1.])
    """
    return _like("ones_like", other, 1, dtype, requires_grad)


def full_like(other, fill_value, dtype=None, requires_grad=False):
    """``fill_value`` in ``other``'s shape and dtype.

    >>> import autograd
    >>> autograd.full_like(autograd.Tensor([1.0, 2.0]), 0.5)
    Tensor([0.5, 0.5])
    """
    return _like("full_like", other, fill_value, dtype, requires_grad)


def rand(*size, dtype=None, requires_grad=False, generator=None):
    """Uniform random values in [0, 1): ``rand(2, 3)``.

    >>> import numpy as np, autograd
    >>> x = autograd.rand(2, 3, generator=np.random.default_rng(0))
    >>> x.shape, 0 <= x.min().item() and x.max().item() < 1
    ((2, 3), True)
    """
    size = _shape("rand", size)
    dtype = _float_dtype("rand", dtype)
    return _finish(_rng(generator).random(size, dtype=np.float64).astype(dtype, copy=False), requires_grad)


def randn(*size, dtype=None, requires_grad=False, generator=None):
    """Standard normal random values (mean 0, variance 1): ``randn(2, 3)``.

    >>> import numpy as np, autograd
    >>> autograd.randn(1000, generator=np.random.default_rng(0)).std().item() > 0.9
    True
    """
    size = _shape("randn", size)
    dtype = _float_dtype("randn", dtype)
    return _finish(_rng(generator).standard_normal(size).astype(dtype, copy=False), requires_grad)


def randint(low, high=None, size=(), dtype=None, generator=None):
    """Random integers in [low, high): ``randint(10, (3,))`` or ``randint(2, 10, (3,))`` (int64).

    >>> import numpy as np, autograd
    >>> x = autograd.randint(0, 3, (4,), generator=np.random.default_rng(0))
    >>> x.dtype, 0 <= x.min().item() and x.max().item() < 3
    (dtype('int64'), True)
    """
    if high is None:
        low, high = 0, low
    if isinstance(high, (tuple, list)):  # randint(high, size) as PyTorch spells it
        low, high, size = 0, low, high
    size = _shape("randint", (size,) if isinstance(size, (int, np.integer)) else tuple(size))
    if high <= low:
        raise ValueError(f"randint: high={high} must be greater than low={low}")
    return _finish(_rng(generator).integers(low, high, size, dtype=np.int64 if dtype is None else dtype), False)
