"""The graph core: topological order, shared nodes, accumulation, freeing, memory, grad mode, grad()."""

import gc
import threading
import weakref

import numpy as np
import pytest

import autograd
from autograd import Scalar, Tensor


def test_chain_of_a_million_scalars_backprops_without_recursion():
    x = Scalar(1.0)
    y = x
    for _ in range(10**6):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001 ** (10**6), rel=1e-9)


def test_chain_of_a_hundred_thousand_tensors_backprops_without_recursion():
    x = Tensor(np.ones(2), requires_grad=True)
    y = x
    for _ in range(10**5):
        y = y * 1.00001 + 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(2, 1.00001 ** (10**5)), rtol=1e-9)


def test_a_plus_a_counts_both_edges():
    a = Tensor([3.0], requires_grad=True)
    (a + a).backward()
    assert a.grad.item() == 2.0
    s = Scalar(3.0)
    (s + s).backward()
    assert s.grad == 2.0


def test_node_used_by_many_consumers_sums_their_gradients():
    x = Tensor([2.0, -1.0], requires_grad=True)
    h = x * x  # used three times below
    y = (h + h * 3.0 + h.exp()).sum()
    y.backward()
    expected = 2 * x.data + 3 * 2 * x.data + np.exp(x.data**2) * 2 * x.data
    np.testing.assert_allclose(x.grad.data, expected)


def test_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3.0 + 2 * x.data)
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_second_backward_without_retain_graph_raises_and_with_it_works():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 4 * x.data)
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_saved_arrays_are_freed_after_backward():
    x = Tensor(np.ones(3), requires_grad=True)
    y = x.exp()
    loss = (y * x).sum()
    loss.backward()
    assert y.grad_fn._saved is None  # Exp kept its output for backward; it is gone now


def test_no_reference_cycles_graph_freed_by_refcount_alone():
    gc.disable()
    try:
        w = Tensor(np.ones((3, 3)), requires_grad=True)
        x = Tensor(np.ones((2, 3)))
        loss = ((x @ w).tanh().exp().softmax() * 2.0).sum()
        node = weakref.ref(loss.grad_fn)
        inner = weakref.ref(loss.grad_fn._parents[0])
        loss.backward()
        del loss
        assert node() is None and inner() is None
        # create_graph graphs too
        y = (w * w * w).sum()
        (g,) = autograd.grad(y, w, create_graph=True)
        node = weakref.ref(g.grad_fn)
        del y, g
        assert node() is None
        s = Scalar(2.0)
        out = (s * s).tanh()
        ref = weakref.ref(out)
        out.backward()
        del out
        assert ref() is None
    finally:
        gc.enable()


def test_training_loop_memory_comes_back_without_the_garbage_collector():
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((20, 5)), requires_grad=True)
    x = Tensor(rng.standard_normal((64, 20)))
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(50):
            loss = (x @ w).relu().log_softmax().mean()
            loss.backward()
            with autograd.no_grad():
                w.data -= 0.1 * w.grad.data
            w.grad = None
        del loss
        after = len(gc.get_objects())
        assert after - before < 50  # nothing per step is left waiting for the collector
    finally:
        gc.enable()


def test_no_grad_and_enable_grad_are_context_managers_and_decorators():
    w = Tensor([1.0], requires_grad=True)
    with autograd.no_grad():
        assert not autograd.is_grad_enabled()
        assert not (w * 2).requires_grad
        with autograd.enable_grad():
            assert (w * 2).requires_grad
        assert not (w * 2).requires_grad
    assert autograd.is_grad_enabled()

    @autograd.no_grad()
    def predict(t):
        return t * 2

    assert not predict(w).requires_grad
    assert (w * 2).requires_grad


def test_grad_mode_is_thread_local():
    seen = {}
    started = threading.Event()
    release = threading.Event()

    def other_thread():
        started.set()
        release.wait()
        seen["enabled"] = autograd.is_grad_enabled()
        seen["records"] = (Tensor([1.0], requires_grad=True) * 2).requires_grad

    thread = threading.Thread(target=other_thread)
    thread.start()
    started.wait()
    with autograd.no_grad():
        release.set()
        thread.join()
    assert seen == {"enabled": True, "records": True}


def test_requires_grad_propagates_and_detach_cuts():
    a = Tensor([1.0], requires_grad=True)
    b = Tensor([2.0])
    assert (a * b).requires_grad and not (b * b).requires_grad
    assert (a * b).grad_fn is not None and (b * b).grad_fn is None
    d = (a * 3).detach()
    assert not d.requires_grad and d.is_leaf
    (d * a).backward()
    assert a.grad.item() == 3.0


def test_grad_returns_gradients_and_leaves_dot_grad_alone():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0], requires_grad=True)
    out = (x * y).sum()
    gx, gy = autograd.grad(out, [x, y])
    np.testing.assert_allclose(gx.data, [3.0, 3.0])
    np.testing.assert_allclose(gy.data, [3.0])
    assert x.grad is None and y.grad is None
    unused = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        autograd.grad((x * 2).sum(), [x, unused])
    assert autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None


def test_grad_with_respect_to_an_intermediate_value():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    out = (h * h).sum()
    (gh,) = autograd.grad(out, h)
    np.testing.assert_allclose(gh.data, 2 * h.data)


def test_double_backward_hessian_vector_product():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    v = rng.standard_normal(3)
    # f(x) = sum(tanh(A x))^2 ; HVP by grad of (grad f . v)
    f = ((Tensor(a) @ x).tanh().sum()) ** 2
    (g,) = autograd.grad(f, x, create_graph=True)
    (hv,) = autograd.grad((g * Tensor(v)).sum(), x)
    eps = 1e-6

    def grad_at(point):
        p = Tensor(point, requires_grad=True)
        ((Tensor(a) @ p).tanh().sum() ** 2).backward()
        return p.grad.data

    numeric = (grad_at(x.data + eps * v) - grad_at(x.data - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-6, atol=1e-8)


def test_backward_create_graph_gives_differentiable_grads():
    x = Tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.item() == 12.0
    x.grad = None
    g.backward()
    assert x.grad.item() == 12.0  # d(3x^2)/dx = 6x


def test_float32_stays_float32_and_default_dtype():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = ((x * 2.5 + np.ones(3)) @ np.ones(3)).exp()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    assert Tensor(1.5).dtype == np.float64
    autograd.set_default_dtype(np.float32)
    try:
        assert Tensor([1.5, 2.0]).dtype == np.float32
        assert Tensor(np.array([1.5])).dtype == np.float64  # an explicit array keeps its dtype
    finally:
        autograd.set_default_dtype(np.float64)
    with pytest.raises(TypeError, match="float"):
        autograd.set_default_dtype(np.int32)


def test_mixed_float_tensors_give_each_input_its_own_dtype_of_gradient():
    a = Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    b = Tensor(np.ones(2, dtype=np.float64), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_integer_and_bool_tensors_hold_labels_and_masks_but_cannot_require_grad():
    labels = Tensor([0, 2, 1])
    assert labels.dtype == np.int64
    mask = Tensor([True, False])
    assert mask.dtype == bool
    with pytest.raises(TypeError, match="int64"):
        Tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        Tensor([True], requires_grad=True)
    logits = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    picked = logits[np.arange(2), Tensor([2, 0])]
    picked.sum().backward()
    np.testing.assert_array_equal(logits.grad.data, [[0, 0, 1], [1, 0, 0]])


def test_comparisons_give_bool_tensors_outside_the_graph():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x > 2, [False, False, True]),
        (x >= 2, [False, True, True]),
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
    ]:
        assert result.dtype == bool and not result.requires_grad
        np.testing.assert_array_equal(result.data, expected)


def test_operators_work_both_ways_with_numbers_and_arrays():
    x = Tensor([1.0, 2.0], requires_grad=True)
    arr = np.array([3.0, 4.0])
    for value in [2.0 + x, x + 2.0, arr + x, x + arr, arr - x, arr * x, arr / x, arr @ x, [1.0, 1.0] + x]:
        assert isinstance(value, Tensor) and value.requires_grad


def test_item_tolist_numpy_and_repr():
    x = Tensor([[1.0, 2.0]])
    assert x.tolist() == [[1.0, 2.0]]
    assert x.numpy() is x.data
    assert Tensor(2.5).item() == 2.5
    assert "requires_grad=True" in repr(Tensor([1.0], requires_grad=True))
    assert "grad_fn=<MulBackward>" in repr(Tensor([1.0], requires_grad=True) * 2)


def test_constants_of_any_kind_keep_a_float32_tensor_float32():
    t = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    mask = np.array([True, False, True])
    for value in (t * [1, 2, 3], t * np.arange(3), t + np.float64(2.0), t * Tensor(2.0), t * mask):
        assert value.dtype == np.float32
    s = Tensor(2.0, requires_grad=True)  # a 0-d float64 tensor
    (t * s).sum().backward()
    assert t.grad.dtype == np.float32 and s.grad.dtype == np.float64
    assert s.grad.item() == 3.0


def test_scalar_respects_no_grad():
    a = Scalar(2.0)
    with autograd.no_grad():
        b = a * 3
    assert b.data == 6.0 and b._parents == ()
