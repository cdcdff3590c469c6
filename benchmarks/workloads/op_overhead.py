"""Workload 4: the fixed cost of one op on tiny (4, 4) float32 tensors.

On 16 numbers the arithmetic is free, so what is timed is everything around it: wrapping,
dispatch, dtype and shape bookkeeping, recording the graph, and the backward driver. Three
modes per op:

- forward: plain tensors, no graph (the cost of the op itself);
- forward, inputs require grad: the same op while recording the graph (what training pays);
- forward + backward: `(a op b).sum().backward()`, then both `.grad` cleared (set to None,
  as `zero_grad` does in PyTorch 2), so no engine pays for accumulating.

A fourth case, "forward + backward, compiled", runs the same step under `autograd.compile`
(traced once, then replayed as NumPy code) against the NumPy floor.

The NumPy rows are floors: the bare `a + b`, and a hand-written backward (the ones of the
sum's gradient, `g @ b.T` and `a.T @ g` for the product). The reference is torch, because
the targets are stated against it.
"""

from __future__ import annotations

import operator

import numpy as np

from benchmarks import engines
from benchmarks.harness import Contender, alternate, close_failures, describe, settle
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, rows_from_timings

WORKLOAD = "op overhead (4, 4) f32"
OPS = {"a + b": operator.add, "a @ b": operator.matmul}
MODES = ("forward", "forward, inputs require grad", "forward + backward")
TARGETS = {
    ("a + b", "forward"): Target(1.0, "torch"),
    ("a + b", "forward + backward"): Target(1 / 3, "torch", "1/3"),
}


def operands(seed=0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((4, 4), dtype=np.float32),
            rng.standard_normal((4, 4), dtype=np.float32))


def numpy_run(op_name, mode, A, B):
    """The floor: NumPy doing only the arithmetic the mode needs."""
    op, a, b = OPS[op_name], A.copy(), B.copy()
    if mode != "forward + backward":
        def run(n):
            for _ in range(n):
                c = op(a, b)
            return (c,)
        return run

    def run(n):
        for _ in range(n):
            c = op(a, b)
            c.sum()  # the loss, which an engine computes too
            g = np.ones(c.shape, dtype=c.dtype)  # d sum / d c
            if op is operator.add:
                ga = gb = g
            else:
                ga, gb = g @ b.T, a.T @ g
        return c, ga, gb

    return run


def graph_run(tensor, op_name, mode, A, B, to_numpy):
    """torch and ours share the code: both spell these steps the same way."""
    op = OPS[op_name]
    needs_grad = mode != "forward"
    a = tensor(A.copy(), requires_grad=needs_grad)
    b = tensor(B.copy(), requires_grad=needs_grad)
    if mode != "forward + backward":
        def run(n):
            for _ in range(n):
                c = op(a, b)
            return (to_numpy(c),)
        return run

    def run(n):
        for _ in range(n):
            c = op(a, b)
            c.sum().backward()
            ga, gb = a.grad, b.grad
            a.grad = None
            b.grad = None
        return to_numpy(c), to_numpy(ga), to_numpy(gb)

    return run


def torch_run(op_name, mode, A, B):
    torch = engines.torch()
    return graph_run(lambda x, requires_grad: torch.tensor(x, requires_grad=requires_grad),
                     op_name, mode, A, B, lambda t: t.detach().numpy())


def ours_run(op_name, mode, A, B):
    Tensor = engines.ours().Tensor
    return graph_run(Tensor, op_name, mode, A, B, lambda t: np.asarray(t.data))


def compiled_run(op_name, mode, A, B):
    """Ours with `op(a, b).sum().backward()` under `autograd.compile`: one replayed program."""
    ag = engines.ours()
    if not hasattr(ag, "compile"):
        raise engines.Unavailable("ours: autograd.compile is not there")
    op = OPS[op_name]
    a = ag.Tensor(A.copy(), requires_grad=True)
    b = ag.Tensor(B.copy(), requires_grad=True)

    @ag.compile
    def forward_backward():
        c = op(a, b)
        c.sum().backward()
        return c

    def run(n):
        for _ in range(n):
            c = forward_backward()
            ga, gb = a.grad, b.grad
            a.grad = None
            b.grad = None
        return np.asarray(c.data), np.asarray(ga.data), np.asarray(gb.data)

    return run


BUILDERS = {"torch": torch_run, "numpy": numpy_run, "ours": ours_run}
# The compiled program against the hand-written NumPy floor, in a case of its own (its target
# is against NumPy, the others' against torch).
COMPILED_MODE = "forward + backward, compiled"
COMPILED_TARGETS = {"a + b": Target(2.0, "numpy")}


def run(opts: Options) -> list[Row]:
    A, B = operands()
    rows = []
    for op_name in OPS:
        for mode in MODES + (COMPILED_MODE,):
            case = f"{op_name}, {mode}"
            if not opts.wants(case):
                continue
            compiled = mode == COMPILED_MODE
            builders = {"numpy": numpy_run, "ours (compiled)": compiled_run} if compiled else BUILDERS
            contenders, results, missing = [], {}, {}
            for engine, builder in builders.items():
                try:
                    fn = builder(op_name, "forward + backward" if compiled else mode, A, B)
                    results[engine] = np.concatenate([np.ravel(v) for v in fn(1)])
                    contenders.append(Contender(engine, fn))
                except Exception as e:
                    missing[engine] = describe(e)
            failures = close_failures(results, "numpy", rtol=1e-6, atol=1e-6,
                                      what=f"the values and gradients of {case}")
            settle()
            reference = "numpy" if compiled else "torch"
            timings = alternate(
                contenders,
                reference=reference,
                rounds=opts.n_rounds(21, 5),
                min_sample=0.02,
                park_s=opts.park_s(0.0),  # 16 numbers never wake a BLAS thread pool
                gc_off=opts.gc_off,
            )
            if compiled:
                targets = {"ours (compiled)": COMPILED_TARGETS[op_name]} if op_name in COMPILED_TARGETS else {}
            else:
                target = TARGETS.get((op_name, mode))
                targets = {"ours": target} if target else {}
            case_rows = rows_from_timings(
                WORKLOAD, case, timings, reference=reference, unit="µs", scale=1e6,
                targets=targets, failures=failures, missing=missing,
            )
            log_rows(case_rows)
            rows += case_rows
    return rows
