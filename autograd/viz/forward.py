"""The forward drawing: values flowing from the inputs to the root.

Every value is a box, every operation an ellipse between its inputs and its output, and the
edges go the way data flows. Constants that a Tensor op took in (a number, an input batch)
are boxes of their own, dashed.
"""

from __future__ import annotations

import functools

import numpy as np

from . import labels

__all__ = ["draw"]


def draw(b):
    """Fill builder ``b`` with the forward drawing of its graph."""
    g, nodes = b.g, b.nodes
    value_of, op_of, consts = {}, {}, {}
    for node in g.order:
        value_of[node] = b.add(node, functools.partial(_value, b, node))
        if node._parents:
            op_of[node] = b.add(node, functools.partial(_op, b, node))
            constants = nodes.constants(node)
            if constants is not None:
                consts[node] = {
                    index: b.add(node, functools.partial(_const, b, value))
                    for index, value in enumerate(constants)
                    if value is not None and node._parents[index] is None
                }
                # an array fed into a Module call (its input batch, a mask) stays in view when collapsed
                b.outside.update(i for index, i in consts[node].items() if _is_array(constants[index]))
    edges = b.edges
    for node in reversed(g.order):  # data-flow order: inputs before the ops that use them
        op = op_of.get(node)
        if op is None:
            continue
        names = nodes.input_labels(node)
        constants = consts.get(node, {})
        for index, parent in enumerate(node._parents):
            tail = value_of[parent] if parent is not None else constants.get(index)
            if tail is not None:
                edges.append((tail, op, {"label": names[index]} if names else None))
        edges.append((op, value_of[node], None))


def _value(b, node):
    """A value's box: its name, its value (or shape and dtype), its gradient once known."""
    nodes = b.nodes
    title, fill, dashed, rows = nodes.value(node, b.show_data)
    constant = not nodes.gets_grad(node)
    if b.show_grad and not constant:
        if b.index is not None:  # backward_steps: known once its step is reached
            grad = b.known_total(node)
            rows.append("grad ?" if grad is None else labels.grad_text(grad))
        else:  # a computed Tensor's gradient is never stored: the drawing computed it
            computed = node._parents and nodes.computes_gradients
            grad = b.known_total(node) if computed else nodes.stored_grad(node)
            if grad is not None:
                rows.append(labels.grad_text(grad))
    attrs = labels.box(title, rows, fill, dashed=dashed, root=node is b.g.top)
    return attrs if constant else b.styled(node, attrs)


def _op(b, node):
    return labels.op_attrs(b.nodes.symbol(node))


def _const(b, value):
    """A constant taken into an op: a number, a small array with its values, or a big one's shape."""
    if isinstance(value, tuple) and len(value) == 3 and value[0] == "array":
        rows = [labels.shape_text(value[1], value[2])]
    else:
        array = np.asarray(value)
        rows = [labels.array_text(array)] if array.ndim == 0 else [labels.shape_text(array.shape, array.dtype)]
        if array.ndim and b.show_data and array.size <= labels.VALUE_LIMIT:
            rows.append(labels.array_text(array))
    return labels.box("const", rows, labels.CONST, dashed=True)


def _is_array(constant):
    return (isinstance(constant, tuple) and constant[:1] == ("array",)) or np.ndim(constant) > 0
