"""Shape and movement ops composed from the primitives of ``shape.py`` and ``indexing.py``.

None of these needs a backward of its own: squeeze and flatten are reshapes, permute and
movedim are transposes, expand and tile are broadcasts, flip, split and roll are slices (and
concatenations), pad joins slices or constants to the input. Their gradients are those of the
primitives, so they are differentiable to any order. Each takes a Tensor ``x``.
"""

from __future__ import annotations

import math

import numpy as np

from .elementwise import Where
from .indexing import GetItem
from .shape import BroadcastTo, Concatenate, Reshape, Transpose

__all__ = ["squeeze", "unsqueeze", "flatten", "unflatten", "expand", "tile", "repeat", "flip", "roll", "split",
           "chunk", "pad", "tril", "triu", "swapaxes", "movedim", "axis_index"]  # fmt: skip


def axis_index(axis, ndim, op):
    """``axis`` as a non-negative index into ``ndim`` axes; an error naming ``op`` if out of range."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor with {ndim} dimensions")
    return int(axis) % ndim


def _along(axis, part):
    """The index that applies ``part`` (a slice) to ``axis`` and keeps the other axes whole."""
    return (slice(None),) * axis + (part,)


def squeeze(x, axis=None):
    """Remove axes of length 1 (all of them, or those in ``axis`` that have length 1, as PyTorch)."""
    if axis is None:
        axes = [i for i, n in enumerate(x.shape) if n == 1]
    else:
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        axes = [axis_index(a, max(x.ndim, 1), "squeeze") for a in axes]
    shape = tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1))
    return Reshape.apply(x, shape=shape)


def unsqueeze(x, axis):
    """Insert an axis of length 1 at ``axis`` (counted in the result, so -1 appends one)."""
    axis = axis_index(axis, x.ndim + 1, "unsqueeze")
    return Reshape.apply(x, shape=x.shape[:axis] + (1,) + x.shape[axis:])


def flatten(x, start_axis=0, end_axis=-1):
    """Merge the axes ``start_axis`` to ``end_axis`` (both included) into one; a 0-d tensor gives shape (1,)."""
    if x.ndim == 0:
        return Reshape.apply(x, shape=(1,))
    start, end = axis_index(start_axis, x.ndim, "flatten"), axis_index(end_axis, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start axis {start_axis} comes after end axis {end_axis} (shape {x.shape})")
    merged = math.prod(x.shape[start : end + 1])
    return Reshape.apply(x, shape=x.shape[:start] + (merged,) + x.shape[end + 1 :])


def unflatten(x, axis, sizes):
    """Split ``axis`` into axes of ``sizes`` (one may be -1); the inverse of :func:`flatten`."""
    axis = axis_index(axis, x.ndim, "unflatten")
    sizes = tuple(sizes)
    known = math.prod(n for n in sizes if n != -1)
    if -1 in sizes and known:
        sizes = tuple(x.shape[axis] // known if n == -1 else n for n in sizes)
    if math.prod(sizes) != x.shape[axis]:
        raise ValueError(f"unflatten: axis {axis} of shape {x.shape} has {x.shape[axis]} entries, not {sizes}")
    return Reshape.apply(x, shape=x.shape[:axis] + sizes + x.shape[axis + 1 :])


def expand(x, sizes):
    """Broadcast to ``sizes`` (PyTorch's ``expand``: -1 keeps an axis's length; new axes go in front)."""
    sizes = tuple(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: {sizes} has fewer axes than the tensor's shape {x.shape}")
    shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    return BroadcastTo.apply(x, shape=shape)


def tile(x, reps):
    """Repeat the whole tensor ``reps[i]`` times along axis i (NumPy's ``tile``).

    Composed: x is reshaped to (1, s0, 1, s1, ...), broadcast to (r0, s0, r1, s1, ...) and
    merged to (r0 s0, r1 s1, ...); the gradient sums the copies back (the broadcast's).
    """
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}")
    ndim = max(x.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + x.shape
    spread = Reshape.apply(x, shape=tuple(v for n in shape for v in (1, n)))
    copies = BroadcastTo.apply(spread, shape=tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return Reshape.apply(copies, shape=tuple(r * n for r, n in zip(reps, shape)))


def repeat(x, sizes):
    """PyTorch's ``repeat``: :func:`tile` with at least one repetition count per axis."""
    sizes = tuple(sizes)
    if len(sizes) < x.ndim:
        raise ValueError(
            f"repeat: {len(sizes)} repetition counts for a tensor with {x.ndim} dimensions (shape {x.shape}); "
            "give one per axis (or use tile, which pads with ones)"
        )
    return tile(x, sizes)


def flip(x, axis=None):
    """Reverse the order along ``axis`` (an int, a tuple, or None for every axis)."""
    axes = range(x.ndim) if axis is None else (axis if isinstance(axis, (tuple, list)) else (axis,))
    axes = {axis_index(a, x.ndim, "flip") for a in axes}
    return GetItem.apply(x, index=tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim)))


def roll(x, shifts, axis=None):
    """Shift entries along ``axis`` by ``shifts``, wrapping around (``axis=None``: the flattened tensor)."""
    if axis is None:
        if not isinstance(shifts, (int, np.integer)):
            raise TypeError(f"roll: without axis, shifts must be one integer, got {shifts!r}")
        return Reshape.apply(roll(Reshape.apply(x, shape=(-1,)), shifts, 0), shape=x.shape)
    shifts = shifts if isinstance(shifts, (tuple, list)) else (shifts,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
    for shift, a in zip(shifts, axes):
        a = axis_index(a, x.ndim, "roll")
        n = x.shape[a]
        if n == 0 or shift % n == 0:
            continue
        cut = n - shift % n
        x = Concatenate.apply(GetItem.apply(x, index=_along(a, slice(cut, None))),
                              GetItem.apply(x, index=_along(a, slice(None, cut))), axis=a)  # fmt: skip
    return x


def split(x, split_size_or_sections, axis=0):
    """PyTorch's ``split``: an int is the length of each piece (the last may be shorter); a
    list gives each piece's length (they must add up to the axis's length)."""
    axis = axis_index(axis, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: the piece length must be positive, got {size}")
        lengths = [min(size, n - start) for start in range(0, n, size)] or [0]
    else:
        lengths = list(split_size_or_sections)
        if sum(lengths) != n or any(k < 0 for k in lengths):
            raise ValueError(f"split: lengths {lengths} do not add up to {n}, the length of axis {axis} of {x.shape}")
    bounds = np.cumsum([0] + lengths)
    return tuple(GetItem.apply(x, index=_along(axis, slice(a, b))) for a, b in zip(bounds[:-1], bounds[1:]))


def chunk(x, chunks, axis=0):
    """PyTorch's ``chunk``: split into ``chunks`` pieces of length ceil(n / chunks) (fewer if they run out)."""
    if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
        raise ValueError(f"chunk: the number of chunks must be a positive integer, got {chunks!r}")
    n = x.shape[axis_index(axis, x.ndim, "chunk")]
    return split(x, max(-(-n // chunks), 1), axis)


_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "replicate", "edge": "replicate",
          "circular": "circular", "wrap": "circular"}  # fmt: skip


def pad(x, pad, mode="constant", value=0.0):
    """Pad the last axes (PyTorch's ``F.pad``): ``pad = (left, right)`` pads the last axis,
    ``(left, right, top, bottom)`` the last two, and so on.

    ``mode``: ``"constant"`` (``value``), ``"reflect"`` (mirror without repeating the edge),
    ``"replicate"`` (repeat the edge; NumPy: ``"edge"``), ``"circular"`` (wrap around; NumPy: ``"wrap"``).
    """
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    mode = _MODES[mode]
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: {pad} must hold (left, right) pairs for at most the {x.ndim} axes of {x.shape}")
    for pair in range(len(pad) // 2):
        axis = x.ndim - 1 - pair
        left, right = pad[2 * pair], pad[2 * pair + 1]
        n = x.shape[axis]
        if left < 0 or right < 0:
            raise ValueError(f"pad: negative padding {pad} is not supported; slice the tensor instead")
        if mode == "reflect" and max(left, right) >= n:
            raise ValueError(
                f"pad: reflect padding of {max(left, right)} needs more entries on axis {axis} of {x.shape}"
            )
        if mode != "constant" and (left or right) and (n == 0 or (mode == "circular" and max(left, right) > n)):
            raise ValueError(f"pad: {mode} padding of {max(left, right)} does not fit axis {axis} of {x.shape}")
        pieces = [_pad_piece(x, axis, left, mode, value, True), x, _pad_piece(x, axis, right, mode, value, False)]
        x = Concatenate.apply(*[p for p in pieces if p is not None], axis=axis)
    return x


def _pad_piece(x, axis, width, mode, value, before):
    if width == 0:
        return None
    n = x.shape[axis]
    if mode == "constant":
        shape = x.shape[:axis] + (width,) + x.shape[axis + 1 :]
        return np.full(shape, value, dtype=x.dtype)
    if mode == "replicate":
        edge = GetItem.apply(x, index=_along(axis, slice(0, 1) if before else slice(n - 1, n)))
        return BroadcastTo.apply(edge, shape=x.shape[:axis] + (width,) + x.shape[axis + 1 :])
    if mode == "circular":
        return GetItem.apply(x, index=_along(axis, slice(n - width, None) if before else slice(None, width)))
    # reflect: x[width], ..., x[1] before; x[n - 2], ..., x[n - 1 - width] after
    stop = n - 2 - width
    mirrored = slice(width, 0, -1) if before else slice(n - 2, stop if stop >= 0 else None, -1)
    return GetItem.apply(x, index=_along(axis, mirrored))


def _triangle(x, keep, op):
    if x.ndim < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {x.shape}")
    return Where.apply(keep(np.ones(x.shape[-2:], dtype=bool)), x, np.zeros((), dtype=x.dtype))


def tril(x, k=0):
    """The lower triangle of the last two axes: entries (i, j) with j <= i + k kept, the rest 0."""
    return _triangle(x, lambda ones: np.tril(ones, k), "tril")


def triu(x, k=0):
    """The upper triangle of the last two axes: entries (i, j) with j >= i + k kept, the rest 0."""
    return _triangle(x, lambda ones: np.triu(ones, k), "triu")


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    order = list(range(x.ndim))
    a, b = axis_index(axis1, x.ndim, "swapaxes"), axis_index(axis2, x.ndim, "swapaxes")
    order[a], order[b] = order[b], order[a]
    return Transpose.apply(x, axes=tuple(order))


def movedim(x, source, destination):
    """Move axes ``source`` to positions ``destination`` (ints or tuples), the others keeping their order."""
    source = source if isinstance(source, (tuple, list)) else (source,)
    destination = destination if isinstance(destination, (tuple, list)) else (destination,)
    if len(source) != len(destination):
        raise ValueError(f"movedim: {len(source)} source axes but {len(destination)} destinations")
    source = [axis_index(a, x.ndim, "movedim") for a in source]
    destination = [axis_index(a, x.ndim, "movedim") for a in destination]
    rest = iter(i for i in range(x.ndim) if i not in source)
    placed = dict(zip(destination, source))
    return Transpose.apply(x, axes=tuple(placed[i] if i in placed else next(rest) for i in range(x.ndim)))
