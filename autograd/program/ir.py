"""The program: values (``Var``), one instruction per recorded op (``Instr``), and how it prints.

A program is straight-line code. Its values are the positional inputs, the Tensors the
traced function captured (read afresh at every replay), constants, and one result per
instruction. Printing it reads like the code it stands for, one assignment per op with the
result's dtype and shape in a comment, in the spirit of JAX's ``make_jaxpr``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Var", "Instr", "type_of", "format_value", "live_instructions"]

_SHORT = {"float16": "f16", "float32": "f32", "float64": "f64", "int8": "i8", "int16": "i16", "int32": "i32",
          "int64": "i64", "uint8": "u8", "bool": "bool"}  # fmt: skip


def type_of(shape, dtype):
    """``f32[16,3]``: a value's dtype and shape, as the printed program shows them."""
    name = _SHORT.get(np.dtype(dtype).name, np.dtype(dtype).name)
    return f"{name}[{','.join(str(n) for n in shape)}]"


class Var:
    """One value of the program.

    ``kind`` is ``"input"`` (a positional argument), ``"captured"`` (a Tensor the function
    used but was not given: its ``.data`` is read at every replay), ``"const"`` (an array
    fixed at trace time: an index, a seed of ones) or ``"op"`` (an instruction's result).
    """

    __slots__ = ("name", "kind", "shape", "dtype", "value", "position")

    def __init__(self, name, kind, shape, dtype, value=None, position=None):
        self.name = name
        self.kind = kind
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.value = value  # the Tensor (captured) or the array (const)
        self.position = position  # the argument's position (input)

    @property
    def type(self):
        return type_of(self.shape, self.dtype)

    def __repr__(self):
        return f"{self.name}: {self.type}"


class Instr:
    """One recorded op: ``out = op(*args, **options)``.

    ``args`` holds a :class:`Var` per array or Tensor input and plain Python values (numbers,
    ``None``) as they were; ``options`` may hold Vars inside an index. ``as_tensor`` says
    which positional inputs were Tensors (replaying through ``forward`` hands them back as
    Tensors). ``origin`` is ``"forward"`` or the backward step that made it (``MulBackward``).
    """

    __slots__ = ("op", "args", "options", "out", "as_tensor", "origin")

    def __init__(self, op, args, options, out, as_tensor, origin):
        self.op = op
        self.args = args
        self.options = options
        self.out = out
        self.as_tensor = as_tensor
        self.origin = origin

    @property
    def name(self):
        return self.op.__name__.lower()

    def vars(self):
        """Every Var this instruction reads, in its arguments and inside its options."""
        found = [a for a in self.args if isinstance(a, Var)]
        for value in self.options.values():
            _collect(value, found)
        return found

    def __str__(self):
        parts = [format_value(a) for a in self.args]
        parts += [f"{key}={format_value(value)}" for key, value in self.options.items() if value is not None]
        return f"{self.out.name} = {self.name}({', '.join(parts)})"


def _collect(value, found):
    if isinstance(value, Var):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for part in value:
            _collect(part, found)


def format_value(value):
    """How an argument or option prints: a Var by name, an index as NumPy spells it."""
    if isinstance(value, Var):
        return value.name
    if isinstance(value, slice):
        text = ":".join("" if v is None else str(v) for v in (value.start, value.stop, value.step))
        return text[:-1] if text.endswith(":") and value.step is None else text
    if isinstance(value, tuple):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, np.dtype):
        return value.name
    if value is Ellipsis:
        return "..."
    return repr(value)


def live_instructions(instrs, outputs):
    """The instructions some output depends on, in order: dead code dropped."""
    needed = {id(v) for v in outputs}
    live = []
    for instr in reversed(instrs):
        if id(instr.out) in needed:
            live.append(instr)
            needed.update(id(v) for v in instr.vars())
    live.reverse()
    return live
