"""One table of ops drives the op tests: our function, NumPy's, PyTorch's, and the inputs to draw.

Each case draws its inputs (NumPy arrays plus fixed options) from a hypothesis strategy, so
the forward test, the gradient checks, the float32 test and the PyTorch oracle all run the
same cases. Inputs for gradient checks stay away from kinks (relu and abs at 0, ties in max
and maximum, clip bounds) where the derivative is one-sided; the conventions at the kinks
have their own tests in test_conventions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import autograd
from autograd.testing import arrays, broadcastable_shapes, shapes

SMALL = dict(max_dims=3, max_side=3)


def floats(lo=-3.0, hi=3.0, avoid=None):
    """Finite floats in [lo, hi]; ``avoid`` keeps them 0.05 away from a kink."""
    values = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if avoid is not None:
        values = values.filter(lambda v: abs(v - avoid) > 0.05)
    return values


POSITIVE = floats(0.2, 3.0)
NONZERO = st.one_of(floats(0.3, 3.0), floats(-3.0, -0.3))


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable  # (*Tensors, **options) -> Tensor
    numpy: Callable  # (*arrays, **options) -> array
    torch: Callable | None  # (*torch tensors, **options) -> torch tensor
    inputs: Callable  # (data) -> (tuple of arrays, dict of options), using hypothesis' data.draw
    differentiable: tuple = field(default=(0,))  # which inputs get gradients checked


# -- input strategies ------------------------------------------------------------------------------
def unary(elements=None, contiguous=None):
    def draw(data):
        values = floats() if elements is None else elements
        x = data.draw(arrays(shape=shapes(**SMALL), elements=values, contiguous=contiguous))
        return (x,), {}

    return draw


def binary(a_elements=None, b_elements=None, distinct=False):
    def draw(data):
        shape = data.draw(shapes(**SMALL))
        # either side may be the smaller one of a broadcast pair
        other = data.draw(broadcastable_shapes(shape, max_dims=3))
        if data.draw(st.booleans()):
            shape, other = other, shape
        a = data.draw(arrays(shape=shape, elements=floats() if a_elements is None else a_elements))
        b = data.draw(arrays(shape=other, elements=floats() if b_elements is None else b_elements))
        if distinct:
            assume(np.all(np.abs(a - b) > 0.05))
        return (a, b), {}

    return draw


def reduction(distinct=False):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL), elements=floats()))
        if distinct:  # no ties: central differences are two-sided only where the extremum is unique
            assume(x.size == 1 or np.diff(np.sort(x.ravel())).min() > 0.05)
        axis = data.draw(
            st.one_of(
                st.none(),
                st.integers(-x.ndim, x.ndim - 1),
                st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple),
            )
        )
        return (x,), {"axis": axis, "keepdims": data.draw(st.booleans())}

    return draw


def matmul_pair():
    def draw(data):
        n, k, m = (data.draw(st.integers(1, 3)) for _ in range(3))
        kind = data.draw(st.sampled_from(["vv", "mv", "vm", "mm", "batched"]))
        if kind == "vv":
            sa, sb = (k,), (k,)
        elif kind == "mv":
            sa, sb = (n, k), (k,)
        elif kind == "vm":
            sa, sb = (k,), (k, m)
        elif kind == "mm":
            sa, sb = (n, k), (k, m)
        else:  # batch axes that broadcast against each other
            batch = data.draw(shapes(min_dims=1, max_dims=2, max_side=2))
            other = data.draw(broadcastable_shapes(batch, max_dims=2))
            sa, sb = batch + (n, k), other + (k, m)
            if data.draw(st.booleans()):
                sb = (k,) if data.draw(st.booleans()) else sb
        return (data.draw(arrays(shape=sa)), data.draw(arrays(shape=sb))), {}

    return draw


def with_axis(elements=None):
    def draw(data):
        values = floats() if elements is None else elements
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL), elements=values))
        return (x,), {"axis": data.draw(st.integers(-x.ndim, x.ndim - 1))}

    return draw


def reshaped():
    def draw(data):
        x = data.draw(arrays(shape=shapes(**SMALL)))
        new_shape = data.draw(st.sampled_from([(x.size,), (1, x.size), (x.size, 1), (-1,)]))
        return (x,), {"shape": new_shape}

    return draw


def permuted():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        return (x,), {"axes": tuple(data.draw(st.permutations(range(x.ndim))))}

    return draw


def indexed():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        kind = data.draw(st.sampled_from(["int", "slice", "array", "array2", "mask", "mixed"]))
        n = x.shape[0]
        if kind == "int":
            index = data.draw(st.integers(-n, n - 1))
        elif kind == "slice":
            index = slice(data.draw(st.integers(0, n - 1)), None, data.draw(st.integers(1, 2)))
        elif kind == "array":  # repeats allowed: the gradient must accumulate
            index = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5)))
        elif kind == "array2":
            index = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=4))).reshape(-1, 1)
        elif kind == "mask":
            index = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        else:
            rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
            index = (rows, Ellipsis) if x.ndim == 1 else (rows, slice(None, None, -1))
        return (x,), {"index": index}

    return draw


def joined(stack):
    def draw(data):
        shape = data.draw(shapes(min_dims=1, **SMALL))
        axis = data.draw(st.integers(-len(shape) - (1 if stack else 0), len(shape) - (0 if stack else 1)))
        count = data.draw(st.integers(1, 3))
        xs = []
        for _ in range(count):
            this = list(shape)
            if not stack:
                this[axis] = data.draw(st.integers(1, 3))
            xs.append(data.draw(arrays(shape=tuple(this))))
        return tuple(xs), {"axis": axis}

    return draw


def where_inputs():
    def draw(data):
        shape = data.draw(shapes(**SMALL))
        condition = data.draw(arrays(shape=shape, dtype=bool))
        a = data.draw(arrays(shape=data.draw(broadcastable_shapes(shape))))
        joint = np.broadcast_shapes(shape, a.shape)
        b = data.draw(arrays(shape=data.draw(broadcastable_shapes(joint, max_dims=len(joint)))))
        return (condition, a, b), {}

    return draw


def clip_inputs():
    def draw(data):
        lo = data.draw(st.one_of(st.none(), floats(-2, 0)))
        hi = data.draw(st.one_of(st.none(), floats(0.5, 2)))
        kinks = [v for v in (lo, hi) if v is not None]
        elements = floats().filter(lambda v: all(abs(v - k) > 0.05 for k in kinks))
        x = data.draw(arrays(shape=shapes(**SMALL), elements=elements))
        return (x,), {"lo": lo, "hi": hi}

    return draw


def pow_inputs(tensor_exponent):
    def draw(data):
        if tensor_exponent:
            return binary(a_elements=POSITIVE, b_elements=floats(-2, 2))(data)
        x = data.draw(arrays(shape=shapes(**SMALL), elements=POSITIVE))
        return (x,), {"p": data.draw(st.sampled_from([2, 3, 0.5, -1.0, 1.5]))}

    return draw


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _torch_where(condition, a, b):
    import torch

    return torch.where(condition, a, b)


def _torch_cat(*xs, axis):
    import torch

    return torch.cat(xs, dim=axis)


def _torch_stack(*xs, axis):
    import torch

    return torch.stack(xs, dim=axis)


def _torch_maximum(a, b):
    import torch

    a, b = torch.broadcast_tensors(a, b)
    return torch.maximum(a, b)


def _torch_minimum(a, b):
    import torch

    a, b = torch.broadcast_tensors(a, b)
    return torch.minimum(a, b)


def _torch_reduce(name):
    def reduce(x, axis, keepdims):
        dims = tuple(range(x.ndim)) if axis is None else axis
        if name == "sum":
            return x.sum(dim=dims, keepdim=keepdims)
        if name == "mean":
            return x.mean(dim=dims, keepdim=keepdims)
        return (x.amax if name == "max" else x.amin)(dim=dims, keepdim=keepdims)

    return reduce


def _torch_reverse_axes(x):
    return x.permute(*reversed(range(x.ndim))) if x.ndim else x * 1.0


def _torch_index(x, index):
    import torch

    def convert(part):
        return torch.as_tensor(part) if isinstance(part, np.ndarray) else part

    if isinstance(index, tuple) and index[1:] == (slice(None, None, -1),):
        return x[convert(index[0])].flip(1)  # torch has no negative steps: x[rows, ::-1] is a flip
    return x[tuple(convert(p) for p in index)] if isinstance(index, tuple) else x[convert(index)]


CASES = [
    Case("add", lambda a, b: a + b, np.add, lambda a, b: a + b, binary(), (0, 1)),
    Case("sub", lambda a, b: a - b, np.subtract, lambda a, b: a - b, binary(), (0, 1)),
    Case("mul", lambda a, b: a * b, np.multiply, lambda a, b: a * b, binary(), (0, 1)),
    Case("div", lambda a, b: a / b, np.divide, lambda a, b: a / b, binary(b_elements=NONZERO), (0, 1)),
    Case("neg", lambda x: -x, np.negative, lambda x: -x, unary()),
    Case("pow_tensor", lambda a, b: a**b, np.power, lambda a, b: a**b, pow_inputs(True), (0, 1)),
    Case("pow_number", lambda x, p: x**p, lambda x, p: x**p, lambda x, p: x**p, pow_inputs(False)),
    Case("rpow", lambda x: 2.0**x, lambda x: 2.0**x, lambda x: 2.0**x, unary()),
    Case("radd_number", lambda x: 1.5 + x, lambda x: 1.5 + x, lambda x: 1.5 + x, unary()),
    Case("rsub_number", lambda x: 1.5 - x, lambda x: 1.5 - x, lambda x: 1.5 - x, unary()),
    Case("rdiv_number", lambda x: 2.0 / x, lambda x: 2.0 / x, lambda x: 2.0 / x, unary(NONZERO)),
    Case("matmul", lambda a, b: a @ b, np.matmul, lambda a, b: a @ b, matmul_pair(), (0, 1)),
    Case("exp", lambda x: x.exp(), np.exp, lambda x: x.exp(), unary()),
    Case("log", lambda x: x.log(), np.log, lambda x: x.log(), unary(POSITIVE)),
    Case("sqrt", lambda x: x.sqrt(), np.sqrt, lambda x: x.sqrt(), unary(POSITIVE)),
    Case("abs", lambda x: x.abs(), np.abs, lambda x: x.abs(), unary(floats(avoid=0.0))),
    Case("tanh", lambda x: x.tanh(), np.tanh, lambda x: x.tanh(), unary()),
    Case("sigmoid", lambda x: x.sigmoid(), _np_sigmoid, lambda x: x.sigmoid(), unary()),
    Case("relu", lambda x: x.relu(), lambda x: np.maximum(x, 0), lambda x: x.relu(), unary(floats(avoid=0.0))),
    Case(
        "clip",
        lambda x, lo, hi: x.clip(lo, hi),
        lambda x, lo, hi: np.clip(x, lo, hi),
        lambda x, lo, hi: x.clamp(lo, hi) if (lo, hi) != (None, None) else x * 1.0,
        clip_inputs(),
    ),
    Case("sum", lambda x, **o: x.sum(**o), lambda x, **o: x.sum(**o), _torch_reduce("sum"), reduction()),
    Case("mean", lambda x, **o: x.mean(**o), lambda x, **o: x.mean(**o), _torch_reduce("mean"), reduction()),
    Case("max", lambda x, **o: x.max(**o), lambda x, **o: x.max(**o), _torch_reduce("max"), reduction(True)),
    Case("min", lambda x, **o: x.min(**o), lambda x, **o: x.min(**o), _torch_reduce("min"), reduction(True)),
    Case("maximum", autograd.maximum, np.maximum, _torch_maximum, binary(distinct=True), (0, 1)),
    Case("minimum", autograd.minimum, np.minimum, _torch_minimum, binary(distinct=True), (0, 1)),
    Case("where", autograd.where, np.where, _torch_where, where_inputs(), (1, 2)),
    Case(
        "softmax",
        lambda x, axis: x.softmax(axis),
        _softmax,
        lambda x, axis: x.softmax(dim=axis),
        with_axis(),
    ),
    Case(
        "log_softmax",
        lambda x, axis: x.log_softmax(axis),
        lambda x, axis: np.log(_softmax(x, axis)),
        lambda x, axis: x.log_softmax(dim=axis),
        with_axis(),
    ),
    Case(
        "reshape",
        lambda x, shape: x.reshape(shape),
        lambda x, shape: x.reshape(shape),
        lambda x, shape: x.reshape(shape),
        reshaped(),
    ),
    Case(
        "transpose",
        lambda x, axes: x.transpose(axes),  # a tuple permutes; two integers would swap (transpose_swap)
        lambda x, axes: x.transpose(axes),
        lambda x, axes: x.permute(*axes) if axes else x * 1.0,
        permuted(),
    ),
    Case("T", lambda x: x.T, lambda x: x.T, _torch_reverse_axes, unary()),
    Case("getitem", lambda x, index: x[index], lambda x, index: x[index], _torch_index, indexed()),
    Case(
        "concatenate",
        lambda *xs, axis: autograd.concatenate(xs, axis=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        _torch_cat,
        joined(stack=False),
        (0, 1, 2),
    ),
    Case(
        "stack",
        lambda *xs, axis: autograd.stack(xs, axis=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        _torch_stack,
        joined(stack=True),
        (0, 1, 2),
    ),
]

CASE_IDS = [case.name for case in CASES]


def as_tensors(case, arrays_, dtype=None, requires_grad=True):
    """Our inputs: the differentiable positions as float tensors that require grad."""
    out = []
    for position, array in enumerate(arrays_):
        if array.dtype == bool:
            out.append(autograd.Tensor(array))
            continue
        if dtype is not None:
            array = array.astype(dtype)
        needs = requires_grad and position in case.differentiable
        out.append(autograd.Tensor(array, requires_grad=needs))
    return out
