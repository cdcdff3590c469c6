"""Scalar: Python-float nodes on the same graph core; values and gradients agree with Tensor."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Scalar, Tensor

values = st.floats(-3, 3, allow_nan=False)
positive = st.floats(0.2, 3, allow_nan=False)

UNARY = {
    "neg": (lambda v: -v, True),
    "exp": (lambda v: v.exp(), True),
    "log": (lambda v: v.log(), False),
    "tanh": (lambda v: v.tanh(), True),
    "sigmoid": (lambda v: v.sigmoid(), True),
    "relu": (lambda v: v.relu(), True),
    "square": (lambda v: v**2, True),
    "sqrt_pow": (lambda v: v**0.5, False),
    "inverse": (lambda v: 1.0 / v, False),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "radd": lambda a, b: 2.0 + a * b,
    "rsub": lambda a, b: 2.0 - a * b,
    "rmul": lambda a, b: 2.0 * a + b,
    "rdiv": lambda a, b: 2.0 / a + b,
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_scalar_ops_match_tensor_ops(name, data):
    fn, any_sign = UNARY[name]
    x = data.draw(values if any_sign else positive)
    if name == "relu":
        x = x if abs(x) > 1e-3 else 1.0
    s = Scalar(x)
    out = fn(s)
    out.backward()
    t = Tensor(x, requires_grad=True)
    t_out = fn(t)
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    assert s.grad == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", BINARY)
@given(a=positive, b=positive)
def test_binary_scalar_ops_match_tensor_ops(name, a, b):
    fn = BINARY[name]
    sa, sb = Scalar(a), Scalar(b)
    out = fn(sa, sb)
    out.backward()
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    fn(ta, tb).backward()
    assert out.data == pytest.approx(fn(a, b), rel=1e-12)
    assert sa.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert sb.grad == pytest.approx(tb.grad.item(), rel=1e-12)


def test_lecture_graph_every_node_gets_its_gradient():
    x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    d = x + y
    f = d * z
    f.backward()
    assert (d.data, f.data) == (-2.0, -8.0)
    assert (f.grad, d.grad, z.grad, x.grad, y.grad) == (1.0, 4.0, -2.0, 4.0, 4.0)
    assert f.local_grads == (4.0, -2.0)  # each edge carries d f / d input


def test_gradient_is_the_sum_over_paths_of_products_of_local_gradients():
    a = Scalar(2.0)
    b = a * a  # two edges from a
    c = b + a  # and a third path
    c.backward()
    assert a.grad == 2 * 2.0 + 1.0


def test_backward_again_accumulates():
    a = Scalar(3.0)
    out = a * a
    out.backward()
    out.backward()
    assert a.grad == 12.0


def test_stability_and_errors():
    assert Scalar(-1000.0).sigmoid().data == 0.0
    assert Scalar(1000.0).exp().data == math.inf
    with pytest.raises(TypeError, match="number exponent"):
        Scalar(2.0) ** Scalar(2.0)
    with pytest.raises(TypeError, match="str"):
        Scalar(1.0) + "a"


def test_repr_names_value_and_grad():
    assert repr(Scalar(1.5, label="w")) == "Scalar(data=1.5, grad=0, label='w')"


def test_scalar_and_tensor_give_the_same_neuron_gradients():
    rng = np.random.default_rng(3)
    w, x, b = rng.standard_normal(3), rng.standard_normal(3), 0.3
    ws = [Scalar(v) for v in w]
    out = sum((wi * xi for wi, xi in zip(ws, x)), Scalar(b)).tanh()
    out.backward()
    wt = Tensor(w, requires_grad=True)
    ((wt @ Tensor(x)) + b).tanh().backward()
    np.testing.assert_allclose([s.grad for s in ws], wt.grad.data, rtol=1e-12)


def test_item_and_float_give_the_value_as_a_python_float():
    x = Scalar(1.5, label="x")
    f = (x * 2 - 0.5).tanh()
    assert type(f.item()) is float and type(float(f)) is float
    assert f.item() == float(f) == f.data == math.tanh(2.5)
    f.backward()  # reading the value changes nothing in the graph
    assert x.grad == pytest.approx(2 * (1 - math.tanh(2.5) ** 2), rel=1e-12)
    assert float(Scalar(-3)) == -3.0 and Scalar(np.float32(0.25)).item() == 0.25
    assert math.isclose(math.exp(Scalar(1.0)), math.e)  # float() is what math functions call
