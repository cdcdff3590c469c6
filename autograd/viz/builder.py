"""The drawing being built: its items (drawn nodes) and edges, the state of a backward step,
and the DOT text they become.

A builder collects items (each owned by a graph node, or ``None``) and edges between item
indices; :mod:`.forward` or :mod:`.backward` fill them in, :mod:`.collapse` boxes Module calls
and cuts the drawing at ``max_nodes``, and :meth:`Builder.build` writes the DOT statements.
An item's or edge's attributes may be a function: only what survives collapsing and
truncation gets formatted, which keeps drawings of huge graphs fast.
"""

from __future__ import annotations

import gc

from . import backward, collapse, forward, labels
from .rendering import GraphDrawing

__all__ = ["Builder"]


class Builder:
    """One drawing of a :class:`~autograd.viz.graph.Graph`; with ``step=k``, step ``k`` of backward."""

    def __init__(self, graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules, step=None):
        self.g = graph
        self.nodes = graph.nodes  # the Scalar or Tensor adapter
        self.mode = mode
        self.show_data = show_data
        self.show_grad = show_grad
        self.rankdir = rankdir
        self.max_nodes = max_nodes
        self.collapse = collapse_modules
        self.step = step
        self.index = {node: i for i, node in enumerate(graph.steps)} if step is not None else None
        self.items = []  # [owner graph node (or None), DOT attributes]
        self.edges = []  # [tail item, head item, DOT attributes]
        self.box_items = set()
        self.outside = set()  # items that collapse_modules leaves out of the boxes

    def add(self, owner, attrs):
        """Add an item drawn for graph node ``owner``; its index."""
        self.items.append([owner, attrs])
        return len(self.items) - 1

    def edge(self, tail, head, attrs=None):
        self.edges.append((tail, head, attrs))

    # -- backward_steps: what is known at step k ---------------------------------------------
    def state(self, node):
        """In backward_steps: 'done', 'current' or 'pending' for a node's gradient; else None."""
        if self.index is None:
            return None
        i = self.index.get(node)
        if i is None or i > self.step:
            return "pending"
        return "current" if i == self.step else "done"

    def styled(self, node, attrs):
        """``attrs`` coloured by the state of ``node``'s gradient at this step."""
        state = self.state(node)
        if state == "current":
            attrs.update(fillcolor=labels.CURRENT, color=labels.CURRENT_BORDER, penwidth="3")
        elif state == "done":
            attrs.update(fillcolor=labels.DONE)
        elif state == "pending":
            attrs.update(fillcolor="white", color=labels.PENDING_INK, fontcolor=labels.PENDING_INK)
        return attrs

    def known_total(self, node):
        """The computed gradient of a node, if the drawing may show it (in steps: once reached)."""
        if self.g.totals is None or self.state(node) == "pending":
            return None
        return self.g.totals.get(node)

    # -- the whole drawing ---------------------------------------------------------------------
    def build(self):
        """The drawing as a :class:`~autograd.viz.rendering.GraphDrawing`."""
        # Thousands of small objects, none of them cyclic: pausing the cycle collector saves a fifth of the time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._build()
        finally:
            if was_enabled:
                gc.enable()

    def _build(self):
        if self.mode == "forward":
            forward.draw(self)
        else:
            backward.draw(self)
        if self.collapse:
            collapse.collapse_modules(self)
        collapse.truncate(self)
        graph_attr = {"rankdir": self.rankdir}
        caption = self._caption()
        if caption:
            graph_attr.update(label=caption, labelloc="b", fontname="Helvetica", fontsize="11")
        drawing = GraphDrawing(
            name=f"{self.mode}_graph",
            graph_attr=graph_attr,
            node_attr={"fontname": "Helvetica", "fontsize": "11"},
            edge_attr={"fontname": "Helvetica", "fontsize": "9"},
        )
        # the statements written directly (graphviz's node()/edge() would take most of the time on big graphs)
        body = drawing.body
        attr_text = labels.attr_text
        for i, (_, attrs) in enumerate(self.items):
            body.append(f"\tn{i} [{attr_text(attrs() if callable(attrs) else attrs)}]\n")
        for tail, head, attrs in self.edges:
            if callable(attrs):
                attrs = attrs()
            body.append(f"\tn{tail} -> n{head} [{attr_text(attrs)}]\n" if attrs else f"\tn{tail} -> n{head}\n")
        return drawing

    def _caption(self):
        g = self.g
        lines = []
        if self.step is not None:
            node = g.steps[self.step]
            what = g.name(node)
            if not what:
                what = "the output of " + self.nodes.symbol(node) if node._parents else "a leaf"
            lines.append(f"step {self.step + 1} of {len(g.steps)}: the gradient of {what} is complete")
        if self.show_grad and g.grad_note and (self.mode == "backward" or g.top._parents):
            lines.append(g.grad_note)
        return "\\n".join(lines)
