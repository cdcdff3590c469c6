"""Tracing: run a function once on Tensors and write down every op it applies.

While a trace runs, ``Function.apply`` hands each op to :meth:`Tracer.apply`, which applies
it as usual and records an instruction: the op, its inputs (values of the program, or
constants) and its options. ``backward()`` inside the function runs the backward rules on
Tensors (as under ``create_graph=True``, but building no graph of the gradient), so their
operations are recorded too and the backward pass becomes ops of the same program.

Values are known by their arrays: every array the trace has seen (an input, an op's result)
maps to its value of the program, so an array that reaches an op through a backward rule's
saved values, an index or a mask is still recognised as the value it is.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..engine import apply_chain_rule, backward_order, state
from ..tensor import Tensor, make_tensor
from .ir import Instr, Var

__all__ = ["TraceError", "Tracer", "is_tracing"]


class TraceError(RuntimeError):
    """A function cannot be traced: its Python depends on values, or an op cannot be replayed.

    >>> import numpy as np, autograd
    >>> autograd.trace(lambda x: x if x.sum() > 0 else -x, np.ones(2))
    Traceback (most recent call last):
    ...
    autograd.program.tracer.TraceError: bool() of a traced tensor (shape ()): A traced program records operations, ...
    """


VALUE_HINT = (
    "A traced program records operations, not values, so Python that depends on the values "
    "(if t > 0:, float(t), t.item()) cannot become part of it. Compute both branches and pick "
    "elementwise with autograd.where(condition, a, b), or keep such code (logging the loss, "
    "early stopping) outside the traced function and use the values it returns."
)


def is_tracing():
    """Whether this thread is tracing a function (``autograd.trace``, ``autograd.compile``)."""
    return state.tracing is not None


class Tracer:
    """Records the ops of one run of a function into instructions over :class:`Var` values."""

    def __init__(self, names=None):
        self.by_array = {}  # id(array) -> Var; the arrays are kept alive in self.arrays
        self.arrays = []  # inputs, constants, captured arrays: held, so their ids stay theirs
        self.weak = {}  # id -> weak reference to an op's result
        self.inputs = []
        self.captured = []
        self.consts = []
        self.instrs = []
        self.origin = "forward"
        self.names = names or {}  # id(Tensor) -> a name for a captured Tensor (a model's parameters)
        self.leaf_grads = {}  # leaf Tensor -> its gradient so far (a traced Tensor)
        self.saved_grads = {}  # leaf Tensor -> its .grad before the trace, put back afterwards
        self.counter = 0

    # -- values --------------------------------------------------------------------------
    def _remember(self, array, var, keep=True):
        """Know ``array`` as ``var``. An op's result is held weakly: forgotten when it is freed
        (before its id can be reused), so a trace needs no more memory than the eager run."""
        key = id(array)
        self.by_array[key] = var
        if keep:
            self.arrays.append(array)
        else:
            self.weak[key] = weakref.ref(array, lambda _, key=key: self._forget(key, var))
        return var

    def _forget(self, key, var):
        if self.by_array.get(key) is var:
            del self.by_array[key]
        self.weak.pop(key, None)

    def input(self, tensor, name, position):
        data = tensor.data
        var = Var(name, "input", data.shape, data.dtype, position=position)
        self.inputs.append(var)
        return self._remember(data, var)

    def const(self, array):
        array = np.asarray(array)
        var = self.by_array.get(id(array))
        if var is None:
            var = Var(f"c{len(self.consts)}", "const", array.shape, array.dtype, value=array)
            self.consts.append(var)
            self._remember(array, var)
        return var

    def capture(self, tensor):
        name = self.names.get(id(tensor))
        if name is None or any(v.name == name for v in self.inputs + self.captured):
            name = f"{'w' if tensor.requires_grad else 'k'}{len(self.captured)}"
        var = Var(name, "captured", tensor.data.shape, tensor.data.dtype, value=tensor)
        self.captured.append(var)
        return self._remember(tensor.data, var)

    def ref(self, value):
        """The program's view of an input of an op: a Var, or a Python value as it is."""
        if isinstance(value, Tensor):
            var = self.by_array.get(id(value.data))
            return var if var is not None else self.capture(value)
        if isinstance(value, (np.ndarray, np.generic)):
            var = self.by_array.get(id(value))
            return var if var is not None else self.const(value)
        if isinstance(value, tuple):
            return tuple(self.ref(v) for v in value)
        if isinstance(value, list):
            return [self.ref(v) for v in value]
        return value

    def value_error(self, what, tensor):
        """The TraceError for ``what`` (``item()``, ``bool()``) asked of a traced tensor."""
        return TraceError(f"{what} of a traced tensor (shape {tensor.shape}): {VALUE_HINT}")

    def is_traced(self, tensor):
        """Does ``tensor`` hold a value computed from the inputs (not a constant, not captured)?"""
        var = self.by_array.get(id(tensor.data))
        return var is not None and var.kind in ("input", "op")

    # -- ops -----------------------------------------------------------------------------
    def apply(self, op, inputs, options):
        """Apply ``op`` as ``Function.apply`` would, and record it."""
        if not getattr(op, "pure", False):
            raise TraceError(
                f"{op.__name__}: this op cannot be replayed by a program: its forward is not "
                "declared pure (Function.pure = True: it depends only on its inputs and options). "
                "Declare it pure if that holds; random ops (dropout) never are."
            )
        state.tracer = None  # the op's own forward may apply ops: those are part of this one
        try:
            out = op.apply(*inputs, **options)
        finally:
            state.tracer = self
        args = tuple(self.ref(v) for v in inputs)
        opts = {key: self.ref(value) for key, value in options.items()}
        data = out.data
        if all(var.kind == "const" for var in Instr(op, args, opts, None, (), "").vars()):
            self.const(data)  # computed from constants only: a constant itself (folded at trace time)
            return out
        self.counter += 1
        var = Var(f"t{self.counter}", "op", data.shape, data.dtype)
        self._remember(data, var, keep=False)
        as_tensor = tuple(isinstance(v, Tensor) for v in inputs)
        self.instrs.append(Instr(op, args, opts, var, as_tensor, self.origin))
        return out

    def check_saved(self, node, array):
        """A backward rule is reading a saved array: it must be a value of the program (handed
        back as a Tensor, so what the rule does with it is recorded) or a constant input of the
        op, never an array the op's forward derived from the inputs (it would be frozen)."""
        var = self.by_array.get(id(array))
        if var is not None:
            return array if var.kind == "const" else make_tensor(array)
        for value in node._inputs or ():
            if value is array or (isinstance(value, Tensor) and value.data is array):
                self.const(array)
                return array
        raise TraceError(
            f"{node.name}: its backward rule reads an array that its forward computed from the "
            "input values (a mask, tie shares, indices), which a program would freeze at the traced "
            "values. Save the inputs or the output instead and recompute it in backward (see "
            "'Making an op traceable' in docs/concepts/programs.md)."
        )

    # -- backward --------------------------------------------------------------------------
    def run_backward(self, roots, root_grads, retain_graph, create_graph, capture, on_node, on_step):
        """Backward while tracing: every rule runs on Tensors (the engine hands them Tensors
        while a trace runs), so its ops are recorded, yet no graph of the gradient is built
        unless ``create_graph`` asks; the gradients of leaves become the tracer's (``.grad`` is
        set afresh for the trace)."""
        for grad in root_grads:
            if isinstance(grad, np.ndarray):
                self.ref(grad)  # a seed of ones: a constant of the program
        own_capture = capture is None
        if own_capture:
            capture = {node: None for node in backward_order(roots) if isinstance(node, Tensor)}

        def note_origin(node, grad):
            self.origin = f"{node.name}Backward" if not isinstance(node, Tensor) else "backward"
            if on_node is not None:
                on_node(node, grad)

        previous = self.origin
        try:
            apply_chain_rule(roots, root_grads, retain_graph=retain_graph, create_graph=create_graph,
                             capture=capture, on_node=note_origin, on_step=on_step)  # fmt: skip
        finally:
            self.origin = previous
        if own_capture:
            for leaf, grad in capture.items():
                if grad is not None:
                    self.add_leaf_grad(leaf, grad)

    def add_leaf_grad(self, leaf, grad):
        if not isinstance(grad, Tensor):
            self.ref(np.asarray(grad))
            grad = make_tensor(np.asarray(grad))
        if leaf not in self.saved_grads:
            self.saved_grads[leaf] = leaf.grad
        known = self.leaf_grads.get(leaf)
        if known is not None:
            self.origin, previous = "backward", self.origin
            grad = known + grad
            self.origin = previous
        self.leaf_grads[leaf] = grad
        leaf.grad = grad

    def restore(self):
        """Put back every ``.grad`` the trace set, and let go of the arrays it saw (only the
        instructions and the values' descriptions are needed to make the program)."""
        for leaf, grad in self.saved_grads.items():
            leaf.grad = grad
        self.saved_grads.clear()
        self.leaf_grads.clear()
        self.by_array.clear()
        self.weak.clear()  # (the references' callbacks refer to the tracer: no cycle is left)
        self.arrays.clear()


class tracing:
    """Context manager: ``tracer`` records the ops of this thread until the block ends."""

    def __init__(self, tracer):
        self.tracer = tracer

    def __enter__(self):
        if state.tracing is not None:
            raise TraceError("a trace is already running in this thread: traces do not nest")
        state.tracer = state.tracing = self.tracer
        return self.tracer

    def __exit__(self, *exc_info):
        state.tracer = state.tracing = None
        self.tracer.restore()
        return False
