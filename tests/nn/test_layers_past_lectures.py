"""Convolution, pooling, normalisation, embedding and the new activations, without PyTorch:
forward against plain NumPy loops, gradcheck and gradgradcheck on small hypothesis-drawn shapes,
float32 kept, and the errors for bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor


def _conv2d_loops(x, w, b, stride, padding, dilation, groups):
    """The textbook definition, one output element at a time."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    per_group = o // groups
    for s in range(n):
        for oc in range(o):
            g = oc // per_group
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[oc]
                    for ci in range(cg):
                        for p in range(kh):
                            for q in range(kw):
                                total += w[oc, ci, p, q] * xp[s, g * cg + ci, i * sh + p * dh, j * sw + q * dw]
                    out[s, oc, i, j] = total
    return out


@st.composite
def small_conv(draw):
    groups = draw(st.integers(1, 2))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    low_h = max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0])
    low_w = max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1])
    h, w = draw(st.integers(low_h, low_h + 2)), draw(st.integers(low_w, low_w + 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    x, weight = rng.standard_normal((draw(st.integers(1, 2)), c, h, w)), rng.standard_normal((o, c // groups, kh, kw))
    bias = rng.standard_normal(o) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


@given(small_conv())
def test_conv2d_forward_equals_the_loops(case):
    x, w, b, settings = case
    expected = _conv2d_loops(x, w, b, **settings)
    np.testing.assert_allclose(F.conv2d(x, w, b, **settings).data, expected, rtol=1e-12, atol=1e-12)


@given(small_conv())
def test_conv2d_gradcheck_and_gradgradcheck(case):
    x, w, b, settings = case
    inputs = [Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)]
    if b is not None:
        inputs.append(Tensor(b, requires_grad=True))
    fn = lambda *t: F.conv2d(*t, **settings)  # noqa: E731
    assert autograd.gradcheck(fn, inputs)
    assert autograd.gradgradcheck(fn, inputs)


@given(st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2), st.integers(0, 2**31))
def test_conv1d_gradgradcheck(kernel, stride, padding, dilation, seed):
    rng = np.random.default_rng(seed)
    length = dilation * (kernel - 1) + 1 + rng.integers(0, 3)
    inputs = [Tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 2, length), (3, 2, kernel), (3,)]]
    fn = lambda *t: F.conv1d(*t, stride=stride, padding=padding, dilation=dilation)  # noqa: E731
    assert autograd.gradcheck(fn, inputs)
    assert autograd.gradgradcheck(fn, inputs)


def test_the_gradient_of_a_convolution_is_a_convolution():
    """dL/dx of a stride-1 convolution is the full convolution of the gradient with the flipped,
    transposed kernel; dL/dw is the correlation of the input with the gradient."""
    rng = np.random.default_rng(0)
    x, w = Tensor(rng.standard_normal((2, 3, 6, 5)), requires_grad=True), Tensor(rng.standard_normal((4, 3, 3, 2)))
    w.requires_grad_()
    out = F.conv2d(x, w)
    g = rng.standard_normal(out.shape)
    out.backward(g)
    flipped = np.ascontiguousarray(w.data[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    np.testing.assert_allclose(x.grad.data, F.conv2d(g, flipped, padding=(2, 1)).data, atol=1e-12)
    dw = F.conv2d(x.data.transpose(1, 0, 2, 3), g.transpose(1, 0, 2, 3)).data.transpose(1, 0, 2, 3)
    np.testing.assert_allclose(w.grad.data, dw, atol=1e-12)


def _pool_loops(x, k, s, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(x[:, :, i * s : i * s + k, j * s : j * s + k], axis=(2, 3))
    return out


@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_pooling_forward_equals_the_loops(k, s, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3, 5, 4))
    np.testing.assert_allclose(F.max_pool2d(x, k, s).data, _pool_loops(x, k, s, np.max))
    np.testing.assert_allclose(F.avg_pool2d(x, k, s).data, _pool_loops(x, k, s, np.mean), atol=1e-12)


@given(st.integers(1, 2), st.integers(1, 2), st.integers(0, 1), st.integers(0, 2**31))
def test_pooling_gradcheck_and_gradgradcheck(k, s, p, seed):
    if 2 * p > k:
        p = 0
    x = Tensor(np.random.default_rng(seed).standard_normal((1, 2, 4, 3)), requires_grad=True)
    for fn in (
        lambda t: F.max_pool2d(t, k, s, p) ** 2,
        lambda t: F.avg_pool2d(t, k, s, p, count_include_pad=False) ** 2,
        lambda t: F.adaptive_avg_pool2d(t, (3, 2)) ** 2,
        lambda t: F.interpolate(t, scale_factor=2) ** 2,
    ):
        assert autograd.gradcheck(fn, [x])
        assert autograd.gradgradcheck(fn, [x])


def test_max_pool_over_tiles_gradgradcheck_and_ties_as_the_general_path():
    x = Tensor(np.random.default_rng(5).standard_normal((2, 2, 4, 6)), requires_grad=True)
    assert autograd.gradcheck(lambda t: F.max_pool2d(t, 2) ** 2, [x])  # windows tile the image: no unfold
    assert autograd.gradgradcheck(lambda t: F.max_pool2d(t, (2, 3)) ** 2, [x])
    ties = Tensor(
        np.array([[[[1.0, 1.0, 0.0], [0.0, 1.0, 2.0], [5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]]]), requires_grad=True
    )
    F.max_pool2d(ties, (2, 3)).sum().backward()
    np.testing.assert_allclose(ties.grad.data[0, 0], [[0, 0, 0], [0, 0, 1], [1 / 6] * 3, [1 / 6] * 3])


def test_max_pool_ties_share_the_gradient_equally():
    x = Tensor(np.array([[[[1.0, 1.0], [0.0, 1.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_allclose(x.grad.data[0, 0], [[1 / 3, 1 / 3], [0.0, 1 / 3]])


def test_unfold_and_fold_are_adjoint_and_each_others_backward():
    rng = np.random.default_rng(1)
    x, c = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3 * 6, 3 * 4))
    settings = dict(kernel_size=(2, 3), dilation=(1, 1), padding=1, stride=(2, 1))
    cols = F.unfold(x, **settings).data
    assert cols.shape == c.shape
    back = F.fold(c, (5, 4), **settings).data
    assert np.isclose((cols * c).sum(), (x * back).sum())  # <unfold x, c> = <x, fold c>
    t = Tensor(x, requires_grad=True)
    assert type(F.unfold(t, **settings).grad_fn).__name__ == "Node"
    assert F.unfold(t, **settings).grad_fn.name == "Unfold"
    assert autograd.gradgradcheck(lambda a: F.unfold(a, **settings) ** 2, [Tensor(x[:1, :1], requires_grad=True)])
    small = Tensor(c[:1, :6], requires_grad=True)  # one channel's columns
    assert autograd.gradcheck(lambda t: F.fold(t, (5, 4), **settings) ** 2, [small])
    assert autograd.gradgradcheck(lambda t: F.fold(t, (5, 4), **settings) ** 2, [small])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_smoothed_cross_entropy_gradgradcheck(reduction):
    rng = np.random.default_rng(6)
    x = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target, weight = np.array([0, 2, -100, 1]), np.array([0.5, 2.0, 1.5])
    fn = lambda t: F.cross_entropy(t, target, reduction, weight=weight, label_smoothing=0.2)  # noqa: E731
    assert autograd.gradcheck(fn, [x]) and autograd.gradgradcheck(fn, [x])
    assert F.cross_entropy(x.data.astype(np.float32), target, weight=weight, label_smoothing=0.2).dtype == np.float32


@given(st.sampled_from([(4, 3), (3, 3, 2), (2, 3, 2, 2)]), st.integers(0, 2**31))
def test_batch_norm_gradgradcheck(shape, seed):
    rng = np.random.default_rng(seed)
    inputs = [Tensor(rng.standard_normal(shape), requires_grad=True)] + [
        Tensor(rng.standard_normal(3), requires_grad=True) for _ in range(2)
    ]
    fn = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)  # noqa: E731
    assert autograd.gradcheck(fn, inputs)
    assert autograd.gradgradcheck(fn, inputs)


def test_batch_norm_forward_equals_numpy_and_running_statistics_use_the_unbiased_variance():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 3, 2)) * 2 + 1
    layer = nn.BatchNorm1d(3, momentum=0.5)
    out = layer(x)
    mean, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))
    expected = (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-5)
    np.testing.assert_allclose(out.data, expected, atol=1e-12)
    np.testing.assert_allclose(layer.running_mean.data, 0.5 * mean)
    np.testing.assert_allclose(layer.running_var.data, 0.5 + 0.5 * x.var(axis=(0, 2), ddof=1))
    assert int(layer.num_batches_tracked.data) == 1
    layer.eval()
    np.testing.assert_allclose(
        layer(x).data, (x - layer.running_mean.data[:, None]) / np.sqrt(layer.running_var.data[:, None] + 1e-5)
    )
    assert int(layer.num_batches_tracked.data) == 1  # eval leaves the statistics alone


def test_batch_norm_cumulative_average_with_momentum_none():
    layer = nn.BatchNorm1d(2, momentum=None)
    batches = [np.random.default_rng(i).standard_normal((4, 2)) for i in range(3)]
    for batch in batches:
        layer(batch)
    np.testing.assert_allclose(layer.running_mean.data, np.mean([b.mean(axis=0) for b in batches], axis=0))


def test_layer_norm_and_embedding_gradgradcheck():
    rng = np.random.default_rng(3)
    x, w, b = (Tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (3, 4), (3, 4)])
    assert autograd.gradgradcheck(lambda *t: F.layer_norm(t[0], (3, 4), t[1], t[2]), [x, w, b])
    table = Tensor(rng.standard_normal((5, 2)), requires_grad=True)
    indices = np.array([[0, 3, 3], [4, 1, 0]])
    assert autograd.gradcheck(lambda t: F.embedding(indices, t) ** 2, [table])
    assert autograd.gradgradcheck(lambda t: F.embedding(indices, t) ** 2, [table])


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    table = nn.Embedding(5, 3, padding_idx=-1)
    assert table.padding_idx == 4 and not table.weight.data[4].any()
    table([[4, 4, 0], [0, 1, 4]]).sum().backward()
    assert not table.weight.grad.data[4].any()
    np.testing.assert_allclose(table.weight.grad.data[0], [2.0] * 3)  # repeated indices add up


@pytest.mark.parametrize("name", ["gelu", "silu", "softplus", "hardtanh"])
def test_new_activations_gradgradcheck_and_keep_float32(name):
    fn = getattr(F, name)
    x = Tensor(np.array([-2.5, -0.3, 0.4, 1.7]), requires_grad=True)
    assert autograd.gradcheck(fn, [x]) and autograd.gradgradcheck(fn, [x])
    assert fn(np.zeros(3, dtype=np.float32)).dtype == np.float32
    if name == "gelu":
        assert autograd.gradgradcheck(lambda t: F.gelu(t, approximate="tanh"), [x])


def test_layers_keep_float32():
    x = np.random.default_rng(4).standard_normal((2, 2, 6, 6)).astype(np.float32)
    model = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1, dtype=np.float32),
        nn.BatchNorm2d(3, dtype=np.float32),
        nn.GELU(),
        nn.MaxPool2d(2),
        nn.AvgPool2d(2, stride=1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.LayerNorm(3, dtype=np.float32),
    )
    out = model(Tensor(x))
    assert out.dtype == np.float32
    out.sum().backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "make, call, error, words",
    [
        (lambda: nn.Conv2d(3, 4, 3), lambda m: m(np.zeros((1, 2, 5, 5))), ValueError,
         ["Conv2d", "3 channels", "got 2"]),
        (lambda: nn.Conv1d(2, 4, 3), lambda m: m(np.zeros((1, 5, 7))), ValueError, ["Conv1d", "2 channels", "got 5"]),
        (lambda: nn.Conv2d(1, 1, 5, padding=1), lambda m: m(np.zeros((1, 1, 2, 2))), ValueError,
         ["Conv2d", "spans 5", "4 long"]),
        (lambda: nn.Conv2d(1, 1, 3, stride=0), None, ValueError, ["Conv2d", "stride", ">= 1", "got 0"]),
        (lambda: nn.Conv2d(1, 1, 3, stride=-2), None, ValueError, ["Conv2d", "stride", "got -2"]),
        (lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"), None, ValueError, ["Conv2d", "same", "stride"]),
        (lambda: nn.Conv2d(3, 4, 3, groups=2), None, ValueError, ["Conv2d", "in_channels (3)", "groups (2)"]),
        (lambda: nn.MaxPool2d(2, stride=0), None, ValueError, ["MaxPool2d", "stride", "got 0"]),
        (lambda: nn.MaxPool2d(4), lambda m: m(np.zeros((1, 1, 3, 3))), ValueError, ["MaxPool2d", "spans 4", "3 long"]),
        (lambda: nn.MaxPool2d(2, padding=2), lambda m: m(np.zeros((1, 1, 3, 3))), ValueError,
         ["MaxPool2d", "half the kernel", "padding=2"]),
        (lambda: nn.AvgPool2d(2), lambda m: m(np.zeros((2, 3))), ValueError, ["AvgPool2d", "4-d", "(2, 3)"]),
        (lambda: nn.BatchNorm1d(3), lambda m: m(np.zeros((1, 3))), ValueError,
         ["BatchNorm1d", "more than 1 value per channel", "(1, 3)"]),
        (lambda: nn.BatchNorm2d(3), lambda m: m(np.zeros((1, 3, 1, 1))), ValueError, ["BatchNorm2d", "(1, 3, 1, 1)"]),
        (lambda: nn.BatchNorm2d(3), lambda m: m(np.zeros((2, 4, 2, 2))), ValueError,
         ["BatchNorm2d", "3 channels", "got 4"]),
        (lambda: nn.LayerNorm(4), lambda m: m(np.zeros((2, 3))), ValueError, ["LayerNorm", "(4,)", "(2, 3)"]),
        (lambda: nn.Embedding(5, 2), lambda m: m([1, 5]), IndexError, ["Embedding", "index 5", "[0, 4]"]),
        (lambda: nn.Embedding(5, 2), lambda m: m([-1]), IndexError, ["Embedding", "index -1", "5 embeddings"]),
        (lambda: nn.Embedding(5, 2), lambda m: m([1.0]), TypeError, ["Embedding", "integers", "float64"]),
        (lambda: nn.Embedding(5, 2, padding_idx=5), None, ValueError, ["Embedding", "padding_idx", "got 5"]),
        (lambda: nn.GELU(approximate="fast"), None, ValueError, ["GELU", "approximate", "'fast'"]),
        (lambda: nn.Unflatten(1, (2, 4)), lambda m: m(np.zeros((2, 6))), ValueError, ["Unflatten", "(2, 4)", "6"]),
        (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), None, ValueError, ["CrossEntropyLoss", "label_smoothing"]),
        (lambda: nn.CrossEntropyLoss(weight=[1.0, 2.0]), lambda m: m(np.zeros((2, 3)), [0, 1]), ValueError,
         ["cross_entropy", "weight", "(3,)", "(2,)"]),
    ],
)  # fmt: skip
def test_bad_input_names_the_layer_and_both_values(make, call, error, words):
    with pytest.raises(error) as caught:
        module = make()
        call(module)
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))


# --------------------------------------------------------------------------- Module additions
class _WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        self.register_buffer("steps", np.array(0, dtype=np.int64))
        self.register_buffer("scale", np.ones(2))
        self.register_buffer("cache", np.zeros(2), persistent=False)


def test_buffers_are_in_the_state_dict_but_not_among_the_parameters():
    model = nn.Sequential(_WithBuffers())
    # PyTorch's order: a module's own parameters and buffers, then its children's
    assert list(model.state_dict()) == ["0.steps", "0.scale", "0.linear.weight", "0.linear.bias"]
    assert [name for name, _ in model.named_buffers()] == ["0.steps", "0.scale", "0.cache"]
    assert len(list(model.parameters())) == 2 and len(list(model.buffers())) == 3
    state = model.state_dict()
    state["0.scale"] = np.array([2.0, 3.0])
    state["0.steps"] = np.array(7)
    model.load_state_dict(state)
    assert model[0].scale.tolist() == [2.0, 3.0] and int(model[0].steps.data) == 7
    with pytest.raises(RuntimeError, match="missing key.*0.scale"):
        model.load_state_dict({k: v for k, v in state.items() if k != "0.scale"})
    model[0].scale = np.array([5.0, 5.0])  # assigning to a buffer's name replaces it
    assert isinstance(model[0].scale, Tensor) and model.state_dict()["0.scale"].tolist() == [5.0, 5.0]
    with pytest.raises(KeyError, match="already has an attribute 'linear'"):
        model[0].register_buffer("linear", np.zeros(1))


def test_to_float_double_cast_parameters_and_float_buffers_in_place():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    weight = model[0].weight
    optimiser = nn.optim.SGD(model.parameters(), lr=0.1)
    model.float()
    assert model[0].weight is weight and weight.dtype == np.float32
    assert model[1].running_mean.dtype == np.float32 and model[1].num_batches_tracked.dtype == np.int64
    out = model(Tensor(np.ones((2, 1, 5, 5), dtype=np.float32)))
    assert out.dtype == np.float32
    out.sum().backward()
    optimiser.step()  # the optimiser still holds the (same, now float32) parameters
    assert weight.dtype == np.float32
    model.double()
    assert weight.dtype == np.float64 and weight.grad.dtype == np.float64
    with pytest.raises(TypeError, match="float dtype"):
        model.to(np.int32)


def test_zero_grad_set_to_none_and_requires_grad_and_named_modules_and_apply():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    model(Tensor([[1.0, 2.0]])).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.data.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    assert not model(Tensor([[1.0, 2.0]])).requires_grad
    model.requires_grad_()
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "1.0", "1.1"]
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]  # children first, as in PyTorch


def test_batch_norm_with_track_running_stats_off_has_none_buffers_and_always_uses_the_batch():
    layer = nn.BatchNorm1d(2, track_running_stats=False).eval()
    assert layer.running_mean is None and "running_mean" not in layer.state_dict()
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(layer(x).data, [[-1, -1], [1, 1]], atol=1e-4)


def test_a_small_cnn_learns_the_digits_a_little():
    nn.init.manual_seed(0)
    x, y = nn.load_digits()
    x = x[:256].reshape(-1, 1, 8, 8) / 16.0
    y = y[:256]
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10)
    )  # fmt: skip
    optimiser = nn.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        loss = nn.functional.cross_entropy(model(Tensor(x)), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("width", [5, 20])
def test_unfold_and_fold_in_the_batch_product_layout_equal_the_per_sample_layout(width):
    from nn.windows import fold_array, unfold_array

    x = np.random.default_rng(width).standard_normal((3, 2, 6, width))
    settings = dict(kernel=(2, 3), dilation=(2, 1), padding=((1, 0), (1, 1)), stride=(1, 2))
    per_sample = unfold_array(x, **settings)  # (N, K, L)
    batch = unfold_array(x, rows=True, **settings)  # (K, N*L)
    np.testing.assert_array_equal(batch, per_sample.transpose(1, 0, 2).reshape(batch.shape))
    np.testing.assert_allclose(fold_array(batch, (6, width), rows=True, **settings),
                               fold_array(per_sample, (6, width), **settings), atol=1e-12)  # fmt: skip
