"""nn.scratch: large temporaries are reused only when nothing refers to them."""

import threading

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import scratch

BIG = (256, 1024)  # 2 MiB of float64: above scratch.MINIMUM


@pytest.fixture(autouse=True)
def _empty_cache():
    scratch.clear()
    yield
    scratch.clear()


def test_an_array_nothing_refers_to_is_reused():
    first = scratch.empty(BIG, np.float64)
    address = first.__array_interface__["data"][0]
    del first
    again = scratch.empty(BIG, np.float64)
    assert again.__array_interface__["data"][0] == address
    assert again.shape == BIG and again.dtype == np.float64


@pytest.mark.parametrize("holder", ["name", "view", "tensor", "list"])
def test_an_array_still_referred_to_is_never_handed_out_again(holder):
    first = scratch.empty(BIG, np.float64)
    first[...] = 7.0
    kept = {"name": lambda a: a, "view": lambda a: a[3:], "tensor": Tensor._make, "list": lambda a: [a]}[holder](first)
    del first
    second = scratch.empty(BIG, np.float64)
    second[...] = -1.0
    held = kept.data if isinstance(kept, Tensor) else kept[0] if isinstance(kept, list) else kept
    assert np.all(held == 7.0)


def test_small_arrays_and_other_shapes_are_fresh():
    small = scratch.empty((4, 4), np.float64)
    del small
    assert scratch._cache == {}
    a = scratch.empty(BIG, np.float64)
    b = scratch.empty(BIG, np.float32)
    assert not np.shares_memory(a, b)


def test_the_cache_keeps_at_most_limit_arrays():
    for rows in range(300, 300 + scratch.LIMIT + 5):
        scratch.empty((rows, 1024), np.float64)
    assert len(scratch._cache) == scratch.LIMIT


def test_zeros_is_zero_even_when_reused():
    first = scratch.empty(BIG, np.float64)
    first[...] = 3.0
    del first
    assert not scratch.zeros(BIG, np.float64).any()


def _conv_grads(x, w):
    xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    out = nn.functional.conv2d(xt, wt, padding=1)
    return out, xt, wt


def test_graphs_alive_at_once_keep_their_own_columns():
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal((2, 8, 4, 32, 32))
    w = rng.standard_normal((6, 4, 3, 3))
    expected = []
    for x in (x1, x2):  # one at a time: each graph freed before the next call
        out, xt, wt = _conv_grads(x, w)
        (out * out).sum().backward()
        expected.append((out.data.copy(), xt.grad.data.copy(), wt.grad.data.copy()))
    # both forward passes first, so the second call runs while the first graph holds its arrays
    runs = [_conv_grads(x, w) for x in (x1, x2)]
    for (out, xt, wt), (out_e, grad_x, grad_w) in zip(runs, expected, strict=True):
        (out * out).sum().backward()
        np.testing.assert_array_equal(out.data, out_e)
        np.testing.assert_array_equal(xt.grad.data, grad_x)
        np.testing.assert_array_equal(wt.grad.data, grad_w)


def test_threads_running_convolutions_get_their_own_arrays():
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((4, 8, 4, 32, 32))
    w = rng.standard_normal((6, 4, 3, 3))
    expected = [nn.functional.conv2d(Tensor(x), Tensor(w), padding=1).data.copy() for x in xs]
    results = {}

    def work(i):
        for _ in range(5):
            out = nn.functional.conv2d(Tensor(xs[i]), Tensor(w), padding=1)
            results.setdefault(i, []).append(out.data.copy())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(xs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, outs in results.items():
        for out in outs:
            np.testing.assert_array_equal(out, expected[i])
