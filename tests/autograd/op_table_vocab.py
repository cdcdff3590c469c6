"""The second op table: the tensor vocabulary of a PyTorch tutorial (trigonometry, more
reductions, shape and movement ops, picking and scattering, einsum), in the style of
``op_table.py`` and run by the same tests (``ALL_CASES`` is both tables).

Inputs stay away from the points where an op's derivative jumps (floor at the integers, the
poles of tan, the ends of arcsin's domain), where central differences would straddle a kink.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import autograd
from autograd.testing import arrays, shapes

from .op_table import CASES, NONZERO, POSITIVE, SMALL, Case, binary, floats, unary


def _torch():
    import torch

    return torch


def away_from(points_of, margin=0.05):
    """Floats in [-3, 3] at least ``margin`` from the jumps ``points_of(v)`` returns the nearest of."""
    return floats().filter(lambda v: abs(v - points_of(v)) > margin)


NOT_NEAR_INTEGER = away_from(round)
NOT_NEAR_HALF = away_from(lambda v: math.floor(v) + 0.5)
# products must be exact with zeros in them (and no subnormals: PyTorch loses those to underflow)
WITH_ZEROS = st.one_of(st.just(0.0), floats(0.1, 2), floats(-2, -0.1))


def _dims(x, axis):
    return tuple(range(x.ndim)) if axis is None else axis


# -- input strategies --------------------------------------------------------------------------------------
def reduced(elements=None, min_count=1, spread=False):
    """An array with an axis (None, an int or a tuple) and keepdims; ``min_count`` values reduced at least."""

    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL), elements=floats() if elements is None else elements))
        axis = data.draw(
            st.one_of(
                st.none(),
                st.integers(-x.ndim, x.ndim - 1),
                st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple),
            )
        )
        axes = range(x.ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
        assume(math.prod(x.shape[a] for a in axes) >= min_count)
        if spread:  # keep a standard deviation away from 0, where sqrt' is infinite
            assume(np.all(x.std(axis=tuple(axes)) > 0.1))
        return (x,), {"axis": axis, "keepdims": data.draw(st.booleans())}

    return draw


def one_axis(elements=None, min_dims=1, **extra):
    def draw(data):
        x = data.draw(
            arrays(shape=shapes(min_dims=min_dims, **SMALL), elements=floats() if elements is None else elements)
        )
        options = {"axis": data.draw(st.integers(-x.ndim, x.ndim - 1))}
        options.update({k: data.draw(v) for k, v in extra.items()})
        return (x,), options

    return draw


def plain(min_dims=0, max_side=3, **extra):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=min_dims, max_dims=3, max_side=max_side)))
        return (x,), {k: data.draw(v(x) if callable(v) else v) for k, v in extra.items()}

    return draw


def divisions(keep_quotient_off_integers):
    def draw(data):
        (a, b), _ = binary(b_elements=NONZERO)(data)
        if keep_quotient_off_integers:
            q = a / b
            assume(np.all(np.abs(q - np.round(q)) > 0.05))
        return (a, b), {}

    return draw


def squeezable():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=0, max_dims=3, max_side=2)))
        axes = [i for i, n in enumerate(x.shape) if n == 1]
        axis = data.draw(st.one_of(st.none(), st.sampled_from(axes))) if axes else None
        return (x,), {"axis": axis}

    return draw


def flatten_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        start = data.draw(st.integers(0, x.ndim - 1))
        return (x,), {"start": start, "end": data.draw(st.integers(start, x.ndim - 1))}

    return draw


def expand_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=0, max_dims=2, max_side=2)))
        lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
        sizes = lead + tuple(data.draw(st.sampled_from([-1, 3 if n == 1 else n])) for n in x.shape)
        return (x,), {"sizes": sizes}

    return draw


def broadcast_inputs():
    def draw(data):
        (x,), options = expand_inputs()(data)
        lead = len(options["sizes"]) - x.ndim
        sizes = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(options["sizes"]))
        return (x,), {"sizes": sizes}

    return draw


def softplus_inputs():
    def draw(data):
        (x,), options = plain(beta=st.sampled_from([0.5, 2.0, 10.0]))(data)
        assume(np.all(np.abs(options["beta"] * x - 20) > 0.05))  # the switch to x itself at beta x = 20
        return (x,), options

    return draw


def rmod_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(**SMALL), elements=NONZERO))
        q = 5.0 / x
        assume(np.all(np.abs(q - np.round(q)) > 0.05))
        return (x,), {}

    return draw


def tile_inputs(torch_repeat):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=0, max_dims=2, max_side=3)))
        count = data.draw(st.integers(x.ndim if torch_repeat else 1, x.ndim + 1))
        return (x,), {"reps": tuple(data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count)))}

    return draw


def axes_subset(x):
    return st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple)


def roll_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        if data.draw(st.booleans()):
            return (x,), {"shifts": data.draw(st.integers(-4, 4)), "axis": None}
        axes = data.draw(axes_subset(x))
        shifts = tuple(data.draw(st.integers(-4, 4)) for _ in axes)
        return (x,), {"shifts": shifts, "axis": axes}

    return draw


def split_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, max_dims=3, max_side=4)))
        axis = data.draw(st.integers(0, x.ndim - 1))
        n = x.shape[axis]
        if data.draw(st.booleans()):
            sections = data.draw(st.integers(1, n + 1))
        else:
            cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
            sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
        return (x,), {"sections": sections, "axis": axis}

    return draw


def chunk_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, max_dims=3, max_side=4)))
        return (x,), {"chunks": data.draw(st.integers(1, 5)), "axis": data.draw(st.integers(0, x.ndim - 1))}

    return draw


def pad_inputs(mode):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, max_dims=3, min_side=2, max_side=3)))
        pairs = data.draw(st.integers(1, x.ndim))
        limit = {"reflect": 1, "circular": 2}.get(mode, 3)  # reflect: pad < length; circular: pad <= length
        widths = []
        for pair in range(pairs):
            n = x.shape[x.ndim - 1 - pair]
            top = min(limit, n - 1) if mode == "reflect" else min(limit, n)
            widths += [data.draw(st.integers(0, top)), data.draw(st.integers(0, top))]
        return (x,), {"pad": tuple(widths), "mode": mode}

    return draw


def matrices(min_dims=2):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=min_dims, max_dims=3, max_side=4)))
        return (x,), {"k": data.draw(st.integers(-2, 2))}

    return draw


def swap_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        return (x,), {
            "a": data.draw(st.integers(-x.ndim, x.ndim - 1)),
            "b": data.draw(st.integers(-x.ndim, x.ndim - 1)),
        }

    return draw


def movedim_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        source = data.draw(axes_subset(x))
        destination = tuple(data.draw(st.permutations(range(x.ndim)))[: len(source)])
        return (x,), {"source": source, "destination": destination}

    return draw


def gather_inputs(broadcast=False):
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
        shape = [data.draw(st.integers(1, n)) for n in x.shape]  # no longer than x on the other axes
        shape[axis] = data.draw(st.integers(1, 4))
        if broadcast:
            shape = [n if i == axis % x.ndim or data.draw(st.booleans()) else 1 for i, n in enumerate(x.shape)]
            shape[axis] = data.draw(st.integers(1, 4))
        index = data.draw(arrays(shape=tuple(shape), dtype=np.int64, elements=st.integers(0, x.shape[axis] - 1)))
        return (x,), {"axis": axis, "index": index}

    return draw


def index_select_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        axis = data.draw(st.integers(0, x.ndim - 1))
        index = np.array(data.draw(st.lists(st.integers(0, x.shape[axis] - 1), min_size=1, max_size=4)))
        return (x,), {"axis": axis, "index": index}

    return draw


def scatter_inputs():
    def draw(data):
        (x,), options = gather_inputs()(data)
        src = data.draw(arrays(shape=options["index"].shape))
        return (x, src), options

    return draw


def index_add_inputs():
    def draw(data):
        (x,), options = index_select_inputs()(data)
        shape = list(x.shape)
        shape[options["axis"]] = options["index"].size
        return (x, data.draw(arrays(shape=tuple(shape)))), {**options, "alpha": data.draw(st.sampled_from([1, 0.5]))}

    return draw


def masked_inputs():
    def draw(data):
        x = data.draw(arrays(shape=shapes(**SMALL)))
        mask = data.draw(arrays(shape=x.shape[data.draw(st.integers(0, x.ndim)) :], dtype=bool))
        return (x,), {"mask": mask, "value": data.draw(st.sampled_from([0.0, -1e9, 2.5]))}

    return draw


def vectors(same_length):
    def draw(data):
        n = data.draw(st.integers(1, 4))
        m = n if same_length else data.draw(st.integers(1, 4))
        return (data.draw(arrays(shape=(n,))), data.draw(arrays(shape=(m,)))), {}

    return draw


EINSUMS = [  # subscripts, shapes (letters i=2, j=3, k=4, b=2)
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ii->i", [(3, 3)]),  # a diagonal
    ("ii", [(3, 3)]),  # a trace
    ("iij->j", [(2, 2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,i->", [(3,), (3,)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("...i,...i->...", [(2, 3), (1, 3)]),  # a batch axis of length 1 broadcast
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ii,ij->j", [(3, 3), (3, 4)]),
]


def einsum_inputs():
    def draw(data):
        subscripts, shapes_ = data.draw(st.sampled_from(EINSUMS))
        return tuple(data.draw(arrays(shape=s)) for s in shapes_), {"subscripts": subscripts}

    return draw


# -- references for NumPy and PyTorch ----------------------------------------------------------------------
def _np_softplus(x, beta=1.0):
    return np.where(beta * x > 20, x, np.log1p(np.exp(beta * x)) / beta)


def _np_reduce_prod(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _torch_prod(x, axis, keepdims):
    out = x
    for d in sorted((a % x.ndim for a in _dims(x, axis if not isinstance(axis, int) else (axis,))), reverse=True):
        out = out.prod(dim=d, keepdim=True)
    if not keepdims:
        dims = {a % x.ndim for a in _dims(x, axis if not isinstance(axis, int) else (axis,))}
        out = out.reshape([n for i, n in enumerate(x.shape) if i not in dims])
    return out


def _np_split(x, sections, axis):
    n = x.shape[axis]
    lengths = [min(sections, n - s) for s in range(0, n, sections)] if isinstance(sections, int) else sections
    return np.split(x, np.cumsum(lengths)[:-1], axis=axis)


def _weighted(pieces, axis, join):
    """Join the pieces back, each times its number + 1, so each piece's gradient is told apart."""
    return join([p * (i + 1) for i, p in enumerate(pieces)], axis)


def _np_pad(x, pad, mode):
    widths = [(0, 0)] * x.ndim
    for pair in range(len(pad) // 2):
        widths[x.ndim - 1 - pair] = (pad[2 * pair], pad[2 * pair + 1])
    return np.pad(x, widths, mode={"replicate": "edge", "circular": "wrap"}.get(mode, mode))


def _torch_pad(x, pad, mode):
    torch = _torch()
    if mode == "constant" or x.ndim == 1 or len(pad) // 2 >= x.ndim:
        # torch's non-constant modes want a batch (and channel) axis in front of the padded ones
        lead = max(len(pad) // 2 + 2 - x.ndim, 0) if mode != "constant" else 0
        y = x.reshape((1,) * lead + x.shape)
        return torch.nn.functional.pad(y, pad, mode=mode).reshape(_np_pad(np.zeros(x.shape), pad, "constant").shape)
    return torch.nn.functional.pad(x, pad, mode=mode)


def _torch_norm(x, p, axis, keepdims):
    return _torch().linalg.vector_norm(x, ord=2 if p == "fro" else p, dim=axis, keepdim=keepdims)


def _np_norm(x, p, axis, keepdims):
    size = np.abs(x)
    if p in ("fro", 2):
        return np.sqrt((x * x).sum(axis=axis, keepdims=keepdims))
    if p == np.inf:
        return size.max(axis=axis, keepdims=keepdims)
    return (size**p).sum(axis=axis, keepdims=keepdims) ** (1.0 / p)


def _torch_index_of(index):
    return _torch().as_tensor(index)


def _torch_take_along(x, axis, index):
    torch = _torch()
    index = torch.as_tensor(index)
    shape = [max(a, b) if i != axis % x.ndim else index.shape[i] for i, (a, b) in enumerate(zip(x.shape, index.shape))]
    return torch.take_along_dim(x, index.expand(shape), dim=axis)


def _np_scatter_add(x, src, axis, index):
    out = x.copy()
    parts = tuple(
        index if d == axis % x.ndim else np.arange(index.shape[d]).reshape((-1,) + (1,) * (x.ndim - 1 - d))
        for d in range(x.ndim)
    )
    np.add.at(out, parts, src)
    return out


def _np_index_add(x, source, axis, index, alpha):
    out = x.copy()
    np.add.at(out, (slice(None),) * axis + (index,), source * alpha)
    return out


def norm_inputs():
    def draw(data):
        (x,), options = reduced(floats(avoid=0.0))(data)  # |x| has a kink at 0
        return (x,), {**options, "p": data.draw(st.sampled_from([1, 2, "fro", 3]))}

    return draw


def distinct_abs():
    """Inputs for the inf-norm: no ties in |x| (its maximum must be unique to be differentiable)."""

    def draw(data):
        (x,), options = reduced(floats(avoid=0.0))(data)
        assume(x.size == 1 or np.diff(np.sort(np.abs(x).ravel())).min() > 0.05)
        return (x,), options

    return draw


def _expanded(x, sizes):
    lead = len(sizes) - x.ndim
    return tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))


def _np_gather(x, axis, index):
    shorter = tuple(slice(None) if d == axis % x.ndim else slice(0, n) for d, n in enumerate(index.shape))
    return np.take_along_axis(x[shorter], index, axis)


def bool_masks():
    def draw(data):
        x = data.draw(arrays(shape=shapes(min_dims=1, **SMALL)))
        return (x,), {"mask": data.draw(arrays(shape=x.shape, dtype=bool))}

    return draw


PAD_MODES = ["constant", "reflect", "replicate", "circular"]

VOCAB_CASES = [
    # trigonometric and hyperbolic
    Case("sin", lambda x: x.sin(), np.sin, lambda x: x.sin(), unary()),
    Case("cos", lambda x: x.cos(), np.cos, lambda x: x.cos(), unary()),
    Case("tan", lambda x: x.tan(), np.tan, lambda x: x.tan(), unary(floats(-1.2, 1.2))),
    Case("arcsin", autograd.arcsin, np.arcsin, lambda x: x.asin(), unary(floats(-0.9, 0.9))),
    Case("arccos", lambda x: x.acos(), np.arccos, lambda x: x.acos(), unary(floats(-0.9, 0.9))),
    Case("arctan", lambda x: x.atan(), np.arctan, lambda x: x.atan(), unary()),
    Case("sinh", lambda x: x.sinh(), np.sinh, lambda x: x.sinh(), unary()),
    Case("cosh", autograd.cosh, np.cosh, lambda x: x.cosh(), unary()),
    Case("arcsinh", lambda x: x.asinh(), np.arcsinh, lambda x: x.asinh(), unary()),
    Case("arccosh", lambda x: x.arccosh(), np.arccosh, lambda x: x.acosh(), unary(floats(1.2, 3.0))),
    Case("arctanh", lambda x: x.atanh(), np.arctanh, lambda x: x.atanh(), unary(floats(-0.9, 0.9))),
    # logs, exponentials, powers
    Case("log1p", lambda x: x.log1p(), np.log1p, lambda x: x.log1p(), unary(floats(-0.8, 3.0))),
    Case("expm1", lambda x: x.expm1(), np.expm1, lambda x: x.expm1(), unary()),
    Case("log2", lambda x: x.log2(), np.log2, lambda x: x.log2(), unary(POSITIVE)),
    Case("log10", autograd.log10, np.log10, lambda x: x.log10(), unary(POSITIVE)),
    Case("exp2", lambda x: x.exp2(), np.exp2, lambda x: x.exp2(), unary()),
    Case("reciprocal", lambda x: x.reciprocal(), np.reciprocal, lambda x: x.reciprocal(), unary(NONZERO)),
    Case("rsqrt", lambda x: x.rsqrt(), lambda x: 1 / np.sqrt(x), lambda x: x.rsqrt(), unary(POSITIVE)),
    Case("square", lambda x: x.square(), np.square, lambda x: x.square(), unary()),
    Case("softplus", lambda x: x.softplus(), _np_softplus, lambda x: _torch().nn.functional.softplus(x), unary()),
    Case(
        "softplus_beta",
        lambda x, beta: autograd.softplus(x, beta=beta),
        _np_softplus,
        lambda x, beta: _torch().nn.functional.softplus(x, beta=beta),
        softplus_inputs(),
    ),
    Case("logaddexp", autograd.logaddexp, np.logaddexp, lambda a, b: _torch().logaddexp(a, b), binary(), (0, 1)),
    # step functions: gradient 0
    Case("sign", lambda x: x.sign(), np.sign, lambda x: x.sign(), unary(floats(avoid=0.0))),
    Case("floor", lambda x: x.floor(), np.floor, lambda x: x.floor(), unary(NOT_NEAR_INTEGER)),
    Case("ceil", lambda x: x.ceil(), np.ceil, lambda x: x.ceil(), unary(NOT_NEAR_INTEGER)),
    Case("round", lambda x: x.round(), np.round, lambda x: x.round(), unary(NOT_NEAR_HALF)),
    Case("trunc", lambda x: x.trunc(), np.trunc, lambda x: x.trunc(), unary(NOT_NEAR_INTEGER)),
    Case(
        "floordiv",
        lambda a, b: a // b,
        np.floor_divide,
        lambda a, b: _torch().div(a, b, rounding_mode="floor"),
        divisions(True),
        (0, 1),
    ),
    Case("mod", lambda a, b: a % b, np.remainder, lambda a, b: _torch().remainder(a, b), divisions(True), (0, 1)),
    Case("rmod_number", lambda x: 5.0 % x, lambda x: 5.0 % x,
         lambda x: _torch().remainder(_torch().full_like(x, 5.0), x), rmod_inputs()),
    # reductions
    Case("var", lambda x, **o: x.var(**o), lambda x, **o: x.var(**o),
         lambda x, axis, keepdims: x.var(dim=_dims(x, axis), correction=0, keepdim=keepdims), reduced()),
    Case("var_ddof1", lambda x, **o: x.var(ddof=1, **o), lambda x, **o: x.var(ddof=1, **o),
         lambda x, axis, keepdims: x.var(dim=_dims(x, axis), keepdim=keepdims), reduced(min_count=2)),
    Case("std", lambda x, **o: x.std(**o), lambda x, **o: x.std(**o),
         lambda x, axis, keepdims: x.std(dim=_dims(x, axis), correction=0, keepdim=keepdims), reduced(spread=True)),
    Case("std_correction1", lambda x, **o: x.std(correction=1, **o), lambda x, **o: x.std(ddof=1, **o),
         lambda x, axis, keepdims: x.std(dim=_dims(x, axis), keepdim=keepdims), reduced(min_count=2, spread=True)),
    Case("prod", lambda x, **o: x.prod(**o), _np_reduce_prod, _torch_prod, reduced(WITH_ZEROS)),
    Case("logsumexp", lambda x, **o: x.logsumexp(**o), lambda x, **o: np.log(np.exp(x).sum(**o)),
         lambda x, axis, keepdims: _torch().logsumexp(x, dim=_dims(x, axis), keepdim=keepdims), reduced()),
    Case("norm", lambda x, p, axis, keepdims: x.norm(p, axis, keepdims), _np_norm, _torch_norm, norm_inputs()),
    Case("norm_inf", lambda x, **o: x.norm(np.inf, **o), lambda x, **o: _np_norm(x, np.inf, **o),
         lambda x, **o: _torch_norm(x, np.inf, **o), distinct_abs()),
    Case("cumsum", lambda x, axis: x.cumsum(axis), np.cumsum, lambda x, axis: x.cumsum(axis), one_axis()),
    Case("cumprod", lambda x, axis: x.cumprod(dim=axis), np.cumprod, lambda x, axis: x.cumprod(axis),
         one_axis(WITH_ZEROS)),
    # shape and movement
    Case("view", lambda x, shape: x.view(shape), lambda x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape),
         plain(shape=lambda x: st.sampled_from([(x.size,), (1, -1), (-1, 1)]))),
    Case("permute", lambda x, axes: x.permute(*axes), np.transpose,
         lambda x, axes: x.permute(*axes) if axes else x * 1.0,
         plain(axes=lambda x: st.permutations(range(x.ndim)).map(tuple))),
    Case("transpose_swap", lambda x, a, b: x.transpose(a, b), lambda x, a, b: np.swapaxes(x, a, b),
         lambda x, a, b: x.transpose(a, b), swap_inputs()),
    Case("swapaxes", lambda x, a, b: x.swapaxes(a, b), lambda x, a, b: np.swapaxes(x, a, b),
         lambda x, a, b: x.swapaxes(a, b), swap_inputs()),
    Case("movedim", lambda x, source, destination: x.movedim(source, destination), np.moveaxis,
         lambda x, source, destination: x.movedim(source, destination), movedim_inputs()),
    Case("mT", lambda x: x.mT, lambda x: np.swapaxes(x, -1, -2), lambda x: x.mT, plain(min_dims=2)),
    Case("squeeze", lambda x, axis: x.squeeze(axis), lambda x, axis: np.squeeze(x, axis),
         lambda x, axis: x.squeeze() if axis is None else x.squeeze(axis), squeezable()),
    Case("unsqueeze", lambda x, axis: x.unsqueeze(dim=axis), np.expand_dims, lambda x, axis: x.unsqueeze(axis),
         plain(axis=lambda x: st.integers(-x.ndim - 1, x.ndim))),
    Case("expand", lambda x, sizes: x.expand(*sizes),
         lambda x, sizes: np.broadcast_to(x, _expanded(x, sizes)),
         lambda x, sizes: x.expand(tuple(sizes)), expand_inputs()),
    Case("broadcast_to", lambda x, sizes: autograd.broadcast_to(x, sizes), lambda x, sizes: np.broadcast_to(x, sizes),
         lambda x, sizes: x.broadcast_to(sizes),
         broadcast_inputs()),
    Case("flatten", lambda x, start, end: x.flatten(start, end),
         lambda x, start, end: x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1 :]),
         lambda x, start, end: x.flatten(start, end), flatten_inputs()),
    Case("unflatten", lambda x, axis, sizes: x.unflatten(axis, sizes),
         lambda x, axis, sizes: x.reshape(x.shape[:axis % x.ndim] + (x.shape[axis], 1) + x.shape[axis % x.ndim + 1 :]),
         lambda x, axis, sizes: x.unflatten(axis, sizes),
         lambda data: (lambda xo: (xo[0], {**xo[1], "sizes": (-1, 1)}))(one_axis()(data))),
    Case("repeat", lambda x, reps: x.repeat(*reps), np.tile, lambda x, reps: x.repeat(tuple(reps)), tile_inputs(True)),
    Case("tile", lambda x, reps: autograd.tile(x, reps), np.tile, lambda x, reps: x.tile(reps), tile_inputs(False)),
    Case("flip", lambda x, axes: x.flip(axes), lambda x, axes: np.flip(x, axes), lambda x, axes: x.flip(axes),
         plain(min_dims=1, axes=axes_subset)),
    Case("roll", lambda x, shifts, axis: x.roll(shifts, axis), lambda x, shifts, axis: np.roll(x, shifts, axis),
         lambda x, shifts, axis: x.roll(shifts, axis), roll_inputs()),
    Case("split", lambda x, sections, axis: _weighted(x.split(sections, axis), axis, autograd.concatenate),
         lambda x, sections, axis: _weighted(_np_split(x, sections, axis), axis, np.concatenate),
         lambda x, sections, axis: _weighted(x.split(sections, axis), axis, _torch().cat), split_inputs()),
    Case("chunk", lambda x, chunks, axis: _weighted(x.chunk(chunks, axis), axis, autograd.concatenate),
         lambda x, chunks, axis: _weighted(_np_split(x, -(-x.shape[axis] // chunks), axis), axis, np.concatenate),
         lambda x, chunks, axis: _weighted(x.chunk(chunks, axis), axis, _torch().cat), chunk_inputs()),
    *[
        Case(f"pad_{mode}", lambda x, pad, mode: autograd.pad(x, pad, mode=mode), _np_pad, _torch_pad, pad_inputs(mode))
        for mode in PAD_MODES
    ],
    Case("tril", lambda x, k: x.tril(k), np.tril, lambda x, k: x.tril(k), matrices()),
    Case("triu", lambda x, k: autograd.triu(x, k), np.triu, lambda x, k: x.triu(k), matrices()),
    # picking, scattering, products
    Case("getitem_bool_tensor", lambda x, mask: x[autograd.Tensor(mask)], lambda x, mask: x[mask],
         lambda x, mask: x[_torch().as_tensor(mask)],
         bool_masks()),
    Case("gather", lambda x, axis, index: x.gather(axis, index),
         _np_gather,
         lambda x, axis, index: x.gather(axis, _torch_index_of(index)), gather_inputs()),
    Case("take_along_axis", lambda x, axis, index: autograd.take_along_axis(x, index, axis),
         lambda x, axis, index: np.take_along_axis(x, index, axis), _torch_take_along, gather_inputs(broadcast=True)),
    Case("index_select", lambda x, axis, index: x.index_select(axis, index),
         lambda x, axis, index: np.take(x, index, axis),
         lambda x, axis, index: x.index_select(axis, _torch_index_of(index)),
         index_select_inputs()),
    Case("scatter_add", lambda x, src, axis, index: x.scatter_add(axis, index, src), _np_scatter_add,
         lambda x, src, axis, index: x.scatter_add(axis, _torch_index_of(index), src), scatter_inputs(), (0, 1)),
    Case("index_add", lambda x, source, axis, index, alpha: x.index_add(axis, index, source, alpha=alpha),
         _np_index_add,
         lambda x, source, axis, index, alpha: x.index_add(axis, _torch_index_of(index), source, alpha=alpha),
         index_add_inputs(), (0, 1)),
    Case("masked_fill", lambda x, mask, value: x.masked_fill(mask, value),
         lambda x, mask, value: np.where(mask, value, x),
         lambda x, mask, value: x.masked_fill(_torch().as_tensor(mask), value), masked_inputs()),
    Case("dot", autograd.dot, np.dot, lambda a, b: a.dot(b), vectors(True), (0, 1)),
    Case("outer", lambda a, b: a.outer(b), np.outer, lambda a, b: a.outer(b), vectors(False), (0, 1)),
    Case("matmul_method", lambda a, b: a.matmul(b), np.matmul, lambda a, b: a.matmul(b),
         lambda data: ((data.draw(arrays(shape=(2, 3))), data.draw(arrays(shape=(3,)))), {}), (0, 1)),
    Case("einsum", lambda *xs, subscripts: autograd.einsum(subscripts, *xs),
         lambda *xs, subscripts: np.einsum(subscripts, *xs),
         lambda *xs, subscripts: _torch().einsum(subscripts, *xs), einsum_inputs(), (0, 1, 2)),
]  # fmt: skip


ALL_CASES = CASES + VOCAB_CASES
ALL_IDS = [case.name for case in ALL_CASES]
