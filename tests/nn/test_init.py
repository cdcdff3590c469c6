"""nn.init: PyTorch's formulas, in place, seedable."""

import math

import numpy as np
import pytest

import nn
from autograd import Tensor


def _zeros(*shape, dtype=np.float64):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


@pytest.mark.parametrize(
    "fill, kwargs",
    [
        (nn.init.uniform_, {"a": -2.0, "b": 3.0}),
        (nn.init.normal_, {"mean": 1.0, "std": 0.5}),
        (nn.init.xavier_uniform_, {}),
        (nn.init.xavier_normal_, {}),
        (nn.init.kaiming_uniform_, {}),
        (nn.init.kaiming_normal_, {}),
    ],
)
def test_random_fills_work_in_place_and_follow_the_generator(fill, kwargs):
    p = _zeros(30, 20)
    data = p.data
    assert fill(p, **kwargs, generator=np.random.default_rng(1)) is p
    assert p.data is data  # the same array: in place
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    again = fill(_zeros(30, 20), **kwargs, generator=np.random.default_rng(1))
    np.testing.assert_array_equal(p.data, again.data)
    nn.init.manual_seed(7)
    first = fill(_zeros(30, 20), **kwargs).data.copy()
    nn.init.manual_seed(7)
    np.testing.assert_array_equal(fill(_zeros(30, 20), **kwargs).data, first)


def test_uniform_and_normal_statistics():
    rng = np.random.default_rng(0)
    u = nn.init.uniform_(_zeros(100, 100), -2.0, 3.0, generator=rng).data
    assert u.min() >= -2.0 and u.max() <= 3.0 and u.mean() == pytest.approx(0.5, abs=0.05)
    n = nn.init.normal_(_zeros(100, 100), mean=1.0, std=0.5, generator=rng).data
    assert n.mean() == pytest.approx(1.0, abs=0.02) and n.std() == pytest.approx(0.5, rel=0.03)


def test_constant_fills():
    assert (nn.init.zeros_(Tensor([1.0, 2.0])).data == 0).all()
    assert (nn.init.ones_(Tensor([1.0, 2.0])).data == 1).all()
    assert (nn.init.constant_(Tensor([1.0, 2.0]), 0.3).data == 0.3).all()


@pytest.mark.parametrize("shape, fan_in, fan_out", [((20, 30), 30, 20), ((8, 4, 3, 3), 36, 72)])
def test_xavier_and_kaiming_use_pytorchs_fans(shape, fan_in, fan_out):
    rng = np.random.default_rng(0)
    xavier = nn.init.xavier_uniform_(_zeros(*shape), gain=2.0, generator=rng).data
    assert np.abs(xavier).max() <= 2.0 * math.sqrt(6 / (fan_in + fan_out))
    kaiming = nn.init.kaiming_uniform_(_zeros(*shape), a=math.sqrt(5), generator=rng).data
    assert np.abs(kaiming).max() <= 1 / math.sqrt(fan_in)  # Linear's default: U(-1/sqrt(in), 1/sqrt(in))
    fan_out_bound = math.sqrt(2) * math.sqrt(3 / fan_out)
    relu_out = nn.init.kaiming_uniform_(_zeros(*shape), mode="fan_out", nonlinearity="relu", generator=rng).data
    assert np.abs(relu_out).max() <= fan_out_bound
    assert np.abs(relu_out).max() > 0.8 * fan_out_bound


def test_normal_variants_have_the_formula_std():
    rng = np.random.default_rng(0)
    w = nn.init.kaiming_normal_(_zeros(400, 300), nonlinearity="relu", generator=rng).data
    assert w.std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    w = nn.init.xavier_normal_(_zeros(400, 300), generator=rng).data
    assert w.std() == pytest.approx(math.sqrt(2 / 700), rel=0.02)


def test_gains():
    assert nn.init.calculate_gain("linear") == 1.0
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


def test_float32_tensors_stay_float32():
    p = nn.init.kaiming_uniform_(_zeros(3, 4, dtype=np.float32))
    assert p.dtype == np.float32 and np.abs(p.data).max() > 0


def test_errors_teach():
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*got shape \(5,\).*uniform_ or zeros_"):
        nn.init.xavier_uniform_(_zeros(5))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
        nn.init.kaiming_normal_(_zeros(2, 2), mode="fan_avg")
    with pytest.raises(ValueError, match="a=3 must not exceed the upper bound b=1"):
        nn.init.uniform_(_zeros(2), 3, 1)
    with pytest.raises(ValueError, match="std must be >= 0"):
        nn.init.normal_(_zeros(2), std=-1.0)
