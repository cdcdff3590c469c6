"""``autograd.trace`` and the :class:`Program` it returns: print it, replay it, export it."""

from __future__ import annotations

import inspect
import keyword

import numpy as np

from .. import ops
from ..tensor import Tensor, make_tensor, seed_gradient
from . import codegen
from .ir import Var, format_value, live_instructions, type_of
from .tracer import TraceError, Tracer, tracing

__all__ = ["Program", "trace"]

_RESERVED = {"np", "replay_forward", "program", "replay"}


def _argument_names(fn, count):
    """Names for the inputs: the function's own parameter names where they are usable."""
    names = []
    if hasattr(fn, "named_parameters") and hasattr(fn, "forward"):
        fn = fn.forward  # a Module: the names of its forward's arguments
    try:
        parameters = [p.name for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]  # fmt: skip
    except (TypeError, ValueError):
        parameters = []
    for position in range(count):
        name = parameters[position] if position < len(parameters) else f"x{position}"
        bad = keyword.iskeyword(name) or name in _RESERVED or name in names
        bad = bad or (name[:1] in "tcwk" and name[1:].isdigit()) or name.startswith("_")
        names.append(f"{name}_" if bad else name)
    return names


def _modules_of(fn):
    """The models ``fn`` uses, with the names it knows them by: ``fn`` itself (or the Module of
    a bound method) and the Modules among its closure's and globals' names."""
    found = []
    owner = fn if hasattr(fn, "named_parameters") else getattr(fn, "__self__", None)
    if owner is not None and hasattr(owner, "named_parameters"):
        found.append(("", owner))
    code = getattr(fn, "__code__", None)
    if code is not None:
        cells = dict(zip(code.co_freevars, [c.cell_contents for c in fn.__closure__ or ()]))
        for name in code.co_freevars + code.co_names:
            value = cells[name] if name in cells else getattr(fn, "__globals__", {}).get(name)
            if hasattr(value, "named_parameters") and callable(value.named_parameters):
                found.append((name, value))
    return found


def _parameter_names(fn):
    """Names for the Tensors a model captures: ``model.0.weight`` prints as ``model_0_weight``."""
    names = {}
    for prefix, module in _modules_of(fn):
        try:
            pairs = list(module.named_parameters())
        except TypeError:
            continue
        for name, parameter in pairs:
            full = "_".join(p for p in (prefix, name.replace(".", "_")) if p)
            if not full.isidentifier() or keyword.iskeyword(full):
                full = f"p_{full}"
            names.setdefault(id(parameter), full)
    return names


def as_input(value):
    """The array an argument stands for: a Tensor's, an array itself, else as ``Tensor()`` makes
    it (numbers and lists take the default float dtype)."""
    if isinstance(value, Tensor):
        return value.data
    if type(value) is np.ndarray:
        return value
    return Tensor(value).data


def _flatten(result):
    if isinstance(result, Tensor):
        return [result], True
    if isinstance(result, (tuple, list)) and all(isinstance(r, Tensor) for r in result):
        return list(result), False
    raise TraceError(f"trace: the function must return a Tensor or a tuple of Tensors, got {type(result).__name__}")


class Program:
    """A traced function as straight-line code of primitive ops (see :func:`trace`).

    ``program(*arrays)`` replays it on new values of the function's positional arguments
    (same shapes and dtypes) and returns arrays: the function's outputs, then, for a program
    with gradients, one gradient per ``wrt`` entry. ``str(program)`` reads as code;
    :meth:`python_source` is the same as a standalone Python function of NumPy calls;
    :meth:`with_grad` appends the backward pass; :meth:`to_onnx` exports the forward pass.

    >>> import numpy as np, autograd
    >>> program = autograd.trace(lambda x: (x * x).sum(), np.zeros(3))
    >>> print(program)  # doctest: +NORMALIZE_WHITESPACE
    def program(x: f64[3]):
        t1 = mul(x, x)        # f64[3]
        t2 = sum(t1)          # f64[]
        return t2
    >>> program(np.array([1.0, 2.0, 3.0]))
    array(14.)
    >>> loss, grad = program.with_grad()(np.array([1.0, 2.0, 3.0]))
    >>> grad
    array([2., 4., 6.])
    """

    def __init__(self, fn, example_args, inputs, captured, consts, instructions, outputs, n_results, single,
                 grad_targets):  # fmt: skip
        self.fn = fn
        self.example_args = example_args
        self.inputs = inputs
        self.captured = captured
        self.consts = consts
        self.instructions = instructions
        self.outputs = outputs
        self.n_results = n_results
        self.single = single
        self.grad_targets = grad_targets  # per gradient output: an argument position or a captured Tensor
        self._replay = None
        self._source = None

    # -- running ---------------------------------------------------------------------------
    @property
    def replay(self):
        """The compiled replay: ``replay(*arrays) -> tuple of arrays``, with no checks."""
        if self._replay is None:
            self._replay, self._source = codegen.build(self)
        return self._replay

    def __call__(self, *arrays):
        if len(arrays) != len(self.inputs):
            raise TypeError(
                f"program: expected {len(self.inputs)} arguments ({self.describe_inputs()}), got {len(arrays)}"
            )
        values = []
        for var, value in zip(self.inputs, arrays):
            value = as_input(value)
            if value.shape != var.shape or value.dtype != var.dtype:
                raise ValueError(
                    f"program: argument {var.name} was traced as {var.type}, got {type_of(value.shape, value.dtype)}; "
                    "a program runs on the shapes and dtypes it was traced with: trace again "
                    "(or use autograd.compile, which traces once per shape)"
                )
            values.append(value)
        results = self.replay(*values)
        if self.single and len(results) == 1:
            return results[0]
        return results

    # -- reading ---------------------------------------------------------------------------
    def describe_inputs(self):
        return ", ".join(f"{v.name}: {v.type}" for v in self.inputs)

    def describe_signature(self):
        outs = [v.name if v is not None else "None" for v in self.outputs[: self.n_results]]
        grads = [f"d/d{self.target_name(t)}" for t in self.grad_targets]
        text = f"({self.describe_inputs()}) -> {', '.join(outs)}"
        return text + (f"; then {', '.join(grads)}" if grads else "")

    def target_name(self, target):
        if isinstance(target, int):
            return self.inputs[target].name if target < len(self.inputs) else f"x{target}"
        for var in self.captured:
            if var.value is target:
                return var.name
        return "captured"

    def __str__(self):
        lines = [f"def program({self.describe_inputs()}):"]
        if self.captured:
            captured = ", ".join(f"{v.name}: {v.type}" for v in self.captured)
            lines.append(f"    # captured, read at every replay: {captured}")
        for var in self.consts:
            value = np.asarray(var.value)
            shown = np.array2string(value, threshold=6) if value.size <= 6 else "..."
            lines.append(f"    # constant {var.name}: {var.type} = {shown}")
        width = max([len(str(i)) for i in self.instructions] + [20]) + 2
        origin = "forward"
        for instr in self.instructions:
            if instr.origin != "forward" and origin == "forward":
                lines.append("    # -- backward --")
            origin = instr.origin
            note = f"  {instr.origin}" if instr.origin != "forward" else ""
            lines.append(f"    {str(instr):<{width}}# {instr.out.type}{note}")
        results = [format_value(v) if v is not None else "None" for v in self.outputs]
        labels = ["out"] * self.n_results + [f"d/d{self.target_name(t)}" for t in self.grad_targets]
        lines.append(f"    return {', '.join(results)}" + (f"  # {', '.join(labels)}" if self.grad_targets else ""))
        return "\n".join(lines)

    def __repr__(self):
        return f"<Program {self.describe_signature()}: {len(self.instructions)} ops>"

    def python_source(self, name="program"):
        """The program as the source of a Python module defining ``name(*inputs, *captured)``:
        NumPy calls only (an op with no NumPy rule calls its own ``forward`` through autograd).

        >>> import numpy as np, autograd
        >>> program = autograd.trace(lambda x, y: (x + y) * y, np.ones(2), np.ones(2))
        >>> namespace = {}
        >>> exec(program.python_source(), namespace)
        >>> namespace["program"](np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        (array([12., 24.]),)
        """
        return codegen.generate(self, standalone=True, name=name)[0]

    # -- deriving --------------------------------------------------------------------------
    def with_grad(self, wrt=None):
        """This program with its backward pass appended: it then returns its outputs, then the
        gradient of its (one-element) first output with respect to each entry of ``wrt``.

        ``wrt``: argument positions and/or captured Tensors (a model's parameters); by default
        every float argument. The backward pass is the engine's own backward rules, recorded
        as ops; what no requested gradient needs is dropped.
        """
        if wrt is None:
            wrt = [v.position for v in self.inputs if v.dtype.kind == "f"]
        return trace(self.fn, *self.example_args, grad=list(wrt))

    def to_onnx(self, path):
        """Write the forward program as an ONNX model (inputs, captured Tensors as initialisers);
        see :mod:`autograd.program.onnx_export`."""
        from .onnx_export import export

        return export(self, path)


def run_trace(fn, args, wrt=None, keep_leaf_grads=False):
    """Trace ``fn(*args)``; ``wrt`` asks for gradients of its first output, ``keep_leaf_grads``
    for those its own ``backward()`` calls left in ``.grad`` (what ``compile`` needs)."""
    tracer = Tracer(names=_parameter_names(fn))
    names = _argument_names(fn, len(args))
    wrt = list(wrt or ())
    positions = {w for w in wrt if isinstance(w, int) and not isinstance(w, bool)}
    for position in positions:
        if not 0 <= position < len(args):
            raise ValueError(f"trace: wrt position {position} is not an argument (there are {len(args)})")
    tensors = []
    for position, value in enumerate(args):
        data = as_input(value)
        tensor = make_tensor(data)  # a leaf of its own, sharing the caller's array
        if position in positions or (isinstance(value, Tensor) and value.requires_grad):
            if data.dtype.kind != "f":
                raise TypeError(f"trace: argument {names[position]} has dtype {data.dtype}, so it has no gradient")
            tensor.requires_grad = True
        tensors.append(tensor)
    with tracing(tracer):
        for position, tensor in enumerate(tensors):
            tracer.input(tensor, names[position], position)
        outputs, single = _flatten(fn(*tensors))
        out_vars = [tracer.ref(o) for o in outputs]
        targets, grad_vars = [], []
        if wrt:
            leaves = [tensors[w] if isinstance(w, int) else w for w in wrt]
            root = outputs[0]
            capture = {leaf: None for leaf in leaves}
            if root.requires_grad:
                seed = seed_gradient(root, None, "trace(grad=...)")
                tracer.run_backward([root.grad_fn or root], [seed], False, False, capture, None, None)
            for w, leaf in zip(wrt, leaves):
                targets.append(w)
                grad_vars.append(_grad_var(tracer, capture.get(leaf), leaf))
        if keep_leaf_grads:
            position_of = {id(t): p for p, t in enumerate(tensors)}
            for leaf in tracer.leaf_grads:
                targets.append(position_of.get(id(leaf), leaf))
                grad_vars.append(tracer.ref(leaf.grad))
    return _make_program(fn, args, tracer, out_vars, grad_vars, targets, single)


def _grad_var(tracer, grad, leaf):
    if grad is None:  # no path from the output: the gradient is zero
        return tracer.const(np.zeros(leaf.shape, dtype=leaf.dtype))
    return tracer.ref(grad)


def _passed_through(instr):
    """The input an instruction returns unchanged, if it does (a reshape to the same shape, a
    product with a constant 1 such as backward's seed), else ``None``."""
    op, args, out = instr.op, instr.args, instr.out
    if op is ops.Reshape or op is ops.Transpose and len(out.shape) < 2:
        x = args[0]
        return x if isinstance(x, Var) and x.shape == out.shape else None
    if op is ops.Mul:
        for one, other in (args, args[::-1]):
            if (isinstance(one, Var) and one.kind == "const" and one.value.size == 1 and one.value.item() == 1
                    and isinstance(other, Var) and other.shape == out.shape and other.dtype == out.dtype):  # fmt: skip
                return other
    return None


def _simplified(instrs, outputs):
    """Drop the instructions that pass a value through unchanged, renaming their results."""
    alias = {}

    def renamed(value):
        if isinstance(value, Var):
            return alias.get(id(value), value)
        if isinstance(value, tuple):
            return tuple(renamed(v) for v in value)
        if isinstance(value, list):
            return [renamed(v) for v in value]
        return value

    kept = []
    for instr in instrs:
        instr.args = renamed(instr.args)
        instr.options = {key: renamed(value) for key, value in instr.options.items()}
        same = _passed_through(instr)
        if same is None:
            kept.append(instr)
        else:
            alias[id(instr.out)] = same
    return kept, [renamed(v) for v in outputs]


def _make_program(fn, args, tracer, out_vars, grad_vars, targets, single):
    instrs, outputs = _simplified(tracer.instrs, out_vars + grad_vars)
    out_vars, grad_vars = outputs[: len(out_vars)], outputs[len(out_vars) :]
    live = live_instructions(instrs, outputs)
    used = {id(v) for v in outputs}
    for instr in live:
        used.update(id(v) for v in instr.vars())
    for number, instr in enumerate(live, start=1):
        instr.out.name = f"t{number}"  # numbered in order, with no gaps where code was dropped
    captured = [v for v in tracer.captured if id(v) in used]
    consts = [v for v in tracer.consts if id(v) in used]
    for number, var in enumerate(consts):
        var.name = f"c{number}"
    return Program(fn, tuple(args), tracer.inputs, captured, consts, live, outputs, len(out_vars), single, targets)


def trace(fn, *example_args, grad=False):
    """Run ``fn`` once on Tensors made from ``example_args`` and return the :class:`Program` of
    the primitive ops it applied.

    ``grad=True`` appends the backward pass (the gradient of ``fn``'s one-element first output
    with respect to every float argument); ``grad=[positions or captured Tensors]`` picks
    which. Tensors that ``fn`` uses without being given them (a model's parameters) are
    captured by reference: a replay reads their current values. Python that depends on values
    (``if loss > 0:``, ``.item()``) raises :class:`TraceError`.

    >>> import autograd
    >>> program = autograd.trace(lambda x, w: (x * w).tanh(), 0.5, -2.0, grad=True)
    >>> print(program)  # doctest: +NORMALIZE_WHITESPACE
    def program(x: f64[], w: f64[]):
        t1 = mul(x, w)        # f64[]
        t2 = tanh(t1)         # f64[]
        # -- backward --
        t3 = mul(t2, t2)      # f64[]  TanhBackward
        t4 = sub(1, t3)       # f64[]  TanhBackward
        t5 = mul(t4, w)       # f64[]  MulBackward
        t6 = mul(t4, x)       # f64[]  MulBackward
        return t2, t5, t6  # out, d/dx, d/dw
    >>> [round(float(v), 4) for v in program(0.5, -2.0)]  # tanh(-1), then (1 - tanh^2) w, (1 - tanh^2) x
    [-0.7616, -0.8399, 0.21]
    """
    if grad is True:
        wrt = [p for p, value in enumerate(example_args) if as_input(value).dtype.kind == "f"]
    elif grad is False or grad is None:
        wrt = None
    else:
        wrt = list(grad)
    return run_trace(fn, example_args, wrt)
