"""Workload 5: peak memory of 20 large-MLP training steps, each engine in a fresh process.

A fresh process per measurement, because peak RSS is a property of a whole process: an
engine measured after another would inherit its heap. Each child imports only its own
engine, builds the weights and the batch, then reads its RSS (the baseline) and resets the
high-water mark to it (`/proc/self/clear_refs`, Linux >= 4.0; where that is refused VmHWM
still remembers the import's peak and the note says the number is an upper bound). After
20 steps of `tensor_mlp`'s large case it reports VmHWM - baseline: the memory the training
itself needed at its worst moment. The garbage collector is left on, as a user has it.

The children run with MALLOC_MMAP_THRESHOLD_=131072: glibc's default threshold, pinned.
Left to itself, glibc raises the threshold after the first large free (up to 32 MiB), and
from then on large arrays live on the heap, whose freed pages often stay resident; the
RSS then tells what the allocator kept, and depends on what the process happened to free
before the baseline (we saw a 2x swing between two engines from that alone). Pinned, every
array above 128 KiB is its own mapping and returns to the OS when freed, so the peak RSS
follows the memory the engine really held.

Run one child by hand (with the parent's allocator setting, see below):
    MALLOC_MMAP_THRESHOLD_=131072 python -m benchmarks.workloads.memory --child ours
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

from benchmarks.harness import Timing, close_failures, describe, proc_status_kib, reset_peak_rss, run_child
from benchmarks.options import Options
from benchmarks.report import Row, Target, log_rows, missing_row, rows_from_timings

WORKLOAD = "peak RSS above start"
STEPS = 20
ENGINES = ("numpy", "ours", "ours (compiled)", "torch")  # a replay must not need more than ours
REFERENCE = "numpy"
CHILD_ENV = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}


def child(engine: str, opts: Options, steps: int = STEPS) -> dict:
    """Runs inside the fresh process; returns what the parent needs, in KiB."""
    from benchmarks.workloads import tensor_mlp

    case = next(c for c in tensor_mlp.CASES if c.name == "large")
    step = tensor_mlp.build(engine, case, opts)
    reset = reset_peak_rss()
    baseline = proc_status_kib("VmRSS")
    losses = [step() for _ in range(steps)]
    peak = proc_status_kib("VmHWM")
    return {"engine": engine, "baseline_kib": baseline, "peak_kib": peak,
            "hwm_reset": reset, "last_loss": losses[-1]}


def run(opts: Options) -> list[Row]:
    case = f"{STEPS} steps of the large MLP (batch 512, 784-1024-1024-10)"
    if not opts.wants("large"):
        return []
    # Timing is reused as "one measurement per round": here its samples are MiB, not seconds.
    measured = {e: Timing(e) for e in ENGINES}
    reports = {}
    n_rounds = opts.n_rounds(3, 1)
    for r in range(n_rounds):
        order = ENGINES[r % len(ENGINES):] + ENGINES[:r % len(ENGINES)]
        for engine in order:
            if measured[engine].error:
                continue
            args = ["--child", engine, "--options", json.dumps(opts.to_json())]
            try:
                report = run_child("benchmarks.workloads.memory", args, env=CHILD_ENV)
            except Exception as e:
                measured[engine].error = describe(e)
                continue
            reports.setdefault(engine, []).append(report)
            measured[engine].samples[r] = (report["peak_kib"] - report["baseline_kib"]) / 1024
            measured[engine].result = report["last_loss"]
    ref = measured[REFERENCE]
    for t in measured.values():
        t.ratios = [v / ref.samples[r] for r, v in t.samples.items() if r in ref.samples]

    losses = {e: t.result for e, t in measured.items() if t.result is not None}
    failures = close_failures(losses, REFERENCE, rtol=1e-3, atol=1e-4,
                              what=f"the loss after {STEPS} steps")
    rows = rows_from_timings(WORKLOAD, case, {e: t for e, t in measured.items() if not t.error},
                             reference=REFERENCE, unit="MiB", scale=1.0,
                             targets={"ours": Target(1.5, REFERENCE)}, failures=failures)
    for row in rows:
        engine_reports = reports.get(row.engine, [])
        if engine_reports:
            base = statistics.median(rep["baseline_kib"] for rep in engine_reports) / 1024
            row.notes.append(f"RSS at start {base:.0f} MiB")
        if any(not rep["hwm_reset"] for rep in engine_reports):
            row.notes.append("VmHWM could not be reset: an upper bound")
    rows += [missing_row(WORKLOAD, case, e, t.error, Target(1.5, REFERENCE) if e == "ours"
                         else None) for e, t in measured.items() if t.error]
    log_rows(rows)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="One peak-memory measurement (a child).")
    parser.add_argument("--child", choices=ENGINES, required=True)
    parser.add_argument("--options", default="{}", help="Options as JSON (from the parent)")
    parser.add_argument("--steps", type=int, default=STEPS)
    args = parser.parse_args(argv)
    opts = Options.from_json(json.loads(args.options))
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        print("note: MALLOC_MMAP_THRESHOLD_ is not set; the peak may reflect glibc's heap "
              "rather than the engine (see this module's docstring)", file=sys.stderr)
    print(json.dumps(child(args.child, opts, args.steps)))


if __name__ == "__main__":
    main()
