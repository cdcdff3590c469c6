"""The graph core: grad mode, topological order and the backward driver.

Tensor and Scalar graphs are walked by the same code. A *graph node* is any object with

* ``_parents``: a tuple with one entry per input, the input's node or ``None`` when that
  input needs no gradient;
* ``_backprop(grad, retain_graph)``: take the total gradient of the root with respect to
  this node's value and return, per parent, the pair ``(parent, its gradient)``, the gradient
  ``None`` where there is none (a leaf stores the gradient and returns ``()``).

For a Tensor the node of a computed value is its ``grad_fn`` (a :class:`~autograd.function.Node`)
and a leaf that requires grad is its own node; for a Scalar every value is its own node.
The driver visits nodes in reverse topological order, so a node's gradient is complete
(summed over every path from the root) before it is passed on: that is the chain rule,
``dL/dx = sum over paths of the product of local derivatives``.
"""

from __future__ import annotations

import functools
import gc
import threading

import numpy as np

__all__ = [
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "backward_order",
    "topological_order",
    "run_backward",
]


class _GradState(threading.local):
    """Per-thread switches read by every op; one attribute load each, so the hot path stays cheap."""

    def __init__(self):
        self.enabled = True  # record operations into the graph?
        self.anomaly = False  # remember where ops were made, check backward for NaN/inf
        self.tag = None  # if not None, Function.apply stamps it on every node it makes (node.tag)
        self.tracer = None  # the tracer that records the ops applied at this level (autograd.trace)
        self.tracing = None  # the tracer while a trace runs, also inside an op's own forward
        # may backward rules run on plain arrays? Set by the driver for its pass: not under
        # create_graph, nor while a trace records the rules (both want Tensors, see Node._backprop)
        self.arrays = False


# The one per-thread state. Function.apply and the drivers read it on every op; the other
# modules of the package use it by this name (no module reaches into another's private names).
state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded into the graph in this thread.

    >>> import autograd
    >>> autograd.is_grad_enabled()
    True
    >>> with autograd.no_grad():
    ...     autograd.is_grad_enabled()
    False
    """
    return state.enabled


class _GradModeSetter:
    """Context manager and decorator that sets grad mode for this thread, then restores it."""

    _mode = True

    def __init__(self):
        self._previous = []  # a stack, so one instance can be entered re-entrantly

    def __enter__(self):
        self._previous.append(state.enabled)
        state.enabled = self._mode
        return self

    def __exit__(self, *exc_info):
        state.enabled = self._previous.pop()
        return False

    def __call__(self, function):
        mode_setter = type(self)

        @functools.wraps(function)
        def with_grad_mode(*args, **kwargs):
            with mode_setter():
                return function(*args, **kwargs)

        return with_grad_mode


class no_grad(_GradModeSetter):
    """Do not record operations: results have ``requires_grad=False`` and no ``grad_fn``.

    Use it for evaluation and for parameter updates. Thread-local; works as a context manager
    and as a decorator.

    >>> import autograd
    >>> w = autograd.Tensor([1.0, 2.0], requires_grad=True)
    >>> with autograd.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    >>> @autograd.no_grad()
    ... def evaluate(t):
    ...     return t * 3
    >>> evaluate(w).requires_grad
    False
    """

    _mode = False


class enable_grad(_GradModeSetter):
    """Record operations again inside a :class:`no_grad` block (context manager or decorator).

    >>> import autograd
    >>> w = autograd.Tensor([1.0], requires_grad=True)
    >>> with autograd.no_grad():
    ...     with autograd.enable_grad():
    ...         y = w * 2
    >>> y.requires_grad
    True
    """

    _mode = True


def is_anomaly_enabled() -> bool:
    """Whether :class:`detect_anomaly` is active in this thread."""
    return state.anomaly


class detect_anomaly:
    """Find the op whose backward produced a NaN or an infinity.

    Inside the block every op remembers where in your code it was created, and backward
    checks each gradient it computes. The first non-finite one raises ``RuntimeError``
    naming the op and showing the line that created it. It slows everything down: use it
    to debug, not to train.

    >>> import autograd
    >>> x = autograd.Tensor([0.0], requires_grad=True)
    >>> with autograd.detect_anomaly():
    ...     y = x.sqrt().sum()
    ...     y.backward()
    Traceback (most recent call last):
    ...
    RuntimeError: Sqrt backward produced inf ...
    """

    def __enter__(self):
        self._previous = state.anomaly
        state.anomaly = True
        return self

    def __exit__(self, *exc_info):
        state.anomaly = self._previous
        return False


def backward_order(roots):
    """Yield every node reachable from ``roots``, each after all of its consumers: the order
    in which :func:`run_backward` applies the chain rule, and the one order the drawings show.

    Kahn's algorithm: count each node's consumers first, then yield a node once every
    consumer has been yielded, so its gradient is complete (summed over every path from the
    roots) when backward reaches it. No recursion: a chain of a million nodes is fine.

    >>> import autograd
    >>> a = autograd.Scalar(2.0, label="a")
    >>> b = a * 3
    >>> c = b + a
    >>> [n.label or n.op for n in backward_order([c])]
    ['+', '*', 'const', 'a']
    """
    consumers = dict.fromkeys(roots, 0)
    count_of = consumers.get
    stack = list(consumers)
    while stack:
        for parent in stack.pop()._parents:
            if parent is not None:
                count = count_of(parent)
                if count is None:
                    consumers[parent] = 1
                    stack.append(parent)
                else:
                    consumers[parent] = count + 1
    ready = []
    for root in roots:
        if not consumers[root] and root not in ready:  # a root no other root consumes
            ready.append(root)
    while ready:
        node = ready.pop()
        yield node
        for parent in node._parents:
            if parent is not None:
                count = consumers[parent]
                if count == 1:  # its last consumer is done: its gradient is complete
                    ready.append(parent)
                else:
                    consumers[parent] = count - 1


def topological_order(roots):
    """The nodes of :func:`backward_order` as a list: each node before all of its inputs."""
    return list(backward_order(roots))


def run_backward(roots, root_grads, *, retain_graph=False, create_graph=False, capture=None, on_node=None,
                 on_step=None):  # fmt: skip
    """Apply the chain rule from ``roots`` (seeded with ``root_grads``) down to the leaves.

    The loop is the whole algorithm: take the nodes in :func:`backward_order`; each one's
    gradient is complete when it is reached, so hand it to the node, which returns one
    gradient per input, and add those to what the inputs have received so far.

    The options wrap the node's step rather than the loop: ``capture`` (used by
    :func:`autograd.grad`) maps nodes to ``None`` and receives their total gradients, while
    leaves keep their ``.grad`` as it is; ``on_node(node, grad)`` sees every node's total
    gradient and ``on_step(node, grad, input_grads)`` what it sends to each input (the
    drawings use both); in :class:`detect_anomaly` every step is checked for NaN and inf.
    With ``create_graph`` the backward rules run with grad mode on, so the gradients are
    themselves recorded and can be differentiated again. While a function is being traced
    (``autograd.trace``) the rules run on Tensors either way, so their operations become ops
    of the program.
    """
    tracer = state.tracing
    if tracer is not None:
        return tracer.run_backward(roots, root_grads, retain_graph, create_graph, capture, on_node, on_step)
    return apply_chain_rule(roots, root_grads, retain_graph, create_graph, capture, on_node, on_step)


def apply_chain_rule(roots, root_grads, retain_graph=False, create_graph=False, capture=None, on_node=None,
                     on_step=None):  # fmt: skip
    """:func:`run_backward` itself, with no tracer in the way (the tracer calls it)."""
    if len(roots) == 1:  # the usual loss.backward()
        grads = {roots[0]: root_grads[0]}
    else:
        grads = {}
        for root, grad in zip(roots, root_grads):
            grads[root] = grad if root not in grads else grads[root] + grad
    step = None  # plain node._backprop, called directly: the hot path of every backward()
    if capture is not None or on_node is not None or on_step is not None:
        step = _watched(_backprop, capture, on_node, on_step)
    flags = state.__dict__  # this thread's switches: one thread-local lookup for all of them
    if flags["anomaly"]:
        step = _checked(step or _backprop)
    previous_mode, previous_arrays = flags["enabled"], flags["arrays"]
    flags["enabled"] = create_graph
    flags["arrays"] = not create_graph and flags["tracing"] is None
    # The graph holds no reference cycles, so the collector would find nothing to free here;
    # pausing it saves it from walking a large live graph while backward allocates gradients.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for node in backward_order(tuple(grads)):
            grad = grads.pop(node, None)
            if grad is None:  # no path from the roots carries a gradient here
                continue
            sent = node._backprop(grad, retain_graph) if step is None else step(node, grad, retain_graph)
            for parent, parent_grad in sent:  # (input, its share of the gradient) per input
                if parent_grad is not None:
                    known = grads.get(parent)
                    grads[parent] = parent_grad if known is None else known + parent_grad
    finally:
        flags["enabled"], flags["arrays"] = previous_mode, previous_arrays
        if collecting:
            gc.enable()


def _backprop(node, grad, retain_graph):
    """One step of the chain rule: ``node`` turns its gradient into one per input."""
    return node._backprop(grad, retain_graph)


def _watched(step, capture, on_node, on_step):
    """``step`` that reports to the hooks; under ``capture`` a leaf's gradient is only recorded
    (grad() must leave its ``.grad`` alone, and a leaf has nothing to pass on)."""

    def watched_step(node, grad, retain_graph):
        if on_node is not None:
            on_node(node, grad)
        if capture is not None:
            if node in capture:
                capture[node] = grad
            if not node._parents:
                return ()
        sent = step(node, grad, retain_graph)
        if on_step is not None:
            sent = list(sent)
            on_step(node, grad, [input_grad for _, input_grad in sent])
        return sent

    return watched_step


def _checked(step):
    """``step`` that raises ``RuntimeError`` naming the op when it produces a NaN or an inf.

    NumPy's own "divide by zero" warning would only repeat that error less precisely, so it
    is silenced inside the step.
    """

    def checked_step(node, grad, retain_graph):
        with np.errstate(all="ignore"):
            sent = list(step(node, grad, retain_graph))
        for index, (_, input_grad) in enumerate(sent):
            if input_grad is None:
                continue
            values = np.asarray(input_grad.data if hasattr(input_grad, "grad_fn") else input_grad, dtype=float)
            if not np.all(np.isfinite(values)):
                kind = "nan" if np.isnan(values).any() else "inf"
                where = getattr(node, "creation_trace", None) or "(created outside detect_anomaly)"
                raise RuntimeError(
                    f"{node.name} backward produced {kind} in the gradient of its input {index}. "
                    f"The forward op was created at:\n{where}"
                )
        return sent

    return checked_step
