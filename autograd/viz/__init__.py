"""Drawing the computational graph, forward (values) and backward (gradients), with Graphviz.

:func:`draw_graph` turns the graph behind a Scalar or a Tensor into a ``graphviz.Digraph``;
:func:`backward_steps` draws backward one step at a time, in the very order ``backward()``
takes the nodes (:func:`autograd.engine.backward_order`), so a student can watch the chain
rule ``dL/dx = sum over paths of the product of local derivatives`` fill the graph in.

Building a drawing needs no Graphviz program: ``.source`` is plain DOT text, the same for the
same computation, so docs and tests can compare it. Rendering it (``.pipe()``, ``.render()``,
display in a notebook, :func:`render`) runs a ``dot`` program: Graphviz's own ``dot`` when it is
on ``PATH``, else ``graphviz-pure`` (installed by ``pip install "chainrule[viz]"``), else
:class:`RendererNotFoundError` says how to get one.

Drawing never changes the graph or any ``.grad``. One idea per module:

* :mod:`~autograd.viz.draw`: the public functions;
* :mod:`~autograd.viz.graph`: the graph analysed once (order, consumers, names, gradients);
* :mod:`~autograd.viz.nodes`: the one adapter for what differs between Scalar and Tensor nodes;
* :mod:`~autograd.viz.forward`, :mod:`~autograd.viz.backward`: the two kinds of drawing, built
  by :mod:`~autograd.viz.builder`, shrunk by :mod:`~autograd.viz.collapse`;
* :mod:`~autograd.viz.labels`: colours and the text of every label;
* :mod:`~autograd.viz.scope`: the Module scopes that collapsing reads;
* :mod:`~autograd.viz.rendering`: finding a ``dot`` program and running it.
"""

from .draw import backward_steps, draw_graph
from .nodes import KEEP_VALUE_LIMIT
from .rendering import GraphDrawing, RendererNotFoundError, find_renderer, render, which_program
from .scope import ScopeFrame, scope

__all__ = [
    "draw_graph",
    "backward_steps",
    "render",
    "GraphDrawing",
    "RendererNotFoundError",
    "find_renderer",
    "which_program",
    "scope",
    "ScopeFrame",
    "KEEP_VALUE_LIMIT",
]
