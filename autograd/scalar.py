"""Scalar: one Python float per graph node, for neuron-level graphs drawn on the board.

Every operation knows its local derivatives as soon as it has computed its value, so each
edge of the graph simply carries a number, ``d out / d input``. Backward is then exactly the
lecture's rule: the gradient of a node is the sum, over the paths from the root, of the
products of the local derivatives along the path. The engine's driver (``engine.py``) walks
Scalars and Tensors alike; here each Scalar is its own graph node.
"""

from __future__ import annotations

import math

from . import engine
from .engine import state as _state

__all__ = ["Scalar"]


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x):
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


class Scalar:
    """A Python-float value that records the operations made with it.

    ``data`` and ``grad`` are floats; every node of the graph, not only the leaves, gets its
    ``grad`` from :meth:`backward`. ``label`` names it in drawings; ``op`` is the operation
    that made it (``""`` for a value you created, ``"const"`` for a number taken into an
    operation).

    >>> from autograd import Scalar
    >>> x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    >>> d = x + y
    >>> f = d * z
    >>> f.backward()
    >>> f.data, d.grad, x.grad, y.grad, z.grad
    (-8.0, 4.0, 4.0, 4.0, -2.0)
    """

    __slots__ = ("data", "grad", "label", "op", "_parents", "_local", "__weakref__")

    def __init__(self, data, label="", _parents=(), _local=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = _op
        if _parents and not _state.enabled:  # under no_grad() nothing is recorded
            _parents = _local = ()
        self._parents = _parents  # the inputs of the operation that made this value
        self._local = _local  # d(this)/d(input), one number per input: what each edge carries

    @property
    def local_grads(self):
        """The local derivatives ``d self / d parent``, one per parent."""
        return self._local

    @property
    def parents(self):
        return self._parents

    def _backprop(self, grad, retain_graph):
        # every Scalar keeps its gradient, then passes grad * local derivative down each edge
        self.grad += grad
        parents = self._parents
        if len(parents) == 2:  # a binary op, the usual node: two pairs cost less made directly than zipped
            local = self._local
            return (parents[0], grad * local[0]), (parents[1], grad * local[1])
        if not parents:  # a leaf
            return ()
        return zip(parents, map(grad.__mul__, self._local))  # (input, grad * d(self)/d(input)) each

    def backward(self, gradient=1.0):
        """Set ``grad`` of every node below this one: d(self)/d(node), added to what is there.

        Scalar graphs keep their local derivatives (numbers, cheap), so backward can run
        again; each run adds to ``grad``, so reset it (``v.grad = 0.0``) between steps.
        """
        engine.run_backward([self], [float(gradient)], retain_graph=True)

    def item(self):
        """The value as a Python float, as ``Tensor.item()`` gives a one-element Tensor's.

        >>> from autograd import Scalar
        >>> (Scalar(2.0) * 3).item()
        6.0
        """
        return self.data

    def __float__(self):
        """``float(s)``: the value, outside the graph (like ``s.item()``).

        >>> from autograd import Scalar
        >>> float(Scalar(0.5) + 1)
        1.5
        """
        return self.data

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Scalar(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # -- operators, each with its local derivatives ------------------------------------------
    def __add__(self, other):
        other = other if type(other) is Scalar else _coerce(other)
        return _result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    __radd__ = __add__

    def __mul__(self, other):
        other = other if type(other) is Scalar else _coerce(other)
        return _result(self.data * other.data, (self, other), (other.data, self.data), "*")

    __rmul__ = __mul__

    def __neg__(self):
        return _result(-self.data, (self,), (-1.0,), "neg")

    def __sub__(self, other):
        other = _coerce(other)
        return _result(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other):
        return _coerce(other) - self

    def __truediv__(self, other):
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        other = _coerce(other)
        out = self.data / other.data
        return _result(out, (self, other), (1.0 / other.data, -out / other.data), "/")

    def __rtruediv__(self, other):
        return _coerce(other) / self

    def __pow__(self, exponent):
        # d(x^p)/dx = p x^(p-1); the exponent is a number, not part of the graph
        if isinstance(exponent, Scalar) or not isinstance(exponent, (int, float)):
            raise TypeError(f"Scalar ** needs a number exponent (int or float), got {type(exponent).__name__}")
        try:
            local = exponent * self.data ** (exponent - 1)
        except ZeroDivisionError:
            local = math.inf
        return Scalar(self.data**exponent, "", (self,), (local,), f"**{exponent:g}")

    # -- functions ---------------------------------------------------------------------------------
    def exp(self):
        """f(x) = e^x, f'(x) = e^x."""
        out = _exp(self.data)
        return _result(out, (self,), (out,), "exp")

    def log(self):
        """f(x) = ln x, f'(x) = 1/x."""
        return _result(_log(self.data), (self,), (1.0 / self.data if self.data else math.inf,), "log")

    def tanh(self):
        """f(x) = tanh x, f'(x) = 1 - tanh^2 x."""
        out = math.tanh(self.data)
        return _result(out, (self,), (1.0 - out * out,), "tanh")

    def sigmoid(self):
        """f(x) = 1 / (1 + e^-x), f'(x) = f(x)(1 - f(x)); never overflows."""
        if self.data >= 0:
            out = 1.0 / (1.0 + _exp(-self.data))
        else:
            e = _exp(self.data)
            out = e / (1.0 + e)
        return _result(out, (self,), (out * (1.0 - out),), "sigmoid")

    def relu(self):
        """f(x) = max(0, x), f'(x) = 1 if x > 0 else 0 (0 at 0, as in PyTorch)."""
        positive = self.data > 0
        return _result(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,), "relu")


_new = object.__new__


def _result(data, parents, local, op):
    """The Scalar an operator makes: ``Scalar(data, "", parents, local, op)`` without the
    constructor's conversions (``data`` is a float already); the hottest path of Scalar graphs."""
    out = _new(Scalar)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = op
    if _state.enabled:
        out._parents = parents
        out._local = local
    else:  # under no_grad() nothing is recorded
        out._parents = out._local = ()
    return out


def _coerce(value):
    if isinstance(value, Scalar):
        return value
    if isinstance(value, (int, float)):
        return Scalar(value, "", (), (), "const")
    raise TypeError(f"a Scalar combines with numbers and Scalars, not {type(value).__name__}")
