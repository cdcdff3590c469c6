"""Tensor: an n-dimensional NumPy array that records the operations made with it.

Construction and dtype rules, properties, and the operators, each one line that calls a
primitive of ``autograd.ops`` or composes a few. A leaf Tensor that requires grad is a graph node
itself: the engine hands it its gradient and it accumulates into ``.grad``.
"""

from __future__ import annotations

import numpy as np

from . import engine, function, ops
from .ops import composed, movement
from .ops.indexing import plain_index
from .ops.reductions import normalise_axis

__all__ = ["Tensor", "set_default_dtype", "get_default_dtype", "maximum", "minimum", "where", "concatenate", "stack"]

_new = object.__new__
_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default_dtype = np.dtype(np.float64)


def set_default_dtype(dtype):
    """Set the dtype Python floats and float lists become: ``np.float64`` (default) or ``np.float32``.

    >>> import numpy as np, autograd
    >>> autograd.set_default_dtype(np.float32)
    >>> autograd.Tensor([1.5]).dtype
    dtype('float32')
    >>> autograd.set_default_dtype(np.float64)
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        raise TypeError(f"set_default_dtype: expected a float dtype (float16, float32, float64), got {dtype}")
    _default_dtype = dtype


def get_default_dtype():
    """The dtype Python floats become (``float64`` unless :func:`set_default_dtype` changed it)."""
    return _default_dtype


def _as_array(data, dtype=None):
    """The array a Tensor holds: Python floats take the default dtype, arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data
    from_python = not isinstance(data, (np.ndarray, np.generic))
    array = np.array(data, dtype=dtype)
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"Tensor: data of dtype {array.dtype} is not supported; use floats, integers or bools"
        )
    if dtype is None and from_python and array.dtype.kind == "f":
        array = array.astype(_default_dtype, copy=False)
    return array


def _operand(value, like):
    """Coerce the other operand of ``like``'s operator.

    Tensors and Python numbers pass unchanged (NumPy keeps a float32 tensor float32 when
    combined with a Python number). Lists, arrays and NumPy scalars become constants, in
    ``like``'s dtype when ``like`` is a float tensor, so ``t32 * np.ones(3)``, ``t32 * [1, 2]``
    and ``t32 + np.float64(2)`` stay float32 rather than silently upcasting.
    """
    if isinstance(value, Tensor) or type(value) in (int, float, bool):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"cannot combine a Tensor with a value of dtype {array.dtype}")
    dtype = like.data.dtype
    if dtype.kind == "f" and array.dtype != dtype:
        if engine.state.tracing is not None:  # the array may be a traced value (a mask): cast as an op
            return ops.Cast.apply(Tensor._make(array), dtype=dtype)
        array = array.astype(dtype)
    return Tensor._make(array)


class Tensor:
    """An n-d array (NumPy-backed, broadcasting) that records operations for backward.

    ``Tensor(data, requires_grad=False, dtype=None)``: ``data`` is a number, nested list,
    array or Tensor (copied). Python floats become the default dtype (float64); arrays keep
    theirs. Integer and bool tensors hold labels and masks and cannot require grad.

    Attributes:
        data (np.ndarray): The values, an array of its own (the constructor copies what it
            is given). Reading it is free; changing it in place (``p.data -= lr * p.grad.data``,
            the optimisers' update) is not recorded in the graph.
        grad (Tensor | None): ``dL/dx`` for this tensor, ``None`` until a backward pass reaches
            it, then a Tensor of the same shape and dtype. Each backward pass adds to it, so the
            gradients of several losses accumulate; assign ``None`` to clear it, as
            ``zero_grad()`` does. Only leaves that require grad keep one: an intermediate
            value's gradient passes through without being stored.
        requires_grad (bool): Whether operations on this tensor are recorded so that backward
            reaches it. Set it with the constructor or ``requires_grad_()``; a result requires
            grad when any input does (and grad mode is on). Float tensors only.
        grad_fn (Node | None): The graph node that made this tensor (``AddBackward``, ...),
            ``None`` for a leaf, which the user made.
        shape (tuple[int, ...]): The array's shape, ``data.shape``; with ``ndim`` and ``size``.
        dtype (numpy.dtype): The array's dtype, ``data.dtype``; a gradient always has its
            tensor's dtype (float32 stays float32).

    >>> import autograd
    >>> x = autograd.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    Tensor([[2., 4.],
            [6., 8.]])
    """

    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "__weakref__")
    __array_ufunc__ = None  # ndarray <op> Tensor defers to our reflected operators
    __hash__ = object.__hash__  # == is elementwise, but tensors are still graph nodes in dicts
    _parents = ()  # a leaf has no parents in the graph

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = _as_array(data, dtype)
        self.grad = None
        self.grad_fn = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(data, grad_fn=None):
        """A Tensor around ``data`` as it is (no copy, no checks): the ops' fast path."""
        tensor = _new(Tensor)
        tensor.data = data
        tensor.grad = None
        tensor.grad_fn = grad_fn
        tensor.requires_grad = grad_fn is not None
        return tensor

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on a leaf in place (float tensors only); returns the tensor."""
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require grad, this one has dtype {self.data.dtype} "
                "(integer and bool tensors are labels, indices and masks)"
            )
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be switched off on a leaf; use detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    # -- the leaf's part of the graph protocol ------------------------------------------
    def _backprop(self, grad, retain_graph):
        """Accumulate ``grad`` into ``.grad`` (dL/dx += grad); a leaf passes nothing on."""
        if not isinstance(grad, Tensor):
            if type(grad) is not np.ndarray:  # a NumPy scalar from summing 0-d arrays
                grad = np.asarray(grad)
            elif not grad.flags.writeable:  # a broadcast view: give the user an array of their own
                grad = grad.copy()
            grad = Tensor._make(grad)
        if self.grad is None:
            self.grad = grad
        elif engine.state.enabled:  # create_graph: the sum stays differentiable
            self.grad = self.grad + grad
        else:
            self.grad = Tensor._make(self.grad.data + grad.data)
        return ()

    # -- properties ---------------------------------------------------------------------
    @property
    def is_leaf(self):
        """True for tensors made by the user (not by an op that recorded a ``grad_fn``)."""
        return self.grad_fn is None

    @property
    def shape(self):
        """The shape of ``data``, a tuple of ints (``()`` for a 0-d tensor)."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of axes, ``len(shape)``."""
        return self.data.ndim

    @property
    def size(self):
        """The number of elements, the product of ``shape``."""
        return self.data.size

    @property
    def dtype(self):
        """The NumPy dtype of ``data`` (float64 unless set otherwise); the gradient has the same."""
        return self.data.dtype

    @property
    def T(self):
        """The tensor with its axes reversed (``transpose()``)."""
        return self.transpose()

    @property
    def mT(self):
        """The tensor with its last two axes swapped (a batch of matrices transposed)."""
        axes = list(range(self.ndim))
        axes[-2:] = axes[-1], axes[-2]
        return self.transpose(*axes)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __repr__(self):
        text = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = ""
        if self.data.dtype not in (np.dtype(np.float64), np.dtype(np.int64), np.dtype(bool)):
            extras += f", dtype={self.data.dtype}"
        if self.grad_fn is not None:
            extras += f", grad_fn={self.grad_fn!r}"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"Tensor({text}{extras})"

    def _asked_for_value(self, what):
        """Inside a trace, a value computed from the inputs cannot flow back into Python."""
        tracer = engine.state.tracing
        if tracer is not None and tracer.is_traced(self):
            raise tracer.value_error(what, self)

    def __bool__(self):
        if engine.state.tracing is not None:
            self._asked_for_value("bool()")
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()")
        return bool(self.data)

    def __array__(self, dtype=None, copy=None):
        # lets np.asarray(t) and plotting libraries read the values (never part of the graph)
        return self.data if dtype is None else self.data.astype(dtype)

    # -- conversion -----------------------------------------------------------------------
    def numpy(self):
        """The values as a NumPy array (shares memory; no graph)."""
        return self.data

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if engine.state.tracing is not None:
            self._asked_for_value("item()")
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return self.data.item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def tolist(self):
        if engine.state.tracing is not None:
            self._asked_for_value("tolist()")
        return self.data.tolist()

    def detach(self):
        """A new leaf sharing this tensor's data, cut from the graph (``requires_grad=False``)."""
        return Tensor._make(self.data)

    def astype(self, dtype):
        """This tensor in another dtype; differentiable between float dtypes."""
        dtype = np.dtype(dtype)
        if dtype == self.data.dtype:
            return self
        if self.requires_grad and dtype.kind != "f":
            return Tensor._make(self.data.astype(dtype))  # no gradient to an integer
        return ops.Cast.apply(self, dtype=dtype)

    # -- backward -------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it to ``leaf.grad``.

        ``gradient`` is dL/d(self) (needed when self has more than one element). Without
        ``retain_graph`` the values saved for backward are freed afterwards. With
        ``create_graph`` the gradients are recorded too, so they can be differentiated again.

        >>> import autograd
        >>> x = autograd.Tensor(3.0, requires_grad=True)
        >>> (x ** 2).backward()
        >>> x.grad
        Tensor(6.)
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this tensor does not require grad and has no grad_fn; create the "
                "inputs with requires_grad=True (and outside no_grad())"
            )
        seed = seed_gradient(self, gradient, "backward()")
        engine.run_backward(
            [self.grad_fn or self], [seed], retain_graph=retain_graph or create_graph, create_graph=create_graph
        )

    # -- arithmetic -----------------------------------------------------------------------
    # `other if isinstance(other, Tensor) else _operand(...)` repeats _operand's first test on
    # purpose: Tensor with Tensor is the usual case, and skipping the call saves ~5% of an op.
    def __add__(self, other):
        return ops.Add.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __radd__(self, other):
        return ops.Add.apply(_operand(other, self), self)

    def __sub__(self, other):
        return ops.Sub.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rsub__(self, other):
        return ops.Sub.apply(_operand(other, self), self)

    def __mul__(self, other):
        return ops.Mul.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rmul__(self, other):
        return ops.Mul.apply(_operand(other, self), self)

    def __truediv__(self, other):
        return ops.Div.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rtruediv__(self, other):
        return ops.Div.apply(_operand(other, self), self)

    def __pow__(self, other):
        return ops.Pow.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rpow__(self, other):
        return ops.Pow.apply(_operand(other, self), self)

    def __matmul__(self, other):
        return ops.MatMul.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rmatmul__(self, other):
        return ops.MatMul.apply(_operand(other, self), self)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __getitem__(self, index):
        return ops.GetItem.apply(self, index=plain_index(index))

    # -- comparisons: bool tensors, never part of the graph ----------------------------------
    # Ops of their own (autograd.ops.comparison) handed the arrays, not the Tensors, so nothing
    # is recorded for backward; while a function is traced they go through apply, so the
    # program recomputes a mask like ``x > 0`` from new inputs, and otherwise straight to NumPy.
    def _compare(self, op, other):
        other = other.data if isinstance(other, Tensor) else other
        if engine.state.tracer is not None:
            return op.apply(self.data, other)
        return Tensor._make(op.compute(self.data, other))

    def __lt__(self, other):
        return self._compare(ops.Less, other)

    def __le__(self, other):
        return self._compare(ops.LessEqual, other)

    def __gt__(self, other):
        return self._compare(ops.Greater, other)

    def __ge__(self, other):
        return self._compare(ops.GreaterEqual, other)

    def __eq__(self, other):
        return self._compare(ops.Equal, other)

    def __ne__(self, other):
        return self._compare(ops.NotEqual, other)

    def __invert__(self):
        """``~mask``: logical not of a bool tensor (a recorded op, so a trace replays it)."""
        if self.data.dtype != bool:
            raise TypeError(f"~ is the logical not of a bool tensor, this one has dtype {self.data.dtype}")
        return self._compare(ops.Equal, False)

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
        return ops.Clip.apply(self, *[None if b is None else _operand(b, self) for b in (lo, hi)])

    def softmax(self, axis=None, *, dim=None):
        """e^x / sum(e^x) along ``axis`` (or ``dim``; default -1), stable for large logits.

        >>> import autograd
        >>> autograd.Tensor([1000.0, 1000.0]).softmax()
        Tensor([0.5, 0.5])
        >>> autograd.Tensor([[0.0, 0.0]]).softmax(dim=1)
        Tensor([[0.5, 0.5]])
        """
        return ops.Softmax.apply(self, axis=_axis("softmax", axis, dim, -1))

    def log_softmax(self, axis=None, *, dim=None):
        """x - log(sum(e^x)) along ``axis`` (or ``dim``; default -1), stable for large logits."""
        return ops.LogSoftmax.apply(self, axis=_axis("log_softmax", axis, dim, -1))

    # -- reductions ----------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Sum over ``axis`` (an int, a tuple, or None for all); PyTorch's ``dim``/``keepdim`` also work."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _axis("sum", axis, dim), _keepdims("sum", keepdims, keepdim)
        if axis is None and not keepdims:
            return ops.Sum.apply(self)  # the loss's sum, without building the options
        return ops.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Mean over ``axis``: the sum divided by the number of elements summed."""
        axis, keepdims = _axis("mean", axis, dim), _keepdims("mean", keepdims, keepdim)
        axes = normalise_axis(axis, self.ndim, "mean")
        count = int(np.prod([self.shape[a] for a in axes]))
        if count == 0:
            raise ValueError(f"mean: no elements to average over axis {axis} of shape {self.shape}")
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / count)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Maximum over ``axis``; tied maxima share the gradient equally.

        Only the values: for the positions use ``x.argmax(axis)`` (PyTorch's ``x.max(dim)``
        returns both; here ``values, indices = x.max(axis), x.argmax(axis)``).

        >>> import autograd
        >>> x = autograd.Tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(axis=1), x.argmax(axis=1)
        (Tensor([5., 7.]), Tensor([1, 0]))
        """
        axis, keepdims = _axis("max", axis, dim), _keepdims("max", keepdims, keepdim)
        return ops.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Minimum over ``axis``; tied minima share the gradient equally (positions: ``x.argmin(axis)``)."""
        axis, keepdims = _axis("min", axis, dim), _keepdims("min", keepdims, keepdim)
        return ops.Min.apply(self, axis=axis, keepdims=keepdims)

    # -- shape -------------------------------------------------------------------------------------
    def reshape(self, *shape):
        """The same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``; one -1 allowed)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.Reshape.apply(self, shape=shape)

    def broadcast_to(self, shape):
        """The tensor copied along new or length-1 axes up to ``shape`` (NumPy's rule); the
        gradient is summed back."""
        return ops.BroadcastTo.apply(self, shape=tuple(shape))

    def transpose(self, *axes):
        """Rearrange the axes: ``transpose()`` reverses them, ``transpose(a, b)`` swaps axes a
        and b (as ``torch.transpose``), ``transpose((...))`` or three or more integers permute
        them (as NumPy).

        NOTE: this agrees with PyTorch everywhere and with NumPy everywhere except the
        identity call ``transpose(0, 1)`` of a 2-d tensor: NumPy leaves it unchanged, here
        (as in PyTorch) it swaps the two axes.

        >>> import autograd
        >>> x = autograd.zeros(2, 3, 4)
        >>> x.transpose().shape, x.transpose(0, 2).shape, x.transpose((1, 2, 0)).shape
        ((4, 3, 2), (4, 3, 2), (3, 4, 2))
        """
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        elif len(axes) == 2:
            return movement.swapaxes(self, *axes)
        return ops.Transpose.apply(self, axes=axes or None)

    # -- more arithmetic: floor division and remainder ------------------------------------------
    def __floordiv__(self, other):
        return ops.FloorDivide.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rfloordiv__(self, other):
        return ops.FloorDivide.apply(_operand(other, self), self)

    def __mod__(self, other):
        return ops.Remainder.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rmod__(self, other):
        return ops.Remainder.apply(_operand(other, self), self)

    # -- trigonometric and hyperbolic functions (PyTorch's asin-style names as aliases) ---------
    def sin(self):
        """f(x) = sin x;  f'(x) = cos x."""
        return ops.Sin.apply(self)

    def cos(self):
        """f(x) = cos x;  f'(x) = -sin x."""
        return ops.Cos.apply(self)

    def tan(self):
        """f(x) = tan x;  f'(x) = 1 + tan^2 x."""
        return ops.Tan.apply(self)

    def arcsin(self):
        """f(x) = arcsin x;  f'(x) = 1 / sqrt(1 - x^2). Alias: ``asin``."""
        return ops.Arcsin.apply(self)

    def arccos(self):
        """f(x) = arccos x;  f'(x) = -1 / sqrt(1 - x^2). Alias: ``acos``."""
        return ops.Arccos.apply(self)

    def arctan(self):
        """f(x) = arctan x;  f'(x) = 1 / (1 + x^2). Alias: ``atan``."""
        return ops.Arctan.apply(self)

    def sinh(self):
        """f(x) = sinh x;  f'(x) = cosh x."""
        return ops.Sinh.apply(self)

    def cosh(self):
        """f(x) = cosh x;  f'(x) = sinh x."""
        return ops.Cosh.apply(self)

    def arcsinh(self):
        """f(x) = arcsinh x;  f'(x) = 1 / sqrt(x^2 + 1). Alias: ``asinh``."""
        return ops.Arcsinh.apply(self)

    def arccosh(self):
        """f(x) = arccosh x (x >= 1);  f'(x) = 1 / sqrt(x^2 - 1). Alias: ``acosh``."""
        return ops.Arccosh.apply(self)

    def arctanh(self):
        """f(x) = arctanh x (|x| < 1);  f'(x) = 1 / (1 - x^2). Alias: ``atanh``."""
        return ops.Arctanh.apply(self)

    asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh

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
        return ops.LogAddExp.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

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
        return Tensor._make(np.isnan(self.data))

    def isinf(self):
        """True where the value is +inf or -inf."""
        return Tensor._make(np.isinf(self.data))

    def isfinite(self):
        """True where the value is neither nan nor infinite."""
        return Tensor._make(np.isfinite(self.data))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """True where |self - other| <= atol + rtol |other| (NumPy's and PyTorch's rule)."""
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._make(np.asarray(np.isclose(self.data, other, rtol=rtol, atol=atol, equal_nan=equal_nan)))

    # -- more reductions -----------------------------------------------------------------------------
    def var(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
        """Variance over ``axis``: sum((x - mean)^2) / (n - ddof).

        NOTE: ``ddof=0`` by default (NumPy); PyTorch's ``var`` divides by n - 1 by default:
        pass ``ddof=1`` or ``correction=1`` for that.

        >>> import autograd
        >>> x = autograd.Tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var(), x.var(ddof=1), x.var(correction=1)
        (Tensor(1.25), Tensor(1.66666667), Tensor(1.66666667))
        """
        axis, keepdims = _axis("var", axis, dim), _keepdims("var", keepdims, keepdim)
        return composed.var(self, axis, ddof, keepdims, correction)

    def std(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=None, keepdim=None):
        """Standard deviation over ``axis``: sqrt(var) (``ddof=0`` by default, as NumPy)."""
        axis, keepdims = _axis("std", axis, dim), _keepdims("std", keepdims, keepdim)
        return composed.std(self, axis, ddof, keepdims, correction)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Product over ``axis``;  d/dx_i = product of the others (exact with zeros).

        >>> import autograd
        >>> x = autograd.Tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        Tensor([0., 6., 0.])
        """
        axis, keepdims = _axis("prod", axis, dim), _keepdims("prod", keepdims, keepdim)
        return ops.Prod.apply(self, axis=axis, keepdims=keepdims)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """log(sum(e^x)) over ``axis``, stable;  the gradient is softmax(x).

        >>> import autograd
        >>> autograd.Tensor([1000.0, 1000.0]).logsumexp()
        Tensor(1000.69314718)
        """
        axis, keepdims = _axis("logsumexp", axis, dim), _keepdims("logsumexp", keepdims, keepdim)
        return composed.logsumexp(self, axis, keepdims)

    def norm(self, p=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """The vector p-norm over ``axis`` (``p``: a number, inf, -inf or "fro").

        >>> import autograd
        >>> autograd.Tensor([3.0, -4.0]).norm(), autograd.Tensor([3.0, -4.0]).norm(1)
        (Tensor(5.), Tensor(7.))
        """
        axis, keepdims = _axis("norm", axis, dim), _keepdims("norm", keepdims, keepdim)
        return composed.norm(self, p, axis, keepdims)

    def cumsum(self, axis=None, *, dim=None):
        """Running sum along ``axis`` (None: of the flattened tensor);  the gradient is a
        running sum from the end.

        >>> import autograd
        >>> autograd.Tensor([1.0, 2.0, 3.0]).cumsum(0)
        Tensor([1., 3., 6.])
        """
        axis = _axis("cumsum", axis, dim)
        return ops.Cumsum.apply(self.reshape(-1) if axis is None else self, axis=0 if axis is None else axis)

    def cumprod(self, axis=None, *, dim=None):
        """Running product along ``axis`` (None: of the flattened tensor); exact gradient with zeros."""
        axis = _axis("cumprod", axis, dim)
        return ops.Cumprod.apply(self.reshape(-1) if axis is None else self, axis=0 if axis is None else axis)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Position of the maximum over ``axis`` (None: in the flattened tensor); an int64 tensor, no graph."""
        axis, keepdims = _axis("argmax", axis, dim), _keepdims("argmax", keepdims, keepdim)
        return _index_reduction(np.argmax, "argmax", self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Position of the minimum over ``axis`` (None: in the flattened tensor); an int64 tensor, no graph."""
        axis, keepdims = _axis("argmin", axis, dim), _keepdims("argmin", keepdims, keepdim)
        return _index_reduction(np.argmin, "argmin", self, axis, keepdims)

    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """True where some value over ``axis`` is nonzero; a bool tensor, no graph."""
        axis, keepdims = _axis("any", axis, dim), _keepdims("any", keepdims, keepdim)
        return Tensor._make(np.asarray(self.data.any(axis=normalise_axis(axis, self.ndim, "any"), keepdims=keepdims)))

    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """True where every value over ``axis`` is nonzero; a bool tensor, no graph."""
        axis, keepdims = _axis("all", axis, dim), _keepdims("all", keepdims, keepdim)
        return Tensor._make(np.asarray(self.data.all(axis=normalise_axis(axis, self.ndim, "all"), keepdims=keepdims)))

    # -- more shape and movement (composed in ops/movement.py) --------------------------------------
    def view(self, *shape):
        """PyTorch's name for :meth:`reshape` (with no in-place ops, whether memory is shared never shows)."""
        return self.reshape(*shape)

    def permute(self, *axes):
        """Reorder the axes: ``permute(2, 0, 1)`` or ``permute((2, 0, 1))``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.Transpose.apply(self, axes=axes)

    def squeeze(self, axis=None, *, dim=None):
        """Remove axes of length 1 (all, or the given ones; an axis longer than 1 is left, as PyTorch)."""
        return movement.squeeze(self, _axis("squeeze", axis, dim))

    def unsqueeze(self, axis=None, *, dim=None):
        """Insert an axis of length 1 at ``axis`` (NumPy's ``expand_dims``)."""
        return movement.unsqueeze(self, _axis("unsqueeze", axis, dim))

    def expand(self, *sizes):
        """Broadcast to ``sizes`` (-1 keeps an axis): ``x.expand(3, -1)``."""
        return movement.expand(self, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes)

    def flatten(self, start_axis=0, end_axis=-1, *, start_dim=None, end_dim=None):
        """Merge axes ``start_axis`` to ``end_axis`` into one (all by default)."""
        start = start_axis if start_dim is None else start_dim
        return movement.flatten(self, start, end_axis if end_dim is None else end_dim)

    def unflatten(self, axis, sizes):
        """Split ``axis`` into axes of ``sizes``: ``x.unflatten(1, (2, 3))``."""
        return movement.unflatten(self, axis, sizes)

    def repeat(self, *sizes):
        """PyTorch's ``repeat``: tile the tensor ``sizes[i]`` times along axis i (NumPy: ``tile``)."""
        return movement.repeat(self, sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes)

    def tile(self, reps):
        """NumPy's ``tile``: repeat the tensor ``reps[i]`` times along axis i (fewer reps: leading axes kept)."""
        return movement.tile(self, reps)

    def flip(self, axis=None, *, dims=None):
        """Reverse the order along ``axis`` (an int, a tuple, None for all); PyTorch spells it ``dims``."""
        return movement.flip(self, axis if dims is None else dims)

    def roll(self, shifts, axis=None, *, dims=None):
        """Shift entries by ``shifts`` along ``axis``, wrapping around."""
        return movement.roll(self, shifts, axis if dims is None else dims)

    def split(self, split_size_or_sections, axis=0, *, dim=None):
        """PyTorch's ``split``: pieces of a given length (int) or of the listed lengths; a tuple."""
        return movement.split(self, split_size_or_sections, axis if dim is None else dim)

    def chunk(self, chunks, axis=0, *, dim=None):
        """Split into ``chunks`` pieces of (almost) equal length (PyTorch's ``chunk``); a tuple."""
        return movement.chunk(self, chunks, axis if dim is None else dim)

    def tril(self, k=0, *, diagonal=None):
        """The lower triangle of the last two axes (entries above diagonal ``k`` set to 0)."""
        return movement.tril(self, k if diagonal is None else diagonal)

    def triu(self, k=0, *, diagonal=None):
        """The upper triangle of the last two axes (entries below diagonal ``k`` set to 0)."""
        return movement.triu(self, k if diagonal is None else diagonal)

    def swapaxes(self, axis1, axis2):
        """Exchange two axes (PyTorch also: ``swapdims``, ``transpose(a, b)``)."""
        return movement.swapaxes(self, axis1, axis2)

    swapdims = swapaxes

    def movedim(self, source, destination):
        """Move axes ``source`` to ``destination`` (NumPy: ``moveaxis``)."""
        return movement.movedim(self, source, destination)

    moveaxis = movedim

    # -- picking, scattering, products (composed in ops/composed.py) --------------------------------
    def gather(self, axis=None, index=None, *, dim=None):
        """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for axis 0 (``x[i][index[i][j]]`` for axis 1).

        >>> import autograd
        >>> x = autograd.Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.gather(1, autograd.Tensor([[1], [0]]))
        Tensor([[2.],
                [3.]])
        """
        return composed.gather(self, _axis("gather", axis, dim), index)

    def take_along_axis(self, indices, axis):
        """NumPy's ``take_along_axis`` (``gather`` with broadcasting)."""
        return composed.take_along_axis(self, indices, axis)

    def index_select(self, axis=None, index=None, *, dim=None):
        """The entries at positions ``index`` (1-d) along ``axis``."""
        return composed.index_select(self, _axis("index_select", axis, dim), index)

    def scatter_add(self, axis=None, index=None, src=None, *, dim=None):
        """PyTorch's ``scatter_add`` (returns a new tensor): ``src`` added at ``index`` along ``axis``."""
        return composed.scatter_add(self, _axis("scatter_add", axis, dim), index, _as_tensor(src))

    def index_add(self, axis=None, index=None, source=None, *, alpha=1, dim=None):
        """``source`` slices added at positions ``index`` along ``axis`` (returns a new tensor)."""
        return composed.index_add(self, _axis("index_add", axis, dim), index, _as_tensor(source), alpha)

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` is True, the tensor's values elsewhere (gradient 0 where filled)."""
        return composed.masked_fill(self, mask, value)

    def matmul(self, other):
        """``self @ other``."""
        return self @ other

    def dot(self, other):
        """The dot product of two vectors."""
        return composed.dot(self, _as_tensor(other))

    def outer(self, other):
        """out[i, j] = self[i] * other[j]."""
        return composed.outer(self, _as_tensor(other))


make_tensor = Tensor._make  # for the package's other modules: a Tensor around an array, no copy
function.register_tensor_type(Tensor, make_tensor)

_ONES = {}  # dtype -> 0-d array of one, the usual seed


def seed_gradient(output, gradient, where):
    """dL/d(output) to start backward with: 1 for a one-element output, else the given one."""
    if gradient is None:
        if output.data.size != 1:
            raise ValueError(
                f"{where}: the output has shape {output.shape}, so a gradient is needed; pass "
                "gradient=... of that shape (or reduce the output to one value, e.g. with .sum())"
            )
        data = output.data
        one = _ONES.get(data.dtype)
        if one is None:
            one = _ONES[data.dtype] = np.ones((), dtype=data.dtype)
        # a copy of a cached one: np.ones is slow for one element, and the seed must be a fresh
        # array (it may become a leaf's .grad)
        return one.copy() if data.ndim == 0 else one.reshape(data.shape).copy()
    if isinstance(gradient, Tensor) and gradient.requires_grad:
        seed = gradient  # a differentiable seed (double backward through grad_outputs)
    else:
        # a copy: the seed may end up as a leaf's .grad, which must not alias the caller's array
        seed = np.array(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=output.dtype)
    if seed.shape != output.shape:
        raise ValueError(f"{where}: the gradient has shape {seed.shape} but the output has shape {output.shape}")
    return seed


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


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis.

    >>> import autograd
    >>> autograd.concatenate([autograd.Tensor([1.0]), autograd.Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    return ops.Concatenate.apply(*[_as_tensor(t) for t in tensors], axis=axis)


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis.

    >>> import autograd
    >>> autograd.stack([autograd.Tensor([1.0, 2.0]), autograd.Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return ops.Stack.apply(*[_as_tensor(t) for t in tensors], axis=axis)


def _as_tensor(value):
    return value if isinstance(value, Tensor) else Tensor(value)


# -- NumPy's axis/keepdims and PyTorch's dim/keepdim -----------------------------------------------
def _axis(op, axis, dim, default=None):
    """The axis the caller gave, as ``axis=`` (NumPy) or ``dim=`` (PyTorch), not both."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: got both axis={axis!r} and dim={dim!r}; they are two names for one argument")
        axis = dim
    if isinstance(axis, list):
        axis = tuple(axis)
    return default if axis is None else axis


def _keepdims(op, keepdims, keepdim):
    """``keepdims`` (NumPy) or ``keepdim`` (PyTorch), not both."""
    if keepdim is None:
        return keepdims
    if keepdims:
        raise TypeError(f"{op}: got both keepdims and keepdim; they are two names for one argument")
    return keepdim


def _index_reduction(pick, op, x, axis, keepdims):
    if x.size == 0:
        raise ValueError(f"{op}: the tensor is empty (shape {x.shape}), so it has no {op[3:]}imum")
    if axis is not None:
        if isinstance(axis, tuple):
            raise TypeError(f"{op}: axis must be one integer or None, got {axis}")
        (axis,) = normalise_axis(axis, x.ndim, op) or (None,)
    return Tensor._make(np.asarray(pick(x.data, axis=axis, keepdims=keepdims)))


def _pair(a, b):
    """Make the first Tensor operand the reference for coercing the other one."""
    if isinstance(a, Tensor):
        return a, _operand(b, a)
    if isinstance(b, Tensor):
        return _operand(a, b), b
    return Tensor(a), Tensor(b)
