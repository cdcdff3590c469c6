"""Which engines can run here, and how each is configured so the comparison is fair.

Every loader imports lazily, so a process that measures only NumPy never pays for (or is
slowed by) importing torch, and the suite still runs where torch or micrograd is missing:
a missing engine raises `Unavailable` with a note for the table.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class Unavailable(Exception):
    """An engine that cannot run in this environment; the message goes into the report."""


@functools.cache
def blas_threads() -> tuple[int, str]:
    """How many threads NumPy's BLAS uses, and how we found out.

    threadpoolctl (installed with scikit-learn) asks the loaded BLAS library itself; without
    it we assume the BLAS default, which for OpenBLAS and MKL is one thread per CPU.
    """
    import numpy as np  # noqa: F401  (loads the BLAS library threadpoolctl inspects)

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1, "os.cpu_count() (threadpoolctl not installed)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
            return int(pool["num_threads"]), f"threadpoolctl ({pool.get('internal_api')})"
    return os.cpu_count() or 1, "os.cpu_count() (threadpoolctl found no NumPy BLAS)"


@functools.cache
def torch():
    """torch, with as many intra-op threads as NumPy's BLAS has, so neither gets more cores."""
    try:
        import torch as _torch
    except ImportError as e:
        raise Unavailable(f"torch not installed ({e})") from None
    _torch.set_num_threads(blas_threads()[0])
    return _torch


@functools.cache
def micrograd():
    """micrograd's (engine, nn) modules."""
    try:
        from micrograd import engine, nn
    except ImportError as e:
        raise Unavailable(f"micrograd not installed ({e})") from None
    return engine, nn


@functools.cache
def ours():
    """Our `autograd` package, insisting it is this repository's and not a namesake.

    HIPS autograd is also called `autograd`; timing it by accident would be a quiet disaster.
    """
    try:
        import autograd
    except Exception as e:  # the engine is young: a SyntaxError is as likely as an ImportError
        raise Unavailable(f"ours: `import autograd` failed ({type(e).__name__}: {e})") from None
    where = Path(getattr(autograd, "__file__", "") or "").resolve()
    if REPO_ROOT not in where.parents:
        raise Unavailable(f"ours: `autograd` resolved to {where}, not this repository")
    for name in ("Tensor", "Scalar", "no_grad"):
        if not hasattr(autograd, name):
            raise Unavailable(f"ours: autograd has no `{name}` yet")
    return autograd


@functools.cache
def ours_nn():
    """Our `nn` package, or None: the suite falls back to the engine's public ops without it."""
    try:
        import nn
    except Exception:
        return None
    where = Path(getattr(nn, "__file__", "") or "").resolve()
    return nn if REPO_ROOT in where.parents else None


def version(dist: str) -> str:
    """The installed version of a distribution, or 'not installed'."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
