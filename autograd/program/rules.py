"""Replay rules: each op as the NumPy code that computes it, specialised to the traced shapes.

A rule gets the instruction, its arguments as source text and the name of its result, and
returns an expression (or a few statements ending in an assignment to the result). Because a
program's shapes and dtypes are fixed, a rule can decide things at trace time that the op
decides at run time (whether a 0-d operand needs a cast, whether a reshape changes anything).

An op without a rule here still replays, in one of two ways:

* if its class has a static ``compute(*arrays, **options)`` (the computation on arrays,
  which its ``forward`` calls too), the program calls that;
* otherwise the program calls the op's own ``forward`` on the new arrays
  (``autograd.program.codegen.replay_forward``).

Both are correct for every op whose forward depends only on its inputs and options
(``Function.pure``). A rule only makes the replay faster and lets ``python_source()`` print
plain NumPy. Adding one for a new op is one entry in ``RULES`` (or a call to
:func:`register` from the op's own module)::

    RULES[ops.Exp] = unary("np.exp")
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..ops.reductions import normalise_axis
from ..ops.scatter import ScatterAdd
from .ir import Var

__all__ = ["RULES", "IN_PLACE", "FRESH", "PAIRS", "register", "register_pair", "unary", "binary"]


def _dtype(dtype):
    return f"np.{np.dtype(dtype).name}"


def _operand(instr, position, text):
    """An elementwise operand, cast as ``ops.elementwise`` casts it: a 0-d float array meeting
    an n-d float array of another precision takes the n-d array's dtype."""
    this, other = instr.args[position], instr.args[1 - position]
    if isinstance(this, Var) and isinstance(other, Var) and this.dtype != other.dtype:
        if this.dtype.kind == "f" and other.dtype.kind == "f" and not this.shape and other.shape:
            return f"{text}.astype({_dtype(other.dtype)})"
    return text


def binary(symbol=None, function=None):
    """A rule for an elementwise op of two operands: ``a <symbol> b`` or ``function(a, b)``."""

    def rule(instr, args, src, out):
        a, b = _operand(instr, 0, args[0]), _operand(instr, 1, args[1])
        return f"{function}({a}, {b})" if function else f"{a} {symbol} {b}"

    return rule


def unary(function):
    """A rule for an op of one array: ``function(x)``."""
    return lambda instr, args, src, out: f"{function}({args[0]})"


def _sigmoid(instr, args, src, out):
    x = args[0]
    return [
        f"{out}_e = np.exp(-np.abs({x}))",
        f"{out} = np.where({x} >= 0, 1 / (1 + {out}_e), {out}_e / (1 + {out}_e)).astype({_dtype(instr.out.dtype)}, copy=False)",  # noqa: E501
    ]


def _clip(instr, args, src, out):
    bounds = list(args[1:3]) + ["None"] * (3 - len(args))  # lo and hi are inputs (numbers, arrays, Tensors)
    return f"np.clip({args[0]}, {bounds[0]}, {bounds[1]})"


def _axes(instr):
    x = instr.args[0]
    return normalise_axis(instr.options.get("axis"), len(x.shape), instr.name)


def _sum(instr, args, src, out):
    if instr.options.get("axis") is None and not instr.options.get("keepdims", False):
        return f"np.add.reduce({args[0]}, axis=None)"
    return f"{args[0]}.sum(axis={_axes(instr)!r}, keepdims={bool(instr.options.get('keepdims', False))})"


def _pick(function):
    def rule(instr, args, src, out):
        return f"{function}({args[0]}, axis={_axes(instr)!r}, keepdims={bool(instr.options.get('keepdims', False))})"

    return rule


def _softmax(instr, args, src, out):
    x, axis = args[0], instr.options.get("axis", -1)
    return [
        f"{out}_e = np.exp({x} - {x}.max(axis={axis!r}, keepdims=True))",
        f"{out} = {out}_e / {out}_e.sum(axis={axis!r}, keepdims=True)",
    ]


def _log_softmax(instr, args, src, out):
    x, axis = args[0], instr.options.get("axis", -1)
    return [
        f"{out}_s = {x} - {x}.max(axis={axis!r}, keepdims=True)",
        f"{out} = {out}_s - np.log(np.exp({out}_s).sum(axis={axis!r}, keepdims=True))",
    ]


def _reshape(instr, args, src, out):
    if instr.args[0].shape == instr.out.shape:
        return args[0]  # a reshape to the same shape is the array itself
    return f"{args[0]}.reshape({instr.out.shape!r})"


def _transpose(instr, args, src, out):
    axes = instr.options.get("axes")
    if axes is None:
        return f"{args[0]}.T"
    ndim = len(instr.args[0].shape)
    return f"{args[0]}.transpose({tuple(a % ndim if ndim else a for a in axes)!r})"


def _join(function):
    def rule(instr, args, src, out):
        return f"{function}([{', '.join(args)}], axis={instr.options.get('axis', 0)!r})"

    return rule


def _getitem(instr, args, src, out):
    return f"{args[0]}[{src(instr.options['index'], bare=True)}]"


def _scatter_add(instr, args, src, out):
    index, shape = instr.options["index"], instr.options["shape"]
    zeros = f"{out} = np.zeros({tuple(shape)!r}, dtype={_dtype(instr.out.dtype)})"
    parts = index if isinstance(index, tuple) else (index,)
    repeated = any(isinstance(p, Var) and p.dtype.kind in "iu" or isinstance(p, np.ndarray) and p.dtype.kind in "iu"
                   for p in parts)  # fmt: skip
    if repeated:  # integer arrays may repeat an index: np.add.at adds them all up
        return [zeros, f"np.add.at({out}, {src(index)}, {args[0]})"]
    return [zeros, f"{out}[{src(index, bare=True)}] = {args[0]}"]


def _matmul(instr, args, src, out):
    return f"{args[0]} @ {args[1]}"


def _linear(instr, args, src, out):
    if len(args) < 3 or instr.args[2] is None:
        return f"{args[0]} @ {args[1]}.T"
    return [f"{out} = {args[0]} @ {args[1]}.T", f"{out} += {args[2]}"]  # into the fresh product, as ops.Linear


def _broadcast_to(instr, args, src, out):
    return f"np.broadcast_to({args[0]}, {tuple(instr.options['shape'])!r})"


def _cast(instr, args, src, out):
    return f"{args[0]}.astype({_dtype(instr.options['dtype'])})"


def _where(instr, args, src, out):
    return f"np.where({args[0]}, {args[1]}, {args[2]})"


RULES = {
    ops.Add: binary("+"),
    ops.Sub: binary("-"),
    ops.Mul: binary("*"),
    ops.Div: binary("/"),
    ops.Pow: binary("**"),
    ops.Neg: unary("np.negative"),
    ops.Exp: unary("np.exp"),
    ops.Log: unary("np.log"),
    ops.Sqrt: unary("np.sqrt"),
    ops.Abs: unary("np.abs"),
    ops.Tanh: unary("np.tanh"),
    ops.Sigmoid: _sigmoid,
    ops.Relu: lambda instr, args, src, out: f"np.maximum({args[0]}, 0)",
    ops.Clip: _clip,
    ops.Maximum: binary(function="np.maximum"),
    ops.Minimum: binary(function="np.minimum"),
    ops.Where: _where,
    ops.Sum: _sum,
    ops.Max: _pick("np.max"),
    ops.Min: _pick("np.min"),
    ops.Softmax: _softmax,
    ops.LogSoftmax: _log_softmax,
    ops.Reshape: _reshape,
    ops.Transpose: _transpose,
    ops.BroadcastTo: _broadcast_to,
    ops.Cast: _cast,
    ops.Concatenate: _join("np.concatenate"),
    ops.Stack: _join("np.stack"),
    ops.GetItem: _getitem,
    ScatterAdd: _scatter_add,
    ops.MatMul: _matmul,
    ops.Linear: _linear,
}


def _compare(symbol):
    return lambda instr, args, src, out: f"{args[0]} {symbol} {args[1]}"  # no casts: NumPy compares as it is


for _op in (ops.Less, ops.LessEqual, ops.Greater, ops.GreaterEqual, ops.Equal, ops.NotEqual):
    RULES[_op] = _compare(_op.symbol)


# -- in place ---------------------------------------------------------------------------------
# An elementwise op whose operand dies at it (nothing reads it afterwards) may write its result
# into that operand's array, as hand-written NumPy does (``np.maximum(h, 0, out=h)``): the replay
# then allocates less than the eager step. ``IN_PLACE`` gives the ufunc of each such op (and the
# constant operand Relu adds); codegen decides when an operand may be reused (see ``FRESH``).
IN_PLACE = {
    ops.Add: "np.add",
    ops.Sub: "np.subtract",
    ops.Mul: "np.multiply",
    ops.Div: "np.divide",
    ops.Maximum: "np.maximum",
    ops.Minimum: "np.minimum",
    ops.Neg: "np.negative",
    ops.Exp: "np.exp",
    ops.Log: "np.log",
    ops.Sqrt: "np.sqrt",
    ops.Abs: "np.abs",
    ops.Tanh: "np.tanh",
    ops.Relu: "np.maximum",
}
# Ops whose replay always returns a new array of its own, never a view of an input nor an input
# itself: only their results may be overwritten, and an operand these read stays unshared.
FRESH = {*IN_PLACE, ops.MatMul, ops.Linear, ops.Sum, ops.Max, ops.Min, ops.Softmax, ops.LogSoftmax, ops.Where,
         ops.Less, ops.LessEqual, ops.Greater, ops.GreaterEqual, ops.Equal, ops.NotEqual}  # fmt: skip


def in_place(instr, args, target):
    """The statement that computes ``instr`` into its operand number ``target``'s array."""
    operands = [_operand(instr, i, a) if len(args) == 2 else a for i, a in enumerate(args)]
    if instr.op is ops.Relu:
        operands.append("0")
    return f"{IN_PLACE[instr.op]}({', '.join(operands)}, out={args[target]})"


def register(op, rule):
    """Give ``op`` a NumPy rule: ``rule(instr, args, src, out)`` returns the expression (or the
    statements) that compute ``out`` from the source text ``args`` of its inputs."""
    RULES[op] = rule


# -- pairs ------------------------------------------------------------------------------------
# Two ops that read the same arrays and that one call computes more cheaply together (a loss
# and its gradient: one softmax and one check of the labels instead of two). A program whose
# second op's arguments all exist when the first runs computes both there, in one statement.
# ``PAIRS[(first, second)]`` is ``rule(first_instr, second_instr, src, ref)``: the expression
# that gives the two results as a pair, or ``None`` when these two instructions cannot be
# fused (other arguments, other options). ``src(value)`` is a value's source text, ``ref(op)``
# the name the code may call ``op`` by.
PAIRS = {}


def register_pair(first, second, rule):
    """Let a program compute ``first`` and a later ``second`` in one statement (see PAIRS)."""
    PAIRS[(first, second)] = rule
