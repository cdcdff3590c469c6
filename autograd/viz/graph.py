"""The graph a drawing shows, analysed once: its order, consumers, names and gradients.

The order is the engine's own, :func:`autograd.engine.backward_order`: the root first, each
node after all of its consumers, exactly the order in which ``backward()`` applies the chain
rule. Every drawing numbers its nodes in this order, and :func:`~autograd.viz.backward_steps`
draws one step per node in it. Gradients are those the engine computes: for Tensors one run of
``engine.run_backward`` that reports each node's total gradient (``on_node``) and what it sends
to each input (``on_step``) and leaves every ``.grad`` alone (``capture``); for Scalars the
products of the local derivatives each Scalar keeps, taken in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import engine
from .nodes import nodes_of

__all__ = ["Graph"]


class Graph:
    """What every drawing of one graph needs, gathered once: order, consumers, names, gradients."""

    def __init__(self, root, params):
        self.names = {}  # id(tensor) -> dotted name; the tensors are kept alive in self._keep
        self.module_names = {}  # id(module) -> dotted name
        self.child_ids = set()  # ids of params' direct children: collapse_modules boxes them
        self._keep = []
        self._read_params(params)
        self.nodes = nodes_of(root, self.names)  # the Scalar or Tensor adapter
        self.root = root
        self.top = self.nodes.top
        self.requires_grad = self.nodes.requires_grad
        self.order = list(engine.backward_order([self.top]))  # backward's order: root first
        consumers = {}
        for node in self.order:
            for index, parent in enumerate(node._parents):
                if parent is not None:
                    consumers.setdefault(parent, []).append((node, index))
        self.consumers = consumers  # node -> [(consumer, input index)]
        self.totals = None  # node -> d(root)/d(node value), computed by the drawing, never .grad
        self.flows = {}  # (node, input index) -> the gradient sent along that edge
        self.steps = []  # the nodes backward gives a gradient, in the order it does: its steps
        self.grad_note = None  # why computed gradients are missing, when they are

    # -- names -----------------------------------------------------------------------------
    def _read_params(self, params):
        if params is None:
            return
        if hasattr(params, "named_parameters"):
            pairs = list(params.named_parameters())
            self._read_modules(params, pairs)
        elif isinstance(params, Mapping):
            pairs = list(params.items())
        else:
            raise TypeError(
                "params must be a Module (anything with named_parameters()) or a dict of name to Tensor, "
                f"not {type(params).__name__}"
            )
        for name, tensor in pairs:
            self.names[id(tensor)] = str(name)
            self._keep.append(tensor)

    def _read_modules(self, module, pairs):
        if hasattr(module, "named_modules"):
            named = [(name, m) for name, m in module.named_modules() if name]
        elif hasattr(module, "named_children"):
            named = list(module.named_children())
        else:  # name each child after its parameters' dotted names: '0.weight' -> '0'
            full = {id(tensor): name for name, tensor in pairs}
            named = []
            for child in module.children() if hasattr(module, "children") else ():
                name = None
                for relative, tensor in getattr(child, "named_parameters", lambda: ())():
                    dotted = full.get(id(tensor), "")
                    if dotted.endswith("." + relative):
                        name = dotted[: -len(relative) - 1]
                        break
                named.append((name, child))
        if hasattr(module, "named_children"):
            children = [m for _, m in module.named_children()]
        elif hasattr(module, "children"):
            children = list(module.children())
        else:
            children = [m for name, m in named if "." not in (name or "")]
        for name, m in named:
            if name:
                self.module_names[id(m)] = str(name)
            self._keep.append(m)
        self.child_ids = {id(m) for m in children}
        self._keep.extend(children)

    def name(self, node):
        """The name a drawing gives ``node`` (a Scalar's label, a parameter's name), or ``""``."""
        return self.nodes.name(node)

    # -- gradients -------------------------------------------------------------------------
    def compute_gradients(self, flows=True):
        """Every node's gradient (``totals``), backward's steps and, with ``flows``, what each edge carries."""
        if self.totals is not None or not self.requires_grad:
            return
        if self.nodes.computes_gradients:
            self._run_backward(flows)
        else:
            self._apply_local_derivatives()

    def _apply_local_derivatives(self):
        # the lecture's rule, in backward's order: no .grad is touched
        totals, flows, steps = {self.top: 1.0}, self.flows, self.steps
        local_flows, gets_grad = self.nodes.local_flows, self.nodes.gets_grad
        for node in self.order:
            grad = totals.get(node)
            if grad is None:
                continue
            if gets_grad(node):
                steps.append(node)
            for index, (parent, flow) in enumerate(zip(node._parents, local_flows(node, grad))):
                flows[node, index] = flow
                totals[parent] = flow if parent not in totals else totals[parent] + flow
        self.totals = totals

    def _run_backward(self, with_flows):
        totals, flows, steps = {}, {}, []

        def on_node(node, grad):
            totals[node] = grad
            steps.append(node)

        def on_step(node, grad, input_grads):
            for index, flow in enumerate(input_grads):
                if flow is not None:
                    flows[node, index] = flow

        data = self.root.data
        capture = dict.fromkeys(self.order)  # with capture, run_backward leaves every .grad alone
        try:
            engine.run_backward([self.top], [np.ones(data.shape, data.dtype)], retain_graph=True,
                                capture=capture, on_node=on_node, on_step=on_step if with_flows else None)  # fmt: skip
        except RuntimeError as error:
            if "second time" in str(error):
                self.grad_note = (
                    "gradients of intermediate values not shown: backward() already freed this graph "
                    "(call backward(retain_graph=True), or draw before backward)"
                )
            else:
                self.grad_note = "gradients not shown: " + str(error).splitlines()[0]
            return
        self.totals, self.flows, self.steps = totals, flows, steps

    def flow(self, node, index):
        """The gradient ``node`` sends to its input ``index`` (``None`` when not known)."""
        return self.flows.get((node, index))
