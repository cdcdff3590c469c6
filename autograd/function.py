"""Function: the one way an operation enters the graph, for built-in ops and users' ops alike.

``Function.apply`` runs ``forward`` with grad mode off, wraps the result in a Tensor and, when
some input requires a gradient, makes a :class:`Node` (the ``ctx`` that ``forward`` filled in)
and hangs it on the result as ``grad_fn``. During backward the node calls the Function's
``backward`` and then :func:`sum_to_shape` brings every returned gradient back to its input's
shape and dtype: broadcasting is undone here and nowhere else.

Built-in ops (``autograd.ops``), ``nn.functional``'s fused ops and users' Functions all take
this one path, so every speed trick here (a cheap context for an unrecorded op, backward on
plain arrays, the output saved as its array) serves all of them.

This module sits below ``tensor.py`` (which builds its operators on the ops, which are
Functions), so it cannot import the Tensor class: ``tensor.py`` hands it over with
:func:`register_tensor_type` when it is imported. That is the one upward reference.
"""

from __future__ import annotations

import traceback

import numpy as np

from .engine import state as _state

__all__ = ["Function", "Node", "sum_to_shape", "register_tensor_type", "keep_values_up_to"]

_Tensor = None  # the Tensor class, registered by tensor.py
_make = None  # make(data, grad_fn=None): a Tensor around ``data`` as it is (no copy, no checks)
_new = object.__new__


def register_tensor_type(tensor_class, make):
    """Tell ``apply`` which class its results are and how to make one without copying."""
    global _Tensor, _make
    _Tensor, _make = tensor_class, make


# Outputs with at most this many elements keep their value on their node (``out_value``).
# The engine never needs them; the drawings, which show values, raise it when imported.
_value_limit = -1


def keep_values_up_to(size):
    """Keep the output of every op recorded from now on with at most ``size`` elements on its
    node as ``node.out_value`` (``-1``: keep none). Returns the previous setting."""
    global _value_limit
    previous, _value_limit = _value_limit, size
    return previous


class _SavedOutput:
    """The forward result among the saved values, kept as its array: saving the output Tensor
    itself would make a cycle (output -> node -> output)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


class Node:
    """The graph node of a computed Tensor, and the ``ctx`` its Function's forward and backward see.

    It holds the Function, its inputs' nodes (``_parents``), the values saved for backward,
    and the output's shape and dtype (to bring gradients back to them). It never references
    its output Tensor, so graphs make no reference cycles.
    """

    __slots__ = (
        "function",
        "_parents",
        "_saved",
        "out_shape",
        "out_dtype",
        "out_value",  # the output itself when small (see keep_values_up_to), else None
        "tag",  # what engine.state.tag was when the node was made (the drawings' module scope), or None
        "_inputs",  # the inputs, kept only when some are constants (see constant_inputs)
        "__dict__",  # ctx.anything = ... in a Function's forward, as in PyTorch
        "__weakref__",
    )
    # Rarely set, so they live in the class until a node needs its own (saves time per op).
    creation_trace = None  # where in the user's code the op was made (detect_anomaly only)

    def __init__(self, function, parents):
        self.function = function
        self._parents = parents
        self._saved = ()
        self.out_value = None
        self.tag = None
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
        return self._unpack(raw=self.function.backward_on_arrays and not _state.enabled and _state.tracing is None)

    @property
    def constant_inputs(self):
        """Per input of ``apply``: ``None`` if it is in the graph, else the value it was (a
        number, an array, a Tensor that needs no gradient); ``None`` when all are in the graph."""
        if self._inputs is None:
            return None
        return tuple(None if parent is not None else value for parent, value in zip(self._parents, self._inputs))

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
        if raw:  # a saved Tensor and a saved output both keep their array in .data
            return tuple([value.data if isinstance(value, (_Tensor, _SavedOutput)) else value for value in self._saved])
        values = []
        for value in self._saved:
            if type(value) is _SavedOutput:
                # a fresh Tensor whose grad_fn is this node: differentiable, and no cycle
                value = _make(value.data, self if _state.enabled else None)
            elif _state.tracing is not None and isinstance(value, (np.ndarray, np.generic)):
                # a traced value comes back as a Tensor, so what backward does with it is recorded;
                # an array forward derived from the inputs would be frozen, so that raises
                value = _state.tracing.check_saved(self, value)
            values.append(value)
        return tuple(values)

    def _backprop(self, grad, retain_graph):
        function = self.function
        saved = self._saved
        if saved is None:
            _ = self.saved_tensors  # raises the "second backward" error
        # plain arrays when no graph of the gradient is wanted; Tensors under create_graph, and
        # while a trace records the rules' operations (autograd.trace)
        raw = function.backward_on_arrays and not _state.enabled and _state.tracing is None
        if raw:
            if type(grad) is not np.ndarray and isinstance(grad, _Tensor):  # a Tensor seed
                grad = grad.data
            grads = function.backward(self, grad)
        else:
            if not isinstance(grad, _Tensor):
                grad = _make(np.asarray(grad))
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
    if raw:
        if type(grad) is not np.ndarray:
            grad = np.asarray(grad.data if isinstance(grad, _Tensor) else grad)
    elif not isinstance(grad, _Tensor):
        grad = _make(np.asarray(grad))
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
    # ``.reshape``, indexing, comparisons, and the helpers of ``autograd.ops.arraylike``). The
    # engine then hands it plain arrays (grad and saved values) whenever no graph of the
    # gradient is wanted, skipping the cost of Tensor operations, and Tensors under
    # ``create_graph=True``, so double backward still works. The built-in ops all do this.
    backward_on_arrays = False

    # Set ``pure = True`` when ``forward`` depends only on its inputs' values and its options
    # (no randomness, no state, nothing read from elsewhere): a traced program
    # (``autograd.trace``) may then replay the op by calling ``forward`` on new arrays. The
    # built-in ops are pure; tracing an op that is not raises ``autograd.TraceError``.
    pure = False

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
        state = _state
        if state.tracer is not None:  # autograd.trace is recording: it applies the op and notes it
            return state.tracer.apply(cls, inputs, options)
        enabled = state.enabled
        parents = None
        if enabled:
            has_constant = False
            position = 0
            for value in inputs:
                if isinstance(value, _Tensor) and value.requires_grad:
                    if parents is None:
                        parents = [None] * len(inputs)
                    parents[position] = value.grad_fn or value
                elif value is not None:
                    has_constant = True
                position += 1
        if parents is None:  # nothing to record: a context that only lets forward run
            ctx = _new(_Unrecorded)
            ctx.count = len(inputs)
        else:
            ctx = Node(cls, tuple(parents))
        if enabled:
            state.enabled = False  # forward's own Tensor operations are not part of the graph
            try:
                result = cls.forward(ctx, *inputs, **options)
            finally:
                state.enabled = True
        else:
            result = cls.forward(ctx, *inputs, **options)
        data = result.data if isinstance(result, _Tensor) else result
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        if parents is None:
            return _make(data)
        node = ctx
        out = _make(data, node)
        node.out_shape = data.shape
        node.out_dtype = data.dtype
        if data.size <= _value_limit:
            node.out_value = data
        saved = node._saved
        if saved:
            for value in saved:
                if value is result or value is data:
                    # keep the output's array, not the output Tensor (which refers to this node)
                    output = _SavedOutput(data)
                    node._saved = tuple(output if v is result or v is data else v for v in saved)
                    break
        if has_constant:
            node._inputs = inputs  # read only by those who ask for constant_inputs
        if state.tag is not None:
            node.tag = state.tag
        if state.anomaly:
            node.creation_trace = "".join(traceback.format_stack()[:-2])
        return out


class _Unrecorded:
    """The ``ctx`` of an op whose result is not recorded (no input requires grad): cheaper than
    a Node; it keeps what forward sets on it, but nothing is saved for a backward that never runs."""

    __slots__ = ("count", "__dict__")

    @property
    def needs_input_grad(self):
        return (False,) * self.count

    def save_for_backward(self, *values):
        pass
