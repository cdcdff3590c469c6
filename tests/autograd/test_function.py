"""A user's Function goes through the same apply() as the built-in ops, end to end."""

import numpy as np
from hypothesis import given

import autograd
from autograd import Function, Tensor
from autograd.testing import tensors


class SoftPlus(Function):
    """f(x) = log(1 + e^x), f'(x) = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sigmoid()  # Tensor ops: the backward is itself differentiable


class ScaledSquare(Function):
    """f(x, s) = s * x^2 with a number option; also saves its output."""

    @staticmethod
    def forward(ctx, x, scale=1.0):
        out = scale * x.data**2
        ctx.save_for_backward(x, out)
        ctx.scale = scale
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * 2 * out / x  # uses the saved output: d/dx (s x^2) = 2 s x = 2 out / x


def test_user_function_forward_backward_and_graph():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = SoftPlus.apply(x)
    assert y.grad_fn.name == "SoftPlus"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 1 / (1 + np.exp(-x.data)))


@given(tensors(shape=(3,)))
def test_user_function_gradcheck_and_double_backward(x):
    assert autograd.gradcheck(SoftPlus.apply, (x,))
    assert autograd.gradgradcheck(SoftPlus.apply, (x,))


def test_saved_output_is_differentiable_under_create_graph():
    x = Tensor([1.5, -2.0], requires_grad=True)
    assert autograd.gradcheck(lambda t: ScaledSquare.apply(t, scale=3.0), (x,))
    assert autograd.gradgradcheck(lambda t: ScaledSquare.apply(t, scale=3.0), (x,))


def test_needs_input_grad_and_none_gradients():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["forward"] = ctx.needs_input_grad
            return a.data * b.data

        @staticmethod
        def backward(ctx, grad):
            return grad, None

    a = Tensor([1.0], requires_grad=True)
    Probe.apply(a, Tensor([2.0])).backward()
    assert seen["forward"] == (True, False)
    assert a.grad.item() == 1.0


def test_forward_runs_without_recording():
    class Inner(Function):
        @staticmethod
        def forward(ctx, x):
            inner = x * 2  # a Tensor op inside forward is not part of the graph
            assert not inner.requires_grad
            return inner

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = Tensor([1.0], requires_grad=True)
    y = Inner.apply(x)
    assert y.grad_fn.name == "Inner"
    y.backward()
    assert x.grad.item() == 2.0


def test_needs_input_grad_has_one_entry_per_input_even_when_nothing_is_recorded():
    seen = []

    class Twice(Function):
        @staticmethod
        def forward(ctx, x, y):
            seen.append(ctx.needs_input_grad)
            return x.data * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, None

    Twice.apply(Tensor([1.0]), 3.0)
    with autograd.no_grad():
        Twice.apply(Tensor([1.0], requires_grad=True), 3.0)
    assert seen == [(False, False), (False, False)]


class Cube(Function):
    """f(x) = x^3, f'(x) = 3 x^2, written in operations arrays and Tensors share."""

    backward_on_arrays = True
    seen = []

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        Cube.seen.append((type(grad).__name__, type(x).__name__))
        return grad * 3 * x * x


def test_backward_on_arrays_gets_arrays_normally_and_tensors_under_create_graph():
    Cube.seen.clear()
    x = Tensor([1.0, 2.0], requires_grad=True)
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 12.0])
    assert Cube.seen == [("ndarray", "ndarray")]
    Cube.seen.clear()
    (g,) = autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert Cube.seen == [("Tensor", "Tensor")]
    (h,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, [6.0, 12.0])
    assert autograd.gradgradcheck(Cube.apply, (x,))
