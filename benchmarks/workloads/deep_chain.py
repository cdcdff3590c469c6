"""Workload 2: a deep chain `y = y * 1.0001 + 0.0001`, N links, then backward.

This is the graph a recursive topological sort cannot walk: depth 2N. micrograd's
`build_topo` recurses once per node, so it dies of RecursionError as soon as 2N passes
Python's recursion limit (1000 by default), which we report as "dies at N" rather than
raising the limit for it. The time covers building the chain and the backward pass (and
freeing the graph, which every engine must also do), reported per link.

All engines use float64 and must agree with the closed form: dy/dx = 1.0001^N and
y = 2 * 1.0001^N - 1 for x = 1.
"""

from __future__ import annotations

import functools

import numpy as np

from benchmarks import engines
from benchmarks.harness import Contender, alternate, close_failures, repeat, settle
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, missing_row, rows_from_timings

WORKLOAD = "deep chain"
A, B = 1.0001, 0.0001
FULL_NS = (10**3, 10**4, 10**5, 10**6)
QUICK_NS = (10**3, 10**4, 10**5)
ROUNDS = {10**3: (9, 3), 10**4: (9, 3), 10**5: (3, 1), 10**6: (3, 1)}  # N -> (full, quick)
# 10^6 takes ~20-30 s per engine, so its warm-up call is the first round (harness.alternate);
# three rounds, because with one the ratio to torch swung by several percent from run to run
TARGET_N = 10**6  # the target is judged at this depth only


def chain_ours_scalar(N):
    x = engines.ours().Scalar(1.0)
    y = x
    for _ in range(N):
        y = y * A + B
    y.backward()
    return y.data, x.grad


def chain_ours_tensor(N):
    x = engines.ours().Tensor(1.0, requires_grad=True)  # 0-d, float64
    y = x
    for _ in range(N):
        y = y * A + B
    y.backward()
    return float(y.data), float(x.grad.data)


def chain_torch(N):
    torch = engines.torch()
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(N):
        y = y * A + B
    y.backward()
    return y.item(), x.grad.item()


def chain_micrograd(N):
    x = engines.micrograd()[0].Value(1.0)
    y = x
    for _ in range(N):
        y = y * A + B
    y.backward()
    return y.data, x.grad


ENGINES = {
    "torch": (chain_torch, engines.torch),
    "ours (Scalar)": (chain_ours_scalar, engines.ours),
    "ours (Tensor)": (chain_ours_tensor, engines.ours),
    "micrograd": (chain_micrograd, engines.micrograd),
}


def exact(N) -> tuple[float, float]:
    grad = A**N
    return 2 * grad - 1, grad


def deepest_survived(chain, dies_at: int) -> int:
    """Bisect the largest N for which `chain(N)` does not raise RecursionError."""
    lo, hi = 0, dies_at  # chain(lo) works, chain(hi) dies
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            chain(mid)
            lo = mid
        except RecursionError:
            hi = mid
    return lo


def run(opts: Options) -> list[Row]:
    rows = []
    missing = {}
    for name, (_, load) in ENGINES.items():
        try:
            load()
        except engines.Unavailable as e:
            missing[name] = str(e)
    died = {}  # engine -> N where it died; it is not tried deeper
    for N in QUICK_NS if opts.quick else FULL_NS:
        case = f"N = 10^{round(np.log10(N))}"
        if not opts.wants(case):
            continue
        contenders = [
            Contender(name, repeat(functools.partial(f, N)))
            for name, (f, _) in ENGINES.items()
            if name not in missing and name not in died
        ]
        settle()
        timings = alternate(
            contenders,
            reference="torch",
            rounds=opts.n_rounds(*ROUNDS[N]),
            min_sample=0.05,
            park_s=opts.park_s(0.0),
            gc_off=opts.gc_off,
        )
        values = {"exact": exact(N)}
        values |= {name: t.result for name, t in timings.items() if t.error is None}
        failures = close_failures(values, "exact", rtol=1e-8, atol=0.0,
                                  what=f"(y, dy/dx) at N={N}")
        targets = {}
        if N == TARGET_N:
            targets = {name: Target(1.0, "torch") for name in ENGINES if name.startswith("ours")}
        case_rows = rows_from_timings(WORKLOAD, case, timings, reference="torch",
                                      unit="µs/link", scale=1e6 / N, targets=targets,
                                      failures=failures)
        for row in case_rows:
            if row.value is None and any("Recursion" in n for n in row.notes):
                died[row.engine] = N
                row.notes = [f"dies at N={N} (RecursionError in backward)"]
                if N <= 1000:  # cheap to say how deep it does get
                    deepest = deepest_survived(ENGINES[row.engine][0], N)
                    row.notes.append(f"the deepest chain it survives is N={deepest}")
        rows += case_rows
        log_rows(case_rows)
    rows += [missing_row(WORKLOAD, "all N", name, why) for name, why in missing.items()]
    if opts.quick and not opts.cases:
        rows.append(Row(WORKLOAD, f"N = 10^{round(np.log10(TARGET_N))}", "ours", None, "",
                        target=str(Target(1.0, "torch")),
                        notes=["not run in --quick mode; the target is judged here"]))
    return rows
