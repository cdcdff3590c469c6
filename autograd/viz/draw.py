"""The two public drawings: :func:`draw_graph` (one picture) and :func:`backward_steps` (one per step)."""

from __future__ import annotations

from .builder import Builder
from .graph import Graph

__all__ = ["draw_graph", "backward_steps"]


def _check(mode, rankdir, max_nodes):
    if mode not in ("forward", "backward"):
        raise ValueError(f"mode must be 'forward' or 'backward', not {mode!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT', not {rankdir!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, not {max_nodes!r}")


def draw_graph(root, *, mode="forward", params=None, show_data=True, show_grad=True, rankdir="LR", max_nodes=500,
               collapse_modules=False):  # fmt: skip
    """Draw the computational graph behind ``root`` (a Scalar or a Tensor) as a ``graphviz.Digraph``.

    ``mode="forward"``: the values flowing from the inputs to the root. Every value is a box
    (its label or parameter name in bold; the value for a Scalar or a Tensor of at most 12
    elements, else shape and dtype; its gradient once known), and every operation an ellipse
    (``+``, ``*``, ``matmul``, ``exp``, ``log``, ``max``, ...) between its inputs and its output.
    Edges go the way data flows; inputs that are not interchangeable (``a - b``, ``a @ b``) name
    their argument on the edge.

    ``mode="backward"``: the way gradients flow, from the root back to the leaves, one box per
    backward step as PyTorch names them (``MulBackward``, ``AccumulateGrad`` for a leaf). The
    edges go the way gradients travel and say what travels: for a Scalar the local derivative
    and the gradient sent, ``×4.0 → 4.0`` (the chain rule: gradient in × local derivative); for a
    Tensor the gradient's shape, and its values when it has at most 6 elements. A value used
    several times collects its gradients in a ``Σ`` circle first, the edge out of it labelled
    ``sum of 2 = ...``: ``dL/dx = sum over paths of the product of local derivatives``.

    Colours: the root (its value, or its backward step) gold with a thick border; leaves that
    require grad light blue; parameters named by ``params`` green; constants (numbers and
    arrays taken into an op, Tensors that need no grad) grey and dashed; intermediate values
    white; operations and sums pale yellow; collapsed Module calls mauve 3-d boxes; notes
    (truncation) pale orange.

    Gradients. Scalars: forward mode shows each node's ``.grad`` (0.0 until backward runs);
    backward mode computes the gradients from the local derivatives, changing nothing. Tensors:
    a leaf shows its ``.grad`` (when not ``None``); an intermediate value's gradient is never
    stored, so the drawing computes ``d root / d value`` for every node itself, with one
    ``engine.run_backward(..., retain_graph=True)`` in the mode of :func:`autograd.grad` that leaves
    every ``.grad`` untouched (a root with several elements is seeded with ones, as
    ``root.sum()`` would be). After a ``backward()`` without ``retain_graph=True`` the graph's
    saved values are gone and these gradients cannot be computed: leaves still show ``.grad``
    and a caption says why the rest is missing. ``show_grad=False`` skips all of it.

    Options: ``params`` (a Module, i.e. anything with ``named_parameters()``, or a dict of name to
    Tensor) names parameters by identity with their dotted names (``0.weight``);
    ``show_data=False`` leaves values out (forward mode); ``rankdir`` is Graphviz's layout direction (``"LR"``,
    ``"TB"``, ...); ``max_nodes`` (``None``: no limit) draws the nodes nearest the root and a note
    ``… 1234 more nodes not drawn`` for the rest; ``collapse_modules=True`` draws one box per
    Module call (from the scope frames ``nn.Module.__call__`` stamps on nodes): per call of a
    direct child of ``params`` when ``params`` is a Module, else per call just below the
    outermost one, named ``0: Linear`` when ``params`` names it, else by class; parameters
    used only inside a call are listed in its box.

    The result's ``.source`` (DOT text) needs no Graphviz program and is the same for the same
    computation: its nodes are numbered in the order backward takes them
    (:func:`autograd.engine.backward_order`). Rendering (``.pipe(format="svg")``, ``.render(...)``,
    display in Jupyter) uses Graphviz's ``dot``, else ``graphviz-pure``
    (see :class:`~autograd.viz.rendering.GraphDrawing`).

    >>> from autograd import Scalar, draw_graph
    >>> x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    >>> d = x + y; d.label = "d"
    >>> f = d * z; f.label = "f"
    >>> f.backward()
    >>> forward = draw_graph(f)
    >>> sum(" -> " in line for line in forward.body), sum(" -> " not in line for line in forward.body)
    (6, 7)
    >>> for line in draw_graph(f, mode="backward").body:  # each edge: × local derivative → gradient sent
    ...     if " -> " in line:
    ...         print(line.strip())
    n0 -> n1 [label="1.0"]
    n1 -> n3 [label="×4.0 → 4.0"]
    n1 -> n2 [label="×-2.0 → -2.0"]
    n3 -> n5 [label="×1.0 → 4.0"]
    n3 -> n4 [label="×1.0 → 4.0"]
    """
    _check(mode, rankdir, max_nodes)
    graph = Graph(root, params)
    if show_grad and (mode == "backward" or graph.nodes.computes_gradients):
        graph.compute_gradients(flows=mode == "backward")  # a forward drawing shows no edge values
    return Builder(graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules).build()


def backward_steps(root, *, mode="backward", params=None, show_data=True, show_grad=True, rankdir="LR",
                   max_nodes=500, collapse_modules=False):  # fmt: skip
    """Backward one step at a time: one drawing per node, in the order ``backward()`` takes them.

    Backward visits the graph in a topological order: when it reaches a node, every path
    from the root to it has delivered its share, so the node's gradient is complete and is
    passed on multiplied by each local derivative. The steps are exactly those of
    ``backward()``: both walk :func:`autograd.engine.backward_order` (the root first, each node
    once all of its consumers are done; of two nodes ready at once, the one made last goes
    first). Drawing number ``k`` highlights the node completed at step ``k`` (red border),
    shows the gradients already known (green) with their values on the edges that carried
    them, and greys out the rest (``grad ?``); a caption names the step. Constants get no step.
    The options are those of :func:`draw_graph` (``mode="forward"`` highlights the value boxes
    instead).

    Nothing is changed: no ``.grad`` is touched. Tensor gradients come from one
    ``engine.run_backward(..., retain_graph=True, on_node=..., on_step=...)`` in the mode that
    leaves ``.grad`` alone, so the graph must not have been freed by a ``backward()`` without
    ``retain_graph=True`` (``RuntimeError`` otherwise); Scalar gradients come from the local
    derivatives each Scalar keeps.

    >>> from autograd import Scalar
    >>> from autograd.viz import backward_steps
    >>> x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    >>> d = x + y; d.label = "d"
    >>> f = d * z; f.label = "f"
    >>> steps = backward_steps(f)
    >>> len(steps)
    5
    >>> for step in steps:
    ...     print(step.graph_attr["label"])
    step 1 of 5: the gradient of f is complete
    step 2 of 5: the gradient of z is complete
    step 3 of 5: the gradient of d is complete
    step 4 of 5: the gradient of y is complete
    step 5 of 5: the gradient of x is complete
    >>> x.grad, z.grad   # untouched
    (0.0, 0.0)
    """
    _check(mode, rankdir, max_nodes)
    graph = Graph(root, params)
    if not graph.requires_grad:
        raise ValueError("backward_steps: the root does not require grad, so no gradient flows through its graph")
    graph.compute_gradients(flows=mode == "backward")
    if graph.totals is None:
        raise RuntimeError(f"backward_steps cannot compute the gradients: {graph.grad_note}")
    return [
        Builder(graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules, step=k).build()
        for k in range(len(graph.steps))
    ]
