"""The backward drawing: the way gradients flow, from the root back to the leaves.

One box per backward step, named as PyTorch names them (``MulBackward``, ``AccumulateGrad``
for a leaf), in the order ``backward()`` takes them. Edges go the way gradients travel and say
what travels; a value used several times first collects its gradients in a ``Σ`` circle:
``dL/dx = sum over paths of the product of local derivatives``.
"""

from __future__ import annotations

import functools

import numpy as np

from . import labels

__all__ = ["draw"]


def draw(b):
    """Fill builder ``b`` with the backward drawing of its graph."""
    g, nodes = b.g, b.nodes
    if not g.requires_grad:
        b.add(None, labels.box("", ["no gradient flows: the root does not require grad"], labels.NOTE, shape="note"))
        return
    root_name = g.name(g.top) or "root"
    seed = b.add(None, {"shape": "plaintext", "label": f"\u2202{root_name}/\u2202{root_name}"})
    step_of, sum_of = {}, {}
    for node in g.order:
        if not nodes.gets_grad(node):
            continue  # a number taken into an op has no backward step
        uses = len(g.consumers.get(node, ()))
        if uses > 1:
            sum_of[node] = b.add(node, functools.partial(_sum, b, node, uses))
        step_of[node] = b.add(node, functools.partial(_step, b, node))
    shape = nodes.shape(g.top)
    b.edge(seed, step_of[g.top], {"label": "1.0" if int(np.prod(shape)) == 1 else f"ones {labels.shape_text(shape)}"})
    for node in g.order:
        if node not in step_of:
            continue
        if node in sum_of:
            b.edge(sum_of[node], step_of[node], functools.partial(_sum_edge, b, node))
        for index, parent in enumerate(node._parents):
            if parent is None or parent not in step_of:
                continue
            head = sum_of.get(parent, step_of[parent])
            b.edge(step_of[node], head, functools.partial(_flow_edge, b, node, index, parent))


def _sum(b, node, uses):
    attrs = {"shape": "circle", "label": "\u03a3", "style": "filled", "fillcolor": labels.OP}
    attrs["tooltip"] = f"sum of {uses} gradients"
    return b.styled(node, attrs)


def _step(b, node):
    """A backward step's box: the op's backward (or AccumulateGrad), and the gradient it completes."""
    title, rows, fill = b.nodes.step(node)
    if b.show_grad:
        total = b.known_total(node)
        if total is None and b.index is None and not node._parents:
            total = b.nodes.stored_grad(node)  # the graph was freed: a leaf still shows what .grad holds
        if total is not None:
            rows.append(labels.grad_text(total))
        elif b.index is not None:
            rows.append("grad ?")
    return b.styled(node, labels.box(title, rows, fill, root=node is b.g.top))


def _edge_style(b, sender):
    """Edges carry ink once their gradient has been sent (backward_steps), always otherwise."""
    if b.state(sender) in ("done", None):
        return {}, True
    return {"color": labels.PENDING_INK, "fontcolor": labels.PENDING_INK}, False


def _flow_edge(b, node, index, parent):
    attrs, sent = _edge_style(b, node)
    flow = b.g.flow(node, index) if (b.show_grad and sent) else None
    attrs["label"] = b.nodes.edge_text(node, index, parent, flow).replace("\n", "\\n")
    return attrs


def _sum_edge(b, node):
    uses = len(b.g.consumers[node])
    total = b.known_total(node) if b.show_grad else None
    attrs = {} if b.state(node) in ("done", "current", None) else {"color": labels.PENDING_INK}
    text = f"sum of {uses}"
    if total is not None:
        text += b.nodes.total_text(total)
    attrs["label"] = text.replace("\n", "\\n")
    return attrs
