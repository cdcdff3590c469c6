"""Random expression DAGs drawn by hypothesis, run by one interpreter for any array library.

A program is a list of steps; each step applies an op to earlier values (picked at random,
so nodes are shared) and the result is a weighted sum of some values. Leaves have shapes that
broadcast to a common shape, so broadcasting happens all over the graph.
"""

import numpy as np
from hypothesis import strategies as st

from autograd.testing import arrays, shapes

UNARY = ["exp_tanh", "sigmoid", "tanh", "square", "softplus_like", "sum_keep", "max_keep", "log_1p_sq"]
BINARY = ["add", "sub", "mul", "div_safe", "matmul_sq"]


def apply_unary(op, x, lib):
    if op == "exp_tanh":
        return lib.exp(lib.tanh(x))
    if op == "sigmoid":
        return lib.sigmoid(x)
    if op == "tanh":
        return lib.tanh(x)
    if op == "square":
        return x * x
    if op == "softplus_like":
        return lib.log(1.0 + lib.exp(x * 0.5))
    if op == "sum_keep":
        return lib.sum(x, -1, True)
    if op == "max_keep":
        return lib.max(x, -1, True)
    return lib.log(1.0 + x * x)


def apply_binary(op, a, b, lib):
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div_safe":
        return a / (1.5 + b * b)
    return lib.matmul_square(a, b)


@st.composite
def programs(draw):
    common = draw(shapes(min_dims=1, max_dims=3, max_side=3))
    n_leaves = draw(st.integers(1, 3))
    leaves = []
    for _ in range(n_leaves):
        # a shape that broadcasts *to* the common one: a suffix of it, some axes squeezed to 1
        kept = common[len(common) - draw(st.integers(1, len(common))) :]
        shape = tuple(1 if draw(st.booleans()) else n for n in kept)
        leaves.append(draw(arrays(shape=shape)))
    steps = []
    n_values = n_leaves
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(UNARY)), draw(st.integers(0, n_values - 1))))
        else:
            op = draw(st.sampled_from(BINARY))
            steps.append(("b", op, draw(st.integers(0, n_values - 1)), draw(st.integers(0, n_values - 1))))
        n_values += 1
    picks = draw(st.lists(st.integers(0, n_values - 1), min_size=1, max_size=3))
    weights = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=len(picks), max_size=len(picks)))
    return leaves, steps, list(zip(picks, weights))


def run(program, leaves, lib):
    _, steps, outputs = program
    values = list(leaves)
    for step in steps:
        if step[0] == "u":
            values.append(apply_unary(step[1], values[step[2]], lib))
        else:
            values.append(apply_binary(step[1], values[step[2]], values[step[3]], lib))
    total = None
    for index, weight in outputs:
        term = lib.sum(values[index] * weight, None, False)
        total = term if total is None else total + term
    return total


def matmul_square(a, b):
    """Real matrix products between a and b, for any two broadcast-compatible shapes.

    Both are broadcast to their joint shape, flattened to (rows, last axis), and
    ``(u @ v^T) @ v`` is reshaped back: gradients flow through two matmuls to both.
    """
    u, v = a + b * 0.0, b + a * 0.0
    shape = u.shape
    u2, v2 = u.reshape(-1, shape[-1]), v.reshape(-1, shape[-1])
    return ((u2 @ v2.T) @ v2).reshape(shape) * 0.1


class Ours:
    """The interpreter's vocabulary for autograd Tensors."""

    exp = staticmethod(lambda x: x.exp())
    tanh = staticmethod(lambda x: x.tanh())
    sigmoid = staticmethod(lambda x: x.sigmoid())
    log = staticmethod(lambda x: x.log())
    sum = staticmethod(lambda x, axis, keep: x.sum(axis=axis, keepdims=keep))
    max = staticmethod(lambda x, axis, keep: x.max(axis=axis, keepdims=keep))

    @staticmethod
    def matmul_square(a, b):
        return matmul_square(a, b)


class Torch:
    """The same vocabulary for torch tensors."""

    @staticmethod
    def exp(x):
        return x.exp()

    @staticmethod
    def tanh(x):
        return x.tanh()

    @staticmethod
    def sigmoid(x):
        return x.sigmoid()

    @staticmethod
    def log(x):
        return x.log()

    @staticmethod
    def sum(x, axis, keep):
        return x.sum() if axis is None else x.sum(dim=axis, keepdim=keep)

    @staticmethod
    def max(x, axis, keep):
        return x.amax(dim=axis, keepdim=keep)

    @staticmethod
    def matmul_square(a, b):
        return matmul_square(a, b)


def has_near_ties(program):
    """Max over an axis is not differentiable at ties: such programs are filtered out."""
    return any(step[0] == "u" and step[1] == "max_keep" for step in program[1])


def leaves_as(program, make):
    return [make(np.array(leaf)) for leaf in program[0]]
