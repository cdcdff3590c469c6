"""PyTorch as an oracle: the same random cases in both libraries, values and gradients to 1e-9."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Tensor

from ..oracle import torch
from .op_table import as_tensors
from .op_table_vocab import ALL_CASES as CASES
from .op_table_vocab import ALL_IDS as CASE_IDS
from .random_graphs import Ours, Torch, has_near_ties, programs, run

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


@given(programs())
def test_random_graphs_equal_pytorch(program):
    assume(not has_near_ties(program))
    ours = [Tensor(np.array(a), requires_grad=True) for a in program[0]]
    theirs = [torch.from_numpy(np.array(a)).requires_grad_(True) for a in program[0]]
    out = run(program, ours, Ours)
    expected = run(program, theirs, Torch)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)
    out.backward()
    expected.backward()
    for mine, reference in zip(ours, theirs):
        if reference.grad is None:  # a leaf the program never used
            assert mine.grad is None
        else:
            np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL)


def test_tied_maxima_share_like_pytorch_amax():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    ours = Tensor(x, requires_grad=True)
    theirs = torch.from_numpy(x).requires_grad_(True)
    ours.max(axis=1).sum().backward()
    theirs.amax(dim=1).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), **TOL)
