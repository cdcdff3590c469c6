"""``set_num_threads``: how many threads the BLAS library behind NumPy's ``@`` may use."""

from __future__ import annotations

__all__ = ["set_num_threads"]

_limits = None  # the threadpoolctl limiter in force; kept so the limit stays


def set_num_threads(n):
    """Let NumPy's BLAS (the library under ``@``) use at most ``n`` threads, in this process.

    On small matrices a thread costs more to wake than it saves, and on a busy machine the
    threads wait for each other: a step of a small MLP can be several times faster with one
    thread (see docs/performance.md). Uses ``threadpoolctl`` (``pip install threadpoolctl``,
    or the ``programs`` extra).

    >>> import autograd
    >>> autograd.set_num_threads(1)
    """
    global _limits
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive integer, got {n!r}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ImportError(
            "set_num_threads needs the threadpoolctl package: pip install threadpoolctl "
            "(or pip install 'chainrule[programs]')"
        ) from None
    _limits = threadpool_limits(limits=n, user_api="blas")
