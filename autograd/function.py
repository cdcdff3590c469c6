"""Function: the one way an operation enters the graph, for built-in ops and users' ops alike.

``Function.apply`` runs ``forward`` with grad mode off, wraps the result in a Tensor and, when
some input requires a gradient, makes a :class:`Node` (the ``ctx`` that ``forward`` filled in)
and hangs it on the result as ``grad_fn``. During backward the node calls the Function's
``backward`` and then :func:`sum_to_shape` brings every returned gradient back to its input's
shape and dtype: broadcasting is undone here and nowhere else.
"""

from __future__ import annotations

import traceback

import numpy as np

from . import tensor as _tensor
from .engine import _state

__all__ = ["Function", "Node", "sum_to_shape"]

# Outputs with at most this many elements stay on their node so drawings can show values.
KEEP_VALUE_LIMIT = 64


class _SavedOutput:
    """The forward result among the saved values, kept as its array: saving the output Tensor
    itself would make a cycle (output -> node -> output)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


class Node:
    """The graph node of a computed Tensor, and the ``ctx`` its Function's forward and backward see.

    It holds the Function, its inputs' nodes (``_parents``), the values saved for backward,
    and a little about the output (shape, dtype, and the value itself when it is small).
    It never references its output Tensor, so graphs make no reference cycles.
    """

    __slots__ = (
        "function",
        "_parents",
        "_saved",
        "out_shape",
        "out_dtype",
        "out_value",
        "scope",  # the engine.scope frame the node was made in (e.g. a Module call), or None
        "_inputs",  # the inputs, kept only when some are constants, for drawings to describe
        "__dict__",  # ctx.anything = ... in a Function's forward, as in PyTorch
        "__weakref__",
    )
    # Rarely set, so they live in the class until a node needs its own (saves time per op).
    creation_trace = None  # where in the user's code the op was made (detect_anomaly only)

    def __init__(self, function, parents):
        self.function = function
        self._parents = parents
        self._saved = ()
        self.scope = None
        self._inputs = None

    # -- what forward uses ---------------------------------------------------------------
    @property
    def needs_input_grad(self):
        """One bool per input of ``apply``: does that input need a gradient?"""
        return tuple([parent is not None for parent in self._parents])

    def save_for_backward(self, *values):
        """Keep ``values`` (Tensors, arrays or numbers) for ``backward``; free them after it."""
        self._saved = values

    @property
    def saved_tensors(self):
        """The saved values, as Tensors when backward builds a graph, else as they were saved."""
        if self._saved is None:
            raise RuntimeError(
                f"Trying to backward through the graph a second time ({self.name}): its saved "
                "values were freed after the first backward. Pass retain_graph=True to the "
                "first backward() if you need to call it twice."
            )
        return self._unpack(raw=self.function.backward_on_arrays and not _state.enabled)

    @property
    def constants(self):
        """For drawings: per input, ``None`` if it is in the graph, else what it was (a number, a
        small array) or ``("array", shape, dtype)`` for a big one; ``None`` when all are in the graph."""
        if self._inputs is None:
            return None
        return tuple(
            None if parent is not None else _describe_constant(value)
            for parent, value in zip(self._parents, self._inputs)
        )

    # -- identity --------------------------------------------------------------------------
    @property
    def name(self):
        """The Function's name, e.g. ``Mul``; drawings show ``MulBackward`` for the backward step."""
        return self.function.__name__

    def __repr__(self):
        return f"<{self.name}Backward>"

    # -- what the engine uses ----------------------------------------------------------------
    def _unpack(self, raw):
        """Saved values for backward: raw arrays on the fast path, Tensors when recording."""
        Tensor = _tensor.Tensor
        if raw:  # a saved Tensor and a saved output both keep their array in .data
            return tuple([value.data if isinstance(value, (Tensor, _SavedOutput)) else value for value in self._saved])
        values = []
        for value in self._saved:
            if type(value) is _SavedOutput:
                # a fresh Tensor whose grad_fn is this node: differentiable, and no cycle
                value = Tensor._make(value.data, self if _state.enabled else None)
            values.append(value)
        return tuple(values)

    def _backprop(self, grad, retain_graph):
        function = self.function
        saved = self._saved
        if saved is None:
            _ = self.saved_tensors  # raises the "second backward" error
        raw = function.backward_on_arrays and not _state.enabled
        if raw:
            if type(grad) is not np.ndarray and isinstance(grad, _tensor.Tensor):  # a Tensor seed
                grad = grad.data
            grads = function.backward(self, grad)
        else:
            if not isinstance(grad, _tensor.Tensor):
                grad = _tensor.Tensor._make(np.asarray(grad))
            grads = function.backward(self, grad)
        if saved and not retain_graph:
            # free what forward saved; a node that saved nothing can run again, as in PyTorch
            self._saved = None
        if type(grads) is not tuple:
            grads = (grads,)
        parents = self._parents
        if len(grads) != len(parents):
            raise RuntimeError(
                f"{self.name}.backward returned {len(grads)} gradients, but apply() had "
                f"{len(parents)} inputs: return one per input (None where there is none)"
            )
        adapted = []
        passed_on = False
        for index, parent in enumerate(parents):
            g = grads[index]
            if parent is None or g is None:
                adapted.append(None)
                continue
            if g is grad:  # the incoming gradient passed on unchanged (a + b gives it to both)
                if passed_on and raw:
                    g = g.copy()  # each input gets its own array, so no two .grad share memory
                passed_on = True
            if type(parent) is Node:
                shape, dtype = parent.out_shape, parent.out_dtype
            else:
                data = parent.data
                shape, dtype = data.shape, data.dtype
            if raw and type(g) is np.ndarray and g.shape == shape and g.dtype == dtype:
                adapted.append(g)  # the common case: nothing to reduce or cast
            else:
                adapted.append(sum_to_shape(g, shape, dtype, self, index, raw))
        return adapted


def sum_to_shape(grad, shape, dtype, node, index, raw):
    """Bring ``grad`` back to ``shape`` and ``dtype``, those of ``node``'s input number ``index``.

    Broadcasting copied the input along new leading axes and along axes of length 1, so its
    gradient is the sum over those axes. This is the only place the engine undoes it.
    """
    Tensor = _tensor.Tensor
    if raw:
        if type(grad) is not np.ndarray:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad)
    elif not isinstance(grad, Tensor):
        grad = Tensor._make(np.asarray(grad))
    if grad.shape != shape:
        grad = _reduce_broadcast(grad, shape, node, index)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _reduce_broadcast(grad, shape, node, index):
    lead = grad.ndim - len(shape)
    mismatch = lead < 0 or any(
        size != 1 and size != grad_size for size, grad_size in zip(shape, grad.shape[lead:])
    )
    if mismatch:
        raise ValueError(
            f"{node.name}.backward returned a gradient of shape {tuple(grad.shape)} for input "
            f"{index}, whose shape is {tuple(shape)}: the gradient must have the input's shape "
            "(or one that broadcasts to it)"
        )
    axes = tuple(range(lead)) + tuple(
        lead + axis for axis, size in enumerate(shape) if size == 1 and grad.shape[lead + axis] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


class Function:
    """Base class of every differentiable operation, built-in or yours.

    Subclass it with two static methods and call ``apply``:

    * ``forward(ctx, *inputs)`` computes the result from the inputs (Tensors, arrays, numbers)
      with grad mode off, and may keep values for backward with ``ctx.save_for_backward``;
    * ``backward(ctx, grad)`` gets ``dL/d(output)`` and returns ``dL/d(input)`` for every input
      of ``apply``, ``None`` where there is none. Written with Tensor operations, it is itself
      differentiable, so double backward works.

    A gradient that broadcasts to its input's shape is summed down to it for you.

    >>> import numpy as np, autograd
    >>> class Cube(autograd.Function):
    ...     '''f(x) = x^3, f'(x) = 3 x^2'''
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.data ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = autograd.Tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(x).sum()
    >>> y.backward()
    >>> x.grad
    Tensor([ 3., 12.])
    >>> autograd.gradcheck(Cube.apply, (x,)) and autograd.gradgradcheck(Cube.apply, (x,))
    True
    """

    # Opt-in speed: set ``backward_on_arrays = True`` when ``backward`` uses only operations
    # that NumPy arrays and Tensors share (arithmetic, ``@``, ``.T``, ``.mT``, ``.sum``,
    # ``.reshape``, indexing). The engine then hands it plain arrays (grad and saved values)
    # whenever no graph of the gradient is wanted, skipping the cost of Tensor operations,
    # and Tensors under ``create_graph=True``, so double backward still works. The built-in
    # ops all do this.
    backward_on_arrays = False
    _forward_on_arrays = False  # built-in ops only: forward reads .data and records nothing

    @staticmethod
    def forward(ctx, *inputs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on ``inputs`` and, if any input requires grad, record it in the graph.

        Keyword ``options`` (an axis, a shape) go to ``forward`` too, but are settings, not
        inputs: ``backward`` returns gradients for the positional inputs only.
        """
        Tensor = _tensor.Tensor
        state = _state
        enabled = state.enabled
        parents = None
        has_constant = False
        if enabled:
            position = 0
            for value in inputs:
                if isinstance(value, Tensor) and value.requires_grad:
                    if parents is None:
                        parents = [None] * len(inputs)
                    parents[position] = value.grad_fn or value
                elif value is not None:
                    has_constant = True
                position += 1
        if cls._forward_on_arrays:  # a built-in op: forward works on arrays and records nothing
            if parents is None:
                result = cls.forward(_NoGradContext(), *inputs, **options)
                return Tensor._make(result if type(result) is np.ndarray else np.asarray(result))
            node = Node(cls, tuple(parents))
            result = cls.forward(node, *inputs, **options)
        else:
            node = Node(cls, (None,) * len(inputs) if parents is None else tuple(parents))
            state.enabled = False  # forward's own Tensor operations are not part of the graph
            try:
                result = cls.forward(node, *inputs, **options)
            finally:
                state.enabled = enabled
        data = result.data if isinstance(result, Tensor) else result
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        if parents is None:
            return Tensor._make(data)
        out = Tensor._make(data, node)
        node.out_shape = data.shape
        node.out_dtype = data.dtype
        node.out_value = data if data.size <= KEEP_VALUE_LIMIT else None
        saved = node._saved
        if saved:
            for value in saved:
                if value is result or value is data:
                    # keep the output's array, not the output Tensor (which refers to this node)
                    output = _SavedOutput(data)
                    node._saved = tuple(output if v is result or v is data else v for v in saved)
                    break
        if has_constant:
            node._inputs = inputs  # described only if someone draws the graph
        if state.scope is not None:
            node.scope = state.scope
        if state.anomaly:
            node.creation_trace = "".join(traceback.format_stack()[:-2])
        return out


class _NoGradContext:
    """The ``ctx`` of a built-in op whose result is not recorded: cheaper than a Node, saves nothing."""

    needs_input_grad = (False,) * 32

    def save_for_backward(self, *values):
        pass


def _describe_constant(value):
    """What a drawing shows for an input that is not in the graph: small values, else shape and dtype."""
    Tensor = _tensor.Tensor
    if value is None:
        return None
    data = value.data if isinstance(value, Tensor) else value
    if isinstance(data, np.ndarray) and data.size > KEEP_VALUE_LIMIT:
        return ("array", data.shape, data.dtype)
    return data
