"""``Program.to_onnx``: the forward program as an ONNX model (needs the ``onnx`` package).

Each instruction becomes one ONNX node or a few; the program's inputs become the graph's
inputs, captured Tensors (a model's parameters) become initialisers holding their current
values, constants become initialisers too. Shapes are the traced ones. The model opens in
Netron and runs in any ONNX runtime (``onnxruntime``); an op with no ONNX counterpart here
raises ``NotImplementedError`` naming it.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from .ir import Var, live_instructions

__all__ = ["export", "EXPORTERS"]


class _Graph:
    """The ONNX graph being built: nodes, initialisers, and names for Python constants."""

    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self.count = 0

    def fresh(self, stem="tmp"):
        self.count += 1
        return f"_{stem}{self.count}"

    def constant(self, value, dtype=None):
        array = np.asarray(value, dtype=dtype)
        name = self.fresh("const")
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op_type, inputs, output=None, **attributes):
        output = output or self.fresh(op_type.lower())
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [output], **attributes))
        return output

    def value(self, arg, dtype):
        """The ONNX name of an argument: a Var by name (cast to ``dtype``), a number as a constant."""
        if isinstance(arg, Var):
            if dtype is not None and arg.dtype != np.dtype(dtype):
                return self.node("Cast", [arg.name], to=_onnx_type(self.onnx, dtype))
            return arg.name
        return self.constant(arg, dtype)


def _onnx_type(onnx, dtype):
    return onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


def _elementwise(op_type):
    def export(g, instr, out):
        dtype = instr.out.dtype
        g.node(op_type, [g.value(a, dtype) for a in instr.args], out)

    return export


def _unary(op_type):
    return lambda g, instr, out: g.node(op_type, [instr.args[0].name], out)


def _compare(op_type, negate=False):
    def export(g, instr, out):
        dtypes = [a.dtype for a in instr.args if isinstance(a, Var)]
        dtype = np.result_type(*dtypes) if dtypes else None
        args = [g.value(a, dtype) for a in instr.args]
        if negate:
            g.node("Not", [g.node(op_type, args)], out)
        else:
            g.node(op_type, args, out)

    return export


def _axes(instr):
    from ..ops.reductions import normalise_axis

    return list(normalise_axis(instr.options.get("axis"), len(instr.args[0].shape), instr.name))


def _reduce(op_type):
    def export(g, instr, out):
        axes = g.constant(np.array(_axes(instr), dtype=np.int64))
        g.node(op_type, [instr.args[0].name, axes], out, keepdims=int(bool(instr.options.get("keepdims", False))))

    return export


def _normalise(op_type):
    return lambda g, instr, out: g.node(op_type, [instr.args[0].name], out, axis=instr.options.get("axis", -1))


def _reshape(g, instr, out):
    g.node("Reshape", [instr.args[0].name, g.constant(np.array(instr.out.shape, dtype=np.int64))], out)


def _transpose(g, instr, out):
    ndim = len(instr.args[0].shape)
    axes = instr.options.get("axes")
    perm = list(range(ndim))[::-1] if axes is None else [a % ndim for a in axes]
    g.node("Transpose", [instr.args[0].name], out, perm=perm)


def _matmul(g, instr, out):
    g.node("MatMul", [a.name for a in instr.args], out)


def _linear(g, instr, out):
    x, weight = instr.args[0], instr.args[1]
    bias = instr.args[2] if len(instr.args) > 2 else None
    if len(x.shape) == 2 and isinstance(bias, Var):
        g.node("Gemm", [x.name, weight.name, bias.name], out, transB=1)
        return
    product = g.node("MatMul", [x.name, g.node("Transpose", [weight.name], perm=[1, 0])])
    if isinstance(bias, Var):
        g.node("Add", [product, bias.name], out)
    else:
        g.node("Identity", [product], out)


def _clip(g, instr, out):
    dtype = instr.out.dtype
    lo, hi = (list(instr.args[1:3]) + [None, None])[:2]  # the bounds are inputs: numbers or values
    bounds = ["" if bound is None else g.value(bound, dtype) for bound in (lo, hi)]  # "": no bound
    g.node("Clip", [instr.args[0].name, *bounds], out)


def _where(g, instr, out):
    condition, a, b = instr.args
    dtype = instr.out.dtype
    g.node("Where", [g.value(condition, bool), g.value(a, dtype), g.value(b, dtype)], out)


def _broadcast_to(g, instr, out):
    g.node("Expand", [instr.args[0].name, g.constant(np.array(instr.out.shape, dtype=np.int64))], out)


def _cast(g, instr, out):
    g.node("Cast", [instr.args[0].name], out, to=_onnx_type(g.onnx, instr.out.dtype))


def _concatenate(g, instr, out):
    g.node("Concat", [a.name for a in instr.args], out, axis=instr.options.get("axis", 0))


def _stack(g, instr, out):
    axis = instr.options.get("axis", 0) % len(instr.out.shape)
    axes = g.constant(np.array([axis], dtype=np.int64))
    g.node("Concat", [g.node("Unsqueeze", [a.name, axes]) for a in instr.args], out, axis=axis)


def _getitem(g, instr, out):
    """Integers and slices along the leading axes, or one integer array on the first axis."""
    x, index = instr.args[0], instr.options["index"]
    parts = index if isinstance(index, tuple) else (index,)
    if len(parts) == 1 and isinstance(parts[0], Var) and parts[0].dtype.kind in "iu":
        g.node("Gather", [x.name, g.value(parts[0], np.int64)], out, axis=0)
        return
    if not all(isinstance(p, (int, slice)) and not isinstance(p, bool) for p in parts):
        raise NotImplementedError(
            f"to_onnx: indexing with {index!r} has no ONNX export here (integers and slices, or one "
            "integer array on the first axis, do)"
        )
    starts, ends, axes, steps, squeeze = [], [], [], [], []
    for axis, part in enumerate(parts):
        if isinstance(part, int):
            start = part % x.shape[axis]
            starts.append(start), ends.append(start + 1), axes.append(axis), steps.append(1)
            squeeze.append(axis)
        else:
            start, stop, step = part.indices(x.shape[axis])
            if step < 0 and stop < 0:
                stop = -(2**62)  # slice to before the first element
            starts.append(start), ends.append(stop), axes.append(axis), steps.append(step)
    sliced = g.node("Slice", [x.name] + [g.constant(np.array(v, dtype=np.int64)) for v in (starts, ends, axes, steps)])
    if squeeze:
        g.node("Squeeze", [sliced, g.constant(np.array(squeeze, dtype=np.int64))], out)
    else:
        g.node("Identity", [sliced], out)


def _cross_entropy(g, instr, out):
    logits, labels = instr.args[0], instr.args[1]
    axis = instr.options["axis"]
    if axis != 1 and len(logits.shape) > 1:
        raise NotImplementedError("to_onnx: CrossEntropy with the classes on an axis other than 1")
    scores, target = logits.name, g.value(labels, np.int64)
    if len(logits.shape) == 1:  # one sample: add the batch axis ONNX wants
        zero = g.constant(np.array([0], dtype=np.int64))
        scores, target = g.node("Unsqueeze", [scores, zero]), g.node("Unsqueeze", [target, zero])
    loss = g.node("SoftmaxCrossEntropyLoss", [scores, target], reduction=instr.options["reduction"],
                  ignore_index=int(instr.options["ignore_index"]))  # fmt: skip
    if len(logits.shape) == 1 and instr.options["reduction"] == "none":
        loss = g.node("Squeeze", [loss, g.constant(np.array([0], dtype=np.int64))])
    g.node("Identity", [loss], out)


def _bce_with_logits(g, instr, out):
    """max(x, 0) - x y + log(1 + e^-|x|), the stable form nn's BCEWithLogits computes."""
    x, y = instr.args
    dtype = instr.out.dtype
    xs, ys = g.value(x, dtype), g.value(y, dtype)
    softplus = g.node(
        "Log", [g.node("Add", [g.constant(1, dtype), g.node("Exp", [g.node("Neg", [g.node("Abs", [xs])])])])]
    )
    g.node("Add", [g.node("Sub", [g.node("Relu", [xs]), g.node("Mul", [xs, ys])]), softplus], out)


EXPORTERS = {
    ops.Add: _elementwise("Add"),
    ops.Sub: _elementwise("Sub"),
    ops.Mul: _elementwise("Mul"),
    ops.Div: _elementwise("Div"),
    ops.Pow: _elementwise("Pow"),
    ops.Maximum: _elementwise("Max"),
    ops.Minimum: _elementwise("Min"),
    ops.Neg: _unary("Neg"),
    ops.Exp: _unary("Exp"),
    ops.Log: _unary("Log"),
    ops.Sqrt: _unary("Sqrt"),
    ops.Abs: _unary("Abs"),
    ops.Tanh: _unary("Tanh"),
    ops.Sigmoid: _unary("Sigmoid"),
    ops.Relu: _unary("Relu"),
    ops.Clip: _clip,
    ops.Where: _where,
    ops.Sum: _reduce("ReduceSum"),
    ops.Max: _reduce("ReduceMax"),
    ops.Min: _reduce("ReduceMin"),
    ops.Softmax: _normalise("Softmax"),
    ops.LogSoftmax: _normalise("LogSoftmax"),
    ops.Reshape: _reshape,
    ops.Transpose: _transpose,
    ops.BroadcastTo: _broadcast_to,
    ops.Cast: _cast,
    ops.Concatenate: _concatenate,
    ops.Stack: _stack,
    ops.GetItem: _getitem,
    ops.MatMul: _matmul,
    ops.Linear: _linear,
    ops.Less: _compare("Less"),
    ops.LessEqual: _compare("LessOrEqual"),
    ops.Greater: _compare("Greater"),
    ops.GreaterEqual: _compare("GreaterOrEqual"),
    ops.Equal: _compare("Equal"),
    ops.NotEqual: _compare("Equal", negate=True),
}


def _exporter(op):
    exporter = EXPORTERS.get(op)
    if exporter is None:  # nn's fused losses, known by name (nn sits above autograd)
        exporter = {"CrossEntropy": _cross_entropy, "BCEWithLogits": _bce_with_logits}.get(op.__name__)
    if exporter is None:
        raise NotImplementedError(
            f"to_onnx: {op.__name__} has no ONNX equivalent here; add one to "
            "autograd.program.onnx_export.EXPORTERS, or leave the op out of the exported function"
        )
    return exporter


def export(program, path):
    """Write ``program``'s forward outputs (not its gradients) to ``path`` as an ONNX model.

    Returns the ``onnx.ModelProto``. The opset is the newest the installed ``onnx`` knows.
    """
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "to_onnx needs the onnx package: pip install onnx (or pip install 'chainrule[programs]')"
        ) from None
    outputs = program.outputs[: program.n_results]
    instrs = live_instructions(program.instructions, outputs)
    g = _Graph(onnx)
    used = {id(v) for instr in instrs for v in instr.vars()} | {id(v) for v in outputs}
    for var in program.captured + program.consts:
        if id(var) in used:
            value = var.value.data if var.kind == "captured" else np.asarray(var.value)
            g.initializers.append(onnx.numpy_helper.from_array(np.ascontiguousarray(value), var.name))
    for instr in instrs:
        _exporter(instr.op)(g, instr, instr.out.name)
    out_names = []
    for position, var in enumerate(outputs):
        name = f"output{position}" if len(outputs) > 1 else "output"
        g.node("Identity", [var.name], name)
        out_names.append((name, var))

    def info(name, var):
        return onnx.helper.make_tensor_value_info(name, _onnx_type(onnx, var.dtype), list(var.shape))

    graph = onnx.helper.make_graph(
        g.nodes,
        "program",
        [info(v.name, v) for v in program.inputs if any(id(v) == u for u in used)],
        [info(name, var) for name, var in out_names],
        g.initializers,
    )
    model = onnx.helper.make_model(
        graph, producer_name="chainrule", opset_imports=[onnx.helper.make_opsetid("", onnx.defs.onnx_opset_version())]
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return model
