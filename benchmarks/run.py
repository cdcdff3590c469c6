"""The command line: run the workloads, print the markdown table, write results/latest.md.

    python -m benchmarks                 # everything, ~5 minutes
    python -m benchmarks --quick         # a smoke run, under a minute
    python -m benchmarks -w tensor_mlp --cases tiny,medium
    python benchmarks/run.py --list

Each workload runs in a worker process of its own (all its engines inside that one
process, alternating), so an engine that crashes the interpreter (a segfault freeing a
deep graph, say) costs one workload's rows, not the whole report, and no workload
inherits another's heap or imported modules. `--in-process` runs them here instead, for
debugging and profiling.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import engines, machine  # noqa: E402
from benchmarks.options import Options, log  # noqa: E402
from benchmarks.report import Row, markdown_table  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark our autograd engine against NumPy, PyTorch and micrograd.",
    )
    p.add_argument("-w", "--workload", action="append", choices=list(WORKLOADS),
                   help="run only this workload (repeatable); default: all")
    p.add_argument("--cases", default="",
                   help="comma-separated substrings; run only cases whose name contains one "
                        "(e.g. 'tiny,10^4')")
    p.add_argument("--quick", action="store_true",
                   help="fewer rounds, no 10^6 chain: a smoke run under a minute")
    p.add_argument("--rounds", type=int, help="override the number of alternating rounds")
    p.add_argument("--gc-off", action="store_true",
                   help="disable the garbage collector inside timed regions (default: on, "
                        "as users run; see README)")
    p.add_argument("--park", type=float,
                   help="override the seconds slept before each sample (BLAS threads)")
    p.add_argument("--ours-loss", choices=["auto", "fused", "composed"], default="auto",
                   help="ours' cross-entropy: nn.functional.cross_entropy (fused), "
                        "log_softmax + indexing + mean (composed), or fused when it exists")
    p.add_argument("--ours-sgd", choices=["manual", "nn"], default="manual",
                   help="ours' update: p.data -= lr * p.grad.data (manual) or nn.optim.SGD")
    p.add_argument("--in-process", action="store_true",
                   help="run workloads in this process instead of one worker each")
    p.add_argument("--write", metavar="PATH",
                   help="write the report here (default: benchmarks/results/latest.md, "
                        "and only after a full run of every workload)")
    p.add_argument("--no-write", action="store_true", help="never write a report file")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("--worker", help=argparse.SUPPRESS)  # internal: run one workload
    p.add_argument("--json", help=argparse.SUPPRESS)  # internal: where the worker's rows go
    return p.parse_args(argv)


def options_from(args) -> Options:
    return Options(
        quick=args.quick,
        rounds=args.rounds,
        gc_off=args.gc_off,
        park=args.park,
        cases=tuple(c.strip() for c in args.cases.split(",") if c.strip()),
        ours_loss=args.ours_loss,
        ours_sgd=args.ours_sgd,
    )


def run_here(name: str, opts: Options) -> list[Row]:
    module = importlib.import_module(f"benchmarks.workloads.{name}")
    return module.run(opts)


def run_worker(name: str, opts: Options) -> list[Row]:
    """Run one workload in a fresh interpreter; its progress lines share our terminal."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [sys.executable, "-m", "benchmarks.run", "--worker", name, "--json", str(out),
               "--options", json.dumps(opts.to_json())]
        proc = subprocess.run(cmd, cwd=engines.REPO_ROOT)
        if proc.returncode != 0 or not out.exists():
            how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
                   else f"exit code {proc.returncode}")
            return [Row(name, "—", "—", None, "", notes=[f"✗ WORKER DIED ({how})"],
                        failed_check=True)]
        return [Row.from_json(d) for d in json.loads(out.read_text())]


def worker_main(argv) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--worker", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--options", required=True)
    args = p.parse_args(argv)
    rows = run_here(args.worker, Options.from_json(json.loads(args.options)))
    Path(args.json).write_text(json.dumps([r.to_json() for r in rows]))
    return 0


def report(rows: list[Row], command: str, started: float, info: list[tuple[str, str]]) -> str:
    machine_rows = "\n".join(
        f"| {k} | {v} |" for k, v in info + [("load average at end", machine.load_average())]
    )
    return (
        "# Benchmark results\n\n"
        f"`{command}`, {time.time() - started:.0f} s.\n\n"
        "| machine | |\n| --- | --- |\n" + machine_rows + "\n\n"
        "Medians over alternating rounds; *ratio* is the median of the per-round ratios to "
        "the engine in *vs*, with the interquartile range of those ratios in brackets. "
        "See benchmarks/README.md for what each row measures.\n\n"
        + markdown_table(rows) + "\n"
    )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return worker_main(argv)
    args = parse_args(argv)
    if args.list:
        for name, what in WORKLOADS.items():
            print(f"{name:12}  {what}")
        return 0
    opts = options_from(args)
    names = args.workload or list(WORKLOADS)
    command = "python -m benchmarks " + " ".join(shlex.quote(a) for a in argv)
    started = time.time()

    info = machine.describe()
    for label, value in info:
        log(f"{label}: {value}")
    try:
        busy = float(machine.load_average().split()[0])
    except ValueError:  # no /proc/loadavg
        busy = 0.0
    if busy > 0.5:
        log(f"NOTE: the load average is {busy}: other processes are using the cores, so the "
            "numbers (torch's above all) will be noisy")
    for load in (engines.ours, engines.torch, engines.micrograd):
        try:
            load()
        except engines.Unavailable as e:
            log(f"NOTE: {e}; its rows are skipped")

    rows = []
    for name in names:
        log(f"\n== {name}: {WORKLOADS[name]}")
        t0 = time.time()
        rows += run_here(name, opts) if args.in_process else run_worker(name, opts)
        log(f"   ({time.time() - t0:.0f} s)")

    text = report(rows, command.strip(), started, info)
    print("\n" + text)
    complete = set(names) == set(WORKLOADS) and not opts.quick and not opts.cases
    target = Path(args.write) if args.write else (RESULTS if complete else None)
    if target and not args.no_write:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        log(f"written to {target}")
    elif not args.no_write:
        log(f"(a partial or --quick run: {RESULTS.name} left alone; --write PATH to keep it)")

    failed = [r for r in rows if r.failed_check]
    if failed:
        log(f"\n✗ {len(failed)} row(s) failed their correctness check or crashed; see above.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
