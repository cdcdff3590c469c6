"""Workload 7: the small CNN of notebook 08 and one big convolution, ours against PyTorch CPU.

Three cases, each engine starting from the same float32 weights:

* **CNN step**: one training step (forward, cross-entropy, backward, SGD) of notebook 08's
  network on a batch of 64 8x8 images: Conv2d(1, 16, 3, padding=1), ReLU, MaxPool2d(2),
  Conv2d(16, 32, 3, padding=1), ReLU, MaxPool2d(2), Flatten, Linear(128, 10). Both engines
  build it from their `nn` modules, and torch's gets ours' state dict. Target: ours ≤ 2.5x torch.
* **Conv2d forward + backward**: x (64, 16, 28, 28) and 32 3x3 filters, padding 1, bias;
  `out.backward(g)` with a fixed g, gradients of x, weight and bias. Target: ours ≤ 3x torch.
* **CNN peak memory**: 20 CNN steps, each engine in a fresh process, as in `memory.py`
  (VmHWM above the RSS at the start, malloc's mmap threshold pinned). Target: ours ≤ 2x torch.

Run one memory child by hand:
    MALLOC_MMAP_THRESHOLD_=131072 python -m benchmarks.workloads.cnn --child ours
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from benchmarks import engines
from benchmarks.harness import (
    Timing,
    alternate,
    check_then_time,
    close_failures,
    describe,
    proc_status_kib,
    reset_peak_rss,
    run_child,
    settle,
)
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, missing_row, rows_from_timings

WORKLOAD = "CNN (notebook 08)"
ENGINES = ("ours", "torch")
LR = 0.01
CHECK_STEPS = 3
MEMORY_STEPS = 20
CHILD_ENV = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}


def make_cnn(m):
    """Notebook 08's network, from either engine's `nn` (the same names and arguments)."""
    return m.Sequential(
        m.Conv2d(1, 16, 3, padding=1), m.ReLU(), m.MaxPool2d(2),
        m.Conv2d(16, 32, 3, padding=1), m.ReLU(), m.MaxPool2d(2),
        m.Flatten(), m.Linear(32 * 2 * 2, 10),
    )  # fmt: skip


def cnn_state(seed=0) -> dict[str, np.ndarray]:
    """float32 initial weights for both engines, uniform in ±1/sqrt(fan_in) like PyTorch's."""
    rng = np.random.default_rng(seed)
    shapes = {"0.weight": (16, 1, 3, 3), "0.bias": (16,), "3.weight": (32, 16, 3, 3), "3.bias": (32,),
              "7.weight": (10, 128), "7.bias": (10,)}  # fmt: skip
    fans = {"0": 9, "3": 144, "7": 128}
    return {
        key: rng.uniform(-1, 1, shape).astype(np.float32) / np.float32(np.sqrt(fans[key.split(".")[0]]))
        for key, shape in shapes.items()
    }


def cnn_batch(batch=64, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (batch, 1, 8, 8)).astype(np.float32), rng.integers(0, 10, batch, dtype=np.int64)


def ours_cnn_step():
    ag, nn = engines.ours(), engines.ours_nn()
    if nn is None or not hasattr(nn, "Conv2d"):
        raise engines.Unavailable("ours: nn.Conv2d is not there")
    model = make_cnn(nn).float()
    model.load_state_dict(cnn_state())
    params = list(model.parameters())
    x, y = cnn_batch()
    xt = ag.Tensor(x)

    def step():
        loss = nn.functional.cross_entropy(model(xt), y)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad.data
            p.grad = None
        return float(loss.data)

    return step


def torch_cnn_step():
    torch = engines.torch()
    model = make_cnn(torch.nn)
    model.load_state_dict({key: torch.from_numpy(value) for key, value in cnn_state().items()})
    params = list(model.parameters())
    x, y = cnn_batch()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-LR)
                p.grad = None
        return loss.item()

    return step


def conv_arrays(seed=2):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 16, 28, 28), dtype=np.float32)
    w = rng.standard_normal((32, 16, 3, 3), dtype=np.float32) / np.float32(12.0)
    b = rng.standard_normal(32, dtype=np.float32)
    g = rng.standard_normal((64, 32, 28, 28), dtype=np.float32)
    return x, w, b, g


def ours_conv_step():
    ag, nn = engines.ours(), engines.ours_nn()
    if nn is None or not hasattr(getattr(nn, "functional", None), "conv2d"):
        raise engines.Unavailable("ours: nn.functional.conv2d is not there")
    x, w, b, g = conv_arrays()
    xt, wt, bt = (ag.Tensor(a, requires_grad=True) for a in (x, w, b))

    def step():
        out = nn.functional.conv2d(xt, wt, bt, padding=1)
        out.backward(g)
        result = [float(t.grad.data.reshape(-1)[:4].sum()) for t in (xt, wt, bt)]
        xt.grad = wt.grad = bt.grad = None
        return result

    return step


def torch_conv_step():
    torch = engines.torch()
    x, w, b, g = conv_arrays()
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    gt = torch.from_numpy(g)

    def step():
        out = torch.nn.functional.conv2d(xt, wt, bt, padding=1)
        out.backward(gt)
        result = [float(t.grad.reshape(-1)[:4].sum()) for t in (xt, wt, bt)]
        xt.grad = wt.grad = bt.grad = None
        return result

    return step


TIMED = {
    "step": ("CNN step: batch 64 of 8x8, float32, SGD", {"ours": ours_cnn_step, "torch": torch_cnn_step}, 2.5, 15),
    "conv": ("Conv2d fwd+bwd: (64, 16, 28, 28), 32 3x3 filters, padding 1", {"ours": ours_conv_step,
             "torch": torch_conv_step}, 3.0, 11),
}  # fmt: skip


def run_timed(key, opts: Options) -> list[Row]:
    label, builders, bound, rounds = TIMED[key]
    results, contenders, missing = check_then_time(builders, CHECK_STEPS)
    if key == "conv":  # compare the gradients' first entries, step by step
        results = {engine: [v for step in steps for v in step] for engine, steps in results.items()}
    failures = close_failures(results, "torch", rtol=1e-3, atol=1e-3, what=f"the first {CHECK_STEPS} results ({key})")
    settle()
    timings = alternate(
        contenders,
        reference="torch",
        rounds=opts.n_rounds(rounds, 5),
        min_sample=0.05 if opts.quick else 0.1,
        park_s=opts.park_s(0.15),
        gc_off=opts.gc_off,
    )
    rows = rows_from_timings(WORKLOAD, label, timings, reference="torch", unit="ms", scale=1e3,
                             targets={"ours": Target(bound, "torch")}, failures=failures, missing=missing)  # fmt: skip
    log_rows(rows)
    return rows


def child(engine: str, steps: int = MEMORY_STEPS) -> dict:
    """Runs inside a fresh process: peak RSS of `steps` CNN steps above the RSS at the start."""
    step = ours_cnn_step() if engine == "ours" else torch_cnn_step()
    reset = reset_peak_rss()
    baseline = proc_status_kib("VmRSS")
    losses = [step() for _ in range(steps)]
    peak = proc_status_kib("VmHWM")
    return {"engine": engine, "baseline_kib": baseline, "peak_kib": peak, "hwm_reset": reset, "last_loss": losses[-1]}


def run_memory(opts: Options) -> list[Row]:
    case = f"CNN peak RSS above start: {MEMORY_STEPS} steps, batch 64"
    measured = {e: Timing(e) for e in ENGINES}
    for r in range(opts.n_rounds(3, 1)):
        for engine in ENGINES[r % 2 :] + ENGINES[: r % 2]:
            if measured[engine].error:
                continue
            try:
                report = run_child("benchmarks.workloads.cnn", ["--child", engine], env=CHILD_ENV)
            except Exception as e:
                measured[engine].error = describe(e)
                continue
            measured[engine].samples[r] = (report["peak_kib"] - report["baseline_kib"]) / 1024
            measured[engine].result = report["last_loss"]
    ref = measured["torch"]
    for t in measured.values():
        t.ratios = [v / ref.samples[r] for r, v in t.samples.items() if r in ref.samples and ref.samples[r] > 0]
    losses = {e: t.result for e, t in measured.items() if t.result is not None}
    failures = close_failures(losses, "torch", rtol=1e-3, atol=1e-4, what=f"the loss after {MEMORY_STEPS} steps")
    ran = {e: t for e, t in measured.items() if not t.error}
    target = {"ours": Target(2.0, "torch")}
    rows = rows_from_timings(WORKLOAD, case, ran, reference="torch", unit="MiB", scale=1.0, targets=target,
                             failures=failures)  # fmt: skip
    rows += [missing_row(WORKLOAD, case, e, t.error) for e, t in measured.items() if t.error]
    log_rows(rows)
    return rows


def run(opts: Options) -> list[Row]:
    rows = []
    for key in TIMED:
        if opts.wants(key) or opts.wants(TIMED[key][0]):
            rows += run_timed(key, opts)
    if opts.wants("memory"):
        rows += run_memory(opts)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="One CNN peak-memory measurement (a child).")
    parser.add_argument("--child", choices=ENGINES, required=True)
    parser.add_argument("--steps", type=int, default=MEMORY_STEPS)
    args = parser.parse_args(argv)
    print(json.dumps(child(args.child, args.steps)))


if __name__ == "__main__":
    main()
