"""The cross-entropy's gradient op (nn.cross_entropy.CrossEntropyGrad): forward against NumPy,
gradcheck and gradgradcheck in both inputs, random shapes and label sets, and one op in a
recorded backward and in a traced program."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd import Tensor
from nn.cross_entropy import CrossEntropyGrad


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _expected(x, labels, grad, axis, reduction, ignore_index, weight, smoothing):
    """g (s p - a) written out with a one-hot matrix, the slow obvious way."""
    classes = x.shape[axis]
    moved = np.moveaxis(x, axis, -1)
    onehot = np.zeros(moved.shape)
    valid = labels != ignore_index
    safe = np.where(valid, labels, 0)
    np.put_along_axis(onehot, safe[..., None], 1.0, axis=-1)
    w = np.ones(classes) if weight is None else weight
    per_sample = w[safe] * valid
    a = onehot * ((1 - smoothing) * per_sample)[..., None] + valid[..., None] * w * (smoothing / classes)
    if reduction == "mean":
        a = a / (per_sample.sum() or 1.0)
    p = _softmax(moved, -1)
    g = grad[..., None] if reduction == "none" else grad
    return np.moveaxis(g * (p * a.sum(-1, keepdims=True) - a), -1, axis)


CASE = st.fixed_dictionaries(
    {
        "shape": st.sampled_from([(5,), (4, 3), (3, 4, 2), (2, 3, 2, 2)]),
        "reduction": st.sampled_from(["mean", "sum", "none"]),
        "ignore": st.booleans(),
        "weighted": st.booleans(),
        "smoothing": st.sampled_from([0.0, 0.3]),
        "seed": st.integers(0, 2**31),
    }
)


def _inputs(case):
    rng = np.random.default_rng(case["seed"])
    shape = case["shape"]
    axis = 1 if len(shape) >= 2 else 0
    x = rng.standard_normal(shape)
    label_shape = shape[:axis] + shape[axis + 1 :]
    labels = rng.integers(0, shape[axis], label_shape)
    if case["ignore"] and labels.ndim:
        labels.flat[0] = -100
    grad = rng.standard_normal(label_shape) if case["reduction"] == "none" else np.array(rng.standard_normal())
    if case["reduction"] == "none":
        grad = grad.reshape(label_shape[:axis] + (1,) + label_shape[axis:])
    weight = rng.uniform(0.5, 2.0, shape[axis]) if case["weighted"] else None
    options = dict(axis=axis, reduction=case["reduction"], ignore_index=-100, weight=weight,
                   smoothing=case["smoothing"])  # fmt: skip
    return x, labels, grad, options


@settings(max_examples=40, deadline=None)
@given(CASE)
def test_forward_matches_numpy_and_the_eager_backward(case):
    x, labels, grad, options = _inputs(case)
    got = CrossEntropyGrad.apply(Tensor(x), labels, Tensor(grad), **options).data
    want = _expected(x, labels, grad.reshape(grad.shape[: options["axis"]] + grad.shape[options["axis"] + 1 :])
                     if case["reduction"] == "none" else grad, **options)  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    # the eager backward on arrays (which reuses forward's softmax) gives the same numbers
    t = Tensor(x, requires_grad=True)
    loss = F.cross_entropy(t, labels, case["reduction"], weight=options["weight"], label_smoothing=case["smoothing"])
    loss.backward(Tensor(grad.reshape(loss.shape)))
    np.testing.assert_allclose(t.grad.data, got, rtol=1e-12, atol=1e-14)


@settings(max_examples=15, deadline=None)
@given(CASE)
def test_gradcheck_and_gradgradcheck_in_the_logits_and_the_incoming_gradient(case):
    x, labels, grad, options = _inputs(case)
    inputs = [Tensor(x, requires_grad=True), Tensor(grad, requires_grad=True)]
    fn = lambda logits, g: CrossEntropyGrad.apply(logits, labels, g, **options)  # noqa: E731
    assert autograd.gradcheck(fn, inputs)
    assert autograd.gradgradcheck(fn, inputs)


def test_a_recorded_backward_is_one_op_and_its_third_derivative_is_right():
    x = Tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    labels = np.array([0, 3, 1])
    (g,) = autograd.grad(F.cross_entropy(x, labels), [x], create_graph=True)
    assert g.grad_fn.name == "CrossEntropyGrad"
    fn = lambda t: F.cross_entropy(t, labels, reduction="sum")  # noqa: E731
    assert autograd.gradgradcheck(lambda t: autograd.grad(fn(t), [t], create_graph=True)[0] ** 2, [x])


def test_a_traced_step_recomputes_the_gradient_from_new_labels_and_logits():
    rng = np.random.default_rng(2)
    w = Tensor(rng.standard_normal((4, 3)), requires_grad=True)

    def step(x, labels):
        loss = F.cross_entropy(x @ w, labels)
        loss.backward()
        return loss

    compiled = autograd.compile(step)
    program = compiled.program(Tensor(rng.standard_normal((5, 4))), Tensor(np.array([0, 1, 2, 0, 1])))
    assert [i.op.__name__ for i in program.instructions].count("CrossEntropyGrad") == 1
    for labels in (np.array([2, 2, 1, 0, 0]), np.array([1, -100, 2, -100, 0])):  # plain, then some ignored
        x = rng.standard_normal((5, 4))
        w.grad = None
        eager = step(Tensor(x), Tensor(labels))
        eager_grad = w.grad.data
        w.grad = None
        replayed = compiled(Tensor(x), Tensor(labels))
        np.testing.assert_allclose(replayed.data, eager.data, rtol=1e-12)
        np.testing.assert_allclose(w.grad.data, eager_grad, rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(CASE)
def test_a_program_computes_the_loss_and_its_gradient_in_one_call(case):
    """With the loss's own seed, a traced step computes CrossEntropy and CrossEntropyGrad in one
    call (one softmax); paired or not, the replay and the standalone source equal eager, to 1e-12."""
    x, labels, grad, options = _inputs(case)
    settings_ = dict(reduction=options["reduction"], weight=options["weight"], label_smoothing=options["smoothing"])
    total = options["reduction"] == "none"  # then the program sums the losses first: no pair

    def loss_of(t, y):
        loss = F.cross_entropy(t, y, **settings_)
        return loss.sum() if total else loss

    program = autograd.trace(loss_of, Tensor(x), Tensor(labels), grad=True)
    source = program.python_source()
    if not total:  # (summed losses may still pair, when the sum's gradient is a constant)
        assert "compute_with_grad" in source and "CrossEntropyGrad" not in source
    assert source.count("compute_with_grad") + source.count("CrossEntropyGrad.compute") == 1
    t = Tensor(x, requires_grad=True)
    eager = loss_of(t, Tensor(labels))
    eager.backward()
    namespace = {}
    exec(source, namespace)  # noqa: S102
    for run in (program, namespace["program"]):
        value, gradient = run(x, labels)
        np.testing.assert_allclose(value, eager.data, rtol=1e-12)
        np.testing.assert_allclose(gradient, t.grad.data, rtol=1e-12, atol=1e-15)


def test_the_eager_backward_leaves_the_kept_softmax_alone_for_a_second_backward():
    x = Tensor(np.random.default_rng(3).standard_normal((4, 3)), requires_grad=True)
    loss = F.cross_entropy(x, [0, 1, 2, 1])
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    x.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, first)


def test_labels_out_of_range_raise_in_the_gradient_too():
    with pytest.raises(IndexError, match="out of range"):
        CrossEntropyGrad.apply(Tensor(np.zeros((2, 3))), np.array([0, 3]), Tensor(np.array(1.0)), axis=1,
                               reduction="mean", ignore_index=-100, weight=None, smoothing=0.0)  # fmt: skip
