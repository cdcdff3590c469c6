"""Module scopes: which Module call made each graph node, so a drawing can box it.

The engine knows nothing of modules: ``Function.apply`` stamps every node it makes with
whatever ``engine.state.tag`` holds (``node.tag``). :class:`scope` puts a :class:`ScopeFrame`
there for the length of a block; ``nn.Module.__call__`` opens one per call, and
``draw_graph(..., collapse_modules=True)`` reads the frames back to draw one box per call.
"""

from __future__ import annotations

from .. import engine

__all__ = ["scope", "ScopeFrame", "enter_scope", "exit_scope"]


class ScopeFrame:
    """One entry of the scope stack: who opened it (``owner``), and the frame around it (``parent``)."""

    __slots__ = ("owner", "parent", "__weakref__")

    def __init__(self, owner, parent):
        self.owner = owner
        self.parent = parent

    def path(self):
        """The frames from the outermost one in to this one."""
        frames = []
        frame = self
        while frame is not None:
            frames.append(frame)
            frame = frame.parent
        return frames[::-1]

    def __repr__(self):
        return f"ScopeFrame({self.owner!r})"


class scope:
    """Tag every graph node made inside the block with a frame naming ``owner``.

    ``nn.Module.__call__`` opens one per call, so a drawing can collapse a model's graph to
    one box per module call. Each entry makes a new frame, so two calls of one module are
    two boxes. Nodes keep the frame in ``node.tag``; a frame opened inside another one keeps
    it as its ``parent``.

    >>> import autograd
    >>> from autograd.viz import scope
    >>> x = autograd.Tensor([1.0], requires_grad=True)
    >>> with scope("model"):
    ...     with scope("layer"):
    ...         y = x * 2
    >>> y.grad_fn.tag.owner, y.grad_fn.tag.parent.owner
    ('layer', 'model')
    >>> [frame.owner for frame in y.grad_fn.tag.path()]
    ['model', 'layer']
    """

    __slots__ = ("owner", "_previous")  # one is made per Module call: keep it cheap

    def __init__(self, owner):
        self.owner = owner

    def __enter__(self):
        self._previous = enter_scope(self.owner)
        return engine.state.tag

    def __exit__(self, *exc_info):
        exit_scope(self._previous)
        return False


def enter_scope(owner):
    """Open a frame for ``owner`` (what ``with scope(owner):`` does on entry); returns what
    :func:`exit_scope` needs to close it. Two calls instead of a context manager, for the
    hottest caller, ``nn.Module.__call__`` (which closes it in a ``finally``).

    >>> import autograd
    >>> from autograd.viz.scope import enter_scope, exit_scope
    >>> x = autograd.Tensor([1.0], requires_grad=True)
    >>> previous = enter_scope("layer")
    >>> y = x * 2
    >>> exit_scope(previous)
    >>> y.grad_fn.tag.owner, autograd.engine.state.tag is None
    ('layer', True)
    """
    state = engine.state
    previous = state.tag
    state.tag = ScopeFrame(owner, previous if type(previous) is ScopeFrame else None)
    return previous


def exit_scope(previous):
    """Close the frame :func:`enter_scope` opened: the tag goes back to ``previous``."""
    engine.state.tag = previous
