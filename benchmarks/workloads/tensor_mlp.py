"""Workload 3: one float32 training step of a ReLU MLP (forward, cross-entropy, backward, SGD).

Every engine starts from the same float32 weights and trains on the same batch; before
timing, each takes a few steps from those weights and the losses must agree. The
hand-written NumPy version (`numpy_mlp.py`) is the reference: it is what an engine built
on NumPy could at best do, so the ratio to it is the engine's overhead. The "ours (compiled)"
row runs the same forward and backward under `autograd.compile` (traced once, replayed as
NumPy code), with the same manual SGD update.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from benchmarks import engines
from benchmarks.harness import alternate, check_then_time, close_failures, settle
from benchmarks.numpy_mlp import NumpyMLP
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, rows_from_timings

WORKLOAD = "tensor MLP step"
LR = 0.01  # small enough that thousands of timing steps on one batch stay finite
CHECK_STEPS = 3


@dataclass(frozen=True)
class Case:
    name: str
    batch: int
    sizes: tuple[int, ...]
    bound: float  # target: ours ≤ bound × numpy
    rounds: int  # full mode; quick mode uses fewer
    compiled_bound: float = 1.0  # target: ours (compiled) ≤ compiled_bound × numpy

    @property
    def label(self) -> str:
        return f"{self.name}: batch {self.batch}, {'-'.join(map(str, self.sizes))}"


CASES = [
    Case("tiny", 16, (2, 16, 16, 3), 2.0, rounds=15, compiled_bound=1.5),
    Case("medium", 128, (784, 256, 10), 1.15, rounds=15, compiled_bound=1.05),
    Case("large", 512, (784, 1024, 1024, 10), 1.05, rounds=11, compiled_bound=1.02),
]


def init_params(sizes, seed=0) -> list[tuple[np.ndarray, np.ndarray]]:
    """float32 (W, b) per layer, uniform in ±1/sqrt(fan_in) like torch.nn.Linear."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1.0 / np.sqrt(n_in)
        W = rng.uniform(-bound, bound, size=(n_in, n_out)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=n_out).astype(np.float32)
        params.append((W, b))
    return params


def make_batch(batch, n_in, n_classes, seed=1) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal float32 inputs and int64 labels; the data's meaning is irrelevant."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n_in), dtype=np.float32)
    y = rng.integers(0, n_classes, size=batch, dtype=np.int64)
    return x, y


# --- one `step() -> loss` per engine -------------------------------------------------------


def numpy_step(params, x, y, lr, opts: Options):
    return NumpyMLP(params, x, y, lr).step


def fused_cross_entropy():
    """nn.functional.cross_entropy if our nn has it yet, else None."""
    return getattr(getattr(engines.ours_nn(), "functional", None), "cross_entropy", None)


def ours_variant(opts: Options) -> str:
    """Which loss and update ours ran, for the table: they change what is measured."""
    fused = opts.ours_loss != "composed" and fused_cross_entropy() is not None
    loss = "nn.functional.cross_entropy" if fused else "log_softmax + index + mean"
    if getattr(getattr(engines.ours_nn(), "functional", None), "linear", None) is not None:
        loss = "nn.functional.linear; " + loss
    update = "nn.optim.SGD" if opts.ours_sgd == "nn" else "manual SGD"
    return f"{loss}; {update}"


def ours_step(params, x, y, lr, opts: Options):
    """Our engine through its public API only (API.md)."""
    ag = engines.ours()
    nn = engines.ours_nn()
    Ws = [(ag.Tensor(W.copy(), requires_grad=True), ag.Tensor(b.copy(), requires_grad=True))
          for W, b in params]
    xt = ag.Tensor(x)
    yt = ag.Tensor(y)
    rows = np.arange(len(y))
    last = len(Ws) - 1

    fused = fused_cross_entropy()
    if opts.ours_loss == "fused" and fused is None:
        raise engines.Unavailable("ours: nn.functional.cross_entropy is not there (--ours-loss)")
    if opts.ours_loss == "composed" or fused is None:
        def loss_fn(logits):
            return -(logits.log_softmax(axis=-1)[rows, y]).mean()
    else:
        def loss_fn(logits):
            return fused(logits, yt)

    linear = getattr(getattr(nn, "functional", None), "linear", None)
    if linear is not None:
        # as users run it: nn.Linear's fused layer, weight stored (out, in) like torch's
        layers = [(ag.Tensor(np.ascontiguousarray(W.data.T), requires_grad=True), b) for W, b in Ws]
    else:
        layers = None
    # the parameters the step actually uses, settled before an optimiser takes its own list
    flat = [p for pair in (layers or Ws) for p in pair]

    if opts.ours_sgd == "nn":
        if nn is None or not hasattr(getattr(nn, "optim", None), "SGD"):
            raise engines.Unavailable("ours: nn.optim.SGD is not there (--ours-sgd nn)")
        opt = nn.optim.SGD(flat, lr=lr)

        def update():
            opt.step()
            opt.zero_grad()
    else:
        def update():
            for p in flat:
                p.data -= lr * p.grad.data
                p.grad = None

    def step():
        h = xt
        for i, (W, b) in enumerate(layers or Ws):
            h = linear(h, W, b) if layers else h @ W + b
            if i < last:
                h = h.relu()
        loss = loss_fn(h)
        loss.backward()
        update()
        return float(loss.data)

    return step


def compiled_step(params, x, y, lr, opts: Options):
    """Ours with the forward and backward under `autograd.compile` (traced once, then replayed);
    the SGD update outside it, in place as the NumPy floor does it (scaling the fresh gradient
    buffer instead of allocating `lr * grad`: on the medium case that allocation alone costs
    about as much as the rest of the step)."""
    ag = engines.ours()
    nn = engines.ours_nn()
    if not hasattr(ag, "compile"):
        raise engines.Unavailable("ours: autograd.compile is not there")
    F = nn.functional
    layers = [(ag.Tensor(np.ascontiguousarray(W.T), requires_grad=True),
               ag.Tensor(b.copy(), requires_grad=True)) for W, b in params]
    flat = [p for pair in layers for p in pair]
    xt, yt = ag.Tensor(x), ag.Tensor(y)
    last = len(layers) - 1

    @ag.compile
    def forward_backward(h, labels):
        for i, (W, b) in enumerate(layers):
            h = F.linear(h, W, b)
            if i < last:
                h = h.relu()
        loss = F.cross_entropy(h, labels)
        loss.backward()
        return loss

    def step():
        loss = forward_backward(xt, yt)
        for p in flat:
            grad = p.grad.data  # the program's own fresh array: safe to scale in place
            grad *= lr
            p.data -= grad
            p.grad = None
        return float(loss.data)

    return step


def torch_step(params, x, y, lr, opts: Options):
    """PyTorch as its users write it: addmm (what nn.Linear runs), fused cross_entropy."""
    torch = engines.torch()
    F = torch.nn.functional
    Ws = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
          for W, b in params]
    flat = [p for pair in Ws for p in pair]
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    last = len(Ws) - 1

    def step():
        h = xt
        for i, (W, b) in enumerate(Ws):
            h = torch.addmm(b, h, W)
            if i < last:
                h = h.relu()
        loss = F.cross_entropy(h, yt)
        loss.backward()
        with torch.no_grad():
            for p in flat:
                p.add_(p.grad, alpha=-lr)
                p.grad = None
        return loss.item()

    return step


BUILDERS = {"numpy": numpy_step, "ours": ours_step, "ours (compiled)": compiled_step, "torch": torch_step}


def build(engine: str, case: Case, opts: Options):
    """A fresh `step` for one engine on one case, from the shared initial weights."""
    params = init_params(case.sizes)
    x, y = make_batch(case.batch, case.sizes[0], case.sizes[-1])
    return BUILDERS[engine](params, x, y, LR, opts)


def run(opts: Options) -> list[Row]:
    rows = []
    for case in CASES:
        if not opts.wants(case.name):
            continue
        target = Target(case.bound, "numpy")
        losses, contenders, missing = check_then_time(
            {engine: functools.partial(build, engine, case, opts) for engine in BUILDERS}, CHECK_STEPS
        )
        failures = close_failures(losses, "numpy", rtol=1e-4, atol=1e-5,
                                  what=f"the first {CHECK_STEPS} losses ({case.name})")
        settle()
        timings = alternate(
            contenders,
            reference="numpy",
            rounds=opts.n_rounds(case.rounds, 5),
            min_sample=0.05 if opts.quick else 0.1,
            park_s=opts.park_s(0.15),
            gc_off=opts.gc_off,
        )
        case_rows = rows_from_timings(
            WORKLOAD, case.label, timings, reference="numpy", unit="ms", scale=1e3,
            targets={"ours": target, "ours (compiled)": Target(case.compiled_bound, "numpy")},
            failures=failures, missing=missing,
        )
        for row in case_rows:
            if row.engine == "ours" and row.value is not None:
                row.notes.append(ours_variant(opts))
            if row.engine == "ours (compiled)" and row.value is not None:
                row.notes.append("autograd.compile; SGD in place, as numpy")
        log_rows(case_rows)
        rows += case_rows
    return rows
