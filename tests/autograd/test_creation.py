"""Creation functions: values and dtypes as NumPy's and PyTorch's, seeds that reproduce, clear errors."""

import importlib

import numpy as np
import pytest

import autograd
from autograd import Tensor

from ..oracle import torch


def test_autograd_tensor_is_the_function_not_the_module():
    x = autograd.tensor([1.0], requires_grad=True)
    assert isinstance(x, Tensor) and x.requires_grad and x.dtype == np.float64
    # the module is still importable under its name, and importing it again does not rebind it
    module = importlib.import_module("autograd.tensor")
    assert module.Tensor is Tensor
    exec("import autograd.tensor", {})  # the statement a user would write
    assert callable(autograd.tensor) and autograd.tensor([2]).dtype == np.int64


def test_tensor_copies_its_data():
    data = np.array([1.0, 2.0])
    x = autograd.tensor(data)
    data[0] = 5.0
    assert x.data[0] == 1.0


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: autograd.zeros(2, 3), lambda: torch.zeros(2, 3)),
        (lambda: autograd.zeros((2, 3)), lambda: torch.zeros((2, 3))),
        (lambda: autograd.ones(4), lambda: torch.ones(4)),
        (lambda: autograd.ones(()), lambda: torch.ones(())),
        (lambda: autograd.zeros(0, 3), lambda: torch.zeros(0, 3)),
        (lambda: autograd.full((2, 2), 7.5), lambda: torch.full((2, 2), 7.5)),
        (lambda: autograd.full((2,), True), lambda: torch.full((2,), True)),
        (lambda: autograd.eye(3), lambda: torch.eye(3)),
        (lambda: autograd.eye(2, 4), lambda: torch.eye(2, 4)),
        (lambda: autograd.arange(5), lambda: torch.arange(5)),
        (lambda: autograd.arange(2, 11, 3), lambda: torch.arange(2, 11, 3)),
        (lambda: autograd.arange(0, 1, 0.25), lambda: torch.arange(0, 1, 0.25)),
        (lambda: autograd.arange(5, 0, -1), lambda: torch.arange(5, 0, -1)),
        (lambda: autograd.linspace(-1, 1, 5), lambda: torch.linspace(-1, 1, 5)),
        (lambda: autograd.linspace(0, 1, 1), lambda: torch.linspace(0, 1, 1)),
        (lambda: autograd.zeros_like(Tensor([[1, 2]])), lambda: torch.zeros_like(torch.tensor([[1, 2]]))),
        (lambda: autograd.ones_like(Tensor([1.0, 2.0])), lambda: torch.ones_like(torch.tensor([1.0, 2.0]))),
        (lambda: autograd.full_like(Tensor([1.0, 2.0]), 3.0), lambda: torch.full_like(torch.tensor([1.0, 2.0]), 3.0)),
    ],
)
def test_values_shapes_and_dtypes_match_pytorch(ours, theirs):
    out, expected = ours(), theirs()
    assert out.shape == tuple(expected.shape)
    assert out.dtype == np.dtype(str(expected.dtype).removeprefix("torch."))
    np.testing.assert_array_equal(out.data, expected.numpy())


@pytest.mark.parametrize("make", [autograd.zeros, autograd.ones, autograd.rand, autograd.randn])
def test_dtype_and_requires_grad(make):
    x = make(2, 3, dtype=np.float32, requires_grad=True)
    assert x.dtype == np.float32 and x.requires_grad and x.is_leaf
    (x * 2).sum().backward()
    assert x.grad.dtype == np.float32


def test_the_default_float_dtype_is_followed():
    autograd.set_default_dtype(np.float32)
    try:
        assert autograd.zeros(2).dtype == np.float32
        assert autograd.rand(2).dtype == np.float32
        assert autograd.linspace(0, 1, 3).dtype == np.float32
        assert autograd.arange(3).dtype == np.int64
    finally:
        autograd.set_default_dtype(np.float64)


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        autograd.arange(3, requires_grad=True)
    with pytest.raises(TypeError, match="float dtype"):
        autograd.rand(3, dtype=np.int64)


def test_manual_seed_reproduces_and_generators_are_independent():
    autograd.manual_seed(123)
    a = (autograd.rand(3), autograd.randn(2, 2), autograd.randint(0, 10, (5,)))
    autograd.manual_seed(123)
    b = (autograd.rand(3), autograd.randn(2, 2), autograd.randint(0, 10, (5,)))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.data, y.data)
    # a generator of one's own gives the same numbers as NumPy's generator of that seed
    np.testing.assert_array_equal(
        autograd.randn(4, generator=np.random.default_rng(7)).data, np.random.default_rng(7).standard_normal(4)
    )
    # and does not advance the global one
    autograd.manual_seed(5)
    first = autograd.rand(2).data
    autograd.manual_seed(5)
    autograd.rand(2, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(autograd.rand(2).data, first)


def test_random_values_lie_in_their_ranges():
    rng = np.random.default_rng(0)
    u = autograd.rand(10000, generator=rng)
    assert 0 <= u.data.min() and u.data.max() < 1 and abs(u.data.mean() - 0.5) < 0.02
    n = autograd.randn(10000, generator=rng)
    assert abs(n.data.mean()) < 0.05 and abs(n.data.std() - 1) < 0.05
    k = autograd.randint(3, (1000,), generator=rng)  # PyTorch's randint(high, size)
    assert k.dtype == np.int64 and set(np.unique(k.data)) == {0, 1, 2}
    k = autograd.randint(-2, 2, (1000,), generator=rng)
    assert set(np.unique(k.data)) == {-2, -1, 0, 1}


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: autograd.zeros(-1), ValueError, r"zeros: sizes must be non-negative integers, got \(-1,\)"),
        (lambda: autograd.ones(2.5), ValueError, "ones: sizes must be non-negative integers"),
        (lambda: autograd.arange(0, 3, 0), ValueError, "arange: step must not be zero"),
        (lambda: autograd.randint(5, 5, (2,)), ValueError, "randint: high=5 must be greater than low=5"),
        (lambda: autograd.manual_seed(-3), ValueError, "manual_seed: seed must be a non-negative integer"),
        (lambda: autograd.rand(2, generator=3), TypeError, "generator must be a numpy.random.Generator"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
