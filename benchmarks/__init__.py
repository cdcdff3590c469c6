"""Benchmarks for chainrule: our engine against NumPy, PyTorch and micrograd.

Run ``python -m benchmarks --help`` from the repository root; ``benchmarks/README.md``
says what each workload measures and why the harness works the way it does. Nothing here
is part of CI's pass/fail, and nothing here is imported by ``autograd`` or ``nn``.
"""
