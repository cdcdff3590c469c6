"""The graph core: grad mode, topological order and the backward driver.

Tensor and Scalar graphs are walked by the same code. A *graph node* is any object with

* ``_parents``: a tuple with one entry per input, the input's node or ``None`` when that
  input needs no gradient;
* ``_backprop(grad, retain_graph)``: take the total gradient of the root with respect to
  this node's value and return one gradient per parent (a leaf stores it and returns ``()``).

For a Tensor the node of a computed value is its ``grad_fn`` (a :class:`~autograd.function.Node`)
and a leaf that requires grad is its own node; for a Scalar every value is its own node.
The driver visits nodes in reverse topological order, so a node's gradient is complete
(summed over every path from the root) before it is passed on: that is the chain rule,
``dL/dx = sum over paths of the product of local derivatives``.
"""

from __future__ import annotations

import functools
import gc
import itertools
import threading

import numpy as np

__all__ = [
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "scope",
    "topological_order",
    "run_backward",
]


class _GradState(threading.local):
    """Per-thread switches read by every op; one attribute load each, so the hot path stays cheap."""

    def __init__(self):
        self.enabled = True  # record operations into the graph?
        self.anomaly = False  # remember where ops were made, check backward for NaN/inf
        self.scope = None  # innermost :func:`scope` frame, stamped on every node made


_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded into the graph in this thread.

    >>> import autograd
    >>> autograd.is_grad_enabled()
    True
    >>> with autograd.no_grad():
    ...     autograd.is_grad_enabled()
    False
    """
    return _state.enabled


class _GradModeSetter:
    """Context manager and decorator that sets grad mode for this thread, then restores it."""

    _mode = True

    def __init__(self):
        self._previous = []  # a stack, so one instance can be entered re-entrantly

    def __enter__(self):
        self._previous.append(_state.enabled)
        _state.enabled = self._mode
        return self

    def __exit__(self, *exc_info):
        _state.enabled = self._previous.pop()
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
    return _state.anomaly


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
        self._previous = _state.anomaly
        _state.anomaly = True
        return self

    def __exit__(self, *exc_info):
        _state.anomaly = self._previous
        return False


class _ScopeFrame:
    """One entry of the scope stack: who opened it, and the frame around it."""

    __slots__ = ("owner", "parent", "__weakref__")

    def __init__(self, owner, parent):
        self.owner = owner
        self.parent = parent

    def path(self):
        """The owners from the outermost frame in to this one."""
        frames = []
        frame = self
        while frame is not None:
            frames.append(frame)
            frame = frame.parent
        return frames[::-1]


class scope:
    """Tag every graph node made inside the block with a frame naming ``owner``.

    ``nn.Module.__call__`` opens one per call, so a drawing can collapse a model's graph to
    one box per module call. Each entry makes a new frame, so two calls of one module are
    two boxes. Nodes keep the frame in ``node.scope``.

    >>> import autograd
    >>> x = autograd.Tensor([1.0], requires_grad=True)
    >>> with autograd.engine.scope("layer"):
    ...     y = x * 2
    >>> y.grad_fn.scope.owner
    'layer'
    """

    def __init__(self, owner):
        self.owner = owner

    def __enter__(self):
        self._previous = _state.scope
        _state.scope = _ScopeFrame(self.owner, self._previous)
        return _state.scope

    def __exit__(self, *exc_info):
        _state.scope = self._previous
        return False


def topological_order(roots):
    """Every node reachable from ``roots``, each one before all of its parents.

    Iterative depth-first search, so a chain of a million nodes needs no recursion.

    >>> import autograd
    >>> a = autograd.Scalar(2.0, label="a")
    >>> b = a * 3
    >>> c = b + a
    >>> [n.label or n.op for n in topological_order([c])]
    ['+', '*', 'const', 'a']
    """
    order = []
    visited = set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for parent in node._parents:
            if parent is not None and parent not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


def run_backward(roots, root_grads, *, retain_graph=False, create_graph=False, capture=None, on_node=None):
    """Apply the chain rule from ``roots`` (seeded with ``root_grads``) down to the leaves.

    A node is processed once every consumer has sent it its share, so its gradient is the
    complete sum over paths (Kahn's order: count each node's consumers first, then release a
    node when the count reaches zero; no recursion, no sort).

    ``capture`` (used by :func:`autograd.grad`) maps nodes to ``None``; their total gradients
    are stored there instead of leaves accumulating into ``.grad``. ``on_node(node, grad)``
    is called with every node's total gradient as it is reached (the drawings use it).
    With ``create_graph`` the backward rules run with grad mode on, so the gradients are
    themselves recorded and can be differentiated again.
    """
    if len(roots) == 1:  # the usual loss.backward()
        pending = {roots[0]: root_grads[0]}
    else:
        pending = {}
        for root, grad in zip(roots, root_grads):
            pending[root] = grad if root not in pending else pending[root] + grad
    consumers = dict.fromkeys(pending, 0)
    stack = list(pending)
    while stack:
        for parent in stack.pop()._parents:
            if parent is None:
                continue
            count = consumers.get(parent)
            if count is None:
                consumers[parent] = 1
                stack.append(parent)
            else:
                consumers[parent] = count + 1
    ready = [root for root in pending if consumers[root] == 0]
    state = _state
    previous_mode = state.enabled
    state.enabled = create_graph
    check_finite = state.anomaly
    # In anomaly mode a non-finite gradient raises a RuntimeError naming the op, so NumPy's
    # own "divide by zero" warning would only repeat it less precisely.
    numpy_errors = np.seterr(all="ignore") if check_finite else None
    # The graph holds no reference cycles, so the collector would find nothing to free here;
    # pausing it saves it from walking a large live graph while backward allocates gradients.
    collecting = gc.isenabled()
    gc.disable()
    watching = capture is not None or on_node is not None  # grad() and drawings only
    try:
        while ready:
            node = ready.pop()
            parents = node._parents
            grad = pending.pop(node, None)
            if grad is None:  # no path from the roots carries a gradient here
                parent_grads = _NO_GRADIENTS
            elif watching and _watch(node, grad, capture, on_node):
                parent_grads = _NO_GRADIENTS  # grad(): leaves keep their .grad as it is
            else:
                parent_grads = node._backprop(grad, retain_graph)
                if check_finite:
                    _check_finite(node, parent_grads)
            # one pass over the inputs: hand each its share, and release it once every
            # consumer has (its gradient is then the complete sum over paths: a + a adds up)
            for parent, parent_grad in zip(parents, parent_grads):
                if parent is None:
                    continue
                if parent_grad is not None:
                    known = pending.get(parent)
                    pending[parent] = parent_grad if known is None else known + parent_grad
                count = consumers[parent] - 1
                if count:
                    consumers[parent] = count
                else:
                    ready.append(parent)
    finally:
        state.enabled = previous_mode
        if numpy_errors is not None:
            np.seterr(**numpy_errors)
        if collecting:
            gc.enable()


_NO_GRADIENTS = itertools.repeat(None)  # what a node that got no gradient passes on


def _watch(node, grad, capture, on_node):
    """Tell ``on_node`` about ``grad`` and store it if ``node`` is captured. True for a leaf
    under grad(): it has nothing to pass on, and grad() must leave its ``.grad`` alone."""
    if on_node is not None:
        on_node(node, grad)
    if capture is not None:
        if node in capture:
            capture[node] = grad
        return not node._parents
    return False


def _check_finite(node, parent_grads):
    for index, grad in enumerate(parent_grads):
        if grad is None:
            continue
        values = np.asarray(grad.data if hasattr(grad, "grad_fn") else grad, dtype=float)
        if not np.all(np.isfinite(values)):
            kind = "nan" if np.isnan(values).any() else "inf"
            where = getattr(node, "creation_trace", None) or "(created outside detect_anomaly)"
            raise RuntimeError(
                f"{node.name} backward produced {kind} in the gradient of its input {index}. "
                f"The forward op was created at:\n{where}"
            )
