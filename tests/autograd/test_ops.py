"""Every op of the table: forward against NumPy, gradcheck and gradgradcheck in float64, float32 kept.

Shapes, broadcast pairs, axes, keepdims and (repeated) indices are drawn by hypothesis.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd

from .op_table import as_tensors
from .op_table_vocab import ALL_CASES as CASES
from .op_table_vocab import ALL_IDS as CASE_IDS


def _run(case, data, dtype=None):
    arrays_, options = case.inputs(data)
    tensors = as_tensors(case, arrays_, dtype)
    return arrays_, options, tensors


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_forward_matches_numpy(case, data):
    arrays_, options, tensors = _run(case, data)
    out = case.ours(*tensors, **options)
    expected = np.asarray(case.numpy(*arrays_, **options))
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_gradcheck(case, data):
    _, options, tensors = _run(case, data)
    assert autograd.gradcheck(lambda *ts: case.ours(*ts, **options), tensors)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_gradgradcheck(case, data):
    _, options, tensors = _run(case, data)
    assert autograd.gradgradcheck(lambda *ts: case.ours(*ts, **options), tensors)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@given(data=st.data())
def test_gradient_has_input_shape_and_float32_stays_float32(case, data):
    arrays_, options, tensors32 = _run(case, data, dtype=np.float32)
    out32 = case.ours(*tensors32, **options)
    assert out32.dtype == np.float32
    upstream = np.random.default_rng(0).standard_normal(out32.shape)
    out32.backward(upstream.astype(np.float32))
    tensors64 = as_tensors(case, [a.astype(np.float32).astype(np.float64) if a.dtype != bool else a for a in arrays_])
    case.ours(*tensors64, **options).backward(upstream)
    for t32, t64 in zip(tensors32, tensors64):
        if not t32.requires_grad:
            continue
        assert t32.grad.shape == t32.shape
        assert t32.grad.dtype == np.float32
        np.testing.assert_allclose(t32.grad.data, t64.grad.data, rtol=2e-4, atol=2e-4)
