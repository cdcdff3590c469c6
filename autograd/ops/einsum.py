"""Einstein summation: any product-and-sum NumPy's ``einsum`` spells, with its gradient
written as another einsum.

The gradient of ``out = einsum("ij,jk->ik", a, b)`` with respect to ``a`` is
``einsum("ik,jk->ij", grad, b)``: the output's letters and the other operands' letters, giving
back the operand's letters. Two things need care: a letter that appears twice in one operand
(``"ii->i"`` takes a diagonal, so its gradient puts ``grad`` back on the diagonal: an identity
matrix joins the einsum) and a letter summed inside one operand only (``"ij->i"``: the gradient
is copied along it, so a vector of ones joins).
"""

from __future__ import annotations

import string

import numpy as np

from .arraylike import broadcast_to
from .op import Op, data_of, is_tensor, shape_of

__all__ = ["Einsum", "parse_einsum"]


def parse_einsum(subscripts, shapes):
    """``(inputs, output)``: one string of letters per operand and the output's, with ``...``
    written out as letters and the implicit output (no ``->``) made explicit, as NumPy reads it.

    >>> parse_einsum("ij,jk", [(2, 3), (3, 4)])
    (['ij', 'jk'], 'ik')
    >>> parse_einsum("...i->...", [(5, 2, 3)])
    (['ABi'], 'AB')
    """
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(inputs)} operands but {len(shapes)} were given")
    used = set(spec) - set(",.->")
    bad = [c for c in used if c not in string.ascii_letters]
    if bad:
        raise ValueError(f"einsum: {subscripts!r} has characters {bad} that are not letters")
    spare = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in used]  # for the ellipsis
    ellipsis_dims = 0
    for term, shape in zip(inputs, shapes):
        if "..." in term:
            ellipsis_dims = max(ellipsis_dims, len(shape) - (len(term) - 3))
    ellipsis = "".join(spare[:ellipsis_dims])
    written = []
    for term, shape in zip(inputs, shapes):
        if "..." in term:
            own = len(shape) - (len(term) - 3)
            if own < 0:
                raise ValueError(f"einsum: operand {term!r} has more letters than its {len(shape)} axes")
            term = term.replace("...", ellipsis[ellipsis_dims - own :])
        if len(term) != len(shape):
            raise ValueError(
                f"einsum: operand {term!r} has {len(term)} letters but shape {tuple(shape)} has {len(shape)} axes"
            )
        written.append(term)
    if arrow:
        output = output.replace("...", ellipsis)
    else:  # NumPy's implicit output: the ellipsis axes, then the letters used once, sorted
        letters = "".join(written)
        output = ellipsis + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis))
    return written, output


def _einsum(spec, *operands):
    """np.einsum on arrays, :class:`Einsum` when one operand is a Tensor (double backward).

    An array-or-Tensor helper that cannot join ``arraylike``: no Tensor method applies
    :class:`Einsum`, so it needs the class, and ``Einsum``'s own backward needs it.
    """
    if any(is_tensor(x) for x in operands):
        return Einsum.apply(*operands, subscripts=spec)
    return np.einsum(spec, *operands, optimize=len(operands) > 2)


class Einsum(Op):
    """out = einsum(subscripts, x_1, ..., x_n): sums of products over the repeated letters.

    d out / d x_i is the einsum of ``grad`` (with the output's letters) and the other operands,
    giving x_i's letters; a letter repeated in x_i gets an identity matrix (the gradient lands
    on the diagonal), a letter found nowhere else gets a vector of ones (it is copied along it).
    """

    @staticmethod
    def forward(ctx, *operands, subscripts):
        arrays = [data_of(x) for x in operands]
        inputs, output = parse_einsum(subscripts, [np.shape(a) for a in arrays])
        spec = ",".join(inputs) + "->" + output
        try:
            out = np.einsum(spec, *arrays, optimize=len(arrays) > 2)
        except ValueError as error:
            shapes = ", ".join(str(shape_of(x)) for x in operands)
            raise ValueError(f"einsum {subscripts!r}: operands of shapes {shapes} do not fit ({error})") from None
        ctx.save_for_backward(*operands)
        ctx.inputs, ctx.output = inputs, output
        return out

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        inputs, output = ctx.inputs, ctx.output
        spare = iter(c for c in string.ascii_letters if c not in "".join(inputs) + output)
        grads = []
        for i, (term, needed) in enumerate(zip(inputs, ctx.needs_input_grad)):
            if not needed:
                grads.append(None)
                continue
            shape = shape_of(operands[i])
            terms, values = [output], [grad]
            terms += [t for j, t in enumerate(inputs) if j != i]
            values += [x for j, x in enumerate(operands) if j != i]
            target = ""
            for axis, letter in enumerate(term):
                if letter in target:  # a repeated letter: its diagonal gets the gradient
                    fresh = next(spare)
                    terms.append(letter + fresh)
                    values.append(np.eye(shape[axis], dtype=grad.dtype))
                    letter = fresh
                elif letter not in "".join(terms):  # summed inside this operand only: copied along it
                    terms.append(letter)
                    values.append(np.ones(shape[axis], dtype=grad.dtype))
                target += letter
            grad_i = _einsum(",".join(terms) + "->" + target, *values)
            if grad_i.shape != shape:  # a letter of size 1 here that NumPy broadcast against a longer one
                grad_i = broadcast_to(grad_i, np.broadcast_shapes(grad_i.shape, shape))
            grads.append(grad_i)
        return tuple(grads)
