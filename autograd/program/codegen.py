"""From a program to Python: the source of a function of NumPy calls, and that function.

The same generator serves both uses. ``python_source()`` prints a module that runs on its own
(constants written out as arrays, captured Tensors as parameters); the replay a Program runs
is the same code compiled with its constants and captured Tensors bound by name, so a
replay is one Python function call of straight-line NumPy code: no Tensors, no nodes, no
grad mode.
"""

from __future__ import annotations

import numpy as np

from ..engine import state
from ..tensor import Tensor, make_tensor
from .ir import Var
from .rules import FRESH, IN_PLACE, PAIRS, RULES, in_place

__all__ = ["replay_forward", "generate", "build"]


class _ReplayCtx:
    """The ``ctx`` an op's forward gets when a program replays it: nothing needs a gradient,
    nothing is saved."""

    def __init__(self, count):
        self.needs_input_grad = (False,) * count

    def save_for_backward(self, *values):
        pass


def replay_forward(op, as_tensor, *arrays, **options):
    """Run ``op``'s own forward on arrays: the replay of an op that has no NumPy rule.

    Inputs that were Tensors when traced are handed over as Tensors again; the result comes
    back as an array. Correct for every op whose forward depends only on its inputs and
    options (``Function.pure``).
    """
    inputs = [make_tensor(np.asarray(a)) if wrap else a for a, wrap in zip(arrays, as_tensor)]
    previous = state.enabled
    state.enabled = False
    try:
        result = op.forward(_ReplayCtx(len(arrays)), *inputs, **options)
    finally:
        state.enabled = previous
    return np.asarray(result.data if isinstance(result, Tensor) else result)


_LITERALS = (int, float, bool, str, type(None))


class _Source:
    """Turns arguments and options into source text, collecting what the code must bind."""

    def __init__(self, standalone):
        self.standalone = standalone
        self.bindings = {}  # name -> object the code refers to

    def bind(self, prefix, obj):
        for name, known in self.bindings.items():
            if known is obj:
                return name
        name = f"_{prefix}{len(self.bindings)}"
        self.bindings[name] = obj
        return name

    def __call__(self, value, bare=False):
        if isinstance(value, Var):
            return value.name
        if isinstance(value, tuple):
            parts = [self(v, bare=bare) for v in value]
            if bare:
                return ", ".join(parts) + ("," if len(parts) == 1 else "") if parts else "()"
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        if isinstance(value, list):
            return "[" + ", ".join(self(v) for v in value) + "]"
        if isinstance(value, slice):
            parts = [self(p) if p is not None else "" for p in (value.start, value.stop, value.step)]
            if bare:
                return ":".join(parts) if value.step is not None else ":".join(parts[:2])
            return f"slice({', '.join(self(p) for p in (value.start, value.stop, value.step))})"
        if value is Ellipsis:
            return "..."
        if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
            return f"np.{np.dtype(value).name}"
        if isinstance(value, float) and not np.isfinite(value):
            return f"float({str(value)!r})"
        if isinstance(value, _LITERALS):
            return repr(value)
        if isinstance(value, np.generic):
            return f"np.{value.dtype.name}({value.item()!r})"
        if self.standalone:
            raise TypeError(f"python_source: cannot write the option {value!r} as source")
        return self.bind("o", value)


def _array_source(array):
    return f"np.array({array.tolist()!r}, dtype=np.{array.dtype.name}).reshape({array.shape!r})"


def generate(program, standalone=False, name="program"):
    """The program as the source of a Python function, and the objects its names refer to."""
    src = _Source(standalone)
    head = []
    params = [v.name for v in program.inputs]
    body = []
    for var in program.captured:
        if standalone:
            params.append(var.name)
        else:
            body.append(f"{var.name} = {src.bind('cap', var.value)}.data")
    for var in program.consts:
        if standalone:
            head.append(f"{var.name} = {_array_source(np.asarray(var.value))}")
        else:
            src.bindings[var.name] = var.value
    imports = set()
    # Each intermediate is deleted right after its last use, as the eager engine frees what
    # backward no longer needs, and an elementwise op whose operand dies at it writes into
    # that operand's array: a replay holds no more memory than the eager step.
    last_use = {}
    for position, instr in enumerate(program.instructions):
        for var in instr.vars():
            if var.kind == "op":
                last_use[var.name] = position
    kept = {var.name for var in program.outputs if var is not None}
    dead_after = {}
    for var_name, position in last_use.items():
        if var_name not in kept:
            dead_after.setdefault(position, []).append(var_name)
    reusable = _reusable(program.instructions, kept)

    def ref(op):  # the name the code calls ``op`` by
        if standalone:
            imports.add(f"from {op.__module__} import {op.__name__}")
            return op.__name__
        return "replay_forward" if op is replay_forward else src.bind("op", op)

    pairs = _pairs(program.instructions, src, ref)  # first position -> (second position, expression)
    computed_early = {second for second, _ in pairs.values()}
    for position, instr in enumerate(program.instructions):
        out = instr.out.name
        if position in computed_early:  # its result was computed with its pair's first op
            lines = []
        elif position in pairs:
            second, expression = pairs[position]
            other = program.instructions[second].out
            lines = [f"{out}, {other.name} = {expression}  # {instr.out.type}, {other.type}"]
        else:
            lines = _statements(instr, position, src, ref, reusable, last_use)
            lines[-1] += f"  # {instr.out.type}"
        body.extend(lines)
        temporaries = [line.split(" = ", 1)[0] for line in lines if line.startswith(f"{out}_")]
        dead = sorted(set(dead_after.get(position, [])) | set(temporaries))
        if out not in kept and out not in last_use:
            dead.append(out)  # computed for nothing else (cannot happen after dead-code removal)
        if dead:
            body.append(f"del {', '.join(dead)}")
    results = []
    for var in program.outputs:
        if var.kind != "op":  # an input, constant or captured array returned: a copy of its own
            results.append(f"{var.name}.copy()")
        elif not var.shape:  # 0-d NumPy results may be scalars: outputs are arrays
            results.append(f"np.asarray({var.name})")
        else:
            results.append(var.name)
    body.append(f"return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    lines = ["import numpy as np", *sorted(imports), "", *head, "" if head else None]
    lines = [line for line in lines if line is not None]
    signature = ", ".join(params)
    lines.append(f"def {name}({signature}):")
    doc = program.describe_signature()
    lines.append(f'    """{doc}"""')
    lines.extend("    " + line for line in body)
    return "\n".join(lines) + "\n", src.bindings


def _statements(instr, position, src, ref, reusable, last_use):
    """The code of one instruction, as lines: its rule, in place, or the op's own computation."""
    out = instr.out.name
    args = [src(a) for a in instr.args]
    rule = RULES.get(instr.op)
    target = _dying_operand(instr, position, reusable, last_use) if instr.op in IN_PLACE else None
    if target is not None:  # write the result into an operand nothing reads afterwards
        return [f"{out} = {in_place(instr, args, target)}"]
    if rule is not None:
        lines = rule(instr, args, src, out)
        return [f"{out} = {lines}"] if isinstance(lines, str) else list(lines)
    options = "".join(f", {key}={src(value)}" for key, value in instr.options.items())
    if getattr(instr.op, "compute", None) is not None:  # the op's own computation on arrays
        return [f"{out} = {ref(instr.op)}.compute({', '.join(args)}{options})"]
    # the op's forward, handed Tensors where it was given Tensors
    call_args = "".join(f", {a}" for a in args)
    return [f"{out} = {ref(replay_forward)}({ref(instr.op)}, {instr.as_tensor!r}{call_args}{options})"]


def _pairs(instructions, src, ref):
    """The pairs of instructions (see ``rules.PAIRS``) computed in one statement at the first's
    place: the second's arguments must all exist by then. Maps the first's position to the
    second's and the statement's expression."""
    seconds = {second for _, second in PAIRS}
    defined = {instr.out.name: position for position, instr in enumerate(instructions)}
    pairs, taken = {}, set()
    for second, instr in enumerate(instructions):
        if instr.op not in seconds:  # (so the search is quadratic only in the pairs' second ops)
            continue
        for first in range(second - 1, -1, -1):
            earlier = instructions[first]
            rule = PAIRS.get((earlier.op, instr.op))
            if rule is None or first in pairs or first in taken:
                continue
            if any(defined.get(arg.name, -1) >= first for arg in instr.vars() if arg.kind == "op"):
                continue  # an argument of the second is computed after the first
            expression = rule(earlier, instr, src, ref)
            if expression is not None:
                pairs[first] = (second, expression)
                taken.add(second)
                break
    return pairs


def _reusable(instructions, kept):
    """Results whose array the program may overwrite once they die: made by an op that returns
    an array of its own (``rules.FRESH``), never read by an op that might return a view of it
    (a reshape, a transpose, an index) or hand it on, and not among the outputs."""
    fresh = {instr.out.name for instr in instructions if instr.op in FRESH}
    shared = {var.name for instr in instructions if instr.op not in FRESH for var in instr.vars()}
    return fresh - shared - kept


def _dying_operand(instr, position, reusable, last_use):
    """The position of an operand whose array ``instr`` may compute into: read for the last time
    here, with the result's shape and dtype; ``None`` if there is none."""
    out = instr.out
    if not out.shape:  # 0-d results may be NumPy scalars, which cannot be written into
        return None
    for index, arg in enumerate(instr.args):
        if (isinstance(arg, Var) and arg.name in reusable and last_use.get(arg.name) == position
                and arg.shape == out.shape and arg.dtype == out.dtype):  # fmt: skip
            return index
    return None


def build(program):
    """The replay function of ``program``: its generated source, compiled."""
    source, bindings = generate(program, standalone=False, name="replay")
    namespace = {"np": np, "replay_forward": replay_forward, **bindings}
    exec(compile(source, f"<program {id(program):x}>", "exec"), namespace)  # noqa: S102
    return namespace["replay"], source
