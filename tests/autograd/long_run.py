"""The long differential run against PyTorch: many random graphs, first and second order.

    PYTHONPATH=. python -m tests.autograd.long_run --graphs 10000

Draws ``--graphs`` programs from ``random_graphs.programs()`` (the full domain: zero bases,
integer powers, ties, clip bounds), compares each with PyTorch in float64 (values, gradients,
second derivatives; ``compare_random_graph`` of test_torch_oracle.py) and, for every
mismatch, asks central differences which side is right: the derivative in question is
recomputed numerically from our *first* gradients (which match PyTorch's in that program) or
from the function itself. It prints the counts and each mismatch with its verdict.
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, Phase, given, settings

from .random_graphs import KINKS, central_difference_verdict, programs
from .test_torch_oracle import compare_random_graph


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graphs", type=int, default=10000)
    parser.add_argument("--first-order-only", action="store_true")
    args = parser.parse_args()
    seen = {"graphs": 0, "with kinks": 0, "mismatches": []}
    start = time.time()

    @settings(max_examples=args.graphs, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(programs())
    def compare(program):
        seen["graphs"] += 1
        seen["with kinks"] += any(step[1] in KINKS for step in program[1])
        differences = compare_random_graph(program, second=not args.first_order_only)
        if differences:
            seen["mismatches"].append((program, differences))

    compare()
    print(f"{seen['graphs']} random graphs compared with PyTorch in float64 "
          f"({'first order' if args.first_order_only else 'first and second order'}), "
          f"{seen['with kinks']} of them with ties/bounds/zero-base ops, in {time.time() - start:.0f} s")  # fmt: skip
    print(f"{len(seen['mismatches'])} mismatches")
    for program, differences in seen["mismatches"]:
        agrees, numeric = central_difference_verdict(program, second=any(d.startswith("second") for d in differences))
        said = "ours agrees with central differences" if agrees else "ours DISAGREES with central differences"
        print("-" * 80)
        print("program:", program)
        for difference in differences:
            print("  ", difference)
        print("   central differences:", [n.tolist() for n in numeric], "->", said)


if __name__ == "__main__":
    main()
