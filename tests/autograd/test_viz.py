"""draw_graph and backward_steps: DOT source (counts, labels, colours, determinism), rendering
through Graphviz's dot and graphviz-pure, the error without a renderer, and speed on big graphs."""

import re
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import autograd
import nn
from autograd import Scalar, Tensor, draw_graph, viz
from autograd.engine import backward_order
from autograd.viz import RendererNotFoundError, backward_steps, labels, rendering

from ..support import require

NODE = re.compile(r"^\s*(n\d+) \[(.*)\]$")
EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)(?: \[(.*)\])?$")


def nodes(drawing):
    """{id: attribute text} of the drawn nodes, in order."""
    found = {}
    for line in drawing.source.splitlines():
        match = NODE.match(line)
        if match and " -> " not in line:
            found[match.group(1)] = match.group(2)
    return found


def edges(drawing):
    """[(tail, head, attribute text)] of the drawn edges, in order."""
    return [(m.group(1), m.group(2), m.group(3) or "") for m in map(EDGE.match, drawing.source.splitlines()) if m]


def edge_labels(drawing):
    return [re.search(r'label="([^"]*)"', attrs).group(1) for _, _, attrs in edges(drawing) if "label=" in attrs]


def titles(drawing):
    return [m for attrs in nodes(drawing).values() for m in re.findall(r"<b>(.*?)</b>", attrs)]


def current_step(step):
    """(title, first row) of the box a backward_steps drawing highlights as its current step."""
    (current,) = [name for name in find(step, labels.CURRENT_BORDER) if "<b>" in nodes(step)[name]]  # not its Σ
    title = re.search(r"<b>(.*?)</b>", nodes(step)[current]).group(1)
    row = re.search(r'<td align="left" balign="left">(.*?)</td>', nodes(step)[current]).group(1)
    return title, row


def find(drawing, text):
    """Ids of the nodes whose attributes contain ``text``."""
    return [name for name, attrs in nodes(drawing).items() if text in attrs]


def lecture3(backward=True):
    """Lecture 3: f = (x + y) * z at x = 1, y = -3, z = 4."""
    x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    d = x + y
    d.label = "d"
    f = d * z
    f.label = "f"
    if backward:
        f.backward()
    return f, (x, y, z, d)


# ------------------------------------------------------------------------------ a two-layer model
def two_layer_model(seed=0):
    """nn.Sequential(Linear(2, 4), ReLU(), Linear(4, 3)) with weights fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    with autograd.no_grad():  # fixed weights, whatever the initialiser draws
        for _, p in model.named_parameters():
            p.data[...] = rng.normal(size=p.shape)
    return model


def mlp_loss(seed=0):
    model = two_layer_model(seed)
    rng = np.random.default_rng(seed + 1)
    x = Tensor(rng.normal(size=(5, 2)))
    target = np.array([0, 1, 2, 1, 0])
    return model, nn.functional.cross_entropy(model(x), target)


# ============================================================================ Scalar, forward
def test_lecture3_forward_nodes_edges_and_values():
    f, _ = lecture3()
    g = draw_graph(f)
    assert len(nodes(g)) == 7  # x, y, z, d, f and the two ops
    assert len(edges(g)) == 6
    assert sorted(t for t in titles(g)) == ["d", "f", "x", "y", "z"]
    source = g.source
    for text in ("data 1.0", "data -3.0", "data 4.0", "data -2.0", "data -8.0"):
        assert text in source
    assert source.count("grad 4.0") == 3  # d, x, y
    assert "grad -2.0" in source and "grad 1.0" in source
    ops = [name for name, attrs in nodes(g).items() if "ellipse" in attrs]
    assert sorted(re.search(r'label="(.)"', nodes(g)[name]).group(1) for name in ops) == ["*", "+"]


def test_forward_edges_follow_the_data():
    f, _ = lecture3()
    g = draw_graph(f)
    by_title = {re.search(r"<b>(.*?)</b>", a).group(1): n for n, a in nodes(g).items() if "<b>" in a}
    plus = next(n for n, a in nodes(g).items() if 'label="+"' in a)
    times = next(n for n, a in nodes(g).items() if 'label="*"' in a)
    pairs = {(t, h) for t, h, _ in edges(g)}
    assert {(by_title["x"], plus), (by_title["y"], plus), (plus, by_title["d"])} <= pairs
    assert {(by_title["d"], times), (by_title["z"], times), (times, by_title["f"])} <= pairs


def test_forward_colours_root_leaves_constants():
    x = Scalar(3.0, label="x")
    f = 2 * x
    f.label = "f"
    g = draw_graph(f)
    root = find(g, "<b>f</b>")[0]
    assert "#ffd966" in nodes(g)[root] and "penwidth" in nodes(g)[root]
    assert labels.LEAF in nodes(g)[find(g, "<b>x</b>")[0]]
    const = find(g, "<b>const</b>")
    assert len(const) == 1 and "dashed" in nodes(g)[const[0]] and "data 2.0" in nodes(g)[const[0]]
    assert "grad" not in nodes(g)[const[0]]


def test_forward_before_backward_shows_zero_grads_and_options():
    f, _ = lecture3(backward=False)
    assert draw_graph(f).source.count("grad 0.0") == 5
    plain = draw_graph(f, show_data=False, show_grad=False, rankdir="TB")
    assert "data" not in plain.source and "grad" not in plain.source
    assert "rankdir=TB" in plain.source


def test_non_commutative_inputs_are_named():
    a, b = Scalar(5.0, label="a"), Scalar(2.0, label="b")
    g = draw_graph(a - b)
    assert sorted(edge_labels(g)) == ["a", "b"]
    assert edge_labels(draw_graph(a + b)) == []


# ============================================================================ Scalar, backward
def test_lecture3_backward_steps_and_edge_labels():
    f, (x, y, z, d) = lecture3()
    g = draw_graph(f, mode="backward")
    assert len(nodes(g)) == 6  # the seed, MulBackward, AddBackward, three AccumulateGrad
    assert len(edges(g)) == 5
    assert titles(g).count("AccumulateGrad") == 3
    assert {"MulBackward", "AddBackward"} <= set(titles(g))
    # gradients travel root -> leaves, each edge: × local derivative → gradient sent
    assert edge_labels(g) == ["1.0", "×4.0 → 4.0", "×-2.0 → -2.0", "×1.0 → 4.0", "×1.0 → 4.0"]
    assert (x.grad, y.grad, z.grad, d.grad) == (4.0, 4.0, -2.0, 4.0)  # untouched by drawing


def test_backward_mode_does_not_touch_grad_even_before_backward():
    f, (x, y, z, d) = lecture3(backward=False)
    g = draw_graph(f, mode="backward")
    assert "×-2.0 → -2.0" in edge_labels(g)  # computed from the local derivatives
    assert (x.grad, y.grad, z.grad, d.grad, f.grad) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert edge_labels(draw_graph(f, mode="backward", show_grad=False))[1:] == ["×4.0", "×-2.0", "×1.0", "×1.0"]


def test_a_node_used_twice_sums_its_gradients():
    x = Scalar(3.0, label="x")
    f = x * x + x
    f.label = "f"
    g = draw_graph(f, mode="backward")
    sums = find(g, 'label="Σ"')
    assert len(sums) == 1 and "sum of 3 gradients" in nodes(g)[sums[0]]
    into_sum = [attrs for _, head, attrs in edges(g) if head == sums[0]]
    assert len(into_sum) == 3
    assert "sum of 3 = 7.0" in edge_labels(g)  # d(x^2 + x)/dx = 2x + 1
    assert len(find(g, "AccumulateGrad")) == 1
    assert "const" not in g.source  # no step for numbers


# ============================================================================ backward_steps
def test_backward_steps_lecture3():
    f, (x, y, z, d) = lecture3(backward=False)
    steps = backward_steps(f)
    order = [n for n in list(backward_order([f])) if n.op != "const"]
    assert len(steps) == len(order) == 5
    for k, step in enumerate(steps):
        current = find(step, labels.CURRENT_BORDER)
        assert len(current) == 1
        assert len(find(step, f'fillcolor="{labels.DONE}"')) == k
        assert step.source.count("grad ?") == 4 - k
        assert f"step {k + 1} of 5" in step.graph_attr["label"]
    # backward's own order (engine.backward_order): of d and z, both ready once f is done, the
    # one made last (z, the second input of *) goes first; then d, then y before x
    assert [current_step(step) for step in steps] == [
        ("MulBackward", "f"),
        ("AccumulateGrad", "z"),
        ("AddBackward", "d"),
        ("AccumulateGrad", "y"),
        ("AccumulateGrad", "x"),
    ]
    assert order == [f, z, d, y, x]
    # the values appear on an edge once its gradient has been sent
    assert "×4.0 → 4.0" in edge_labels(steps[1])
    assert "×1.0 → 4.0" not in edge_labels(steps[1]) + edge_labels(steps[2])  # d is complete at step 3
    assert edge_labels(steps[3]).count("×1.0 → 4.0") == 2
    assert (x.grad, y.grad, z.grad, d.grad, f.grad) == (0.0, 0.0, 0.0, 0.0, 0.0)


def test_backward_steps_tensor_and_freed_graph():
    w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = (w * w).exp()
    loss = (h + w).sum()
    steps = backward_steps(loss)
    assert len(steps) == len(list(backward_order([loss.grad_fn])))
    # Sum, Add, Exp, Mul, then w, whose sum of three gradients is completed with it
    assert [len(find(s, labels.CURRENT_BORDER)) for s in steps] == [1, 1, 1, 1, 2]
    assert any(label.startswith("sum of 3") for label in edge_labels(steps[-1]))
    order = list(backward_order([loss.grad_fn]))
    expected = [f"{n.name}Backward" if n._parents else "AccumulateGrad" for n in order]
    current = [re.search(r"<b>(.*?)</b>", nodes(s)[find(s, labels.CURRENT_BORDER)[-1]]).group(1) for s in steps]
    assert current == expected
    assert w.grad is None
    forward_steps = backward_steps(loss, mode="forward")
    assert len(forward_steps) == len(steps)
    loss.backward()
    with pytest.raises(RuntimeError, match="freed"):
        backward_steps(loss)


# ============================================================================ one order
def record_backward(monkeypatch):
    """The nodes in the order the next real ``backward()`` hands them to the chain rule."""
    seen = []
    run_backward = autograd.engine.run_backward

    def recording_run_backward(roots, grads, **options):
        assert options.get("on_node") is None  # a plain backward(): nothing else is watching
        return run_backward(roots, grads, **options, on_node=lambda node, grad: seen.append(node))

    monkeypatch.setattr(autograd.engine, "run_backward", recording_run_backward)
    return seen


def test_backward_steps_show_the_order_backward_runs_scalar_diamond(monkeypatch):
    x = Scalar(0.5, label="x")
    a = x * 3.0
    a.label = "a"
    b = a.tanh()
    b.label = "b"
    c = a * x
    c.label = "c"
    f = b + c  # a feeds b and c (a diamond), x feeds a and c
    f.label = "f"
    shown = [current_step(step)[1] for step in backward_steps(f)]
    seen = record_backward(monkeypatch)
    f.backward()
    assert [node.label for node in seen if node.op != "const"] == shown  # constants get no step
    assert shown == ["f", "c", "b", "a", "x"]  # c before b: the last input of + goes first
    assert x.grad == pytest.approx((1 - np.tanh(1.5) ** 2) * 3 + 2 * 3 * 0.5)


class Tap(autograd.Function):
    """f(x) = x, recording when backward reaches it."""

    reached = []

    @staticmethod
    def forward(ctx, x):
        return x.data.copy()

    @staticmethod
    def backward(ctx, grad):
        Tap.reached.append(ctx.name)
        return grad


def test_backward_steps_show_the_order_backward_runs_tensor_diamond(monkeypatch):
    A, B, C, D = (type(name, (Tap,), {}) for name in "ABCD")
    x = Tensor([1.0, 2.0], requires_grad=True)
    a = A.apply(x)
    b = B.apply(a * 2.0)
    c = C.apply(a.exp())
    loss = D.apply(b + c * a).sum()  # a feeds three ops, b and c meet again in D
    shown = [current_step(step)[0] for step in backward_steps(loss)]
    Tap.reached.clear()  # backward_steps ran the backward rules too (with .grad left alone)
    seen = record_backward(monkeypatch)
    loss.backward()
    assert shown == [f"{node.name}Backward" if node._parents else "AccumulateGrad" for node in seen]
    taps = {"ABackward", "BBackward", "CBackward", "DBackward"}
    assert [title for title in shown if title in taps] == [name + "Backward" for name in Tap.reached]
    assert shown == ["SumBackward", "DBackward", "AddBackward", "MulBackward", "CBackward", "ExpBackward",
                     "BBackward", "MulBackward", "ABackward", "AccumulateGrad"]  # fmt: skip
    assert np.allclose(x.grad.data, 2.0 + np.exp([1.0, 2.0]) * (1.0 + np.array([1.0, 2.0])))


# ============================================================================ Tensor graphs
def test_tensor_forward_small_values_ops_and_intermediate_grads():
    x = Tensor([1.0, 2.0], requires_grad=True)
    W = Tensor([[1.0, 0.0], [0.5, -1.0]], requires_grad=True)
    y = (W @ x).exp().log().max()
    g = draw_graph(y, params={"W": W})
    ops = [re.search(r'label="(.*?)"', a).group(1) for a in nodes(g).values() if "ellipse" in a]
    assert ops == ["max", "log", "exp", "matmul"]
    assert "(2,) float64" in g.source and "(2, 2) float64" in g.source and "scalar float64" in g.source
    assert "[1.0, 2.0]" in g.source  # small values shown
    assert labels.PARAM in nodes(g)[find(g, "<b>W</b>")[0]]
    assert labels.LEAF in nodes(g)[find(g, "<b>leaf</b>")[0]]
    assert sorted(edge_labels(g)) == ["a", "b"]  # matmul's arguments
    # intermediate gradients are computed by the drawing (W @ x = [1, -1.5]: max picks the first)
    assert "grad [1.0, 0.0]" in g.source
    assert x.grad is None and W.grad is None  # ... which leaves .grad alone
    leaf_rows = nodes(g)[find(g, "<b>leaf</b>")[0]]
    assert "grad" not in leaf_rows  # a leaf shows its .grad, still None


def test_tensor_grads_after_backward_retained_and_freed():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2.0
    y = (h * h).sum()
    y.backward(retain_graph=True)
    g = draw_graph(y)
    assert "grad [4.0, 8.0, 12.0]" in g.source  # d y / d h = 2h
    assert "grad [8.0, 16.0, 24.0]" in g.source  # x.grad
    assert "label" not in g.graph_attr
    y.backward()  # frees the graph
    freed = draw_graph(y)
    assert "grad [4.0, 8.0, 12.0]" not in freed.source
    assert "grad [16.0, 32.0, 48.0]" in freed.source  # the leaf still shows .grad
    assert "already freed" in freed.graph_attr["label"]
    back = draw_graph(y, mode="backward")
    assert "grad [16.0, 32.0, 48.0]" in back.source and "(3,)" in edge_labels(back)


def test_tensor_big_values_show_shape_dtype_and_grad_norm():
    x = Tensor(np.ones((10, 10), dtype=np.float32), requires_grad=True)
    y = (x * 3.0).sum()
    g = draw_graph(y)
    assert "(10, 10) float32" in g.source
    assert "1.0, 1.0" not in g.source
    assert "‖g‖ = 10.0" in g.source  # d y / d(x * 3) = ones, norm 10
    const = find(g, "<b>const</b>")
    assert len(const) == 1 and "3.0" in nodes(g)[const[0]]


def test_tensor_backward_shapes_values_and_sums():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = a * 3.0
    big = Tensor(np.ones((4, 4)), requires_grad=True)
    loss = (b * b).sum() + (big * 2.0).sum()
    g = draw_graph(loss, mode="backward")
    assert "SumBackward" in titles(g) and "MulBackward" in titles(g) and "AddBackward" in titles(g)
    assert titles(g).count("AccumulateGrad") == 2
    labels = edge_labels(g)
    assert "(4, 4)" in labels  # a big gradient: shape only
    # b * b sends b = [3, 6] along each of its two edges into b; their sum is d loss / d b = 2b
    assert labels.count("(2,)\\n[3.0, 6.0]") == 2
    assert "sum of 2\\n[6.0, 12.0]" in labels
    assert "(2,)\\n[18.0, 36.0]" in labels  # d loss / d a = 3 * 2b, through b = 3a
    assert a.grad is None


def test_tensor_root_with_several_elements_is_seeded_with_ones():
    x = Tensor([1.0, 2.0], requires_grad=True)
    g = draw_graph(x * x, mode="backward")
    assert edge_labels(g)[0] == "ones (2,)"
    assert "grad [2.0, 4.0]" in g.source


def test_root_without_grad_and_errors():
    t = Tensor([1.0, 2.0])
    assert len(nodes(draw_graph(t))) == 1
    assert "does not require grad" in draw_graph(t, mode="backward").source
    with pytest.raises(TypeError, match="Scalar or a Tensor"):
        draw_graph(np.ones(2))
    with pytest.raises(ValueError, match="mode"):
        draw_graph(t, mode="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(t, max_nodes=0)
    with pytest.raises(TypeError, match="params"):
        draw_graph(t, params=[t])


# ============================================================================ Module graphs
def test_module_graph_forward_and_backward_with_parameter_names():
    model, loss = mlp_loss()
    fwd = draw_graph(loss, params=model)
    names = {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert names <= set(titles(fwd))
    for name in names:
        assert labels.PARAM in nodes(fwd)[find(fwd, f"<b>{name}</b>")[0]]
    ops = {re.search(r'label="(.*?)"', a).group(1) for a in nodes(fwd).values() if "ellipse" in a}
    assert {"Linear", "relu"} <= ops  # nn.Linear is one fused Function, drawn like a built-in op
    assert "CrossEntropy" in ops  # nn's loss is a Function of its own: drawn like a built-in op
    assert "(5, 2) float64" in fwd.source  # the input batch, a constant
    assert len(find(fwd, "dashed")) >= 1
    back = draw_graph(loss, mode="backward", params=model)
    assert titles(back).count("AccumulateGrad") == 4
    accumulate = [a for a in nodes(back).values() if "AccumulateGrad" in a]
    assert all(any(f'<td align="left" balign="left">{n}</td>' in a for n in names) for a in accumulate)
    assert "ReluBackward" in titles(back) and "LinearBackward" in titles(back)
    assert all(p.grad is None for _, p in model.named_parameters())
    # the same with a dict of names, and the sizes of the edges into the first layer
    as_dict = draw_graph(loss, mode="backward", params=dict(model.named_parameters()))
    assert as_dict.source == back.source
    assert "(4, 2)" in edge_labels(back)


def test_collapse_modules_one_box_per_call():
    model, loss = mlp_loss()
    g = draw_graph(loss, params=model, collapse_modules=True)
    boxes = find(g, "box3d")
    assert len(boxes) == 3
    box_titles = sorted(re.search(r"<b>(.*?)</b>", nodes(g)[b]).group(1) for b in boxes)
    assert box_titles[0].startswith("0: ") and box_titles[1].startswith("1: ") and box_titles[2].startswith("2: ")
    assert box_titles == ["0: Linear", "1: ReLU", "2: Linear"]
    assert "params: weight, bias" in g.source
    assert "0.weight" not in g.source  # absorbed into its box
    assert "(5, 2) float64" in g.source  # the input batch stays in view
    assert len(nodes(g)) < len(nodes(draw_graph(loss, params=model)))
    # the boxes are chained in data-flow order: 0 -> 1 -> 2
    by_title = {re.search(r"<b>(.).*?</b>", nodes(g)[b]).group(1): b for b in boxes}
    pairs = {(t, h) for t, h, _ in edges(g)}
    assert (by_title["0"], by_title["1"]) in pairs and (by_title["1"], by_title["2"]) in pairs
    back = draw_graph(loss, mode="backward", params=model, collapse_modules=True)
    assert len(find(back, "box3d")) == 3 and "grads: weight, bias" in back.source
    # without params: boxes below the outermost call, named by class
    anonymous = draw_graph(loss, collapse_modules=True)
    assert len(find(anonymous, "box3d")) == 3
    assert not any(re.search(r"<b>\d: ", nodes(anonymous)[b]) for b in find(anonymous, "box3d"))


def test_collapse_counts_repeated_calls():
    layer = nn.Linear(3, 3)
    x = Tensor(np.ones((2, 3)))
    out = layer(layer(x)).sum()
    g = draw_graph(out, params={"layer.weight": layer.weight, "layer.bias": layer.bias}, collapse_modules=True)
    assert len(find(g, "box3d")) == 2
    assert "(call 2)" in g.source
    assert len(find(g, "<b>layer.weight</b>")) == 1  # used by both calls: stays outside


# ============================================================================ size, determinism
def test_max_nodes_truncates_with_a_note():
    x = Scalar(1.0, label="x")
    y = x
    for _ in range(200):
        y = y * 1.01 + x
    g = draw_graph(y, max_nodes=50)
    assert len(nodes(g)) == 51
    note = find(g, "more nodes not drawn")
    assert len(note) == 1
    total = len(nodes(draw_graph(y, max_nodes=None)))
    assert f"… {total - 50} more nodes not drawn" in nodes(g)[note[0]]
    assert any(t == note[0] for t, _, _ in edges(g))  # attached where the cut was made
    assert all(int(t[1:]) <= 50 and int(h[1:]) <= 50 for t, h, _ in edges(g))
    back = draw_graph(y, mode="backward", max_nodes=20)
    assert len(nodes(back)) == 21 and find(back, "more nodes not drawn")


def test_same_computation_same_source():
    sources = set()
    for _ in range(2):
        f, _ = lecture3()
        sources.add((draw_graph(f).source, draw_graph(f, mode="backward").source))
        model, loss = mlp_loss()
        sources.add((draw_graph(loss, params=model).source, draw_graph(loss, mode="backward", params=model).source))
    assert len(sources) == 2
    assert all(re.fullmatch(r"n\d+", name) for name in nodes(draw_graph(loss, params=model)))


# The time these take (the issue wants under a second) is measured by the benchmark suite's
# "drawing" workload, not here: timings never decide whether the tests pass.
@pytest.mark.parametrize("options", [{}, {"max_nodes": None}, {"max_nodes": None, "mode": "backward"}])
def test_ten_thousand_node_graph_draws(options):
    x = Tensor([0.5, -0.5], requires_grad=True)
    y = x
    for i in range(10_000):
        y = (y * 0.999) if i % 2 else (y + x)
    root = y.sum()
    assert len(list(backward_order([root.grad_fn]))) > 10_000
    source = draw_graph(root, **options).source
    if options.get("max_nodes", 500) is None:
        assert source.count("->") > 10_000
    else:
        assert "more nodes not drawn" in source


def test_ten_thousand_scalar_nodes_draw():
    x = Scalar(0.5, label="x")
    y = x
    for _ in range(5_000):
        y = y.tanh() + x
    assert len(list(backward_order([y]))) > 10_000
    assert draw_graph(y, max_nodes=None, mode="backward").source.count("->") > 10_000


# ============================================================================ rendering
def _program(name):
    found = viz.which_program(name)
    require(found is not None, f"{name!r} is not installed (CI installs it to test rendering)")
    return found


def _svg_texts(svg):
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")]


@pytest.mark.parametrize("program", ["dot", "graphviz-pure"])
def test_render_svg_and_png(program, tmp_path):
    _program(program)
    f, _ = lecture3()
    g = draw_graph(f, mode="backward")
    g.program = program
    texts = _svg_texts(g.pipe(format="svg"))
    assert texts.count("AccumulateGrad") == 3
    assert "×4.0 → 4.0" in texts and "×-2.0 → -2.0" in texts and "grad -2.0" in texts
    forward = draw_graph(f)
    forward.program = program
    assert {"data -8.0", "x", "+", "*"} <= set(_svg_texts(forward.pipe(format="svg", encoding="utf-8")))
    assert forward.pipe(format="png").startswith(b"\x89PNG")
    out = forward.render(outfile=tmp_path / "lecture3.svg")
    assert "data -8.0" in _svg_texts(open(out, "rb").read())
    out = forward.render(filename="lecture3", directory=tmp_path, format="png")
    assert open(out, "rb").read(4) == b"\x89PNG"
    bundle = forward._repr_mimebundle_()  # what Jupyter displays
    assert "data -8.0" in _svg_texts(bundle["image/svg+xml"].encode())
    assert "data -8.0" in _svg_texts(forward._repr_svg_().encode())
    assert forward._repr_mimebundle_(include=["image/png"])["image/png"].startswith(b"\x89PNG")


@pytest.mark.parametrize("program", ["dot", "graphviz-pure"])
def test_render_runs_the_program_on_the_dot_text(program):
    path = _program(program)
    f, _ = lecture3()
    svg = viz.render(draw_graph(f).source, "svg", program=path)
    assert {"data -8.0", "x", "+", "*"} <= set(_svg_texts(svg))
    with pytest.raises(graphviz.CalledProcessError):  # the program's own failure, with its exit status
        viz.render("digraph { a -> ", program=path, quiet=True)


def test_the_drawing_class_overrides_no_private_hook_of_graphviz():
    # rendering goes through viz.render; of graphviz.Digraph only public methods and IPython's
    # display hooks are replaced, so a new graphviz release cannot break it from inside
    own = {name for name in vars(viz.GraphDrawing) if name.startswith("_") and not name.startswith("__")}
    assert own == {"_repr_mimebundle_", "_repr_svg_"}
    assert {"pipe", "render"} <= set(vars(viz.GraphDrawing))


def test_render_module_graph_with_graphviz_pure():
    _program("graphviz-pure")
    model, loss = mlp_loss()
    g = draw_graph(loss, mode="backward", params=model, collapse_modules=True)
    g.program = "graphviz-pure"
    texts = _svg_texts(g.pipe(format="svg"))
    assert any(t.startswith("0: ") for t in texts) and "grads: weight, bias" in texts


def test_graphviz_pure_is_used_when_dot_is_missing(tmp_path, monkeypatch):
    program = _program("graphviz-pure")
    (tmp_path / "graphviz-pure").symlink_to(program)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(rendering, "interpreter_bin_dirs", lambda: [])
    assert viz.find_renderer() == str(tmp_path / "graphviz-pure")
    f, _ = lecture3()
    assert "graphviz-pure" in draw_graph(f).pipe(format="svg", encoding="utf-8")


def test_no_renderer_raises_an_error_saying_how_to_get_one(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(rendering, "interpreter_bin_dirs", lambda: [])
    assert viz.find_renderer() is None
    f, _ = lecture3()
    g = draw_graph(f)
    assert "digraph" in g.source  # the DOT text needs no program
    with pytest.raises(RendererNotFoundError) as info:
        g.pipe(format="svg")
    message = str(info.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert 'pip install "chainrule[viz]"' in message and 'pip install -e ".[viz]"' in message
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        g._repr_mimebundle_()
    g.program = "no-such-dot"
    with pytest.raises(RendererNotFoundError, match="no-such-dot"):
        g.pipe()
