"""Tensor: an n-dimensional NumPy array that records the operations made with it.

Construction and dtype rules, properties, conversion, ``backward`` and the operators, each one
line that calls a primitive of ``autograd.ops``. The methods (``exp``, ``sum``, ``reshape``,
``gather``...) come by family from the mixin classes of ``autograd/methods/``. A leaf Tensor
that requires grad is a graph node itself: the engine hands it its gradient and it
accumulates into ``.grad``.
"""

from __future__ import annotations

import numpy as np

from . import engine, function, ops
from .methods import ElementwiseMethods, IndexingMethods, LinalgMethods, ReductionMethods, ShapeMethods, TrigMethods
from .methods.arguments import operand as _operand  # the operators' other operand
from .ops.indexing import plain_index

__all__ = ["Tensor", "set_default_dtype", "get_default_dtype"]

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
        raise TypeError(f"Tensor: data of dtype {array.dtype} is not supported; use floats, integers or bools")
    if dtype is None and from_python and array.dtype.kind == "f":
        array = array.astype(_default_dtype, copy=False)
    return array


# the bases are the method families (no two define the same name), listed last family first because
# the API reference shows inherited methods from the last base to the first
class Tensor(LinalgMethods, IndexingMethods, ShapeMethods, ReductionMethods, TrigMethods, ElementwiseMethods):
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

    # -- more arithmetic: floor division and remainder ------------------------------------------
    def __floordiv__(self, other):
        return ops.FloorDivide.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rfloordiv__(self, other):
        return ops.FloorDivide.apply(_operand(other, self), self)

    def __mod__(self, other):
        return ops.Remainder.apply(self, other if isinstance(other, Tensor) else _operand(other, self))

    def __rmod__(self, other):
        return ops.Remainder.apply(_operand(other, self), self)


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
