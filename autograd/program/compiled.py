"""``autograd.compile``: trace a training step once per input shape, then replay it."""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict

import numpy as np

from ..engine import state
from ..tensor import Tensor, make_tensor
from .program import as_input, run_trace

__all__ = ["compile"]


def _key(args):
    """What a program is specialised to: each argument's shape and dtype."""
    key = []
    for value in args:
        data = value.data if isinstance(value, Tensor) else value
        if type(data) is np.ndarray:
            key.append(data.shape)
            key.append(data.dtype)
        else:
            key.append(np.shape(value))
            key.append(type(value))
    return tuple(key)


class compile:  # noqa: A001  (the public name API.md fixes)
    """Decorator: run a training step as a traced program, replayed on every later call.

    Write the step as the eager one: ``fn`` computes the loss, calls ``loss.backward()`` and
    returns the loss (the optimiser steps outside it). The first call with new argument
    shapes and dtypes traces ``fn`` (see :func:`autograd.trace`); every call replays that
    program on the arguments' arrays, sets ``.grad`` of the parameters exactly as
    ``backward()`` would (adding to a ``.grad`` that is not ``None``), and returns the same
    values as ``fn``, as Tensors without a graph. Up to ``cache_size`` shapes are kept; past
    that a warning says the step keeps retracing. ``check=True`` runs ``fn`` eagerly beside
    the first replay of each shape and raises ``AssertionError`` if any value or gradient
    differs beyond rounding.

    >>> import numpy as np, autograd
    >>> w = autograd.Tensor([1.0, -2.0], requires_grad=True)
    >>> @autograd.compile
    ... def step(x):
    ...     loss = ((x @ w) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> step(np.array([[1.0, 1.0]]))
    Tensor(1.)
    >>> w.grad
    Tensor([-2., -2.])
    """

    def __init__(self, fn=None, check=False, cache_size=8):
        if fn is None:  # @compile(check=True)
            self._pending = dict(check=check, cache_size=cache_size)
            return
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.check = check
        self.cache_size = cache_size
        self.programs = OrderedDict()  # key -> _Entry (its program first), most recently used last
        self._warned = False
        self._last_key = self._last_entry = None

    def __new__(cls, fn=None, check=False, cache_size=8):
        if fn is None:
            return lambda fn: cls(fn, check=check, cache_size=cache_size)
        return super().__new__(cls)

    def program(self, *args):
        """The program these arguments' shapes replay (tracing it if there is none yet)."""
        return self._entry(_key(args), args)[0]

    def _entry(self, key, args):
        entry = self.programs.get(key)
        if entry is not None:
            self.programs.move_to_end(key)
            return entry
        program = run_trace(self.fn, args, keep_leaf_grads=True)
        # what a call needs, resolved once: the replay function, and where each gradient goes
        entry = _Entry(program, program.replay, list(program.grad_targets), program.n_results, program.single)
        self.programs[key] = entry
        if len(self.programs) > self.cache_size:
            self.programs.popitem(last=False)
            if not self._warned:
                self._warned = True
                warnings.warn(
                    f"compile: {getattr(self.fn, '__name__', 'the function')} has been traced for more "
                    f"than {self.cache_size} different argument shapes and dtypes; it keeps the last "
                    f"{self.cache_size} and traces again for others. Pad batches to a few sizes, or "
                    "raise cache_size.",
                    stacklevel=3,
                )
        if self.check:
            self._check(program, args)
        return entry

    def __call__(self, *args):
        if state.tracing is not None:  # inside another trace: run eagerly, so that trace records it
            return self.fn(*args)
        key = _key(args)
        if key == self._last_key:  # the usual case: the same shapes as last time
            entry = self._last_entry
        else:
            entry = self._last_entry = self._entry(key, args)
            self._last_key = key
        program, replay, targets, n_results, single = entry
        results = replay(*[a.data if isinstance(a, Tensor) else as_input(a) for a in args])
        if targets:
            _set_grads(targets, results, n_results, args)
        if single:
            return make_tensor(results[0])
        return tuple([make_tensor(r) for r in results[:n_results]])

    def _check(self, program, args):
        """Run ``fn`` eagerly and the program on the same values; raise on any difference."""
        targets = [args[t] if isinstance(t, int) else t for t in program.grad_targets]
        kept = [t.grad for t in targets]
        for t in targets:
            t.grad = None
        try:
            eager = self.fn(*args)
            eager = [eager] if isinstance(eager, Tensor) else list(eager)
            eager_grads = [None if t.grad is None else t.grad.data for t in targets]
        finally:
            for t, grad in zip(targets, kept):
                t.grad = grad
        results = program.replay(*[a.data if isinstance(a, Tensor) else as_input(a) for a in args])
        names = ["output"] * program.n_results
        names += [f"gradient of {program.target_name(t)}" for t in program.grad_targets]
        for name, want, got in zip(names, [e.data for e in eager] + eager_grads, results):
            want, got = np.asarray(want), np.asarray(got)
            tolerance = 1e-5 if want.dtype == np.float32 or got.dtype == np.float32 else 1e-12
            if want.shape != got.shape or not np.allclose(want, got, rtol=tolerance, atol=tolerance):
                raise AssertionError(
                    f"compile(check=True): the replayed {name} differs from the eager run "
                    f"(max difference {np.max(np.abs(want - got)) if want.shape == got.shape else 'shape'}); "
                    "the traced function may depend on values the trace froze (see docs/concepts/programs.md)"
                )


class _Entry(tuple):
    """(program, replay, gradient targets, number of outputs, single output?)."""

    __slots__ = ()

    def __new__(cls, *fields):
        return tuple.__new__(cls, fields)


def _set_grads(targets, results, n_results, args):
    """``.grad`` as backward() leaves it: the gradient, or the sum with what was there."""
    seen = set()
    for target, grad in zip(targets, results[n_results:]):
        leaf = args[target] if type(target) is int else target
        if not isinstance(leaf, Tensor):
            continue  # an array argument has no .grad
        if grad.base is not None or id(grad) in seen:  # a view (of a broadcast, of another array)
            grad = grad.copy()  # each .grad an array of its own, as backward() gives
        seen.add(id(grad))
        if leaf.grad is None:
            leaf.grad = make_tensor(grad)
        else:
            leaf.grad = make_tensor(leaf.grad.data + grad)
