"""grad(): gradients as return values, leaving every ``.grad`` alone."""

from __future__ import annotations

import numpy as np

from . import engine
from .tensor import Tensor, make_tensor, seed_gradient

__all__ = ["grad"]


def _as_tuple(values, what):
    if isinstance(values, Tensor):
        return (values,)
    values = tuple(values)
    for value in values:
        if not isinstance(value, Tensor):
            raise TypeError(f"grad(): {what} must be Tensors, got {type(value).__name__}")
    return values


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """d(outputs)/d(inputs), returned as a tuple of Tensors (one per input); ``.grad`` is untouched.

    ``grad_outputs`` holds dL/d(output) for each output (needed for outputs with more than one
    element). ``retain_graph`` defaults to ``create_graph``. An input the outputs do not depend
    on raises ``RuntimeError`` unless ``allow_unused=True``, which returns ``None`` for it.

    >>> import autograd
    >>> x = autograd.Tensor(3.0, requires_grad=True)
    >>> (dy_dx,) = autograd.grad(x ** 3, x, create_graph=True)
    >>> dy_dx
    Tensor(27., grad_fn=<MulBackward>)
    >>> autograd.grad(dy_dx, x)  # the second derivative, 6x
    (Tensor(18.),)
    """
    outputs = _as_tuple(outputs, "outputs")
    inputs = _as_tuple(inputs, "inputs")
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        single = isinstance(grad_outputs, (Tensor, np.ndarray, int, float))
        grad_outputs = (grad_outputs,) if single else tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad(): {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for index, value in enumerate(inputs):
        if not value.requires_grad:
            raise RuntimeError(f"grad(): input {index} does not require grad, so it has no gradient")
    roots, seeds = [], []
    for index, (output, seed) in enumerate(zip(outputs, grad_outputs)):
        if not output.requires_grad:
            raise RuntimeError(f"grad(): output {index} does not require grad and has no grad_fn")
        roots.append(output.grad_fn or output)
        seeds.append(seed_gradient(output, seed, f"grad() output {index}"))
    capture = {value.grad_fn or value: None for value in inputs}
    engine.run_backward(
        roots,
        seeds,
        retain_graph=create_graph if retain_graph is None else retain_graph,
        create_graph=create_graph,
        capture=capture,
    )
    results = []
    for index, value in enumerate(inputs):
        found = capture[value.grad_fn or value]
        if found is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): input {index} (shape {value.shape}) is not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            results.append(None)
        else:
            results.append(found if isinstance(found, Tensor) else make_tensor(found))
    return tuple(results)
