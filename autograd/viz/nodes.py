"""The one adapter between the drawings and the two kinds of graph: Scalar and Tensor nodes.

Both kinds follow the engine's node protocol (``_parents``, walked by
``engine.backward_order``), so the graph analysis and the builders are shared. What differs
is answered here, and nowhere else:

* a **Scalar** is its own node; its edges carry local derivatives known at forward time
  (``local_grads``), so its gradients follow from them with no backward run; a number taken
  into an op is a ``const`` Scalar of its own;
* a **Tensor**'s computed value is represented by its ``grad_fn`` (a ``Node``, holding the
  output's shape, dtype and, when small, value), a leaf by the Tensor itself; constants are
  not nodes but inputs the node remembers (``Node.constant_inputs``), and gradients come
  from the engine's own backward run.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from ..function import Node, keep_values_up_to
from ..scalar import Scalar
from ..tensor import Tensor
from . import labels

__all__ = ["nodes_of", "ScalarNodes", "TensorNodes", "KEEP_VALUE_LIMIT", "describe_constants"]

# Outputs with at most this many elements keep their value on their node (``Node.out_value``),
# so that forward drawings can show it; the engine itself never needs them.
KEEP_VALUE_LIMIT = 64
keep_values_up_to(KEEP_VALUE_LIMIT)

# PyTorch's names of the backward steps of Scalar operations (``MulBackward``).
_SCALAR_STEPS = {
    "+": "Add",
    "-": "Sub",
    "*": "Mul",
    "/": "Div",
    "neg": "Neg",
    "exp": "Exp",
    "log": "Log",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "relu": "Relu",
}


def nodes_of(root, names):
    """The adapter for the graph behind ``root``; ``names`` maps ``id(tensor)`` to a parameter name."""
    if isinstance(root, Scalar):
        return ScalarNodes(root)
    if isinstance(root, Tensor):
        return TensorNodes(root, names)
    raise TypeError(f"draw_graph draws the graph of a Scalar or a Tensor, not of a {type(root).__name__}")


class ScalarNodes:
    """Scalars: every value is a node, named by its ``label``; every edge knows its local derivative."""

    computes_gradients = False  # its gradients follow from the local derivatives, no backward run

    def __init__(self, root):
        self.root = root
        self.top = root  # the graph node of the root
        self.requires_grad = True

    def name(self, node):
        return node.label

    def gets_grad(self, node):
        """Whether backward gives ``node`` a gradient (a number taken into an op gets none)."""
        return node.op != "const"

    def stored_grad(self, node):
        return node.grad

    def shape(self, node):
        return ()

    def symbol(self, node):
        return node.op

    def input_labels(self, node):
        if len(node._parents) < 2 or node.op in labels.COMMUTATIVE:
            return None
        return ["a", "b"]

    def constants(self, node):
        return None  # numbers taken into an op are nodes of their own

    def value(self, node, show_data):
        """(title, fill, dashed, rows) of the box that shows ``node``'s value."""
        rows = [f"data {labels.num(node.data)}"] if show_data else []
        if node.op == "const":
            return "const", labels.CONST, True, rows
        return node.label, labels.LEAF if not node._parents else labels.VALUE, False, rows

    def step(self, node):
        """(title, rows, fill) of the box of ``node``'s backward step."""
        if not node._parents:
            return "AccumulateGrad", [node.label or "leaf"], labels.LEAF
        op = node.op
        title = _SCALAR_STEPS.get(op, "Pow" if op.startswith("**") else op.capitalize()) + "Backward"
        return title, [node.label] if node.label else [], labels.STEP

    def edge_text(self, node, index, parent, flow):
        """An edge of the backward drawing: ``×local derivative``, then ``→ gradient sent`` once sent."""
        text = "\u00d7" + labels.num(node.local_grads[index])
        return text if flow is None else text + " \u2192 " + labels.num(flow)

    def total_text(self, total):
        return " = " + labels.num(total)

    def local_flows(self, node, grad):
        """What ``node`` sends to each input: its gradient times each local derivative."""
        return [grad * local for local in node.local_grads]


class TensorNodes:
    """Tensors: an op's node is a ``Node``, a leaf the Tensor itself; parameters named by ``names``."""

    computes_gradients = True  # intermediate gradients are never stored: a backward run finds them

    def __init__(self, root, names):
        self.root = root
        self.top = root.grad_fn or root
        self.requires_grad = isinstance(self.top, Node) or root.requires_grad
        self.names = names

    def name(self, node):
        return self.names.get(id(node), "")

    def gets_grad(self, node):
        return isinstance(node, Node) or node.requires_grad

    def stored_grad(self, node):
        return None if isinstance(node, Node) else node.grad

    def shape(self, node):
        return node.out_shape if isinstance(node, Node) else node.data.shape

    def symbol(self, node):
        name = node.function.__name__
        return labels.SYMBOLS.get(name, name)

    def input_labels(self, node):
        """Argument names on the edges into an op whose inputs are not interchangeable."""
        if len(node._parents) < 2 or node.name in labels.COMMUTATIVE:
            return None
        names = _input_names(node.function)
        return [names[i] if i < len(names) else str(i) for i in range(len(node._parents))]

    def constants(self, node):
        return describe_constants(node)

    def value(self, node, show_data):
        if isinstance(node, Node):
            title, fill, dashed = "", labels.VALUE, False
            shape, dtype, value = node.out_shape, node.out_dtype, node.out_value
        else:
            name = self.names.get(id(node))
            title = name or ("leaf" if node.requires_grad else "const")
            fill = labels.PARAM if name else labels.LEAF if node.requires_grad else labels.CONST
            dashed = not node.requires_grad
            shape, dtype, value = node.data.shape, node.data.dtype, node.data
        rows = [labels.shape_text(shape, dtype)]
        if show_data and value is not None and value.size <= labels.VALUE_LIMIT:
            rows.append(labels.array_text(value))
        return title, fill, dashed, rows

    def step(self, node):
        shape = labels.shape_text(self.shape(node))
        if isinstance(node, Node):
            return f"{node.name}Backward", [shape], labels.STEP
        name = self.name(node)
        return "AccumulateGrad", [name or "leaf", shape], labels.PARAM if name else labels.LEAF

    def edge_text(self, node, index, parent, flow):
        """An edge of the backward drawing: the gradient's shape, and its values when small."""
        text = labels.shape_text(self.shape(parent))
        return text if flow is None else text + labels.small_values(flow)

    def total_text(self, total):
        return labels.small_values(total)


@functools.cache
def _input_names(function):
    """The names of a Function's positional inputs, from its ``forward(ctx, a, b)`` signature."""
    try:
        parameters = list(inspect.signature(function.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    names = []
    for parameter in parameters:
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        names.append(parameter.name)
    return tuple(names)


def describe_constants(node):
    """Per input of ``node``: ``None`` if it is in the graph, else what a drawing shows for it
    (a number, a small array, or ``("array", shape, dtype)`` for a big one); ``None`` when
    every input is in the graph."""
    constants = node.constant_inputs
    if constants is None:
        return None
    described = []
    for value in constants:
        data = value.data if isinstance(value, Tensor) else value
        if isinstance(data, np.ndarray) and data.size > KEEP_VALUE_LIMIT:
            data = ("array", data.shape, data.dtype)
        described.append(data)
    return tuple(described)
