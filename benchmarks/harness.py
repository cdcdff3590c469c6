"""How we time and measure: alternating rounds, paired ratios, quiet garbage collection.

The machine is shared and drifts between fast and slow phases, so an engine timed in one
block and its reference in another can differ by 30% for reasons that are not theirs.
Every workload therefore runs its engines round by round in one process (A B C, B C A,
...), and the number that matters is the median over rounds of each engine's time divided
by the reference's time *in the same round*.
"""

from __future__ import annotations

import gc
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.engines import REPO_ROOT
from benchmarks.options import log


@dataclass
class Contender:
    """One engine in one workload case.

    `run(n)` performs n iterations of the workload and returns the last iteration's result
    (a loss, a value and gradient): what the correctness check reads after timing. It must
    return plain numbers, never a graph, so nothing big stays alive between samples.
    """

    name: str
    run: Callable[[int], Any]


@dataclass
class Timing:
    """What `alternate` learnt about one contender."""

    name: str
    samples: dict[int, float] = field(default_factory=dict)  # round -> seconds per iteration
    ratios: list[float] = field(default_factory=list)  # time / reference time, same round
    iterations: int = 0  # iterations per sample, chosen at calibration
    result: Any = None
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples.values()) if self.samples else None

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    @property
    def ratio_quartiles(self) -> tuple[float, float] | None:
        """The middle half of the per-round ratios: how much the pairing still wobbles."""
        if len(self.ratios) < 2:
            return None
        q1, _, q3 = statistics.quantiles(self.ratios, n=4, method="inclusive")
        return q1, q3


def repeat(step: Callable[[], Any]) -> Callable[[int], Any]:
    """A `Contender.run` that calls `step()` n times and returns the last result."""

    def run(n: int) -> Any:
        for _ in range(n):
            result = step()
        return result

    return run


def check_then_time(
    builders: dict[str, Callable[[], Callable[[], Any]]], check_steps: int
) -> tuple[dict[str, list], list[Contender], dict[str, str]]:
    """Build each engine's step twice: the first runs `check_steps` steps whose results are
    compared across engines, the second, fresh, is what gets timed.

    Returns (results, contenders, missing); an engine that cannot be built or raises is
    missing (engine -> why) and the others go on.
    """
    results, contenders, missing = {}, [], {}
    for name, build in builders.items():
        try:
            check = build()
            results[name] = [check() for _ in range(check_steps)]
            contenders.append(Contender(name, repeat(build())))
        except Exception as e:  # missing, or unfinished: report it and time the others
            missing[name] = describe(e)
    return results, contenders, missing


def settle() -> None:
    """Call after imports and data creation, before timing anything.

    Importing torch leaves hundreds of thousands of objects that every full collection would
    walk again, slowing pure-Python engines (micrograd, our Scalar) by tens of percent merely
    because torch sits in the same process. gc.freeze() moves them out of the collector's
    sight; our own garbage is still collected.
    """
    gc.collect()
    gc.freeze()


def park(seconds: float) -> None:
    """Let the BLAS threads of the previous sample go to sleep.

    OpenBLAS (and torch's OpenMP pool) worker threads busy-wait for ~0.1 s after a call in
    case more work comes; timing the next engine meanwhile makes it compete with spinning
    threads on the same cores.
    """
    if seconds > 0:
        time.sleep(seconds)


def sample(run: Callable[[int], Any], n: int, gc_off: bool) -> tuple[float, Any]:
    """Seconds per iteration of `run(n)`, and its result.

    The garbage collector stays on by default, and the sample ends with a `gc.collect()` on
    the clock: the collections an engine's allocations trigger, and freeing its own cyclic
    garbage, are part of its cost (micrograd's graphs are reference cycles that only the
    collector frees; a graph of many Python objects makes every collection walk it). What
    must not be charged to an engine is *another* engine's garbage, so a collection before
    the sample, off the clock, starts every sample clean. After `settle()` an empty
    collection costs microseconds. With gc_off (`--gc-off`) the collector is disabled
    inside the timed region and the garbage is collected off the clock: the engines as they
    would be without a cyclic collector.
    """
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        start = time.perf_counter()
        result = run(n)
        if not gc_off:
            gc.collect()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return elapsed / n, result


def describe(exc: BaseException) -> str:
    """A one-line account of an engine's failure for the table."""
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").replace("|", "/")
    return text if len(text) <= 160 else text[:157] + "..."


def alternate(
    contenders: list[Contender],
    *,
    reference: str | None,
    rounds: int,
    min_sample: float = 0.05,
    park_s: float = 0.0,
    gc_off: bool = False,
    slow: float = 2.0,
) -> dict[str, Timing]:
    """Time every contender in `rounds` alternating rounds; pair each with the reference.

    First each contender runs once (warm-up, and the calibration that picks how many
    iterations make a sample of at least `min_sample` seconds, so the clock's resolution and
    the loop's own cost vanish). Then each round times one sample of every contender, in an
    order rotated every round so nobody always runs right after the same neighbour. A
    contender that raises (micrograd's RecursionError, an unfinished engine) is recorded and
    left out of later rounds; the others go on. A warm-up call slower than `slow` seconds
    (the 10^6-link chain) counts as that contender's round-0 sample instead of being thrown
    away, which halves the cost of the slowest cases.
    """
    timings = {c.name: Timing(c.name) for c in contenders}
    live = []
    for c in contenders:
        timing = timings[c.name]
        park(park_s)
        try:
            t, timing.result = sample(c.run, 1, gc_off)
            if t < min_sample:  # the first call may have paid one-time costs; ask again
                park(park_s)
                t = min(t, sample(c.run, 1, gc_off)[0])
        except Exception as e:
            timing.error = describe(e)
            continue
        timing.iterations = max(1, math.ceil(min_sample / max(t, 1e-9)))
        if t >= slow:  # one-time costs are noise next to this: the call is round 0's sample
            timing.samples[0] = t
        live.append(c)

    for r in range(rounds):
        shift = r % len(live) if live else 0
        for c in live[shift:] + live[:shift]:
            timing = timings[c.name]
            if timing.error or r in timing.samples:
                continue
            park(park_s)
            try:
                timing.samples[r], timing.result = sample(c.run, timing.iterations, gc_off)
            except Exception as e:
                timing.error = describe(e)

    ref = timings.get(reference) if reference else None
    for timing in timings.values():
        if ref is not None and ref.samples:
            timing.ratios = [
                t / ref.samples[r] for r, t in timing.samples.items() if r in ref.samples
            ]
    return timings


def close_failures(
    values: dict[str, Any], reference: str, *, rtol: float, atol: float, what: str
) -> dict[str, str]:
    """A message for every engine whose `what` differs from the reference engine's, each
    logged as it is found.

    Values are numbers or sequences of numbers (e.g. the losses of the first steps). An
    engine that computes something else is not just slow, it is wrong, and its timing
    means nothing: its rows are marked and the runner exits non-zero.
    """
    if reference not in values:
        return {}
    want = np.asarray(values[reference], dtype=np.float64)
    failures = {}
    for name, got in values.items():
        if name == reference:
            continue
        got = np.asarray(got, dtype=np.float64)
        if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=atol):
            failures[name] = (
                f"CHECK FAILED: {name} and {reference} disagree on {what}: "
                f"{name}={np.array2string(got, precision=8)} "
                f"{reference}={np.array2string(want, precision=8)} (rtol={rtol}, atol={atol})"
            )
            log(failures[name])
    return failures


# --- memory -----------------------------------------------------------------------------
# RSS is read from /proc/self/status (Linux), in KiB, so no psutil is needed.


def proc_status_kib(field_name: str) -> int | None:
    """A `VmRSS`/`VmHWM`-style field of /proc/self/status, in KiB (None off Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs); True if it did.

    Without the reset, VmHWM also remembers peaks from before the measured loop (imports,
    data creation); the caller then reports that the number is only an upper bound.
    """
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    hwm, rss = proc_status_kib("VmHWM"), proc_status_kib("VmRSS")
    return hwm is not None and rss is not None and hwm <= rss + 1024


def run_child(module: str, args: list[str], env: dict | None = None, timeout: float = 600) -> dict:
    """Run `python -m module args` in a fresh process; it prints one JSON line last."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env=env,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"child exited with {proc.returncode}: {tail}")
    return json.loads(lines[-1])
