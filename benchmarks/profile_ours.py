"""Where does our engine spend a workload's time? cProfile of ours alone, top functions.

    python -m benchmarks.profile_ours tiny            # the tiny MLP step
    python -m benchmarks.profile_ours add --top 20    # (a + b).sum().backward() on (4, 4)
    python -m benchmarks.profile_ours scalar --sort cumtime

cProfile adds a fixed cost to every Python call, so it inflates call-heavy code: read the
ranking and the call counts, and take the times from `python -m benchmarks`.
(Not called `profile.py`: run as a script, that name would shadow the standard library's.)
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/profile_ours.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.options import Options  # noqa: E402
from benchmarks.workloads import deep_chain, op_overhead, scalar_mlp, tensor_mlp  # noqa: E402


def tensor_case(name):
    case = next(c for c in tensor_mlp.CASES if c.name == name)
    step = tensor_mlp.build("ours", case, Options())
    return step, {"tiny": 3000, "medium": 300, "large": 20}[name]


def op_case(op_name):
    run = op_overhead.ours_run(op_name, "forward + backward", *op_overhead.operands())
    return functools.partial(run, 1), 20000


def scalar_case():
    X, y = scalar_mlp.make_moons()
    return scalar_mlp.ours_step(X, y, scalar_mlp.init_weights()), 5


TARGETS = {
    "scalar": scalar_case,
    "chain": lambda: (functools.partial(deep_chain.chain_ours_scalar, 10**4), 20),
    "chain-tensor": lambda: (functools.partial(deep_chain.chain_ours_tensor, 10**4), 10),
    "tiny": lambda: tensor_case("tiny"),
    "medium": lambda: tensor_case("medium"),
    "large": lambda: tensor_case("large"),
    "add": lambda: op_case("a + b"),
    "matmul": lambda: op_case("a @ b"),
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile_ours", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", choices=list(TARGETS))
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--sort", default="tottime", help="a pstats sort key (tottime, cumtime, ...)")
    p.add_argument("--iterations", type=int, help="override how many times to run it")
    args = p.parse_args(argv)
    step, n = TARGETS[args.target]()
    n = args.iterations or n
    for _ in range(max(1, n // 10)):  # warm up: caches, lazy imports
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        step()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    print(f"{args.target}: {n} iterations, {stats.total_tt / n * 1e6:,.1f} µs each under cProfile")
    stats.print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
