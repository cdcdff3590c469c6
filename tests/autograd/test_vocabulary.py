"""The tensor vocabulary beyond the op table: keyword spellings, integer and bool results,
gradient conventions, empty tensors, second derivatives against PyTorch, and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor

from ..oracle import torch
from .op_table import as_tensors
from .op_table_vocab import VOCAB_CASES

TOL = dict(rtol=1e-9, atol=1e-9)
X = np.arange(24.0).reshape(2, 3, 4) % 7 - 3  # ties on purpose only where the op does not care


# -- NumPy's axis/keepdims and PyTorch's dim/keepdim ---------------------------------------------------
AXIS_METHODS = ["sum", "mean", "max", "min", "var", "std", "prod", "logsumexp", "norm",
                "argmax", "argmin", "any", "all"]  # fmt: skip


@pytest.mark.parametrize("name", AXIS_METHODS)
def test_dim_and_keepdim_are_axis_and_keepdims(name):
    x = Tensor(X)
    method = getattr(x, name)
    np.testing.assert_array_equal(method(dim=1).data, method(axis=1).data)
    np.testing.assert_array_equal(method(dim=1, keepdim=True).data, method(axis=1, keepdims=True).data)
    assert method(dim=-1, keepdim=True).shape == (2, 3, 1)
    with pytest.raises(TypeError, match=rf"{name}: got both axis=1 and dim=1"):
        method(axis=1, dim=1)
    with pytest.raises(TypeError, match=rf"{name}: got both keepdims and keepdim"):
        method(axis=1, keepdims=True, keepdim=True)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "cumsum", "cumprod", "squeeze", "unsqueeze"])
def test_dim_spelling_of_the_one_axis_methods(name):
    x = Tensor(X[:, :1, :])
    method = getattr(x, name)
    np.testing.assert_array_equal(method(dim=1).data, method(axis=1).data)
    with pytest.raises(TypeError, match=f"{name}: got both"):
        method(axis=1, dim=1)


def test_softmax_spellings_in_nn_functional_and_on_tensors_agree():
    x = Tensor(X)
    expected = x.softmax(axis=1).data
    for out in (
        x.softmax(dim=1),
        nn.functional.softmax(x, dim=1),
        nn.functional.softmax(x, 1),
        nn.functional.softmax(x, axis=1),
    ):
        np.testing.assert_array_equal(out.data, expected)
    np.testing.assert_array_equal(nn.functional.log_softmax(x, axis=1).data, x.log_softmax(dim=1).data)
    with pytest.raises(TypeError, match="softmax: got both"):
        nn.functional.softmax(x, dim=1, axis=1)
    # the default is still the last axis
    np.testing.assert_array_equal(nn.functional.softmax(x).data, x.softmax(axis=-1).data)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "logsumexp"])
@pytest.mark.parametrize("axis", [0, -1, (0,), (-1,)])
def test_a_0d_tensor_reduces_over_axis_0_and_minus_1(name, axis):
    x = Tensor(2.0, requires_grad=True)
    out = getattr(x, name)(axis=axis)
    assert out.shape == () and out.item() == 2.0  # one value: the sum, mean, max, product... is itself
    out.backward()
    assert x.grad.item() == 1.0
    with pytest.raises(ValueError, match=f"{name}: axis 1 is out of range for a tensor with 0 dimensions"):
        getattr(x, name)(axis=1)


# -- transpose --------------------------------------------------------------------------------------------
def test_transpose_reverses_swaps_or_permutes():
    x = Tensor(np.zeros((2, 3, 4, 5)))
    assert x.transpose().shape == (5, 4, 3, 2)
    assert x.transpose(1, 3).shape == (2, 5, 4, 3)  # two integers swap, as torch.transpose
    assert x.transpose(-1, 0).shape == (5, 3, 4, 2)
    assert x.transpose(3, 0, 1, 2).shape == (5, 2, 3, 4)  # four integers permute, as NumPy
    assert x.transpose((3, 0, 1, 2)).shape == (5, 2, 3, 4)
    m = Tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(m.transpose(0, 1).data, [[1.0, 3.0], [2.0, 4.0]])  # swapped (NumPy: unchanged)
    np.testing.assert_array_equal(m.transpose((0, 1)).data, m.data)  # the tuple is the identity permutation
    torch_x = torch.zeros(2, 3, 4, 5)
    assert x.transpose(1, 3).shape == tuple(torch_x.transpose(1, 3).shape)


# -- results without a graph -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_match_numpy_and_pytorch(name, axis, keepdims):
    data = np.random.default_rng(0).standard_normal((3, 4))
    x = Tensor(data, requires_grad=True)
    out = getattr(x, name)(axis=axis, keepdims=keepdims)
    assert out.dtype == np.int64 and not out.requires_grad and out.grad_fn is None
    np.testing.assert_array_equal(out.data, getattr(np, name)(data, axis=axis, keepdims=keepdims))
    if axis is not None:
        theirs = getattr(torch.from_numpy(data), name)(dim=axis, keepdim=keepdims)
        np.testing.assert_array_equal(out.data, theirs.numpy())
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.sum().backward()


def test_max_values_and_argmax_indices_together():
    x = Tensor([[1.0, 5.0], [7.0, 2.0]])
    values, indices = torch.from_numpy(x.data).max(dim=1)
    np.testing.assert_array_equal(x.max(axis=1).data, values.numpy())
    np.testing.assert_array_equal(x.argmax(axis=1).data, indices.numpy())


def test_any_all_and_the_value_tests():
    x = Tensor([[0.0, 1.0], [0.0, 0.0]])
    assert x.any().item() is True and x.all().item() is False
    np.testing.assert_array_equal(x.any(axis=1).data, [True, False])
    np.testing.assert_array_equal(x.all(axis=0, keepdims=True).data, [[False, False]])
    y = Tensor([1.0, np.nan, np.inf, -np.inf], requires_grad=True)
    for name in ("isnan", "isinf", "isfinite"):
        out = getattr(y, name)()
        assert out.dtype == bool and out.grad_fn is None
        np.testing.assert_array_equal(out.data, getattr(np, name)(y.data))
        np.testing.assert_array_equal(getattr(autograd, name)(y).data, out.data)
    np.testing.assert_array_equal(autograd.isclose(Tensor([1.0, 1.001]), 1.0).data, [True, False])
    np.testing.assert_array_equal(Tensor([np.nan]).isclose(np.nan, equal_nan=True).data, [True])


def test_floor_division_and_remainder_of_integer_tensors():
    a, b = Tensor([7, -7, 7]), Tensor([2, 2, -2])
    np.testing.assert_array_equal((a // b).data, [3, -4, -4])
    np.testing.assert_array_equal((a % b).data, [1, 1, -1])
    assert (a // b).dtype == np.int64 and (7 // b).dtype == np.int64
    np.testing.assert_array_equal((7 % b).data, torch.remainder(torch.tensor(7), torch.tensor([2, 2, -2])).numpy())


def test_aliases_are_the_same_functions():
    for numpy_name, torch_name in [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
                                   ("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh")]:  # fmt: skip
        assert getattr(Tensor, numpy_name) is getattr(Tensor, torch_name)
        assert getattr(autograd, numpy_name) is getattr(autograd, torch_name)
    assert Tensor.swapdims is Tensor.swapaxes and Tensor.moveaxis is Tensor.movedim
    assert autograd.moveaxis is autograd.movedim


# -- gradient conventions and numerical care -----------------------------------------------------------------
@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0], [1.5, -2.0, 4.0]])
def test_prod_and_cumprod_gradients_are_exact_with_zeros(values):
    for ours, theirs in [(lambda t: t.prod(), lambda t: t.prod()), (lambda t: t.cumprod(0), lambda t: t.cumprod(0))]:
        x = Tensor(values, requires_grad=True)
        t = torch.tensor(values, requires_grad=True)
        upstream = np.array([0.5, -1.0, 2.0])[: ours(x).size]
        ours(x).backward(upstream.reshape(ours(x).shape))
        theirs(t).backward(torch.from_numpy(upstream).reshape(theirs(t).shape))
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), **TOL)
    x = Tensor(values, requires_grad=True)
    assert autograd.gradgradcheck(lambda t: t.prod(), (x,)) and autograd.gradgradcheck(lambda t: t.cumprod(0), (x,))


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # log(0) = -inf, the right answer
def test_logsumexp_softplus_logaddexp_do_not_overflow():
    big = Tensor([1000.0, 1000.0], requires_grad=True)
    out = big.logsumexp()
    assert out.item() == pytest.approx(1000 + math.log(2))
    out.backward()
    np.testing.assert_allclose(big.grad.data, [0.5, 0.5])
    assert autograd.logsumexp(Tensor([-np.inf, -np.inf])).item() == -np.inf
    assert autograd.softplus(Tensor([1000.0, -1000.0])).tolist() == [1000.0, 0.0]
    assert autograd.logaddexp(Tensor([1000.0]), Tensor([-1000.0])).item() == 1000.0
    np.testing.assert_allclose(autograd.log1p(Tensor([1e-20])).data, [1e-20], rtol=1e-15)


def test_norm_at_zero_has_gradient_zero_as_in_pytorch():
    x = Tensor([0.0, 0.0], requires_grad=True)
    x.norm().backward()
    t = torch.zeros(2, requires_grad=True)
    t.norm().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_step_functions_pass_a_zero_gradient():
    for name in ("sign", "floor", "ceil", "round", "trunc"):
        x = Tensor([-1.7, 0.2, 2.5], requires_grad=True)
        getattr(x, name)().sum().backward()
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(Tensor([0.5, 1.5, 2.5, -0.5]).round().data, [0.0, 2.0, 2.0, -0.0])  # halves to even


def test_boolean_mask_indexing_with_a_bool_tensor_and_its_gradient():
    x = Tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    picked = x[x > 0]
    np.testing.assert_array_equal(picked.data, [1.0, 4.0])
    (picked * Tensor([10.0, 20.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[10.0, 0.0], [0.0, 20.0]])


def test_mixed_advanced_indexing_follows_numpy():
    # an integer and an index array separated by a slice: NumPy puts the broadcast index axes
    # first, shape (3, 5, 2); PyTorch would give (5, 2, 3)
    data = np.random.default_rng(1).standard_normal((2, 5, 4, 6))
    idx = np.array([0, 4, 4])
    x = Tensor(data, requires_grad=True)
    out = x[1, :, 0:2, idx]
    assert out.shape == data[1, :, 0:2, idx].shape == (3, 5, 2)
    assert tuple(torch.from_numpy(data)[1, :, 0:2, torch.from_numpy(idx)].shape) == (5, 2, 3)
    np.testing.assert_array_equal(out.data, data[1, :, 0:2, idx])
    assert autograd.gradcheck(lambda t: t[1, :, 0:2, idx], (x,))


def test_split_and_chunk_return_pytorch_pieces():
    x = Tensor(np.arange(10.0))
    for ours, theirs in [
        (x.split(3), torch.arange(10.0).split(3)),
        (x.split([2, 0, 8]), torch.arange(10.0).split([2, 0, 8])),
        (x.chunk(4), torch.arange(10.0).chunk(4)),
        (x.chunk(20), torch.arange(10.0).chunk(20)),
    ]:
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a.data, b.numpy())


def test_scatter_add_and_index_add_accumulate_repeated_indices():
    x = autograd.zeros(3, requires_grad=True)
    src = Tensor([1.0, 2.0, 5.0], requires_grad=True)
    out = x.scatter_add(0, [0, 0, 2], src)
    np.testing.assert_array_equal(out.data, [3.0, 0.0, 5.0])
    (out * Tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(src.grad.data, [1.0, 1.0, 100.0])
    np.testing.assert_array_equal(x.grad.data, [1.0, 10.0, 100.0])
    out = autograd.index_add(autograd.zeros(2, 2), 0, [1, 1], Tensor([[1.0, 2.0], [3.0, 4.0]]), alpha=2)
    np.testing.assert_array_equal(out.data, [[0.0, 0.0], [8.0, 12.0]])


# -- empty tensors ------------------------------------------------------------------------------------------
EMPTY = [
    ("sin", lambda x: x.sin(), lambda x: np.sin(x)),
    ("cumsum", lambda x: x.cumsum(1), lambda x: np.cumsum(x, 1)),
    ("cumprod", lambda x: x.cumprod(0), lambda x: np.cumprod(x, 0)),
    ("prod", lambda x: x.prod(axis=1), lambda x: np.prod(x, axis=1)),
    ("prod_all", lambda x: x.prod(), lambda x: np.prod(x)),
    ("logsumexp", lambda x: x.logsumexp(axis=1), lambda x: np.log(np.exp(x).sum(axis=1))),
    ("norm", lambda x: x.norm(axis=1), lambda x: np.sqrt((x * x).sum(axis=1))),
    ("flip", lambda x: x.flip(), lambda x: np.flip(x)),
    ("roll", lambda x: x.roll(2, 0), lambda x: np.roll(x, 2, 0)),
    ("tile", lambda x: x.tile((2, 1)), lambda x: np.tile(x, (2, 1))),
    ("pad", lambda x: autograd.pad(x, (0, 0, 1, 1)), lambda x: np.pad(x, ((1, 1), (0, 0)))),
    ("tril", lambda x: x.tril(), lambda x: np.tril(x)),
    ("einsum", lambda x: autograd.einsum("ij,jk->ik", x.T, x), lambda x: np.einsum("ij,jk->ik", x.T, x)),
    ("gather", lambda x: x.gather(1, np.zeros((2, 0), dtype=np.int64)), lambda x: np.zeros((2, 0))),
    ("flatten", lambda x: x.flatten(), lambda x: x.reshape(-1)),
    ("unsqueeze", lambda x: x.unsqueeze(0), lambda x: x[None]),
]


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # logsumexp of nothing: log(0) = -inf
@pytest.mark.parametrize("name, ours, reference", EMPTY, ids=[e[0] for e in EMPTY])
def test_empty_tensors_go_forward_and_backward(name, ours, reference):
    data = np.zeros((2, 0)) if name != "roll" else np.zeros((0, 3))
    x = Tensor(data, requires_grad=True)
    out = ours(x)
    expected = reference(data)
    assert out.shape == np.shape(expected)
    np.testing.assert_array_equal(out.data, expected)
    out.backward(np.ones(out.shape))
    assert x.grad.shape == x.shape


# -- second derivatives against PyTorch ---------------------------------------------------------------------
SECOND = ["sin", "tan", "arcsin", "arccosh", "sinh", "log1p", "expm1", "log2", "exp2", "rsqrt", "softplus",
          "logaddexp", "mod", "var", "std", "prod", "logsumexp", "norm", "cumsum", "cumprod", "pad_reflect",
          "pad_replicate", "roll", "tile", "gather", "scatter_add", "index_add", "einsum", "dot", "outer"]  # fmt: skip


@pytest.mark.parametrize("case", [c for c in VOCAB_CASES if c.name in SECOND], ids=lambda c: c.name)
@given(data=st.data())
def test_second_derivatives_equal_pytorch(case, data):
    arrays_, options = case.inputs(data)
    ours = as_tensors(case, arrays_)
    theirs = []
    for position, array in enumerate(arrays_):
        t = torch.from_numpy(np.array(array))
        theirs.append(t.requires_grad_(True) if array.dtype != bool and position in case.differentiable else t)
    out = case.ours(*ours, **options)
    wanted_ours = [t for t in ours if t.requires_grad]
    grads = autograd.grad(out, wanted_ours, np.ones(out.shape), create_graph=True)
    total = sum(((g * g).sum() for g in grads), Tensor(0.0))
    if total.requires_grad:
        total.backward()
    else:  # a linear op: the gradient does not depend on the input, the second derivative is 0
        for t in wanted_ours:
            t.grad = Tensor(np.zeros(t.shape))
    expected = case.torch(*theirs, **options)
    wanted = [t for t in theirs if t.requires_grad]
    tgrads = torch.autograd.grad(expected, wanted, torch.ones(expected.shape), create_graph=True, allow_unused=True)
    pieces = [(g * g).sum() for g in tgrads if g is not None and g.requires_grad]
    if pieces:
        sum(pieces).backward()
    for mine, reference in zip(wanted_ours, wanted):
        theirs_grad = np.zeros(mine.shape) if reference.grad is None else reference.grad.numpy(force=True)
        np.testing.assert_allclose(mine.grad.data, theirs_grad, **TOL)


# -- bad input ----------------------------------------------------------------------------------------------
M = Tensor(np.ones((2, 3)))

BAD = [
    (lambda: M.var(axis=2), ValueError, "var: axis 2 is out of range for a tensor with 2 dimensions"),
    (lambda: M.var(axis=1, ddof=3), ValueError, r"var: 3 values over axis 1 of shape \(2, 3\) are too few for ddof=3"),
    (lambda: M.var(ddof=1, correction=1), TypeError, "var: give ddof .* or correction .*, not both"),
    (lambda: M.cumsum(2), ValueError, "cumsum: axis 2 is out of range"),
    (lambda: M.prod(axis=(0, 0)), ValueError, "prod: repeated axis"),
    (lambda: M.argmax(axis=(0, 1)), TypeError, "argmax: axis must be one integer"),
    (lambda: Tensor(np.ones((0,))).argmax(), ValueError, r"argmax: the tensor is empty \(shape \(0,\)\)"),
    (lambda: M.norm("nuc"), ValueError, "norm: p must be a number"),
    (lambda: autograd.logaddexp(M, Tensor(np.ones(4))), ValueError, r"logaddexp: shapes \(2, 3\) and \(4,\)"),
    (lambda: M // Tensor(np.ones(4)), ValueError, r"floor_divide: shapes \(2, 3\) and \(4,\)"),
    (lambda: M.squeeze(2), ValueError, "squeeze: axis 2 is out of range"),
    (lambda: M.unsqueeze(4), ValueError, "unsqueeze: axis 4 is out of range for a tensor with 3 dimensions"),
    (lambda: M.flatten(1, 0), ValueError, r"flatten: start axis 1 comes after end axis 0 \(shape \(2, 3\)\)"),
    (lambda: M.unflatten(1, (2, 2)), ValueError, r"unflatten: axis 1 of shape \(2, 3\) has 3 entries, not \(2, 2\)"),
    (lambda: M.expand(4, 3), ValueError, r"broadcast_to: shape \(2, 3\) cannot be broadcast to \(4, 3\)"),
    (lambda: M.expand(3), ValueError, r"expand: \(3,\) has fewer axes than the tensor's shape \(2, 3\)"),
    (lambda: M.repeat(2), ValueError, r"repeat: 1 repetition counts for a tensor with 2 dimensions \(shape \(2, 3\)\)"),
    (lambda: M.tile(-1), ValueError, "tile: repetitions must be non-negative"),
    (lambda: M.flip(2), ValueError, "flip: axis 2 is out of range"),
    (lambda: M.roll((1, 2), 0), ValueError, "roll: 2 shifts for 1 axes"),
    (lambda: M.split([1, 1], 1), ValueError, r"split: lengths \[1, 1\] do not add up to 3, the length of axis 1"),
    (lambda: M.split(0), ValueError, "split: the piece length must be positive"),
    (lambda: M.chunk(0), ValueError, "chunk: the number of chunks must be a positive integer"),
    (
        lambda: autograd.pad(M, (3, 0), mode="reflect"),
        ValueError,
        r"pad: reflect padding of 3 needs more entries on axis 1 of \(2, 3\)",
    ),  # noqa: E501
    (lambda: autograd.pad(M, (4, 0), mode="circular"), ValueError, r"pad: circular padding of 4 does not fit axis 1"),
    (lambda: autograd.pad(M, (1,)), ValueError, r"pad: \(1,\) must hold \(left, right\) pairs"),
    (lambda: autograd.pad(M, (1, 1), mode="mirror"), ValueError, "pad: mode must be one of"),
    (lambda: autograd.pad(M, (-1, 1)), ValueError, "pad: negative padding"),
    (lambda: Tensor([1.0]).tril(), ValueError, r"tril: needs at least 2 dimensions, got shape \(1,\)"),
    (lambda: M.swapaxes(0, 2), ValueError, "swapaxes: axis 2 is out of range"),
    (lambda: M.movedim((0, 1), 0), ValueError, "movedim: 2 source axes but 1 destinations"),
    (
        lambda: M.gather(1, [[3]]),
        IndexError,
        r"gather: index 3 is out of range for axis 1 of length 3 \(shape \(2, 3\)\)",
    ),  # noqa: E501
    (
        lambda: M.gather(1, [0]),
        ValueError,
        r"gather: the index needs as many dimensions as the tensor: \(1,\) vs \(2, 3\)",
    ),  # noqa: E501
    (lambda: M.gather(1, [[0.5]]), TypeError, "gather: the index must hold integers, got dtype float64"),
    (lambda: M.index_select(0, [2]), IndexError, "index_select: index 2 is out of range for axis 0 of length 2"),
    (lambda: M.index_select(0, [[0]]), ValueError, r"index_select: the index must be 1-d, got shape \(1, 1\)"),
    (lambda: M.scatter_add(0, [[5]], Tensor([[1.0]])), IndexError, "scatter_add: index 5 is out of range for axis 0"),
    (
        lambda: M.index_add(1, [0], Tensor(np.ones((2, 2)))),
        ValueError,
        r"index_add: source of shape \(2, 2\) and index \(1,\) need shape \(2, 1\)",
    ),  # noqa: E501
    (lambda: M.masked_fill(np.ones(3), 0.0), TypeError, "masked_fill: the mask must be bool, got dtype float64"),
    (
        lambda: M.masked_fill(np.ones(2, bool), 0.0),
        ValueError,
        r"masked_fill: mask of shape \(2,\) does not broadcast to \(2, 3\)",
    ),  # noqa: E501
    (lambda: autograd.dot(Tensor(np.ones((2, 2, 2))), M), ValueError, "dot: shapes .* use matmul or einsum"),
    (
        lambda: autograd.einsum("ij,jk->ik", M, M),
        ValueError,
        r"einsum 'ij,jk->ik': operands of shapes \(2, 3\), \(2, 3\) do not fit",
    ),  # noqa: E501
    (lambda: autograd.einsum("ij->i", M, M), ValueError, "einsum: 'ij->i' names 1 operands but 2 were given"),
    (
        lambda: autograd.einsum("ijk->i", M),
        ValueError,
        r"einsum: operand 'ijk' has 3 letters but shape \(2, 3\) has 2 axes",
    ),  # noqa: E501
    (lambda: autograd.einsum("i1->i", M), ValueError, r"einsum: 'i1->i' has characters \['1'\] that are not letters"),
    (lambda: autograd.zeros(2, 2).argmax().backward(), RuntimeError, "does not require grad"),
    (lambda: M.sum(axis=0, dim=0), TypeError, "sum: got both axis=0 and dim=0"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input_names_the_op_and_the_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_gradient_of_an_integer_op_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    for out in (x.argmax(), x.argmin(), x.any(), x.all(), x.isnan(), x > 0):
        assert not out.requires_grad
        with pytest.raises(RuntimeError, match="does not require grad"):
            out.backward()
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        Tensor([1, 2]).requires_grad_()
