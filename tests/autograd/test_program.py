"""Programs: traced and replayed functions equal the eager engine, values and every gradient.

Each program is replayed on *new* inputs (the traced values shuffled), so ReLU masks,
argmaxes and labels differ from the traced ones: anything the trace froze would show.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor, TraceError

from .op_table import CASE_IDS, CASES
from .random_graphs import Ours, leaves_as, programs, run

TIGHT = dict(rtol=1e-12, atol=1e-12)


def _shuffled(array, rng):
    """The same values in another order (and so in the op's domain), or a flipped mask."""
    if array.dtype == bool:
        return ~array if array.size > 1 else array
    return rng.permutation(array.ravel()).reshape(array.shape)


def _eager(fn, arrays, wrt):
    """fn's outputs and d(first output)/d(arrays[i]) for i in wrt, by the eager engine."""
    tensors = [Tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    outs = fn(*tensors)
    outs = (outs,) if isinstance(outs, Tensor) else outs
    grads = autograd.grad(outs[0], [tensors[i] for i in wrt], allow_unused=True) if wrt else ()
    grads = [np.zeros_like(arrays[i]) if g is None else g.data for i, g in zip(wrt, grads)]
    return [o.data for o in outs], grads


def _check_replay(fn, arrays, wrt, seed=0):
    program = autograd.trace(fn, *arrays, grad=wrt)
    rng = np.random.default_rng(seed)
    for values in (arrays, [_shuffled(a, rng) for a in arrays]):
        outs, grads = _eager(fn, values, wrt)
        replayed = program(*values)
        assert len(replayed) == len(outs) + len(grads)
        for want, got in zip(outs + grads, replayed):
            assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == np.asarray(want).dtype
            np.testing.assert_allclose(got, want, **TIGHT)
    return program


# ------------------------------------------------------------------------------- the op table
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_replayed_op_equals_eager_values_and_gradients(case, data):
    arrays, options = case.inputs(data)
    upstream = np.random.default_rng(1).standard_normal(np.shape(case.numpy(*arrays, **options)))

    def fn(*xs):
        out = case.ours(*xs, **options)
        return (out * upstream).sum(), out

    wrt = [i for i in case.differentiable if i < len(arrays) and arrays[i].dtype.kind == "f"]
    _check_replay(fn, arrays, wrt)


# --------------------------------------------------------------------------- random graphs
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # zero bases: replays are NumPy calls that warn
@settings(max_examples=60, deadline=None)
@given(programs())
def test_replayed_random_graph_equals_eager(program):
    leaves = leaves_as(program, lambda a: a)

    def fn(*xs):
        return run(program, xs, Ours)

    _check_replay(fn, leaves, list(range(len(leaves))))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # zero bases: replays are NumPy calls that warn
@settings(max_examples=20, deadline=None)
@given(programs())
def test_python_source_runs_standalone_to_the_same_numbers(program):
    leaves = leaves_as(program, lambda a: a)
    traced = autograd.trace(lambda *xs: run(program, xs, Ours), *leaves, grad=True)
    namespace = {}
    exec(traced.python_source(), namespace)  # a fresh namespace: only what the source imports
    captured = [np.asarray(var.value.data) for var in traced.captured]  # program(*inputs, *captured)
    standalone = namespace["program"](*leaves, *captured)
    for got, want in zip(standalone, traced(*leaves)):
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------------------- printing
def test_lecture3_program_prints_as_straight_line_code():
    program = autograd.trace(lambda x, y, z: (x + y) * z, -2.0, 5.0, -4.0, grad=True)
    text = str(program)
    assert "t1 = add(x, y)" in text and "t2 = mul(t1, z)" in text
    assert "return t2, z, z, t1" in text  # df/dx = df/dy = z, df/dz = x + y
    assert [float(v) for v in program(-2.0, 5.0, -4.0)] == [-12.0, -4.0, -4.0, 3.0]


def _mlp(seed=0, sizes=(2, 8, 3)):
    nn.init.manual_seed(seed)
    return nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]))


def test_mlp_training_step_prints_forward_and_backward():
    model = _mlp()
    x = np.random.default_rng(0).standard_normal((5, 2))
    y = np.array([0, 1, 2, 1, 0])

    def step(x, y):
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        return loss

    program = autograd.program.program.run_trace(step, (x, y), keep_leaf_grads=True)
    text = str(program)
    expected = ["linear(x, model_0_weight, model_0_bias)", "relu(t1)", "crossentropy(", "-- backward --"]
    expected += ["greater(t2, 0)", "ReluBackward", "LinearBackward"]
    for line in expected:
        assert line in text, line
    assert program.n_results == 1 and len(program.grad_targets) == 4


# ----------------------------------------------------------------------------- compile
def _eager_step(model):
    def step(x, y):
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        return loss

    return step


def test_compile_equals_eager_training_and_reads_parameters_afresh():
    rng = np.random.default_rng(0)
    eager_model, compiled_model = _mlp(), _mlp()
    eager_opt = nn.optim.SGD(eager_model.parameters(), lr=0.5)
    compiled_opt = nn.optim.SGD(compiled_model.parameters(), lr=0.5)
    compiled = autograd.compile(_eager_step(compiled_model), check=True)
    eager = _eager_step(eager_model)
    for _ in range(5):  # new batches (new relu masks, new labels) of one shape: one trace
        x = Tensor(rng.standard_normal((6, 2)))
        y = Tensor(rng.integers(0, 3, 6))
        want, got = eager(x, y), compiled(x, y)
        np.testing.assert_allclose(got.data, want.data, **TIGHT)
        for p, q in zip(eager_model.parameters(), compiled_model.parameters()):
            np.testing.assert_allclose(q.grad.data, p.grad.data, **TIGHT)
        eager_opt.step(), compiled_opt.step()
        eager_opt.zero_grad(), compiled_opt.zero_grad()
    assert len(compiled.programs) == 1
    compiled(Tensor(rng.standard_normal((4, 2))), Tensor(rng.integers(0, 3, 4)))  # a new batch size
    assert len(compiled.programs) == 2


def test_compile_accumulates_grad_like_backward():
    w = Tensor([1.0, 2.0], requires_grad=True)

    @autograd.compile
    def step(x):
        loss = (x * w).sum()
        loss.backward()
        return loss

    step(Tensor([3.0, 4.0]))
    step(Tensor([1.0, 1.0]))
    assert w.grad.data.tolist() == [4.0, 5.0]


def test_compile_sees_a_rebound_parameter():
    w = Tensor([1.0, 2.0], requires_grad=True)

    @autograd.compile
    def step(x):
        loss = (x * w).sum()
        loss.backward()
        return loss

    assert step(Tensor([1.0, 1.0])).item() == 3.0
    w.data = np.array([10.0, 20.0])
    assert step(Tensor([1.0, 1.0])).item() == 30.0


def test_compile_warns_past_its_cache():
    @autograd.compile(cache_size=2)
    def step(x):
        return (x * 2.0).sum()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 5):
            step(Tensor(np.ones(n)))
    assert any("traced for more than 2" in str(w.message) for w in caught)
    assert len(step.programs) == 2


def test_compile_check_catches_a_function_the_trace_cannot_capture():
    calls = iter(range(100))

    @autograd.compile(check=True)
    def step(x):
        return x * float(next(calls))  # Python state the program freezes

    with pytest.raises(AssertionError, match="differs from the eager run"):
        step(Tensor([1.0]))


# --------------------------------------------------------------------------- honest limits
@pytest.mark.parametrize(
    "body",
    [lambda t: t.item(), lambda t: float(t), lambda t: bool(t > 0), lambda t: 1.0 if t.sum() > 0 else 0.0],
    ids=["item", "float", "bool", "if"],
)
def test_value_dependent_python_raises_trace_error(body):
    def fn(x):
        return x * body(x.sum())

    with pytest.raises(TraceError, match="records operations, not values"):
        autograd.trace(fn, np.array([1.0, 2.0]))
    with pytest.raises(TraceError, match=r"autograd\.where"):
        autograd.compile(fn)(Tensor([1.0, 2.0]))


def test_captured_values_may_be_read():
    w = Tensor([2.0], requires_grad=True)
    program = autograd.trace(lambda x: x * w.item(), np.array([1.0]))  # w is not a traced value
    assert program(np.array([3.0])).tolist() == [6.0]


def test_dropout_raises_naming_it():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    with pytest.raises(TraceError, match="dropout"):
        autograd.trace(model, np.ones((1, 2)))
    model.eval()
    assert autograd.trace(model, np.ones((1, 2)))(np.ones((1, 2))).shape == (1, 2)


def test_an_impure_function_raises_naming_it():
    class Noisy(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data + np.random.default_rng().standard_normal(x.shape)

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TraceError, match="Noisy: this op cannot be replayed"):
        autograd.trace(Noisy.apply, np.ones(2))


def test_a_backward_reading_a_derived_array_raises_naming_the_op():
    class Step(autograd.Function):
        pure = True

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x.data > 0)  # a mask derived in forward: frozen in a program
            return np.maximum(x.data, 0)

        @staticmethod
        def backward(ctx, grad):
            (mask,) = ctx.saved_tensors
            return grad * mask

    with pytest.raises(TraceError, match="Step: its backward rule reads an array"):
        autograd.trace(lambda x: Step.apply(x).sum(), np.ones(2), grad=True)


def test_a_pure_user_function_replays_through_its_forward():
    class Cube(autograd.Function):
        pure = True

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    _check_replay(lambda x: Cube.apply(x).sum(), [np.array([1.0, -2.0, 0.5])], [0])


def test_replay_checks_shapes_and_dtypes():
    program = autograd.trace(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(ValueError, match=r"traced as f64\[3\], got f32\[3\]"):
        program(np.ones(3, dtype=np.float32))


def test_comparison_shapes_that_do_not_broadcast_raise_naming_it():
    with pytest.raises(ValueError, match=r"comparison <: shapes \(2,\) and \(3,\)"):
        _ = Tensor([1.0, 2.0]) < Tensor([1.0, 2.0, 3.0])
    assert not (Tensor([1.0], requires_grad=True) > 0).requires_grad


def test_cross_entropy_ignore_index_replays_on_new_labels():
    logits = np.random.default_rng(0).standard_normal((4, 3))

    def fn(x, y):
        return nn.functional.cross_entropy(x, y)

    for reduction in ("mean", "sum", "none"):

        def f(x, y, reduction=reduction):
            out = nn.functional.cross_entropy(x, y, reduction=reduction)
            return out.sum() if reduction == "none" else out

        program = autograd.trace(f, logits, np.array([0, 1, 2, 1]), grad=[0])
        for labels in (np.array([0, -100, 2, 1]), np.array([-100] * 4), np.array([2, 2, 0, 1])):
            want = _eager(f, [logits, labels], [0])
            got = program(logits, labels)
            np.testing.assert_allclose(got[0], want[0][0], **TIGHT)
            np.testing.assert_allclose(got[1], want[1][0], **TIGHT)


def test_with_grad_appends_the_backward_pass_for_arguments_and_captured_tensors():
    w = Tensor([0.5, -1.0, 2.0], requires_grad=True)

    def fn(x):
        return ((x * w).tanh() ** 2).sum()

    x = np.array([1.0, 2.0, -0.5])
    forward = autograd.trace(fn, x)
    assert "backward" not in str(forward) and forward(x).shape == ()
    by_argument = forward.with_grad()
    assert "-- backward --" in str(by_argument)
    _, dx = by_argument(x)
    _, dw = forward.with_grad([w])(x)
    xt = Tensor(x, requires_grad=True)
    fn(xt).backward()
    np.testing.assert_allclose(dx, xt.grad.data, **TIGHT)
    np.testing.assert_allclose(dw, w.grad.data, **TIGHT)


def test_set_num_threads_limits_blas():
    from threadpoolctl import threadpool_info

    autograd.set_num_threads(1)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    with pytest.raises(ValueError, match="positive integer"):
        autograd.set_num_threads(0)


def test_a_compiled_step_inside_a_trace_is_traced_too():
    inner = autograd.compile(lambda x: x * 3.0)
    program = autograd.trace(lambda x: inner(x) + 1.0, np.array([1.0]))
    assert program(np.array([2.0])).tolist() == [7.0]


def test_binary_cross_entropy_with_logits_replays():
    rng = np.random.default_rng(0)
    logits, targets = rng.standard_normal(6), rng.integers(0, 2, 6).astype(float)
    _check_replay(lambda x, t: nn.functional.binary_cross_entropy_with_logits(x, t), [logits, targets], [0, 1])


@pytest.mark.parametrize(
    "activation", [nn.LeakyReLU(0.1), nn.ELU(), nn.Tanh(), nn.Sigmoid(), nn.PReLU(), nn.ReLU()], ids=type
)
def test_compiled_steps_with_every_activation_and_regression_losses_equal_eager(activation):
    import copy

    rng = np.random.default_rng(0)
    nn.init.manual_seed(0)
    eager_model = nn.Sequential(nn.Linear(3, 8), activation, nn.Linear(8, 2))
    compiled_model = copy.deepcopy(eager_model)

    def step_of(model):
        def step(x, t):
            out = model(x)
            loss = nn.functional.mse_loss(out, t) + nn.functional.l1_loss(out, t)
            loss.backward()
            return loss

        return step

    eager, compiled = step_of(eager_model), autograd.compile(step_of(compiled_model), check=True)
    for _ in range(3):  # new batches: new masks (where, abs, relu) for the same program
        x, t = Tensor(rng.standard_normal((5, 3))), Tensor(rng.standard_normal((5, 2)))
        np.testing.assert_allclose(compiled(x, t).data, eager(x, t).data, **TIGHT)
        for p, q in zip(eager_model.parameters(), compiled_model.parameters()):
            np.testing.assert_allclose(q.grad.data, p.grad.data, **TIGHT)
            p.grad = q.grad = None
    assert len(compiled.programs) == 1


# ------------------------------------------------------------------------------- in place
def test_an_elementwise_op_writes_into_an_operand_that_dies_there():
    def fn(x, w):
        h = (x @ w).relu()  # the product dies at the relu: the relu computes into it
        return (h * 3).sum()

    rng = np.random.default_rng(0)
    program = _check_replay(fn, [rng.standard_normal((4, 3)), rng.standard_normal((3, 5))], [0, 1])
    source = program.python_source()
    assert "t2 = np.maximum(t1, 0, out=t1)" in source  # the relu, into the product
    assert "t3 = t2 * 3" in source  # t2 is read again later (the backward's mask): a new array


def test_in_place_never_writes_into_a_value_a_view_still_reads_nor_into_inputs_or_outputs():
    def fn(x):
        a = x * 2
        v = a.T  # a view of a: a must not be overwritten while v lives
        b = (a + 1).exp()  # a is read here for the last time
        c = (b * 3).relu()
        return (c * v.T).sum(), c, x.tanh()  # c is returned; x is the caller's

    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4))
    kept = x.copy()
    program = _check_replay(fn, [x], [0])
    np.testing.assert_array_equal(x, kept)  # the inputs are untouched by the replays
    outputs = program(x)
    assert not any(np.shares_memory(a, b) for i, a in enumerate(outputs) for b in outputs[i + 1 :])
