"""Workload 6: the DOT source of a 10^4-node graph, which the drawing issue wants under a second.

There is no peer that draws autograd graphs the same way, so this row has an absolute target
instead of a ratio: the median time of ``draw_graph(root, ...).source`` over a few rounds.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.options import Options
from benchmarks.report import Row

WORKLOAD = "drawing (DOT source)"
CASES = {
    "10^4-node Tensor graph, default max_nodes": {},
    "10^4-node Tensor graph, forward, no limit": {"max_nodes": None},
    "10^4-node Tensor graph, backward, no limit": {"max_nodes": None, "mode": "backward"},
}


def _graph():
    from autograd import Tensor

    x = Tensor([0.5, -0.5], requires_grad=True)
    y = x
    for i in range(10_000):
        y = (y * 0.999) if i % 2 else (y + x)
    return y.sum()


def run(opts: Options) -> list[Row]:
    from autograd import draw_graph

    root = _graph()
    rows = []
    for case, options in CASES.items():
        times = []
        for _ in range(3 if opts.quick else 7):
            start = time.perf_counter()
            _ = draw_graph(root, **options).source
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        rows.append(Row(WORKLOAD, case, "ours", median * 1e3, "ms", target="< 1000 ms", met=median < 1.0,
                        rounds=len(times)))
    return rows
