"""What the numbers were measured on: they mean little without it."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess

from benchmarks import engines


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas() -> str:
    """NumPy's BLAS library and version, as threadpoolctl sees it once NumPy is loaded."""
    import numpy as np  # noqa: F401

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return ", ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
                     for p in pools) or "unknown"


def git_revision() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=engines.REPO_ROOT, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "autograd", "nn"],
                               capture_output=True, text=True, cwd=engines.REPO_ROOT,
                               timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    rev = out.stdout.strip() or "no commit yet"
    return rev + (" + uncommitted changes" if dirty.stdout.strip() else "")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: above 0 means someone else wants the cores."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def describe() -> list[tuple[str, str]]:
    """(label, value) pairs for the report's header."""
    threads, how = engines.blas_threads()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return [
        ("date (UTC)", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")),
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} logical, {affinity} usable by this process"),
        ("load average at start", load_average()),
        ("Python", platform.python_version()),
        ("NumPy", engines.version("numpy")),
        ("BLAS", blas()),
        ("BLAS threads", f"{threads} (from {how}); torch.set_num_threads({threads})"),
        ("torch", engines.version("torch")),
        ("micrograd", engines.version("micrograd")),
        ("ours", f"git {git_revision()}"),
    ]
