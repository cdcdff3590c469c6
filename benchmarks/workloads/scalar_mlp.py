"""Workload 1: micrograd's own demo, one full-batch SGD step, ours as `autograd.Scalar`.

The step is micrograd's demo.ipynb verbatim in its essentials: a 2-16-16-1 ReLU MLP on
100 two-moons points, max-margin loss `relu(1 - y * score)` averaged, plus 1e-4 times the
sum of squared weights, backward, and SGD with the notebook's decaying learning rate.
micrograd runs its own `micrograd.nn.MLP`; ours runs the same code line for line
(`ScalarMLP` below) with `autograd.Scalar` in place of `micrograd.engine.Value`, so the two
graphs have the same nodes in the same order. Both start from the same weights.

One deliberate difference from the notebook: the inputs and labels are Python floats, not
NumPy scalars. The notebook's NumPy scalars would make every input multiplication go
through NumPy's scalar machinery, which measures NumPy rather than either engine.
"""

from __future__ import annotations

import functools

import numpy as np

from benchmarks import engines
from benchmarks.harness import alternate, check_then_time, close_failures, settle
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, rows_from_timings

WORKLOAD = "scalar MLP step"
CASE = "micrograd demo: 2-16-16-1, 100 moons"
SIZES = (2, 16, 16, 1)
ALPHA = 1e-4  # L2 strength in the demo
CHECK_STEPS = 3


def make_moons(n=100, noise=0.1, seed=0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (sklearn's make_moons), labels -1/+1, as Python floats."""
    rng = np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1),
    ])
    X += rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([-np.ones(n_out), np.ones(n_in)])
    order = rng.permutation(n)
    return X[order].tolist(), y[order].tolist()


def init_weights(sizes=SIZES, seed=0) -> list[float]:
    """All parameters in micrograd's order (layer by layer, neuron by neuron: w..., b).

    Weights uniform in (-1, 1) and biases 0, as micrograd.nn.Neuron initialises them.
    """
    rng = np.random.default_rng(seed)
    flat = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        for _ in range(n_out):
            flat += rng.uniform(-1, 1, size=n_in).tolist() + [0.0]
    return flat


class ScalarMLP:
    """micrograd.nn.MLP line for line, over any scalar value class (ours: autograd.Scalar)."""

    def __init__(self, value_cls, sizes, flat_weights):
        it = iter(flat_weights)
        self.layers = []  # per layer: a list of (weights, bias) per neuron
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            layer = []
            for _ in range(n_out):
                w = [value_cls(next(it)) for _ in range(n_in)]
                layer.append((w, value_cls(next(it))))
            self.layers.append(layer)

    def __call__(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for w, b in layer:
                act = sum((wi * xi for wi, xi in zip(w, x, strict=False)), b)  # as micrograd
                out.append(act.relu() if i != last else act)
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self):
        return [p for layer in self.layers for w, b in layer for p in w + [b]]


def demo_step(model, params, value_cls, X, y):
    """Returns `step() -> (loss, accuracy)`: the notebook's loss(), backward and update."""
    k = 0

    def step():
        nonlocal k
        inputs = [list(map(value_cls, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total_loss = data_loss + reg_loss
        accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, scores, strict=True)) / len(y)

        for p in params:  # model.zero_grad()
            p.grad = 0.0
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * (k % 100) / 100  # the demo's schedule, restarted
        for p in params:
            p.data -= learning_rate * p.grad
        k += 1
        return total_loss.data, accuracy

    return step


def micrograd_step(X, y, flat):
    _, mg_nn = engines.micrograd()
    model = mg_nn.MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    for p, v in zip(params, flat, strict=True):
        p.data = v
    return demo_step(model, params, engines.micrograd()[0].Value, X, y)


def ours_step(X, y, flat):
    Scalar = engines.ours().Scalar
    model = ScalarMLP(Scalar, SIZES, flat)
    return demo_step(model, model.parameters(), Scalar, X, y)


BUILDERS = {"micrograd": micrograd_step, "ours (Scalar)": ours_step}


def run(opts: Options) -> list[Row]:
    if not opts.wants(CASE):
        return []
    X, y = make_moons()
    flat = init_weights()
    results, contenders, missing = check_then_time(
        {engine: functools.partial(builder, X, y, flat) for engine, builder in BUILDERS.items()}, CHECK_STEPS
    )
    failures = close_failures(results, "micrograd", rtol=1e-9, atol=1e-12,
                              what=f"(loss, accuracy) of the first {CHECK_STEPS} steps")
    settle()
    timings = alternate(
        contenders,
        reference="micrograd",
        rounds=opts.n_rounds(11, 3),
        min_sample=0.2 if not opts.quick else 0.1,
        park_s=opts.park_s(0.0),  # pure Python: no BLAS threads to wait for
        gc_off=opts.gc_off,
    )
    target = Target(1 / 3, "micrograd", "1/3")
    rows = rows_from_timings(WORKLOAD, CASE, timings, reference="micrograd", unit="ms",
                             scale=1e3, targets={"ours (Scalar)": target}, failures=failures,
                             missing=missing)
    log_rows(rows)
    return rows
