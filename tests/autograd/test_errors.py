"""Bad input gets an error that names what was wrong, never a silent wrong gradient."""

import warnings

import numpy as np
import pytest

import autograd
from autograd import Function, Tensor


def test_matmul_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_broadcast_mismatch_names_the_op_and_both_shapes(op):
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4,)))
    with pytest.raises(ValueError, match=rf"{op}: shapes \(2, 3\) and \(4,\)"):
        {"add": a.__add__, "sub": a.__sub__, "mul": a.__mul__, "div": a.__truediv__}[op](b)


def test_backward_of_a_non_scalar_needs_a_gradient_and_names_the_shape():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\) but the output has shape \(2, 3\)"):
        y.backward(np.ones(3))


def test_backward_on_a_tensor_without_grad_is_explained():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


class WrongShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x.data * 2

    @staticmethod
    def backward(ctx, grad):
        return Tensor(np.ones((5, 7)))


class WrongCount(Function):
    @staticmethod
    def forward(ctx, x):
        return x.data * 2

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def test_a_custom_function_returning_a_gradient_of_the_wrong_shape_is_named():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"WrongShape.*\(5, 7\).*\(2, 3\)"):
        WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="WrongCount.*2 gradients.*1 inputs"):
        WrongCount.apply(x).sum().backward()


def test_reshape_transpose_axis_and_index_errors_are_clear():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match="not a permutation"):
        x.transpose((0, 0))  # a tuple is a permutation (two integers would swap axis 0 with itself)
    with pytest.raises(IndexError, match=r"shape \(2, 3\)"):
        x[5]
    with pytest.raises(ValueError, match=r"concatenate along axis 0: shapes \(2, 3\), \(3,\)"):
        autograd.concatenate([x, Tensor(np.ones(3))])


def test_unsupported_dtypes_and_numpy_functions_are_refused():
    with pytest.raises(TypeError, match="complex128"):
        Tensor(np.ones(2, dtype=complex))
    with pytest.raises(TypeError):
        np.exp(Tensor([1.0]))  # would silently drop out of the graph: refused instead


def test_anomaly_mode_names_the_op_and_where_it_was_created():
    x = Tensor([0.0, 1.0], requires_grad=True)
    with autograd.detect_anomaly():
        y = x.sqrt()  # the line the error must point at
        loss = y.sum()
        before = np.geterr()
        with pytest.raises(RuntimeError, match=r"Sqrt backward produced inf") as info:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # the error says it all: no NumPy warning too
                loss.backward()
        assert np.geterr() == before
    assert "test_errors.py" in str(info.value) and "y = x.sqrt()" in str(info.value)
    assert not autograd.engine.is_anomaly_enabled()


def test_anomaly_mode_reports_nan():
    x = Tensor([-1.0], requires_grad=True)
    with autograd.detect_anomaly(), np.errstate(invalid="ignore"):
        loss = x.sqrt().sum()  # sqrt(-1) is nan, and so is its derivative
        with pytest.raises(RuntimeError, match="Sqrt backward produced nan"):
            loss.backward()
