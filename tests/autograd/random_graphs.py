"""Random expression DAGs drawn by hypothesis, run by one interpreter for any array library.

A program is a list of steps; each step applies an op to earlier values (picked at random,
so nodes are shared) and the result is a weighted sum of some values. Leaves have shapes that
broadcast to a common shape, so broadcasting happens all over the graph.

The domain includes the points where gradients need conventions: leaves drawn from a few
exact values (zeros, so zero bases of powers; repeated values, so ties in max, maximum and
minimum and values on clip's bounds) besides arbitrary floats, integer powers (including
``x ** 0`` and ``x ** 1``), powers with a tensor exponent and ``0 ** x``. Programs with
``kinks`` (ops that are not differentiable at such points) are compared with PyTorch only;
the numerical-difference tests draw ``programs(kinks=False)``.

How many programs each test draws scales with ``CHAINRULE_EXAMPLES`` (25 by default, see
tests/conftest.py): ``scaled(n)`` is ``n`` at the default, ``n * 40`` at 1000.
"""

import os

import numpy as np
from hypothesis import strategies as st

import autograd
from autograd import Tensor
from autograd.testing import arrays, shapes

SMOOTH_UNARY = ["exp_tanh", "sigmoid", "tanh", "square", "softplus_like", "sum_keep", "log_1p_sq",
                "pow0", "pow1", "pow2", "pow3"]  # fmt: skip
KINKED_UNARY = ["max_keep", "clip", "zero_pow"]
SMOOTH_BINARY = ["add", "sub", "mul", "div_safe", "matmul_sq", "pow_tensor"]
KINKED_BINARY = ["maximum", "minimum"]
UNARY = SMOOTH_UNARY + KINKED_UNARY
BINARY = SMOOTH_BINARY + KINKED_BINARY
KINKS = set(KINKED_UNARY + KINKED_BINARY)
# exact values: zeros, ties, clip's bounds (+-1), and a power's base of 1
SPECIAL = [0.0, 0.0, 1.0, -1.0, 0.5, -0.5, 2.0]


def scaled(n):
    """``n`` examples at the default ``CHAINRULE_EXAMPLES`` (25), proportionally more or fewer."""
    return max(1, n * int(os.environ.get("CHAINRULE_EXAMPLES", "25")) // 25)


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
    if op.startswith("pow"):  # integer powers of a bounded value: zero bases where x == 0
        return lib.tanh(x) ** int(op[3:])
    if op == "clip":
        return lib.clip(x, -1.0, 1.0)
    if op == "zero_pow":  # 0 ** (x^2): 1 where x == 0, else 0; the exponent's gradient is 0
        return 0.0 ** (x * x)
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
    if op == "pow_tensor":  # a positive base, a bounded tensor exponent
        return (a * a + 0.5) ** lib.tanh(b)
    if op == "maximum":
        return lib.maximum(a, b)
    if op == "minimum":
        return lib.minimum(a, b)
    return lib.matmul_square(a, b)


@st.composite
def programs(draw, kinks=True):
    unary, binary = (UNARY, BINARY) if kinks else (SMOOTH_UNARY, SMOOTH_BINARY)
    elements = st.one_of(st.floats(-2, 2, allow_nan=False), st.sampled_from(SPECIAL))
    common = draw(shapes(min_dims=1, max_dims=3, max_side=3))
    n_leaves = draw(st.integers(1, 3))
    leaves = []
    for _ in range(n_leaves):
        # a shape that broadcasts *to* the common one: a suffix of it, some axes squeezed to 1
        kept = common[len(common) - draw(st.integers(1, len(common))) :]
        shape = tuple(1 if draw(st.booleans()) else n for n in kept)
        leaves.append(draw(arrays(shape=shape, elements=elements)))
    steps = []
    n_values = n_leaves
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(unary)), draw(st.integers(0, n_values - 1))))
        else:
            op = draw(st.sampled_from(binary))
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
    clip = staticmethod(lambda x, lo, hi: x.clip(lo, hi))
    maximum = staticmethod(lambda a, b: autograd.maximum(a, b))
    minimum = staticmethod(lambda a, b: autograd.minimum(a, b))

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
    def clip(x, lo, hi):
        return x.clamp(lo, hi)

    @staticmethod
    def maximum(a, b):
        return a.maximum(b)

    @staticmethod
    def minimum(a, b):
        return a.minimum(b)

    @staticmethod
    def matmul_square(a, b):
        return matmul_square(a, b)


def has_near_ties(program):
    """Ops not differentiable at ties or bounds (max, maximum, clip, 0 ** x): numerical
    differences cannot check them, so those tests filter such programs out."""
    return any(step[1] in KINKS for step in program[1])


def leaves_as(program, make):
    return [make(np.array(leaf)) for leaf in program[0]]


def _numerical_gradient(fn, leaves, eps=1e-5):
    """Central differences of the number ``fn(leaves)`` with respect to every leaf element."""
    grads = []
    for leaf in leaves:
        g = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            saved = leaf[index]
            leaf[index] = saved + eps
            up = fn(leaves)
            leaf[index] = saved - eps
            down = fn(leaves)
            leaf[index] = saved
            g[index] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def _first_order_total(program):
    """leaves -> sum over leaves of sum(dL/dleaf ** 2), with our first-order gradients."""

    def total(arrays):
        leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
        out = run(program, leaves, Ours)
        grads = autograd.grad(out, leaves, allow_unused=True)
        return sum(float((g.data**2).sum()) for g in grads if g is not None)

    return total


def _value(program):
    def value(arrays):
        return float(run(program, [Tensor(a.copy()) for a in arrays], Ours).data)

    return value


def central_difference_verdict(program, second):
    """Do our gradients (``second``: of the sum of squared first gradients) agree with central
    differences? Returns ``(agrees, numerical gradients)``; used to judge a mismatch with
    PyTorch (meaningless at a kink, where no derivative exists)."""
    arrays = [np.array(a, dtype=np.float64) for a in program[0]]
    fn = _first_order_total(program) if second else _value(program)
    with np.errstate(all="ignore"):
        numeric = _numerical_gradient(fn, arrays)
        leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
        out = run(program, leaves, Ours)
        if second:
            grads = autograd.grad(out, leaves, create_graph=True, allow_unused=True)
            total = sum(((g * g).sum() for g in grads if g is not None and g.requires_grad), Tensor(0.0))
            ours = autograd.grad(total, leaves, allow_unused=True)
        else:
            ours = autograd.grad(out, leaves, allow_unused=True)
    ours = [np.zeros_like(a) if g is None else g.data for a, g in zip(arrays, ours)]
    return all(np.allclose(o, n, rtol=1e-4, atol=1e-6) for o, n in zip(ours, numeric)), numeric
