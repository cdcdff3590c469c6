"""No silent wrong gradient: powers at zero, NaN in the extremes, values changed under a live
graph, and the edge inputs of softmax, clip and indexing (issue 13). PyTorch's own values for
the same cases are checked in test_torch_oracle.py."""

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor

NAN = float("nan")


def grads(fn, *values, create_graph=False):
    inputs = [Tensor(v, requires_grad=True) for v in values]
    out = fn(*inputs)
    return autograd.grad(out.sum(), inputs, create_graph=create_graph, allow_unused=True), inputs


def second(fn, a, b):
    """[[d2f/da2, d2f/dadb], [d2f/dbda, d2f/db2]] of a scalar f(a, b), as floats (None: no path)."""
    (ga, gb), (x, y) = grads(fn, a, b, create_graph=True)
    rows = []
    for g in (ga, gb):
        h = autograd.grad(g, [x, y], allow_unused=True) if g.requires_grad else (None, None)
        rows.append([None if t is None else float(t.data) for t in h])
    return rows


# -- powers at zero ---------------------------------------------------------------------------
def test_x_to_the_zero_has_gradient_zero_at_zero():
    (g,), _ = grads(lambda x: x**0, [0.0, 2.0])
    np.testing.assert_array_equal(g.data, [0.0, 0.0])
    (g, _), _ = grads(lambda x, p: x**p, [0.0, 2.0], [0.0, 0.0])  # a tensor exponent too
    np.testing.assert_array_equal(g.data, [0.0, 0.0])


def test_polynomial_features_with_a_zero_input_have_finite_gradients():
    x = Tensor([0.0, 1.5], requires_grad=True)
    w = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = sum((w[k] * x**k).sum() for k in range(3))
    y.backward()
    assert np.isfinite(x.grad.data).all() and np.isfinite(w.grad.data).all()
    np.testing.assert_allclose(x.grad.data, [-1.0 + 0.0, -1.0 + 2 * 2.0 * 1.5])


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # NumPy's own warning for 0 * inf on the way
def test_x_to_the_one_has_second_derivative_zero_at_zero():
    (g,), (x,) = grads(lambda x: x**1, 0.0, create_graph=True)
    (h,) = autograd.grad(g, [x])
    assert float(g.data) == 1.0 and float(h.data) == 0.0
    assert second(lambda a, b: a**b, 0.0, 1.0)[0] == [0.0, 1.0]


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # NumPy warns computing 0 ** -2 = inf
def test_zero_base_exponent_gradient():
    (g,), _ = grads(lambda p: 0.0**p, [-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(g.data, [-np.inf, -np.inf, 0.0, 0.0, 0.0])
    (_, g), _ = grads(lambda a, p: a**p, [0.0, 0.0, 0.0], [-1.0, 0.0, 3.0])
    np.testing.assert_array_equal(g.data, [-np.inf, 0.0, 0.0])


def test_pow_mixed_second_derivative_at_exponent_zero_is_right():
    # d2/dadb a^b = a^(b-1) (1 + b log a) = 1/a at b = 0: central differences agree
    for a in (1.0, 2.0):
        (ga, gb), (x, y) = grads(lambda a, b: a**b, a, 0.0, create_graph=True)
        (dga_db,) = autograd.grad(ga, [y])
        eps = 1e-6
        numeric = ((a + eps) ** eps - (a - eps) ** eps - (a + eps) ** -eps + (a - eps) ** -eps) / (4 * eps * eps)
        assert float(dga_db.data) == pytest.approx(1 / a) == pytest.approx(numeric, rel=1e-4)


def test_pow_stays_float32():
    x = Tensor(np.array([0.0, 1.0, 2.0], dtype=np.float32), requires_grad=True)
    p = Tensor(np.array([0.0, 1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x**p).sum().backward()
    assert x.grad.dtype == np.float32 and p.grad.dtype == np.float32


# -- NaN in the extremes ----------------------------------------------------------------------
def test_max_sends_the_gradient_to_the_nan():
    (g,), _ = grads(lambda x: x.max(), [NAN, 1.0, 2.0])
    np.testing.assert_array_equal(g.data, [1.0, 0.0, 0.0])
    (g,), _ = grads(lambda x: x.min(), [1.0, NAN, NAN])
    np.testing.assert_array_equal(g.data, [0.0, 0.5, 0.5])
    (g,), _ = grads(lambda x: x.max(axis=1), [[NAN, 1.0, 2.0], [1.0, 3.0, 3.0]])
    np.testing.assert_array_equal(g.data, [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])


def test_maximum_and_minimum_give_the_nan_side_the_gradient():
    for op in (autograd.maximum, autograd.minimum):
        (ga, gb), _ = grads(op, [NAN, 1.0, 2.0], [1.0, NAN, 2.0])
        assert np.isnan(op(Tensor([NAN, 1.0]), Tensor([1.0, NAN])).data).all()
        np.testing.assert_array_equal(ga.data, [1.0, 1.0, 0.5])  # PyTorch: both sides of a NaN
        np.testing.assert_array_equal(gb.data, [1.0, 1.0, 0.5])


def test_where_passes_exact_zeros_where_not_taken():
    (ga, gb), _ = grads(lambda a, b: autograd.where(Tensor([True, False]), a, b) * np.inf, [1.0, 2.0], [3.0, 4.0])
    np.testing.assert_array_equal(ga.data, [np.inf, 0.0])
    np.testing.assert_array_equal(gb.data, [0.0, np.inf])


# -- clip with array and Tensor bounds ----------------------------------------------------------
def test_clip_with_array_and_tensor_bounds():
    x = np.array([[-2.0, 0.5, 3.0], [0.0, 1.0, 1.5]])
    lo = np.array([0.0, 0.0, 1.0])
    hi = Tensor([[1.0], [1.2]])
    np.testing.assert_array_equal(Tensor(x).clip(lo, hi).data, np.clip(x, lo, hi.data))
    (gx, glo, ghi), _ = grads(lambda x, lo, hi: x.clip(lo, hi), x, lo, hi.data)
    np.testing.assert_array_equal(gx.data, [[0, 1, 0], [1, 1, 0]])
    np.testing.assert_array_equal(glo.data, [1, 0, 0])
    np.testing.assert_array_equal(ghi.data, [[1], [1]])


def test_clip_bounds_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(0)
    x = Tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True)
    lo = Tensor(rng.uniform(-1.5, -0.5, (4,)), requires_grad=True)
    hi = Tensor(rng.uniform(0.5, 1.5, (3, 1)), requires_grad=True)

    def clipped(x, lo, hi):
        return x.clip(lo, hi) * x

    assert autograd.gradcheck(clipped, (x, lo, hi)) and autograd.gradgradcheck(clipped, (x, lo, hi))


def test_clip_keeps_float32_and_refuses_lo_above_hi():
    x = Tensor(np.array([0.0, 2.0], dtype=np.float32))
    assert x.clip(np.array([0.5, 0.5]), np.array([1.0, 1.0])).dtype == np.float32
    with pytest.raises(ValueError, match="clip: lo=.* is greater than hi"):
        x.clip(np.array([0.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match=r"clip: x of shape \(2,\), lo of shape \(3,\)"):
        x.clip(np.zeros(3), None)


# -- softmax, log_softmax and indexing edges --------------------------------------------------------
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_axis_out_of_range_names_op_axis_and_shape(op):
    for axis in (2, -3):
        with pytest.raises(ValueError, match=rf"{op}: axis {axis} is out of range for a tensor of shape \(2, 3\)"):
            getattr(Tensor(np.ones((2, 3))), op)(axis)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_axis_is_empty(op):
    x = Tensor(np.ones((2, 0)), requires_grad=True)
    out = getattr(x, op)(axis=-1)
    assert out.shape == (2, 0)
    out.sum().backward()
    assert x.grad.shape == (2, 0)
    assert getattr(Tensor(np.ones((0, 3))), op)(axis=0).shape == (0, 3)


def test_indexing_with_an_empty_list():
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    y = x[[]]
    assert y.shape == (0, 2) == np.arange(6.0).reshape(3, 2)[[]].shape
    (y.sum() + x.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((3, 2)))


# -- values changed under a live graph --------------------------------------------------------
def _graph():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)  # x's gradient is w, so Mul saves w
    w = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    return w, (x * w).sum()


CHANGES = {
    "write all": lambda w: w.data.__setitem__(Ellipsis, 100.0),
    "subtract in place": lambda w: w.data.__isub__(0.1),
    "augmented assignment": lambda w: setattr(w, "data", w.data.__isub__(0.1)),
    "rebind": lambda w: setattr(w, "data", w.data + 1.0),
    "rebind to equal values": lambda w: setattr(w, "data", w.data.copy()),
    "through numpy()": lambda w: w.numpy().__setitem__(Ellipsis, 0.0),
    "nn.init.normal_": lambda w: nn.init.normal_(w),
    "nn.init.constant_ keeping the first value": lambda w: nn.init.constant_(w, 0.5),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_backward_refuses_a_saved_value_changed_after_forward(change):
    w, y = _graph()
    CHANGES[change](w)
    with pytest.raises(
        RuntimeError, match=r"Mul backward: a leaf tensor .* of shape \(3,\).* has changed since the forward pass"
    ) as info:
        y.backward()
    assert "recompute" in str(info.value) or "run the forward pass again" in str(info.value)
    assert w.grad is None


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_value_no_wanted_gradient_reads_is_not_saved_and_may_change(change):
    # d(sum(x * w))/dw = x: with x constant, Mul keeps x alone (as PyTorch's MulBackward), so
    # changing w after the forward pass changes nothing backward computes
    x = Tensor([1.0, 2.0, 3.0])
    w = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    product = x * w
    y = product.sum()
    assert product.grad_fn.saved_tensors[1] is None  # w itself is not kept
    CHANGES[change](w)
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0, 3.0])
    y = (x * w).sum()
    x.data[...] = 8.0  # but x, which the gradient reads, is kept and guarded
    with pytest.raises(RuntimeError, match=r"Mul backward: a leaf tensor .* has changed"):
        y.backward()


def test_backward_refuses_a_changed_output():
    x = Tensor([1.0, 2.0], requires_grad=True)
    e = x.exp()  # Exp saves its own output
    y = e.sum()
    e.data[...] = 0.0
    with pytest.raises(RuntimeError, match=r"Exp backward: its own output \(shape \(2,\)"):
        y.backward()
    h = x * 2.0  # Mul(h, w) saves h, an op's output
    w = Tensor([3.0, 4.0], requires_grad=True)
    y = (h * w).sum()
    h.data[1] = 7.0
    h.data[0] = 5.0
    with pytest.raises(RuntimeError, match=r"Mul backward: a tensor of shape \(2,\)"):
        y.backward()


# What a Function's forward saved, as ``save(inputs, out)`` -> the saved values; each case
# checks a different way the engine stamps and checks them (one value, two Tensors, a Tensor
# and a number, three Tensors, the output with an input, an empty array among them, None for
# a value no wanted gradient reads).
SAVES = {
    "the output": lambda x, y, z, out: (out,),
    "one input": lambda x, y, z, out: (x,),
    "two inputs": lambda x, y, z, out: (x, y),
    "an input and a number": lambda x, y, z, out: (x, 2.0),
    "a number and an input": lambda x, y, z, out: (2.0, x),
    "three inputs": lambda x, y, z, out: (x, y, z),
    "an input and the output": lambda x, y, z, out: (y, out),
    "an empty input and one that is not": lambda x, y, z, out: (z[:0], x),
    "nothing and an input": lambda x, y, z, out: (None, x),  # Mul keeps one of its inputs so
    "a number and nothing": lambda x, y, z, out: (2.0, None),  # and x * 2 only the 2
    "a number and the output": lambda x, y, z, out: (2.0, out),
}


def _saving(save, on_arrays):
    """f(x, y, z) = x y z (elementwise), saving what ``save`` picks; backward reads every saved
    value, so it must see the forward's values: df/dx = y z, df/dy = x z, df/dz = x y."""

    class Product(autograd.Function):
        backward_on_arrays = on_arrays

        @staticmethod
        def forward(ctx, x, y, z):
            out = x.data * y.data * z.data
            ctx.save_for_backward(*save(x, y, z, out))
            ctx.inputs = (x.data.copy(), y.data.copy(), z.data.copy())
            return out

        @staticmethod
        def backward(ctx, grad):
            for value in ctx.saved_tensors:  # every saved value is readable, as an array or a Tensor
                assert value is None or isinstance(value, (float, np.ndarray, Tensor)), type(value)
            x, y, z = ctx.inputs
            return grad * y * z, grad * x * z, grad * x * y

    return Product


@pytest.mark.parametrize("on_arrays", [True, False], ids=["on arrays", "on Tensors"])
@pytest.mark.parametrize("saves", list(SAVES), ids=list(SAVES))
def test_every_saved_value_is_guarded_whatever_forward_saved(saves, on_arrays):
    Product = _saving(SAVES[saves], on_arrays)
    values = ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0])
    inputs = [Tensor(v, requires_grad=True) for v in values]
    Product.apply(*inputs).sum().backward()  # nothing changed: the gradients are right
    x, y, z = (np.array(v) for v in values)
    for t, expected in zip(inputs, (y * z, x * z, x * y)):
        np.testing.assert_array_equal(t.grad.data, expected)
    guarded = [position for position, value in enumerate(SAVES[saves](*inputs, "out"))
               if isinstance(value, str) or (isinstance(value, Tensor) and value.data.size)]  # fmt: skip
    for position in guarded:  # change each guarded value in turn: backward refuses
        inputs = [Tensor(v, requires_grad=True) for v in values]
        out = Product.apply(*inputs)
        saved = SAVES[saves](*inputs, out)[position]
        saved.data[0] = -1.0
        with pytest.raises(RuntimeError, match=rf"Product backward: .*\(saved value {position}\)|its own output"):
            out.sum().backward()


def test_optimiser_step_and_load_state_dict_before_backward_are_caught():
    for change in ("step", "load"):
        model = nn.Linear(3, 2)
        opt = nn.optim.SGD(model.parameters(), lr=0.1)
        x = np.ones((4, 3))
        x[:, 0] = 0.0  # weight[:, 0] gets no gradient: the step leaves the first element as it was
        loss = model(Tensor(x)).sum()
        if change == "step":
            loss.backward(retain_graph=True)
            opt.step()
        else:
            state = {k: v + 1.0 for k, v in model.state_dict().items()}
            state["weight"][0, 0] -= 1.0  # even with the first element unchanged
            model.load_state_dict(state)
        with pytest.raises(RuntimeError, match="has changed since the forward pass: it was written in place"):
            loss.backward()


def test_no_false_alarms_for_live_graphs_and_the_lecture_loop():
    rng = np.random.default_rng(0)
    X, Y = Tensor(rng.standard_normal((8, 3))), Tensor(rng.standard_normal((8, 1)))
    model = nn.Linear(3, 1)
    opt = nn.optim.SGD(model.parameters(), lr=0.05)
    logged = []
    for _ in range(3):  # a logged loss keeps its graph alive: later steps and writes still work
        loss = ((model(X) - Y) ** 2).mean()
        logged.append(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    kept = ((model(X) - Y) ** 2).mean()
    kept.backward(retain_graph=True)  # a retained graph does not block a step or a write
    opt.step()
    model.weight.data[...] = 0.0
    w = Tensor([1.0, 2.0], requires_grad=True)  # the lectures' loop: update after backward
    for _ in range(3):
        loss = (w * w).sum()
        w.grad = None
        loss.backward()
        w.data -= 0.1 * w.grad.data
    np.testing.assert_allclose(w.data, np.array([1.0, 2.0]) * 0.8**3)
    x = Tensor([NAN, 1.0], requires_grad=True)  # a NaN that stays NaN has not changed
    (x * x).sum().backward()
    with pytest.raises(RuntimeError, match="has changed"):  # but the retained graph is stale now
        kept.backward()


def test_double_backward_is_unaffected():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad((x**3).sum(), [x], create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.data, [6.0, 12.0])
