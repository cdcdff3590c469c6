"""PyTorch as the oracle for the layers past the lectures: convolution, pooling, normalisation,
embedding, the new activations and the weighted, smoothed cross-entropy, in float64 at 1e-9.

Shapes, strides, paddings, dilations and groups are drawn by hypothesis; the values come from
a seeded generator (random floats: no ties in a max-pooling window, where PyTorch's choice of
one element and our equal share differ by design).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor

from ..oracle import torch

TF = torch.nn.functional
torch.set_num_threads(1)
TOL = dict(rtol=1e-9, atol=1e-9)


def _compare(ours_fn, torch_fn, arrays, seed=0):
    """Same output, and same gradients of sum(out * upstream) for every array, ours and torch's."""
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours_fn(*ours), torch_fn(*theirs)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for index, (mine, reference) in enumerate(zip(ours, theirs)):
        assert mine.grad is not None, f"input {index} got no gradient"
        np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL, err_msg=f"input {index}")


def _side(draw, kernel, dilation, padding, extra=4):
    """An input length the (dilated) kernel fits in once padded."""
    span = dilation * (kernel - 1) + 1
    return draw(st.integers(max(1, span - 2 * padding), max(1, span - 2 * padding) + extra))


@st.composite
def conv2d_cases(draw):
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    choices = ["pair", "int", "valid"] + (["same"] if stride == (1, 1) else [])
    kind = draw(st.sampled_from(choices))
    if kind == "pair":
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    elif kind == "int":
        padding = draw(st.integers(0, 2))
    else:
        padding = kind
    pads = padding if isinstance(padding, tuple) else (padding, padding) if isinstance(padding, int) else (0, 0)
    if padding == "same":  # the output is as large as the input, which the kernel need not fit alone
        pads = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
    size = tuple(_side(draw, kernel[a], dilation[a], pads[a]) for a in range(2))
    if padding == "same":
        size = tuple(max(s, 1) for s in size)
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    shapes = ((draw(st.integers(1, 3)), in_channels) + size, (out_channels, in_channels // groups) + kernel)
    return shapes, draw(st.booleans()), settings, draw(st.integers(0, 2**31))


@given(conv2d_cases())
def test_conv2d_values_and_gradients_equal_pytorch(case):
    (x_shape, w_shape), bias, settings, seed = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)]
    if bias:
        arrays.append(rng.standard_normal(w_shape[0]))
    _compare(lambda *t: F.conv2d(*t, **settings), lambda *t: TF.conv2d(*t, **settings), arrays, seed)


@st.composite
def conv1d_cases(draw):
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 3))
    kernel, dilation, stride = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", 0, 1, 2] + (["same"] if stride == 1 else [])))
    pad = padding if isinstance(padding, int) else dilation * (kernel - 1) // 2 if padding == "same" else 0
    length = _side(draw, kernel, dilation, pad)
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    shapes = ((draw(st.integers(1, 3)), in_channels, length), (out_channels, in_channels // groups, kernel))
    return shapes, draw(st.booleans()), settings, draw(st.integers(0, 2**31))


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note that it copies the input
@given(conv1d_cases())
def test_conv1d_values_and_gradients_equal_pytorch(case):
    (x_shape, w_shape), bias, settings, seed = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)]
    if bias:
        arrays.append(rng.standard_normal(w_shape[0]))
    _compare(lambda *t: F.conv1d(*t, **settings), lambda *t: TF.conv1d(*t, **settings), arrays, seed)


@st.composite
def window_cases(draw, dilations=True):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilations else (1, 1)
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # pooling pads at most half the kernel
    # the dilated kernel fits the unpadded input, so no window lies wholly in the padding (where
    # PyTorch's max pooling picks an arbitrary element and, on some shapes, crashes)
    size = tuple(_side(draw, kernel[a], dilation[a], 0) for a in range(2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + size
    return (
        shape,
        dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation),
        draw(st.integers(0, 2**31)),
    )


@given(window_cases())
def test_max_pool2d_values_and_gradients_equal_pytorch(case):
    shape, settings, seed = case
    x = np.random.default_rng(seed).standard_normal(shape)
    _compare(lambda t: F.max_pool2d(t, **settings), lambda t: TF.max_pool2d(t, **settings), [x], seed)


@given(window_cases(dilations=False), st.booleans(), st.sampled_from([None, 1, 5]))
def test_avg_pool2d_values_and_gradients_equal_pytorch(case, count_include_pad, divisor):
    shape, settings, seed = case
    del settings["dilation"]
    settings.update(count_include_pad=count_include_pad, divisor_override=divisor)
    x = np.random.default_rng(seed).standard_normal(shape)
    _compare(lambda t: F.avg_pool2d(t, **settings), lambda t: TF.avg_pool2d(t, **settings), [x], seed)


@given(window_cases())
def test_unfold_and_fold_equal_pytorch(case):
    shape, settings, seed = case
    x = np.random.default_rng(seed).standard_normal(shape)
    _compare(lambda t: F.unfold(t, **settings), lambda t: TF.unfold(t, **settings), [x], seed)
    cols = F.unfold(Tensor(x), **settings).data
    size = shape[2:]
    _compare(lambda t: F.fold(t, size, **settings), lambda t: TF.fold(t, size, **settings), [cols], seed)


@pytest.mark.parametrize("width", [7, 16, 31])  # fold adds short rows one way and long rows another
def test_unfold_and_fold_of_narrow_and_wide_images_equal_pytorch(width):
    x = np.random.default_rng(width).standard_normal((2, 3, 5, width + 2))
    settings = dict(kernel_size=(2, 3), dilation=(1, 1), padding=1, stride=(1, 1))
    _compare(lambda t: F.unfold(t, **settings), lambda t: TF.unfold(t, **settings), [x])
    cols = F.unfold(Tensor(x), **settings).data
    size = x.shape[2:]
    _compare(lambda t: F.fold(t, size, **settings), lambda t: TF.fold(t, size, **settings), [cols])
    _compare(lambda a, w: F.conv2d(a, w, padding=1), lambda a, w: TF.conv2d(a, w, padding=1),
             [x, np.random.default_rng(0).standard_normal((4, 3, 3, 3))])  # fmt: skip


@given(
    st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 9), st.integers(1, 9)),
    st.tuples(st.one_of(st.none(), st.integers(1, 6)), st.integers(1, 6)),
    st.integers(0, 2**31),
)
def test_adaptive_avg_pool2d_equals_pytorch(shape, output_size, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    _compare(lambda t: F.adaptive_avg_pool2d(t, output_size), lambda t: TF.adaptive_avg_pool2d(t, output_size), [x])


@given(
    st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 5), st.integers(1, 5)),
    st.one_of(
        st.tuples(st.integers(1, 9), st.integers(1, 9)).map(lambda size: {"size": size}),
        st.sampled_from([2, 3, 0.5, 1.5, (2, 1)]).map(lambda factor: {"scale_factor": factor}),
    ),
    st.integers(0, 2**31),
)
def test_nearest_interpolation_equals_pytorch(shape, how, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    if "scale_factor" in how:
        factor = how["scale_factor"]
        factors = factor if isinstance(factor, tuple) else (factor, factor)
        if min(int(n * f) for n, f in zip(shape[2:], factors)) < 1:
            return  # nothing left to compare
    _compare(lambda t: F.interpolate(t, **how), lambda t: TF.interpolate(t, mode="nearest", **how), [x])


@given(
    st.sampled_from([(2,), (3, 4), (2, 3, 5)]),
    st.integers(1, 3),
    st.booleans(),
    st.integers(0, 2**31),
)
def test_layer_norm_equals_pytorch(normalized, lead, affine, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((lead,) + normalized) * 3 + 1]
    if affine:
        arrays += [rng.standard_normal(normalized), rng.standard_normal(normalized)]
    _compare(
        lambda x, *wb: F.layer_norm(x, normalized, *wb, eps=1e-5),
        lambda x, *wb: TF.layer_norm(x, normalized, *wb, eps=1e-5),
        arrays,
    )


@given(st.sampled_from([(5, 3), (4, 3, 6), (2, 3, 4, 5)]), st.booleans(), st.integers(0, 2**31))
def test_batch_norm_training_values_and_gradients_equal_pytorch(shape, affine, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape) * 2 + 1]
    if affine:
        arrays += [rng.standard_normal(3), rng.standard_normal(3)]
    _compare(
        lambda x, *wb: F.batch_norm(x, None, None, *wb, training=True),
        lambda x, *wb: TF.batch_norm(x, None, None, *wb, training=True),
        arrays,
    )


# --------------------------------------------------------------------------- activations
ACTIVATIONS = {
    "gelu": (F.gelu, TF.gelu),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "silu": (F.silu, TF.silu),
    "softplus": (F.softplus, TF.softplus),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda x: TF.softplus(x, 2.0, 3.0)),
    "hardtanh": (F.hardtanh, TF.hardtanh),
    "hardtanh_bounds": (lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: TF.hardtanh(x, -0.5, 2.0)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_new_activations_equal_pytorch(name):
    x = np.random.default_rng(3).standard_normal((5, 6)) * 4
    x[0, :6] = [0.0, 1.0, -1.0, 2.0, -0.5, 1.5]  # the kinks and bounds too
    x[1, 0] = 30.0  # past softplus' threshold
    _compare(*ACTIVATIONS[name], [x])


@given(st.integers(1, 6), st.integers(1, 4), st.one_of(st.none(), st.integers(-6, 5)), st.integers(0, 2**31))
def test_embedding_equals_pytorch(num, dim, padding_idx, seed):
    if padding_idx is not None and not -num <= padding_idx < num:
        padding_idx = None
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, num, (3, 4))
    _compare(
        lambda w: F.embedding(indices, w, padding_idx=padding_idx),
        lambda w: TF.embedding(torch.from_numpy(indices), w, padding_idx=padding_idx),
        [rng.standard_normal((num, dim))],
    )


# --------------------------------------------------------------------------- cross-entropy
@given(
    st.sampled_from([(6, 4), (4,), (3, 4, 2, 3)]),
    st.sampled_from(["mean", "sum", "none"]),
    st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**31),
)
def test_weighted_smoothed_cross_entropy_equals_pytorch(shape, reduction, smoothing, weighted, ignore, seed):
    rng = np.random.default_rng(seed)
    axis = 1 if len(shape) > 1 else 0
    classes = shape[axis]
    target = rng.integers(0, classes, shape[:axis] + shape[axis + 1 :])
    if ignore and target.ndim:
        target.reshape(-1)[0] = -100
    weight = rng.uniform(0.2, 2.0, classes) if weighted else None
    torch_weight = None if weight is None else torch.from_numpy(weight)
    options = dict(reduction=reduction, label_smoothing=smoothing)
    _compare(
        lambda x: F.cross_entropy(x, target, weight=weight, **options),
        lambda x: TF.cross_entropy(x, torch.from_numpy(target), weight=torch_weight, **options),
        [rng.standard_normal(shape) * 2],
    )
    if len(shape) > 1:  # probability targets
        probabilities = rng.dirichlet(np.ones(classes), int(np.prod(target.shape))).reshape(target.shape + (classes,))
        probabilities = np.moveaxis(probabilities, -1, 1)
        _compare(
            lambda x: F.cross_entropy(x, probabilities, weight=weight, **options),
            lambda x: TF.cross_entropy(x, torch.from_numpy(probabilities), weight=torch_weight, **options),
            [rng.standard_normal(shape)],
        )
    log_p = rng.standard_normal(shape)
    _compare(
        lambda x: F.nll_loss(x, target, reduction=reduction, weight=weight),
        lambda x: TF.nll_loss(x, torch.from_numpy(target), reduction=reduction, weight=torch_weight),
        [log_p],
    )


def test_loss_modules_with_weight_and_smoothing_equal_pytorch():
    rng = np.random.default_rng(7)
    x, target, weight = rng.standard_normal((5, 3)), rng.integers(0, 3, 5), np.array([0.5, 2.0, 1.0])
    ours = nn.CrossEntropyLoss(weight=weight, label_smoothing=0.2)
    theirs = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(weight), label_smoothing=0.2)
    _compare(lambda t: ours(t, target), lambda t: theirs(t, torch.from_numpy(target)), [x])
    assert set(ours.state_dict()) == set(theirs.state_dict()) == {"weight"}
    ours, theirs = nn.NLLLoss(weight=weight), torch.nn.NLLLoss(weight=torch.from_numpy(weight))
    _compare(lambda t: ours(t, target), lambda t: theirs(t, torch.from_numpy(target)), [x])


# --------------------------------------------------------------------------- batch norm's state
@pytest.mark.parametrize(
    "name, shape, options",
    [
        ("BatchNorm1d", (6, 3), {}),
        ("BatchNorm1d", (4, 3, 5), {"momentum": 0.3}),
        ("BatchNorm1d", (6, 3), {"momentum": None}),
        ("BatchNorm2d", (4, 3, 2, 3), {}),
        ("BatchNorm2d", (2, 3, 4, 4), {"momentum": None, "affine": False}),
        ("BatchNorm2d", (3, 3, 2, 2), {"eps": 1e-3}),
        ("BatchNorm2d", (3, 3, 2, 2), {"track_running_stats": False}),
        ("BatchNorm1d", (5, 3), {"bias": False}),
    ],
)
def test_batch_norm_running_statistics_and_eval_equal_pytorch(name, shape, options):
    ours, theirs = getattr(nn, name)(3, **options), getattr(torch.nn, name)(3, **options)
    rng = np.random.default_rng(8)
    if ours.affine:  # give the affine parameters other values, so eval uses non-trivial ones
        values = {name: rng.standard_normal(3) for name, _ in ours.named_parameters()}
        ours.load_state_dict({**ours.state_dict(), **values})
        theirs.load_state_dict({**theirs.state_dict(), **{k: torch.from_numpy(v) for k, v in values.items()}})
    for step in range(5):  # several train steps: the running statistics must follow alike
        x = rng.standard_normal(shape) * (step + 1) + step
        _compare(ours, theirs, [x], seed=step)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), **TOL, err_msg=key)
    assert set(ours.state_dict()) == set(theirs.state_dict())
    ours.eval(), theirs.eval()
    _compare(ours, theirs, [rng.standard_normal(shape) * 3])


# --------------------------------------------------------------------------- state dicts both ways
def _layer_pairs():
    return {
        "Conv2d": (lambda m: m.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), groups=2), (2, 4, 7, 6)),
        "Conv2d_same": (lambda m: m.Conv2d(2, 3, 3, padding="same", bias=False), (2, 2, 5, 5)),
        "Conv1d": (lambda m: m.Conv1d(2, 4, 3, stride=2, padding=1), (3, 2, 9)),
        "BatchNorm1d": (lambda m: m.BatchNorm1d(4), (5, 4)),
        "BatchNorm2d": (lambda m: m.BatchNorm2d(3), (2, 3, 4, 4)),
        "LayerNorm": (lambda m: m.LayerNorm((3, 4)), (2, 3, 4)),
        "LayerNorm_no_bias": (lambda m: m.LayerNorm(4, bias=False), (2, 3, 4)),
        "BatchNorm1d_no_affine": (lambda m: m.BatchNorm1d(3, affine=False, momentum=None), (4, 3, 2)),
        "Embedding": (lambda m: m.Embedding(7, 3, padding_idx=2), None),
        "MaxPool2d": (lambda m: m.MaxPool2d(3, stride=2, padding=1), (2, 3, 7, 7)),
        "AvgPool2d": (lambda m: m.AvgPool2d(2, stride=1, padding=1), (2, 3, 5, 4)),
        "AdaptiveAvgPool2d": (lambda m: m.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5)),
        "Upsample": (lambda m: m.Upsample(scale_factor=2), (1, 2, 3, 3)),
        "GELU": (lambda m: m.GELU(approximate="tanh"), (3, 4)),
        "SiLU": (lambda m: m.SiLU(), (3, 4)),
        "Softplus": (lambda m: m.Softplus(beta=2.0), (3, 4)),
        "Hardtanh": (lambda m: m.Hardtanh(-0.5, 0.5), (3, 4)),
        "Unflatten": (lambda m: m.Unflatten(1, (2, 3)), (4, 6)),
        "CNN": (
            lambda m: m.Sequential(
                m.Conv2d(1, 4, 3, padding=1),
                m.BatchNorm2d(4),
                m.ReLU(),
                m.MaxPool2d(2),
                m.Flatten(),
                m.Linear(4 * 4 * 4, 10),
            ),
            (3, 1, 8, 8),
        ),  # fmt: skip
    }


LAYERS = _layer_pairs()


@pytest.mark.parametrize("name", LAYERS)
def test_state_dicts_move_both_ways_and_give_the_same_output(name):
    make, shape = LAYERS[name]
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(9)
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())  # the same keys, in the same order
    theirs.load_state_dict({key: torch.from_numpy(np.array(value)) for key, value in state.items()})
    for module in (ours, theirs):
        module.eval()  # batch norm in eval mode uses the loaded running statistics
    if shape is None:  # Embedding: indices in, including the padding row
        indices = rng.integers(0, 7, (2, 5))
        indices[0, 0] = 2
        arrays = [indices]
        out, expected = ours(indices), theirs(torch.from_numpy(indices))
        np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)
        upstream = rng.standard_normal(out.shape)
        out.backward(upstream)
        expected.backward(torch.from_numpy(upstream))
    else:
        arrays = [rng.standard_normal(shape)]
        _compare(ours, theirs, arrays)
    for (key, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), **TOL, err_msg=key)
    # and back: torch's (changed) values into ours
    with torch.no_grad():
        for value in theirs.state_dict().values():
            if value.dtype.is_floating_point:
                value.add_(torch.from_numpy(rng.standard_normal(tuple(value.shape))).abs() * 0.1)
    ours.load_state_dict({key: value.numpy() for key, value in theirs.state_dict().items()})
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy())
    x = arrays[0] if shape is None else Tensor(arrays[0])
    out, expected = ours(x), theirs(torch.from_numpy(arrays[0]))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL)


def test_conv_default_initialisation_has_pytorchs_bounds():
    layer = nn.Conv2d(6, 8, (3, 5), groups=2)
    bound = 1 / np.sqrt(3 * 3 * 5)  # fan_in = in / groups * kh * kw
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.8 * bound  # drawn from the whole range, not a smaller one


@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 2)])
def test_conv2d_as_one_product_for_the_batch_equals_pytorch_to_second_order(stride, dilation):
    """Large enough (out * in * kh * kw * positions >= 2^18) to take one matrix product for the
    whole batch instead of one per sample: values, gradients and second derivatives."""
    rng = np.random.default_rng(10)
    side = 34 if stride == 1 else 66
    x, w, b = rng.standard_normal((2, 4, side, side - 1)), rng.standard_normal((16, 4, 3, 3)), rng.standard_normal(16)
    settings = dict(stride=stride, padding=1, dilation=dilation)
    if stride == 1:
        _compare(lambda *t: F.conv2d(*t, **settings), lambda *t: TF.conv2d(*t, **settings), [x, w, b])
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out, expected = F.conv2d(*ours, **settings), TF.conv2d(*theirs, **settings)
    assert 16 * 4 * 3 * 3 * out.shape[2] * out.shape[3] >= 2**18
    upstream = rng.standard_normal(out.shape)
    grads = autograd.grad(out, ours[:2], Tensor(upstream), create_graph=True)
    torch_grads = torch.autograd.grad(expected, theirs[:2], torch.from_numpy(upstream), create_graph=True)
    for mine, reference in zip(grads, torch_grads):
        np.testing.assert_allclose(mine.data, reference.detach().numpy(), **TOL)
    (sum((g * g).sum() for g in grads)).backward()
    sum((g * g).sum() for g in torch_grads).backward()
    for mine, reference in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(mine.grad.data, reference.grad.numpy(), **TOL)
