"""ONNX export: the notebooks' models, traced, exported and run by onnxruntime, to 1e-5 in float32."""

import numpy as np
import onnxruntime
import pytest

import autograd
import nn
from autograd import Tensor


def _run_onnx(path, feeds):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def _train(model, X, y, steps=30, lr=0.5):
    optimiser = nn.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(Tensor(X)), Tensor(y))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()


def _float32(model):
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    return model


@pytest.fixture
def spiral():
    X, y = nn.data.make_spiral(100, 3, seed=0)
    return X.astype(np.float32), y


def test_spiral_mlp_probabilities_and_loss(tmp_path, spiral):
    X, y = spiral
    nn.init.manual_seed(0)
    model = _float32(nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3)))
    _train(model, X, y)
    program = autograd.trace(lambda x: model(x).softmax(axis=1), X)
    program.to_onnx(tmp_path / "spiral.onnx")
    (got,) = _run_onnx(tmp_path / "spiral.onnx", {"x": X})
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, program(X), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got, model(Tensor(X)).softmax(axis=1).data, rtol=1e-5, atol=1e-5)

    loss = autograd.trace(lambda x, y: nn.functional.cross_entropy(model(x), y), X, y)
    loss.to_onnx(tmp_path / "loss.onnx")
    (got,) = _run_onnx(tmp_path / "loss.onnx", {"x": X, "y": y})
    np.testing.assert_allclose(got, loss(X, y), rtol=1e-5, atol=1e-5)


def test_digits_softmax_regression(tmp_path):
    X, y = nn.data.load_digits()
    X = (X / 16.0).astype(np.float32)
    nn.init.manual_seed(0)
    model = _float32(nn.Linear(64, 10))
    _train(model, X[:500], y[:500])
    program = autograd.trace(lambda x: model(x).softmax(axis=-1), X[:100])
    program.to_onnx(tmp_path / "digits.onnx")
    (got,) = _run_onnx(tmp_path / "digits.onnx", {"x": X[100:200]})  # new inputs, same shape
    np.testing.assert_allclose(got, program(X[100:200]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got, model(Tensor(X[100:200])).softmax().data, rtol=1e-5, atol=1e-5)


def test_tanh_regression_network(tmp_path):
    nn.init.manual_seed(1)
    model = _float32(nn.Sequential(nn.Linear(1, 100), nn.Tanh(), nn.Linear(100, 1)))
    x = np.linspace(-2, 2, 50, dtype=np.float32).reshape(-1, 1)
    program = autograd.trace(model, x)
    program.to_onnx(tmp_path / "tanh.onnx")
    (got,) = _run_onnx(tmp_path / "tanh.onnx", {"x": x})
    np.testing.assert_allclose(got, model(Tensor(x)).data, rtol=1e-5, atol=1e-5)


def test_assorted_ops(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal((4,)).astype(np.float32)

    def fn(a, b):
        c = autograd.where(a > 0, a * b, -a) / (1.0 + (b - 0.5) ** 2)
        d = autograd.concatenate([c.log_softmax(axis=0), c.T.reshape(3, 4)], axis=0)
        return d.sum(axis=1, keepdims=True).sigmoid() + d[1:, ::2].max() + (a @ b).exp().mean(), d[0]

    program = autograd.trace(fn, a, b)
    program.to_onnx(tmp_path / "ops.onnx")
    got = _run_onnx(tmp_path / "ops.onnx", {"a": a, "b": b})
    for g, want in zip(got, program(a, b)):
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-5)


def test_an_op_without_an_onnx_equivalent_raises_naming_it(tmp_path):
    class Cube(autograd.Function):
        pure = True

        @staticmethod
        def forward(ctx, x):
            return x.data**3

        @staticmethod
        def backward(ctx, grad):
            raise NotImplementedError

    program = autograd.trace(Cube.apply, np.ones(2, dtype=np.float32))
    with pytest.raises(NotImplementedError, match="Cube has no ONNX equivalent"):
        program.to_onnx(tmp_path / "cube.onnx")


def test_logistic_regression_with_bce_with_logits(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3)).astype(np.float32)
    t = (rng.random((20, 1)) > 0.5).astype(np.float32)
    nn.init.manual_seed(0)
    model = _float32(nn.Linear(3, 1))
    program = autograd.trace(lambda x, t: nn.functional.binary_cross_entropy_with_logits(model(x), t), X, t)
    program.to_onnx(tmp_path / "logistic.onnx")
    (got,) = _run_onnx(tmp_path / "logistic.onnx", {"x": X, "t": t})
    np.testing.assert_allclose(got, program(X, t), rtol=1e-5, atol=1e-5)
