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
import weakref

import numpy as np

from .engine import state as _state

__all__ = ["Function", "Node", "sum_to_shape", "register_tensor_type", "keep_values_up_to", "note_write"]

# The Tensor class and its no-copy constructor, registered by tensor.py when it is imported.
# The ops read ``function.tensor_type`` to tell a Tensor from an array or a number.
tensor_type = None
_Tensor = None  # the same class, under the name the hot paths below use
_make = None  # make(data, grad_fn=None): a Tensor around ``data`` as it is (no copy, no checks)
_Saved = ()  # (Tensor, _SavedOutput): saved values that hold an array in .data
_new = object.__new__
_first = np.ndarray.item  # _first(array, 0): the fingerprint of an array (cheapest read of one element)


def register_tensor_type(tensor_class, make):
    """Tell ``apply`` which class its results are and how to make one without copying."""
    global tensor_type, _Tensor, _make, _Saved
    tensor_type = _Tensor = tensor_class
    _make = make
    _Saved = (tensor_class, _SavedOutput)  # what a saved value's array is read from (.data)


# Outputs with at most this many elements keep their value on their node (``out_value``).
# The engine never needs them; the drawings, which show values, raise it when imported.
_value_limit = -1


def keep_values_up_to(size):
    """Keep the output of every op recorded from now on with at most ``size`` elements on its
    node as ``node.out_value`` (``-1``: keep none). Returns the previous setting."""
    global _value_limit
    previous, _value_limit = _value_limit, size
    return previous


# -- the version guard's record of in-place writes (see "the version guard" below) --------------
_write_count = 0  # how many in-place writes the engine's own writers have announced
_written = {}  # id(array) -> (weak reference to it, _write_count at its last announced write)


def note_write(value):
    """Announce that ``value`` (a Tensor, or the array it holds) is being changed in place.

    The engine's own in-place writers call it (``nn.init``, ``Module.load_state_dict``, the
    optimisers' steps), so a backward through a graph that saved the old values raises even
    when the values the guard samples happen to stay the same. Costs a dict entry per
    written array, dropped when the array is freed.
    """
    global _write_count
    array = value.data if isinstance(value, _Tensor) else value
    _write_count += 1
    for target in (array, array.base):  # the array, and the one that owns its memory if it is a view
        if isinstance(target, np.ndarray):
            key = id(target)
            _written[key] = (weakref.ref(target, lambda ref, key=key: _forget(key, ref)), _write_count)


def _forget(key, ref):
    entry = _written.get(key)
    if entry is not None and entry[0] is ref:
        del _written[key]


def _written_since(array, count):
    """Was ``array`` (or the array owning its memory) announced written after ``count``?"""
    for target in (array, array.base):
        entry = _written.get(id(target))
        if entry is not None and entry[1] > count and entry[0]() is target:
            return True
    return False


class _SavedOutput:
    """The forward result among the saved values, kept as its array: saving the output Tensor
    itself would make a cycle (output -> node -> output)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


_ALL_NEEDED = [(True,) * count for count in range(8)]


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
        "tag",  # what engine.state.tag was when the node was made (the drawings' module scope)
        "_inputs",  # the inputs, kept only when some are constants (see constant_inputs), else None
        "_partial",  # True when some input of apply needs no gradient
        # set only when forward saved something (see the version guard, below):
        "_values",  # what saved_tensors gives a rule that runs on arrays (set by _backprop), else None
        "_guard",  # flat: per saved Tensor (or output), its place in _saved, its array, its first element then
        "_writes",  # how many writes note_write had seen when the values were saved
        "__dict__",  # ctx.anything = ... in a Function's forward, as in PyTorch
        "__weakref__",
    )
    # Rarely set, so it lives in the class until a node needs its own (saves time per op).
    creation_trace = None  # where in the user's code the op was made (detect_anomaly only)

    def __init__(self, function, parents):
        # Function.apply makes its nodes without calling __init__ (for speed): keep the two alike
        self.function = function
        self._parents = parents
        self._saved = ()
        self.out_value = self.tag = self._inputs = None
        self._partial = None in parents

    # -- what forward uses ---------------------------------------------------------------
    @property
    def needs_input_grad(self):
        """One bool per input of ``apply``: does that input need a gradient?"""
        parents = self._parents
        count = len(parents)
        if not self._partial and count < len(_ALL_NEEDED):
            return _ALL_NEEDED[count]  # the usual case, asked in most backward rules
        if count == 2:  # a binary op with one constant operand: the next most usual
            return parents[0] is not None, parents[1] is not None
        return tuple([parent is not None for parent in parents])

    def save_for_backward(self, *values):
        """Keep ``values`` (Tensors, arrays or numbers) for ``backward``; free them after it."""
        self._saved = values

    @property
    def saved_tensors(self):
        """The saved values: plain arrays when the Function runs backward on arrays and no
        graph of the gradient is wanted, else Tensors (and other values as they were saved)."""
        saved = self._saved
        if not saved:
            if saved is None:
                raise RuntimeError(
                    f"Trying to backward through the graph a second time ({self.name}): its saved "
                    "values were freed after the first backward. Pass retain_graph=True to the "
                    "first backward() if you need to call it twice."
                )
            return ()
        try:
            values = self._values  # set by _backprop for its rule: the arrays, when it runs on arrays
        except AttributeError:  # asked before any backward ran
            values = None
        if values is not None:
            return values
        return self._unpack()

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
    def _unpack(self):
        """Saved values for a backward that is recorded (create_graph, or a trace): Tensors."""
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
        # plain arrays when no graph of the gradient is wanted; Tensors under create_graph, and
        # while a trace records the rules' operations (autograd.trace): the driver says which
        raw = function.backward_on_arrays and _state.arrays
        guard = self._guard if saved else None  # (apply sets it when forward saved something)
        if guard is not None:  # the version guard (see below): one element read per saved Tensor
            # (place, array, first element) triples laid end to end
            size = len(guard)
            # unrolled for one and two guarded values, most ops' case: this runs for every node
            if size == 3:
                p0, a0, f0 = guard
                if saved[p0].data is not a0 or _first(a0, 0) != f0:
                    _raise_changed(self)
                arrays = (a0,)
            elif size == 6:
                p0, a0, f0, p1, a1, f1 = guard
                if saved[p0].data is not a0 or saved[p1].data is not a1 or _first(a0, 0) != f0 or _first(a1, 0) != f1:
                    _raise_changed(self)
                arrays = (a0, a1)
            else:
                for position in range(0, size, 3):
                    array = guard[position + 1]
                    if saved[guard[position]].data is not array or _first(array, 0) != guard[position + 2]:
                        _raise_changed(self)
                arrays = guard[1::3]
            if self._writes != _write_count:  # an engine writer wrote somewhere since this forward
                _check_announced(self)
            if not raw:
                self._values = None  # saved_tensors makes Tensors of them
            elif size == 3 * len(saved):  # the usual case: every saved value is a guarded array
                self._values = arrays
            elif size == 3 and len(saved) == 2 and p0 == 1:  # (None, c) from x * c, (2, out) from x / 2
                self._values = (saved[0], a0)
            else:  # a saved Tensor's array, other values as they are
                self._values = tuple([value.data if isinstance(value, _Saved) else value for value in saved])
        elif saved:  # nothing saved can change: numbers, arrays of forward's own (x * 2 keeps only the 2)
            self._values = saved if raw else None
        elif saved is None:
            _ = self.saved_tensors  # raises the "second backward" error
        if raw:
            if type(grad) is not np.ndarray and isinstance(grad, _Tensor):  # a Tensor seed
                grad = grad.data
        elif not isinstance(grad, _Tensor):
            grad = _make(np.asarray(grad))
        grads = function.backward(self, grad)
        if saved and not retain_graph:
            # free what forward saved; a node that saved nothing can run again, as in PyTorch
            self._saved = self._guard = self._values = None
        if type(grads) is not tuple:
            grads = (grads,)
        parents = self._parents
        if len(grads) != len(parents):
            raise RuntimeError(
                f"{self.name}.backward returned {len(grads)} gradients, but apply() had "
                f"{len(parents)} inputs: return one per input (None where there is none)"
            )
        # (input, its gradient) per input, as the driver takes them. The loop indexes ``grads``
        # rather than zipping: for the two or three inputs of an op, making a zip costs more
        # than the loop itself.
        pairs = []
        passed_on = False
        position = -1
        for parent in parents:
            position += 1
            g = grads[position]
            if parent is None or g is None:
                pairs.append((parent, None))
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
            # (dtypes of the built-in types are shared objects: `is` settles the usual case)
            if raw and type(g) is np.ndarray and g.shape == shape and g.dtype is dtype:
                pairs.append((parent, g))  # the common case: nothing to reduce or cast
            else:
                pairs.append((parent, sum_to_shape(g, shape, dtype, self, position, raw)))
        return pairs


# -- the version guard ----------------------------------------------------------------------
# ``Function.apply`` stamps every node that saved values: ``node._guard`` holds three entries
# per saved Tensor and saved output (its place in ``node._saved``, its array, the array's first
# element) in one flat tuple, and ``node._writes`` how many writes note_write had seen. (One
# flat tuple of numbers and arrays because the garbage collector soon stops tracking it: with
# a tuple per value, a graph of a million nodes made every collection during its forward pass
# measurably slower.) Before its backward runs, the node checks that each saved Tensor still
# holds that array (``t.data = ...`` rebinds it), that the first element is the same
# (``t.data[...] = ...``, ``t.data -= lr * g``, a write through ``t.numpy()``), and that no
# engine writer announced a write to the array since (optimiser steps, ``nn.init``,
# ``load_state_dict``, see note_write). Otherwise backward would use values the forward pass
# never saw, a silently wrong gradient: it raises instead, as PyTorch does for
# its in-place operations. Arrays a Function saves that are no Tensor's data (masks it made)
# are its own; an empty array cannot change, so it is not guarded. A node that saved only
# numbers and arrays of its own has no guard (``_guard`` is None): ``x * 2`` keeps only the 2.


def _stamp(node, saved, result, data):
    """The version guard's entries for ``node``: per saved Tensor or output, its place in
    ``saved``, its array and the array's first element; None when forward saved neither (only
    numbers and arrays of its own). A saved output is kept as its array (a _SavedOutput), not
    as the output Tensor, which refers to the node."""
    guard = None
    output = None
    position = -1
    for value in saved:
        position += 1
        if value is result or value is data:
            if output is None:
                output = _SavedOutput(data)
            node._saved = saved = saved[:position] + (output,) + saved[position + 1 :]
            array = data
        elif isinstance(value, _Tensor):
            array = value.data
        else:  # a number, or an array forward made for itself: nobody else writes to it
            continue
        if guard is None:
            guard = ()
        try:
            guard += (position, array, _first(array, 0))
        except IndexError:  # an empty array cannot change
            pass
    return guard


def _check_announced(node):
    writes = node._writes
    for array in node._guard[1::3]:
        if _written_since(array, writes):
            _raise_changed(node)


def _raise_changed(node):
    """The version guard's error, naming the op, the value, its shape and the fix (returns
    quietly when the only difference is a NaN that stayed NaN)."""
    writes = node._writes
    guard = node._guard
    for position, array, first in zip(guard[::3], guard[1::3], guard[2::3]):
        value = node._saved[position]
        now = array.item(0)
        if value.data is not array:
            how = "its .data was replaced by another array"
        elif _written_since(array, writes):
            how = "it was written in place (an optimiser step, nn.init or load_state_dict)"
        elif now == first or (now != now and first != first):
            continue
        else:
            how = f"its values were changed in place (its first element was {first!r}, now {now!r})"
        if type(value) is _SavedOutput:
            what = f"its own output (shape {tuple(array.shape)}, {array.dtype})"
        else:
            kind = "a leaf tensor (a parameter or an input)" if value.grad_fn is None else "a tensor"
            what = f"{kind} of shape {tuple(array.shape)} and dtype {array.dtype} (saved value {position})"
        raise RuntimeError(
            f"{node.name} backward: {what}, which {node.name} saved for backward, has changed since "
            f"the forward pass: {how}. The gradient would use the new values, which the forward "
            "pass never saw. Call backward() before changing it (for example optimizer.step() "
            "after loss.backward()), or run the forward pass again after the change; to keep "
            "the old values for this graph, change a copy (t.data.copy()) instead."
        )


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
    mismatch = lead < 0 or any(size != 1 and size != grad_size for size, grad_size in zip(shape, grad.shape[lead:]))
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
    # Opt-in speed: set ``forward_on_arrays = True`` when ``forward`` only reads its inputs'
    # arrays (``.data``) and makes no Tensor operations: there is then nothing it could record,
    # and the engine skips switching grad mode off around it. The built-in ops all do this.
    forward_on_arrays = False

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
        # this thread's switches (engine.state) as its dict: one thread-local lookup, where
        # reading each switch from the thread-local object would cost one each
        flags = _state.__dict__
        if flags["tracer"] is not None:  # autograd.trace is recording: it applies the op and notes it
            return flags["tracer"].apply(cls, inputs, options)
        enabled = flags["enabled"]
        parents = None
        partial = has_constant = False
        if enabled:
            position = 0
            for value in inputs:
                if isinstance(value, _Tensor) and value.requires_grad:
                    if parents is None:
                        parents = [None] * len(inputs)
                    parents[position] = value.grad_fn or value
                else:
                    partial = True
                    if value is not None:
                        has_constant = True
                position += 1
        if parents is None:  # nothing to record: a context that only lets forward run
            ctx = _new(_Unrecorded)
            ctx.count = len(inputs)
        else:  # Node(cls, parents) without the cost of calling __init__ (this runs for every op)
            ctx = _new(Node)
            ctx.function = cls
            ctx._parents = tuple(parents)
            ctx._saved = ()
            ctx._partial = partial
        if enabled and not cls.forward_on_arrays:
            flags["enabled"] = False  # forward's own Tensor operations are not part of the graph
            try:
                result = cls.forward(ctx, *inputs, **options)
            finally:
                flags["enabled"] = True
        else:
            result = cls.forward(ctx, *inputs, **options)
        data = result
        if type(data) is not np.ndarray:  # an array is the usual result: one test for it
            data = result.data if isinstance(result, _Tensor) else np.asarray(result)
            if type(data) is not np.ndarray:
                data = np.asarray(data)
        # the result: Tensor._make(data, node), inlined (this runs for every op)
        out = _new(_Tensor)
        out.data = data
        out.grad = None
        if parents is None:
            out.grad_fn = None
            out.requires_grad = False
            return out
        node = out.grad_fn = ctx
        out.requires_grad = True
        node.out_shape = data.shape
        node.out_dtype = data.dtype
        node.out_value = data if data.size <= _value_limit else None
        node._inputs = inputs if has_constant else None  # read only by those who ask for constant_inputs
        node.tag = flags["tag"]
        saved = node._saved
        if saved:
            # the version guard's stamps (see _raise_changed), written out for the usual cases;
            # None when nothing saved can change, False until stamped
            guard = False
            if len(saved) == 2:  # a binary op that saved its inputs (Tensors, numbers, or None for one)
                v0, v1 = saved
                # the output among them goes to the general case (_stamp), which keeps its array
                if v0 is not result and v1 is not result and v0 is not data and v1 is not data:
                    try:
                        if isinstance(v0, _Tensor):
                            a0 = v0.data
                            if isinstance(v1, _Tensor):
                                a1 = v1.data
                                guard = (0, a0, _first(a0, 0), 1, a1, _first(a1, 0))
                            else:  # a number, None, or an array of forward's own: not guarded
                                guard = (0, a0, _first(a0, 0))
                        elif isinstance(v1, _Tensor):
                            a1 = v1.data
                            guard = (1, a1, _first(a1, 0))
                        else:
                            guard = None  # nothing to guard (x * 2 keeps only the 2)
                    except IndexError:  # an empty array: the general case below
                        pass
            elif saved[0] is data and len(saved) == 1:  # an op that saved only its output
                try:
                    guard = (0, data, _first(data, 0))
                    node._saved = (_SavedOutput(data),)
                except IndexError:
                    pass
            node._guard = _stamp(node, saved, result, data) if guard is False else guard
            node._writes = _write_count
        if flags["anomaly"]:
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
