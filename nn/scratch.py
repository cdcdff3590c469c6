"""Scratch arrays for the sliding windows' large temporaries, reused from one call to the next.

A convolution's column matrix (every window of the input laid out as a column) is the largest
array of a small CNN's step: 29 MB for a batch of 64 (16, 28, 28) float32 images and 3x3
filters. An array that large comes fresh from the operating system on every call and goes back
when it is freed (glibc maps and unmaps it), so every call pays a page fault for each 4 KiB
page it touches: measured, about a third of a Conv2d forward and backward. PyTorch's CPU
allocator caches such blocks; :func:`empty` does the same for the few arrays that need it.

An array is handed out again only when nothing else refers to it (``sys.getrefcount``: a
Tensor, a view, a graph's saved values or a name of yours all count), so an array still in use
is never overwritten; the caller then gets a fresh one. The cache keeps the most recent array
of each shape and dtype, at most :data:`LIMIT` of them, and only arrays of at least
:data:`MINIMUM` bytes (smaller ones come cheaply from the allocator's own free lists). Memory
it holds stays reserved between calls; ``clear()`` gives it back.

>>> import numpy as np
>>> from nn import scratch
>>> a = scratch.empty((512, 1024), np.float32)
>>> scratch.empty((512, 1024), np.float32) is a  # still referred to by `a`: a fresh one
False
>>> del a
>>> b = scratch.empty((512, 1024), np.float32)
>>> b.shape, b.dtype
((512, 1024), dtype('float32'))
>>> scratch.clear()
"""

from __future__ import annotations

import math
import sys

import numpy as np

__all__ = ["empty", "zeros", "clear", "LIMIT", "MINIMUM"]

LIMIT = 16  # arrays kept, the most recently used ones
MINIMUM = 1 << 20  # bytes: below this, NumPy's own allocation is cheap enough

_cache = {}  # (shape, dtype) -> the array last handed out for it


def empty(shape, dtype):
    """An uninitialised array of ``shape`` and ``dtype``, reusing a cached one nothing refers to."""
    dtype = np.dtype(dtype)
    shape = tuple(shape)
    if math.prod(shape) * dtype.itemsize < MINIMUM:
        return np.empty(shape, dtype)
    key = (shape, dtype)
    array = _cache.pop(key, None)  # taken out first, so two threads never get the same array
    if array is None or sys.getrefcount(array) > 2:  # 2: `array` here and getrefcount's argument
        array = np.empty(shape, dtype)
    _cache[key] = array  # the newest last, so the oldest goes first
    while len(_cache) > LIMIT:
        del _cache[next(iter(_cache))]
    return array


def zeros(shape, dtype):
    """:func:`empty`, filled with zeros."""
    array = empty(shape, dtype)
    array.fill(0)
    return array


def clear():
    """Drop every cached array (the memory goes back to the allocator once nothing refers to it)."""
    _cache.clear()
