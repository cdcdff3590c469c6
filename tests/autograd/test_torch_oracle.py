"""PyTorch as an oracle: the same random cases in both libraries, values and gradients to 1e-9."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Tensor

from ..oracle import torch
from .op_table import as_tensors
from .op_table_vocab import ALL_CASES as CASES
from .op_table_vocab import ALL_IDS as CASE_IDS
from .random_graphs import Ours, Torch, central_difference_verdict, programs, run, scaled

TOL = dict(rtol=1e-9, atol=1e-9)


def _torch_inputs(case, arrays_):
    out = []
    for position, array in enumerate(arrays_):
        t = torch.from_numpy(np.array(array))
        if array.dtype != bool and position in case.differentiable:
            t.requires_grad_(True)
        out.append(t)
    return out


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_values_and_gradients_equal_pytorch(case, data):
    arrays_, options = case.inputs(data)
    ours = as_tensors(case, arrays_)
    theirs = _torch_inputs(case, arrays_)
    out = case.ours(*ours, **options)
    expected = case.torch(*theirs, **options)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)
    upstream = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for mine, reference in zip(ours, theirs):
        if mine.requires_grad:
            np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL)


@pytest.mark.parametrize("case", [c for c in CASES if c.name in ("mul", "div", "matmul", "exp", "tanh", "softmax")])
@given(data=st.data())
def test_second_derivatives_equal_pytorch(case, data):
    arrays_, options = case.inputs(data)
    ours = as_tensors(case, arrays_)
    theirs = _torch_inputs(case, arrays_)
    import autograd

    out = case.ours(*ours, **options)
    grads = autograd.grad(out, [t for t in ours if t.requires_grad], np.ones(out.shape), create_graph=True)
    total = sum(((g * g).sum() for g in grads), Tensor(0.0))
    total.backward()
    expected = case.torch(*theirs, **options)
    wanted = [t for t in theirs if t.requires_grad]
    tgrads = torch.autograd.grad(expected, wanted, torch.ones(expected.shape), create_graph=True)
    sum((g * g).sum() for g in tgrads).backward()
    for mine, reference in zip([t for t in ours if t.requires_grad], wanted):
        np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL)


def compare_random_graph(program, second=True, tol=TOL):
    """Run ``program`` in both libraries; the list of differences (empty when they agree).

    Compared: the output, every leaf's gradient, and (``second``) the gradient of the sum of
    the squared first gradients, i.e. second derivatives through every op of the program.
    NaN equals NaN (both libraries must produce it at the same place).
    """
    import autograd

    ours = [Tensor(np.array(a), requires_grad=True) for a in program[0]]
    theirs = [torch.from_numpy(np.array(a)).requires_grad_(True) for a in program[0]]
    differences = []

    def check(what, mine, reference):
        if mine is None or reference is None:  # no gradient on one side: the other must be zeros
            other = mine if reference is None else reference
            if other is not None and np.any(np.asarray(other) != 0):
                differences.append(f"{what}: ours {mine}, PyTorch {reference}")
            return
        if not np.allclose(mine, reference, equal_nan=True, **tol):
            differences.append(f"{what}: ours {np.asarray(mine).tolist()}, PyTorch {np.asarray(reference).tolist()}")

    with np.errstate(all="ignore"):
        out = run(program, ours, Ours)
        expected = run(program, theirs, Torch)
        check("output", out.data, expected.detach().numpy())
        grads = autograd.grad(out, ours, create_graph=second, allow_unused=True)
        tgrads = torch.autograd.grad(expected, theirs, create_graph=second, allow_unused=True)
        for index, (g, t) in enumerate(zip(grads, tgrads)):
            check(f"gradient of leaf {index}", None if g is None else g.data, None if t is None else t.detach().numpy())
        if not second:
            return differences
        total = sum(((g * g).sum() for g in grads if g is not None and g.requires_grad), Tensor(0.0))
        ttotal = sum(((t * t).sum() for t in tgrads if t is not None and t.requires_grad), torch.tensor(0.0))
        if not total.requires_grad or not ttotal.requires_grad:
            return differences
        second_ours = autograd.grad(total, ours, allow_unused=True)
        second_theirs = torch.autograd.grad(ttotal, theirs, allow_unused=True)
        for index, (g, t) in enumerate(zip(second_ours, second_theirs)):
            check(f"second derivative, leaf {index}", None if g is None else g.data, None if t is None else t.numpy())
    return differences


@settings(max_examples=scaled(25))
@given(programs())
def test_random_graphs_equal_pytorch(program):
    """Values, gradients and second derivatives, ties, zero bases and clip bounds included.

    One known disagreement is PyTorch's: its pow backward zeroes d/da wherever the exponent is
    0, so its mixed second derivative there is 0 instead of a^(b-1) (see Pow's NOTE). A
    program whose only differences are second derivatives passes if ours agree with central
    differences (tests/autograd/long_run.py counts and shows these cases).
    """
    differences = compare_random_graph(program)
    if differences and all(d.startswith("second derivative") for d in differences):
        agrees, numeric = central_difference_verdict(program, second=True)
        assert agrees, (differences, numeric)
    else:
        assert differences == []


def test_tied_maxima_share_like_pytorch_amax():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    ours = Tensor(x, requires_grad=True)
    theirs = torch.from_numpy(x).requires_grad_(True)
    ours.max(axis=1).sum().backward()
    theirs.amax(dim=1).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), **TOL)


def _first_and_second(lib_grad, x, y, out):
    """(d out/dx, d out/dy) and the 2x2 table of their derivatives, as floats (None: no path)."""
    gx, gy = lib_grad(out, (x, y), create_graph=True)
    rows = []
    for g in (gx, gy):
        if g.requires_grad:
            rows.append([None if t is None else t.item() for t in lib_grad(g, (x, y), allow_unused=True)])
        else:
            rows.append([None, None])
    return [gx.item(), gy.item()], rows


def _same(mine, theirs):
    if mine is None or theirs is None:  # no path on one side: the other must be 0
        return (mine or 0.0) == (theirs or 0.0)
    return mine == theirs or (np.isnan(mine) and np.isnan(theirs)) or abs(mine - theirs) <= 1e-12 * abs(theirs)


@pytest.mark.parametrize("a", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("b", [-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_pow_at_and_near_zero_equals_pytorch(a, b):
    import autograd

    x, y = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    with np.errstate(all="ignore"):
        mine = _first_and_second(autograd.grad, x, y, x**y)
    theirs = _first_and_second(torch.autograd.grad, tx, ty, tx**ty)
    assert all(_same(m, t) for m, t in zip(mine[0], theirs[0])), (mine, theirs)
    for i in range(2):
        for j in range(2):
            if (i, j) == (0, 1) and b == 0.0 and a != 0.0:
                # PyTorch zeroes d/da wherever b == 0, so its d2/dadb there is 0; the true value
                # a^(b-1) (1 + b log a) = 1/a is what we give (central differences agree)
                eps = 1e-6
                numeric = ((a + eps) ** eps - (a - eps) ** eps - (a + eps) ** -eps + (a - eps) ** -eps) / (4 * eps**2)
                assert theirs[1][0][1] == 0.0 and mine[1][0][1] == pytest.approx(1 / a) == pytest.approx(
                    numeric, rel=1e-4
                )
            else:
                assert _same(mine[1][i][j], theirs[1][i][j]), ((i, j), mine, theirs)


@pytest.mark.parametrize("k", [0, 1, 2, 3, 0.5, 1.5, -1])
def test_number_powers_at_zero_equal_pytorch(k):
    import autograd

    x, tx = Tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    with np.errstate(all="ignore"):
        (g,) = autograd.grad(x**k, [x], create_graph=True)
        (h,) = autograd.grad(g, [x], allow_unused=True) if g.requires_grad else (None,)
        (tg,) = torch.autograd.grad(tx**k, [tx], create_graph=True)
        (th,) = torch.autograd.grad(tg, [tx], allow_unused=True) if tg.requires_grad else (None,)
    assert _same(g.item(), tg.item())
    assert _same(None if h is None else h.item(), None if th is None else th.item())
    y, ty = Tensor([-1.0, 0.0, 2.0], requires_grad=True), torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    with np.errstate(all="ignore"):
        (0.0**y).sum().backward()
    (0.0**ty).sum().backward()
    np.testing.assert_array_equal(y.grad.data, ty.grad.numpy())


NAN = float("nan")


@pytest.mark.parametrize(
    "ours, theirs, values",
    [
        (lambda x: x.max(), lambda x: x.max(), [[NAN, 1.0, 2.0]]),
        (lambda x: x.min(), lambda x: x.min(), [[3.0, NAN, NAN]]),
        (lambda x: x.max(), lambda x: x.max(), [[2.0, 1.0, 2.0]]),
        (
            lambda a, b: __import__("autograd").maximum(a, b),
            torch.maximum,
            [[NAN, 1.0, 2.0, NAN], [1.0, NAN, 2.0, NAN]],
        ),
        (
            lambda a, b: __import__("autograd").minimum(a, b),
            torch.minimum,
            [[NAN, 1.0, 2.0, 3.0], [1.0, NAN, 2.0, 1.0]],
        ),
        (lambda x: x.clip(0.0, 1.0), lambda x: x.clamp(0.0, 1.0), [[NAN, 0.0, 0.5, 1.0, 2.0]]),
        (
            lambda x, lo, hi: x.clip(lo, hi),
            torch.clamp,
            [[NAN, 0.5, 2.0, -1.0, 0.0, 1.0, 0.5], [0.0] * 6 + [NAN], [1.0] * 7],
        ),
        (lambda x, lo, hi: x.clip(lo, hi), torch.clamp, [[-1.0, 0.5, 2.0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]),
    ],
)
def test_nan_ties_and_clip_bounds_equal_pytorch(ours, theirs, values):
    mine = [Tensor(v, requires_grad=True) for v in values]
    reference = [torch.tensor(v, requires_grad=True) for v in values]
    out, expected = ours(*mine), theirs(*reference)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    for m, r in zip(mine, reference):
        np.testing.assert_array_equal(m.grad.data, r.grad.numpy())


def test_clip_with_tensor_bounds_equals_pytorch_clamp():
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, (4, 3))
    lo, hi = rng.uniform(-1.5, 0, (3,)), rng.uniform(0, 1.5, (4, 1))
    mine = [Tensor(v, requires_grad=True) for v in (x, lo, hi)]
    reference = [torch.tensor(v, requires_grad=True) for v in (x, lo, hi)]
    upstream = rng.standard_normal((4, 3))
    out, expected = mine[0].clip(mine[1], mine[2]), torch.clamp(*reference)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for m, r in zip(mine, reference):
        np.testing.assert_allclose(m.grad.data, r.grad.numpy(), **TOL)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_axis_equals_pytorch(op):
    for shape, axis in [((2, 0), -1), ((0, 3), 0), ((0, 3), 1)]:
        out = getattr(Tensor(np.ones(shape)), op)(axis=axis)
        expected = getattr(torch.ones(shape), op)(dim=axis)
        assert out.shape == tuple(expected.shape)


# One operand shared by every batch entry (no batch axes, or all of length 1) takes a single
# 2-d product in backward; the other cases keep the batched one. Both against PyTorch.
MATMUL_SHAPES = [
    ((3, 4), (5, 4, 2)), ((1, 3, 4), (5, 4, 2)), ((1, 1, 3, 4), (2, 5, 4, 2)), ((4,), (5, 4, 2)),
    ((5, 3, 4), (4, 2)), ((5, 3, 4), (1, 4, 2)), ((2, 5, 3, 4), (1, 1, 4, 2)), ((5, 3, 4), (4,)),
    ((2, 1, 3, 4), (2, 5, 4, 2)), ((3, 4), (0, 4, 2)),
]  # fmt: skip


@pytest.mark.parametrize(("shape_a", "shape_b"), MATMUL_SHAPES, ids=str)
def test_batched_matmul_gradients_equal_pytorch(shape_a, shape_b):
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    ours = [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)]
    theirs = [torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)]
    out = ours[0] @ ours[1]
    seed = rng.standard_normal(out.shape)
    out.backward(seed)
    (theirs[0] @ theirs[1]).backward(torch.from_numpy(seed))
    for mine, reference in zip(ours, theirs):
        assert mine.grad.shape == tuple(reference.shape)
        np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), rtol=1e-12, atol=1e-12)
    if a.size and b.size:
        fresh = (Tensor(a, requires_grad=True), Tensor(b, requires_grad=True))
        assert autograd.gradgradcheck(lambda x, y: x @ y, fresh)
