"""Numerical gradients, and checks of the analytic ones against them.

The numerical derivative of every output element with respect to every input element is the
central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``, computed in float64; the analytic
one comes from backward, one output element at a time. ``gradgradcheck`` applies the same
check to the function that returns the first derivatives, built with ``create_graph=True``.
"""

from __future__ import annotations

import numpy as np

from .functional import grad
from .tensor import Tensor, make_tensor

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """An analytic gradient differs from the numerical one (the message says where and by how much)."""


def _float64_copies(inputs):
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    copies = []
    for value in inputs:
        if isinstance(value, Tensor) and value.dtype.kind == "f":
            # C order, so the numerical pass can perturb elements through a flat view
            copy = make_tensor(np.array(value.data, dtype=np.float64, order="C"))
            copies.append(copy.requires_grad_(value.requires_grad))
        else:
            copies.append(value)
    return tuple(copies)


def _outputs(fn, inputs):
    result = fn(*inputs)
    outputs = (result,) if isinstance(result, Tensor) else tuple(result)
    for index, output in enumerate(outputs):
        if not isinstance(output, Tensor):
            raise TypeError(f"gradcheck: the function must return Tensors, output {index} is {type(output).__name__}")
    return outputs


def _numerical_jacobians(fn, inputs, targets, eps):
    """For each target input: an array (total output elements, input elements) of central differences."""
    jacobians = []
    total = sum(o.size for o in _outputs(fn, inputs))
    # not under no_grad: fn may itself differentiate (gradgradcheck's first derivatives)
    for index in targets:
        flat = inputs[index].data.reshape(-1)  # a view: perturbing it perturbs the input
        columns = []
        for k in range(flat.size):
            original = flat[k]
            flat[k] = original + eps
            plus = np.concatenate([o.data.astype(np.float64).ravel() for o in _outputs(fn, inputs)])
            flat[k] = original - eps
            minus = np.concatenate([o.data.astype(np.float64).ravel() for o in _outputs(fn, inputs)])
            flat[k] = original
            columns.append((plus - minus) / (2 * eps))
        jacobians.append(np.stack(columns, axis=1) if columns else np.zeros((total, 0)))
    return jacobians


def _analytic_jacobians(fn, inputs, targets):
    """For each target input: an array (total output elements, input elements) from backward."""
    outputs = _outputs(fn, inputs)
    rows = [[] for _ in targets]
    for output in outputs:
        for j in range(output.size):
            if not output.requires_grad:  # a constant output has zero derivative
                for r, index in zip(rows, targets):
                    r.append(np.zeros(inputs[index].size))
                continue
            seed = np.zeros(output.shape)
            seed.reshape(-1)[j] = 1.0
            grads = grad(output, [inputs[i] for i in targets], seed, retain_graph=True, allow_unused=True)
            for r, index, g in zip(rows, targets, grads):
                r.append(np.zeros(inputs[index].size) if g is None else g.data.astype(np.float64).ravel())
    return [np.array(r).reshape(len(r), inputs[index].size) for r, index in zip(rows, targets)], outputs


def _where(outputs, row):
    """Which output, and which index inside it, the flat row number ``row`` belongs to."""
    for number, output in enumerate(outputs):
        if row < output.size:
            return number, [int(i) for i in np.unravel_index(row, output.shape)] if output.shape else []
        row -= output.size
    raise IndexError(row)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check the gradients of ``fn(*inputs)`` against central differences, for every element.

    Float inputs are copied to float64 first. Every input that requires grad is checked
    against every output element: ``|analytic - numerical| <= atol + rtol * |numerical|``.
    On a mismatch it raises :class:`GradcheckError` naming the input, the index and both
    values, or returns ``False`` with ``raise_exception=False``.

    >>> import autograd
    >>> x = autograd.Tensor([0.5, -1.0, 2.0], requires_grad=True)
    >>> autograd.gradcheck(lambda t: (t * t.exp()).sum(), (x,))
    True
    """
    inputs = _float64_copies(inputs)
    targets = [i for i, value in enumerate(inputs) if isinstance(value, Tensor) and value.requires_grad]
    if not targets:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    analytic, outputs = _analytic_jacobians(fn, inputs, targets)
    numerical = _numerical_jacobians(fn, inputs, targets, eps)
    for index, a, n in zip(targets, analytic, numerical):
        if a.shape != n.shape:
            raise GradcheckError(f"gradcheck: input {index}: analytic Jacobian {a.shape} vs numerical {n.shape}")
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        if bad.any():
            row, column = np.argwhere(bad)[0]
            output_number, output_index = _where(outputs, row)
            shape = inputs[index].shape
            input_index = [int(i) for i in np.unravel_index(column, shape)] if shape else []
            message = (
                f"gradcheck: d(output {output_number}{output_index})/d(input {index}{input_index}) "
                f"analytic {float(a[row, column])!r} but numerical {float(n[row, column])!r} "
                f"(|difference| {abs(a[row, column] - n[row, column]):.3g} > atol + rtol*|numerical| = "
                f"{atol + rtol * abs(n[row, column]):.3g}); {int(bad.sum())} of {bad.size} entries differ"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check second derivatives: :func:`gradcheck` of the first derivatives of ``fn``.

    The first derivatives are ``grad(fn(*inputs), inputs, grad_outputs, create_graph=True)``,
    a function of the inputs and of ``grad_outputs`` (random, seeded, when not given), and
    that function's gradients are checked against central differences.

    >>> import autograd
    >>> x = autograd.Tensor([0.5, 2.0], requires_grad=True)
    >>> autograd.gradgradcheck(lambda t: t.log() * t, (x,))
    True
    """
    inputs = _float64_copies(inputs)
    targets = [i for i, value in enumerate(inputs) if isinstance(value, Tensor) and value.requires_grad]
    outputs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(Tensor(rng.standard_normal(o.shape), requires_grad=True) for o in outputs)
    else:
        grad_outputs = _float64_copies(grad_outputs)
    count = len(inputs)

    def first_derivatives(*values):
        xs, seeds = values[:count], values[count:]
        outs = [o for o in _outputs(fn, xs)]
        used = [(o, s) for o, s in zip(outs, seeds) if o.requires_grad]
        if not used:
            return tuple(Tensor(np.zeros(xs[i].shape)) for i in targets)
        grads = grad(
            [o for o, _ in used], [xs[i] for i in targets], [s for _, s in used], create_graph=True, allow_unused=True
        )
        return tuple(Tensor(np.zeros(xs[i].shape)) if g is None else g for i, g in zip(targets, grads))

    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps, atol, rtol, raise_exception)
