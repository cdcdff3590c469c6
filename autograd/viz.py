"""Drawing the computational graph, forward (values) and backward (gradients), with Graphviz.

:func:`draw_graph` turns the graph behind a Scalar or a Tensor into a ``graphviz.Digraph``;
:func:`backward_steps` draws backward one step at a time, so a student can watch the chain
rule ``dL/dx = sum over paths of the product of local derivatives`` fill the graph in, node
by node in topological order from the root (``engine.topological_order``).

Building a drawing needs no Graphviz program: ``.source`` is plain DOT text, the same for the
same computation (nodes are numbered by a counter in traversal order), so docs and tests can
compare it. Rendering it (``.pipe()``, ``.render()``, display in a notebook) runs a ``dot``
program: Graphviz's own ``dot`` when it is on ``PATH``, else ``graphviz-pure`` (a pure-Rust port
of ``dot``, installed by ``pip install "chainrule[viz]"``), else :class:`RendererNotFoundError`
says how to get one.

Drawing never changes the graph or any ``.grad``: gradients that ``.grad`` does not hold are
computed by the drawing itself with ``engine.run_backward(..., retain_graph=True)`` in a mode
that leaves ``.grad`` alone (Tensors), or from the local derivatives (Scalars).
"""

from __future__ import annotations

import functools
import gc
import html
import inspect
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping

import graphviz
import numpy as np

from . import engine
from .function import Node, keep_values_up_to
from .scalar import Scalar
from .tensor import Tensor

__all__ = ["draw_graph", "backward_steps", "GraphDrawing", "RendererNotFoundError", "find_renderer"]

# Tensors with at most this many elements show their values in a node; bigger ones show shape and dtype.
VALUE_LIMIT = 12
# Gradients flowing along a backward edge show their values up to this many elements.
EDGE_VALUE_LIMIT = 6

# The programs that turn DOT into SVG/PNG, in order of preference.
RENDERER_PROGRAMS = ("dot", "graphviz-pure")

# -- colours: one place, so the docstring of draw_graph can promise them -----------------------
_ROOT = "#ffd966"  # gold, thick border: the value (or backward step) of the root
_LEAF = "#cfe2f3"  # light blue: a leaf that requires grad (a user's Scalar, a Tensor leaf)
_PARAM = "#b6d7a8"  # green: a leaf named in ``params``
_CONST = "#eeeeee"  # light grey, dashed: a constant (a number or array taken into an op)
_VALUE = "#ffffff"  # white: an intermediate value
_OP = "#fff2cc"  # pale yellow ellipse: an operation; pale yellow circle: a sum of gradients
_STEP = "#f3f3f3"  # light grey box: a backward step of an operation
_BOX = "#ead1dc"  # mauve 3-d box: one Module call, collapsed
_NOTE = "#fce5cd"  # pale orange note: what was left out
# backward_steps: the node whose gradient is being completed, those already known, those pending
_CURRENT, _CURRENT_BORDER = "#f4cccc", "#cc0000"
_DONE = "#d9ead3"
_PENDING_INK = "#999999"

_SYMBOLS = {
    "Add": "+",
    "Sub": "-",
    "Neg": "neg",
    "Mul": "*",
    "Div": "/",
    "Pow": "**",
    "MatMul": "matmul",
    "Exp": "exp",
    "Log": "log",
    "Sqrt": "sqrt",
    "Abs": "abs",
    "Tanh": "tanh",
    "Sigmoid": "sigmoid",
    "Relu": "relu",
    "Clip": "clip",
    "Maximum": "maximum",
    "Minimum": "minimum",
    "Where": "where",
    "Sum": "sum",
    "Max": "max",
    "Min": "min",
    "Softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "Reshape": "reshape",
    "Transpose": "transpose",
    "BroadcastTo": "broadcast_to",
    "Cast": "cast",
    "GetItem": "[ ]",
    "ScatterAdd": "scatter_add",
    "Concatenate": "concatenate",
    "Stack": "stack",
}
_COMMUTATIVE = {"Add", "Mul", "Maximum", "Minimum", "+", "*"}
_SCALAR_STEPS = {
    "+": "Add",
    "-": "Sub",
    "*": "Mul",
    "/": "Div",
    "neg": "Neg",
    "exp": "Exp",
    "log": "Log",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "relu": "Relu",
}


# ============================================================================ rendering
class RendererNotFoundError(graphviz.ExecutableNotFound):
    """No program to render DOT was found (neither Graphviz's ``dot`` nor ``graphviz-pure``).

    A ``RuntimeError`` (and a ``graphviz.ExecutableNotFound``); the message says how to get one.
    """

    def __init__(self, detail=""):
        RuntimeError.__init__(
            self,
            "Rendering a graph (.pipe(), .render(), notebook display) needs a 'dot' program, "
            f"and none was found{detail}. Get one with any of:\n"
            "    apt-get install graphviz       (Debian, Ubuntu)\n"
            "    brew install graphviz          (macOS)\n"
            '    pip install "chainrule[viz]"   (graphviz-pure, a pure-Rust dot for any platform)\n'
            "The DOT text itself needs no program: use drawing.source.",
        )


def _interpreter_bin_dirs():
    """Where pip puts programs for this Python: a virtualenv's ``bin/`` even when it is not activated."""
    dirs = []
    for directory in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        if directory and directory not in dirs:
            dirs.append(directory)
    return dirs


def _which(program):
    """The path of ``program`` on ``PATH``, else where pip installs this Python's programs; or ``None``."""
    return shutil.which(program) or shutil.which(program, path=os.pathsep.join(_interpreter_bin_dirs()))


def find_renderer():
    """The path of the program that renders DOT here, or ``None``.

    Graphviz's ``dot`` on ``PATH`` first, then ``graphviz-pure`` on ``PATH``, then either one in
    the directory where pip installs this Python's programs (so ``pip install "chainrule[viz]"``
    works in a notebook whose virtualenv was never activated).
    """
    for program in RENDERER_PROGRAMS:
        found = shutil.which(program)
        if found:
            return found
    extra = os.pathsep.join(_interpreter_bin_dirs())
    for program in RENDERER_PROGRAMS:
        found = shutil.which(program, path=extra)
        if found:
            return found
    return None


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with whichever ``dot`` program is installed.

    Everything of ``graphviz.Digraph`` works (``.source``, ``.pipe()``, ``.render()``, inline display
    in Jupyter); the program is looked up when rendering, never at import: ``program`` (a name
    or a path, e.g. ``"graphviz-pure"``) when set, else :func:`find_renderer`. Without one,
    rendering raises :class:`RendererNotFoundError`.
    """

    program = None  # None: find_renderer(); else the program (a name on PATH, or a path) to run

    def _program(self):
        if self.program is not None:
            found = _which(self.program)
            if not found:
                raise RendererNotFoundError(f" (program={self.program!r} is not an executable program)")
            return found
        found = find_renderer()
        if found is None:
            raise RendererNotFoundError(" on PATH or next to this Python")
        return found

    def _command(self, engine_name, format_, renderer=None, formatter=None, neato_no_op=None):
        # graphviz's own checks of engine/format names, with our program in place of 'dot'
        cmd = graphviz.backend.dot_command.command(
            engine_name, format_, renderer=renderer, formatter=formatter, neato_no_op=neato_no_op
        )
        cmd[0] = self._program()
        return [os.fspath(part) for part in cmd]

    @staticmethod
    def _run(cmd, data, quiet, cwd=None):
        try:
            proc = subprocess.run(cmd, input=data, capture_output=True, cwd=cwd, check=False)
        except FileNotFoundError:
            raise RendererNotFoundError(f" ({cmd[0]} could not be started)") from None
        if proc.stderr and not quiet:
            # old dot versions estimate text widths for Latin-1 only and warn on every → or Σ: harmless
            lines = proc.stderr.decode("utf-8", "replace").splitlines(keepends=True)
            sys.stderr.write("".join(line for line in lines if "width of non-ASCII character" not in line))
        if proc.returncode:
            raise graphviz.CalledProcessError(proc.returncode, cmd, output=proc.stdout, stderr=proc.stderr)
        return proc.stdout

    # graphviz.Digraph reaches its backend through these three properties (meant for mocking);
    # .pipe(), .render(), _repr_mimebundle_ and _repr_image_* all go through them.
    @property
    def _pipe_lines(self):
        def pipe_lines(engine, format, input_lines, *, input_encoding, renderer=None, formatter=None,
                       neato_no_op=None, quiet=False):  # fmt: skip
            cmd = self._command(engine, format, renderer, formatter, neato_no_op)
            return self._run(cmd, "".join(input_lines).encode(input_encoding), quiet)

        return pipe_lines

    @property
    def _pipe_lines_string(self):
        def pipe_lines_string(engine, format, input_lines, *, encoding, renderer=None, formatter=None,
                              neato_no_op=None, quiet=False):  # fmt: skip
            cmd = self._command(engine, format, renderer, formatter, neato_no_op)
            return self._run(cmd, "".join(input_lines).encode(encoding), quiet).decode(encoding)

        return pipe_lines_string

    @property
    def _render(self):
        def render(engine, format=None, filepath=None, renderer=None, formatter=None, neato_no_op=None,
                   quiet=False, *, outfile=None, raise_if_result_exists=False, overwrite_filepath=False):  # fmt: skip
            rendering = graphviz.backend.rendering
            if outfile is not None:
                outfile = pathlib.Path(outfile)
                format = rendering.get_format(outfile, format=format)
                if filepath is None:
                    filepath = rendering.get_filepath(outfile)
            filepath = pathlib.Path(filepath)
            if outfile is None:
                outfile = rendering.get_outfile(filepath, format=format, renderer=renderer, formatter=formatter)
            if not overwrite_filepath and outfile.resolve() == filepath.resolve():
                raise ValueError(f"outfile {outfile.name!r} must be different from input file {filepath.name!r}")
            if raise_if_result_exists and outfile.exists():
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(outfile)!r}")
            cmd = self._command(engine, format, renderer, formatter, neato_no_op)
            cmd += ["-o", os.fspath(outfile.resolve()), os.fspath(filepath.resolve())]
            self._run(cmd, None, quiet)
            return os.fspath(outfile)

        return render


# ============================================================================ formatting
def _num(value):
    """A number with 4 significant digits, written as Python writes floats: 4.0, -0.5, 1e-05."""
    value = float(value)
    if value == 0:
        return "0.0"  # never "-0.0" (a relu's gradient) to puzzle over
    text = f"{value:.4g}"
    return text if ("." in text or "e" in text or "n" in text) else text + ".0"  # 4.0, 1e-05, inf, nan


def _array_text(array, width=40):
    """A small array as nested lists of 4-digit numbers, wrapped at ``width`` characters."""
    array = np.asarray(array)
    element = _num if array.dtype.kind == "f" else str
    if array.ndim == 0:
        return element(array.item())

    def nested(a, indent):
        if a.ndim > 1:
            return "[" + (",\n" + " " * (indent + 1)).join(nested(sub, indent + 1) for sub in a) + "]"
        lines, line = [], ""
        for text in map(element, a.tolist()):
            if line and indent + len(line) + len(text) + 3 > width:
                lines.append(line + ",")
                line = ""
            line = f"{line}, {text}" if line else text
        lines.append(line)
        return "[" + ("\n" + " " * (indent + 1)).join(lines) + "]"

    return nested(array, 0)


@functools.lru_cache(maxsize=1024)
def _shape_text(shape, dtype=None):
    text = str(tuple(shape)) if len(shape) else "scalar"
    return f"{text} {dtype}" if dtype is not None else text


def _grad_text(grad):
    """A gradient for a node: the values when small, else the norm (vanishing? exploding?)."""
    if isinstance(grad, float):
        return "grad " + _num(grad)
    grad = np.asarray(getattr(grad, "data", grad))
    if grad.size <= VALUE_LIMIT:
        return "grad " + _array_text(grad)
    return f"grad \u2016g\u2016 = {_num(np.linalg.norm(grad.astype(float)))}"


def _html(title, rows):
    """An HTML-like Graphviz label: a bold title over rows separated by rules."""
    cells = []
    if title:
        cells.append(f"<tr><td><b>{html.escape(title, quote=False)}</b></td></tr>")
    for row in rows:
        lines = [html.escape(line, quote=False) for line in row.split("\n")]
        cells.append(f'<tr><td align="left" balign="left">{"<br/>".join(lines)}</td></tr>')
    if not cells:
        cells.append("<tr><td> </td></tr>")
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">{"<hr/>".join(cells)}</table>>'


def _box(title, rows, fill, dashed=False, root=False, shape="box"):
    attrs = {"shape": shape, "label": _html(title, rows), "style": "filled,dashed" if dashed else "filled"}
    if shape == "box":
        attrs["style"] += ",rounded"
    attrs["fillcolor"] = _ROOT if root else fill
    if root:
        attrs["penwidth"] = "2.5"
    return attrs


@functools.cache
def _input_names(function):
    """The names of a Function's positional inputs, from its ``forward(ctx, a, b)`` signature."""
    try:
        parameters = list(inspect.signature(function.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    names = []
    for parameter in parameters:
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        names.append(parameter.name)
    return tuple(names)


# ============================================================================ the graph
class _Graph:
    """What every drawing of one graph needs, gathered once: order, consumers, names, gradients."""

    def __init__(self, root, params):
        if isinstance(root, Scalar):
            self.scalar, top = True, root
        elif isinstance(root, Tensor):
            self.scalar, top = False, (root.grad_fn or root)
        else:
            raise TypeError(f"draw_graph draws the graph of a Scalar or a Tensor, not of a {type(root).__name__}")
        self.root = root
        self.top = top
        self.requires_grad = self.scalar or isinstance(top, Node) or top.requires_grad
        self.order = engine.topological_order([top])  # the root first, each node before its inputs
        consumers = {}
        for node in self.order:
            for index, parent in enumerate(node._parents):
                if parent is not None:
                    consumers.setdefault(parent, []).append((node, index))
        self.consumers = consumers
        self._read_params(params)
        self.totals = None  # node -> d(root)/d(node value), computed by the drawing, never .grad
        self.flows = {}  # (node, input index) -> the gradient sent along that edge
        self.steps = []  # the nodes that get a gradient, in topological order: backward's steps
        self.grad_note = None  # why computed gradients are missing, when they are

    # -- names -----------------------------------------------------------------------------
    def _read_params(self, params):
        self.names = {}  # id(tensor) -> dotted name; the tensors are kept alive in self._keep
        self.module_names = {}  # id(module) -> dotted name
        self.child_ids = set()  # ids of params' direct children: collapse_modules boxes them
        self._keep = []
        if params is None:
            return
        if hasattr(params, "named_parameters"):
            pairs = list(params.named_parameters())
            self._read_modules(params, pairs)
        elif isinstance(params, Mapping):
            pairs = list(params.items())
        else:
            raise TypeError(
                "params must be a Module (anything with named_parameters()) or a dict of name to Tensor, "
                f"not {type(params).__name__}"
            )
        for name, tensor in pairs:
            self.names[id(tensor)] = str(name)
            self._keep.append(tensor)

    def _read_modules(self, module, pairs):
        if hasattr(module, "named_modules"):
            named = [(name, m) for name, m in module.named_modules() if name]
        elif hasattr(module, "named_children"):
            named = list(module.named_children())
        else:  # name each child after its parameters' dotted names: '0.weight' -> '0'
            full = {id(tensor): name for name, tensor in pairs}
            named = []
            for child in module.children() if hasattr(module, "children") else ():
                name = None
                for relative, tensor in getattr(child, "named_parameters", lambda: ())():
                    dotted = full.get(id(tensor), "")
                    if dotted.endswith("." + relative):
                        name = dotted[: -len(relative) - 1]
                        break
                named.append((name, child))
        if hasattr(module, "named_children"):
            children = [m for _, m in module.named_children()]
        elif hasattr(module, "children"):
            children = list(module.children())
        else:
            children = [m for name, m in named if "." not in (name or "")]
        for name, m in named:
            if name:
                self.module_names[id(m)] = str(name)
            self._keep.append(m)
        self.child_ids = {id(m) for m in children}
        self._keep.extend(children)

    def leaf_name(self, node):
        if self.scalar:
            return node.label
        return self.names.get(id(node), "")

    # -- gradients -------------------------------------------------------------------------
    def compute_gradients(self, edge_values):
        """Every node's gradient (and, with ``edge_values``, the small ones along shared edges)."""
        if self.totals is not None or not self.requires_grad:
            return
        if self.scalar:
            self._scalar_gradients()
        else:
            self._tensor_gradients(edge_values)

    def _scalar_gradients(self):
        # the lecture's rule, from the local derivatives each Scalar keeps: no .grad is touched
        totals = {self.top: 1.0}
        for node in self.order:
            grad = totals.get(node)
            if grad is None:
                continue
            if node.op != "const":
                self.steps.append(node)
            for index, (parent, local) in enumerate(zip(node._parents, node.local_grads)):
                flow = grad * local
                self.flows[node, index] = flow
                totals[parent] = flow if parent not in totals else totals[parent] + flow
        self.totals = totals

    def _tensor_gradients(self, edge_values):
        # Only the edges into a node with several consumers carry less than that node's total;
        # for those small enough to print, ask the step itself (its backward is pure with
        # retain_graph=True; the engine would need an on_edge hook to tell us directly).
        split = set()
        if edge_values:
            for parent, uses in self.consumers.items():
                if len(uses) > 1 and int(np.prod(_node_shape(parent))) <= EDGE_VALUE_LIMIT:
                    split.update(child for child, _ in uses)
        totals, flows = {}, {}

        def on_node(node, grad):
            totals[node] = grad
            if node in split:
                for index, flow in enumerate(node._backprop(grad, True)):
                    flows[node, index] = flow

        data = self.root.data
        capture = dict.fromkeys(self.order)  # with capture, run_backward leaves every .grad alone
        try:
            engine.run_backward([self.top], [np.ones(data.shape, data.dtype)], retain_graph=True,
                                capture=capture, on_node=on_node)  # fmt: skip
        except RuntimeError as error:
            if "second time" in str(error):
                self.grad_note = (
                    "gradients of intermediate values not shown: backward() already freed this graph "
                    "(call backward(retain_graph=True), or draw before backward)"
                )
            else:
                self.grad_note = "gradients not shown: " + str(error).splitlines()[0]
            return
        # steps in topological order, as for Scalars (the engine may schedule differently, equally validly)
        self.totals, self.flows = totals, flows
        self.steps = [node for node in self.order if node in totals]

    def flow(self, node, index, parent):
        """The gradient ``node`` sends to its input ``index`` (``None`` when not known)."""
        flow = self.flows.get((node, index))
        if flow is None and self.totals is not None and len(self.consumers.get(parent, ())) == 1:
            flow = self.totals.get(parent)
        return flow

    # -- modules ---------------------------------------------------------------------------
    def boxes(self):
        """node -> the Module call (a scope frame) it is drawn inside with ``collapse_modules``."""
        boxes, frame_box = {}, {}
        for node in self.order:
            frame = getattr(node, "tag", None) if isinstance(node, Node) else None
            if frame is None:
                continue
            if frame not in frame_box:
                frame_box[frame] = self._frame_box(frame)
            if frame_box[frame] is not None:
                boxes[node] = frame_box[frame]
        for node in self.order:  # a parameter used only inside one call goes into its box
            if not isinstance(node, Node) and node in self.consumers:
                inside = {boxes.get(child) for child, _ in self.consumers[node]}
                if len(inside) == 1 and None not in inside:
                    boxes[node] = inside.pop()
        return boxes

    def _frame_box(self, frame):
        path = frame.path()
        if self.child_ids:  # params is the model: one box per call of one of its children
            for outer in path:
                if id(outer.owner) in self.child_ids:
                    return outer
            return None
        return path[1] if len(path) > 1 else path[0]  # below the outermost (root model) call

    def box_title(self, frame):
        owner = frame.owner
        if isinstance(owner, str):
            return owner
        name = self.module_names.get(id(owner))
        return f"{name}: {type(owner).__name__}" if name else type(owner).__name__


def _attr_text(attrs):
    """DOT attributes: HTML-like labels as they are, everything else double-quoted."""
    if isinstance(attrs, str):  # already written
        return attrs
    parts = []
    for key, value in attrs.items():
        if not (value.startswith("<") and value.endswith(">")):
            value = '"' + value.replace('"', '\\"') + '"'
        parts.append(f"{key}={value}")
    return " ".join(parts)


@functools.lru_cache(maxsize=256)
def _op_attrs(symbol):
    """An operation's ellipse, written once per symbol (a big graph has thousands of ``+``)."""
    return _attr_text({"shape": "ellipse", "label": symbol, "style": "filled", "fillcolor": _OP})


def _is_array(constant):
    return (isinstance(constant, tuple) and constant[:1] == ("array",)) or np.ndim(constant) > 0


def _node_shape(node):
    if isinstance(node, Node):
        return node.out_shape
    return node.data.shape


# ============================================================================ building the drawing
class _Builder:
    """Items (drawn nodes, each owned by a graph node) and edges, then collapse, truncate, emit."""

    def __init__(self, graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules, step=None):
        self.g = graph
        self.mode = mode
        self.show_data = show_data
        self.show_grad = show_grad
        self.rankdir = rankdir
        self.max_nodes = max_nodes
        self.collapse = collapse_modules
        self.step = step
        self.index = {node: i for i, node in enumerate(graph.steps)} if step is not None else None
        self.items = []  # [owner graph node (or None), DOT attributes]
        self.edges = []  # [tail item, head item, DOT attributes]
        self.box_items = set()
        self.outside = set()  # items that collapse_modules leaves out of the boxes

    # Attributes may be given as a function: only what survives collapse and max_nodes gets formatted.
    def _add(self, owner, attrs):
        self.items.append([owner, attrs])
        return len(self.items) - 1

    def _edge(self, tail, head, attrs=None):
        self.edges.append((tail, head, attrs))

    def state(self, node):
        """In backward_steps: 'done', 'current' or 'pending' for a node's gradient; else None."""
        if self.index is None:
            return None
        i = self.index.get(node)
        if i is None or i > self.step:
            return "pending"
        return "current" if i == self.step else "done"

    def _styled(self, node, attrs):
        state = self.state(node)
        if state == "current":
            attrs.update(fillcolor=_CURRENT, color=_CURRENT_BORDER, penwidth="3")
        elif state == "done":
            attrs.update(fillcolor=_DONE)
        elif state == "pending":
            attrs.update(fillcolor="white", color=_PENDING_INK, fontcolor=_PENDING_INK)
        return attrs

    def _known_total(self, node):
        """The computed gradient of a node, if the drawing may show it (in steps: once reached)."""
        if self.g.totals is None or self.state(node) == "pending":
            return None
        return self.g.totals.get(node)

    # -- forward: values and operations, edges along the data flow --------------------------
    def forward(self):
        g = self.g
        value_of, op_of, consts = {}, {}, {}
        for node in g.order:
            value_of[node] = self._add(node, functools.partial(self._value, node))
            if node._parents:
                op_of[node] = self._add(node, functools.partial(self._op, node))
                constants = None if g.scalar else _describe_constants(node)
                if constants is not None:
                    consts[node] = {
                        index: self._add(node, functools.partial(self._const, value))
                        for index, value in enumerate(constants)
                        if value is not None and node._parents[index] is None
                    }
                    # an array fed into a Module call (its input batch, a mask) stays in view when collapsed
                    self.outside.update(i for index, i in consts[node].items() if _is_array(constants[index]))
        edges = self.edges
        for node in reversed(g.order):  # data-flow order: inputs before the ops that use them
            op = op_of.get(node)
            if op is None:
                continue
            labels = self._input_labels(node)
            constants = consts.get(node, {})
            for index, parent in enumerate(node._parents):
                tail = value_of[parent] if parent is not None else constants.get(index)
                if tail is not None:
                    edges.append((tail, op, {"label": labels[index]} if labels else None))
            edges.append((op, value_of[node], None))

    def _input_labels(self, node):
        """Argument names on the edges into an op whose inputs are not interchangeable."""
        if len(node._parents) < 2:
            return None
        if self.g.scalar:
            return None if node.op in _COMMUTATIVE else ["a", "b"]
        if node.name in _COMMUTATIVE:
            return None
        names = _input_names(node.function)
        return [names[i] if i < len(names) else str(i) for i in range(len(node._parents))]

    def _value(self, node):
        g = self.g
        rows = []
        is_root = node is g.top
        if g.scalar:
            const = node.op == "const"
            title = "const" if const else node.label
            fill = _CONST if const else _LEAF if not node._parents else _VALUE
            if self.show_data:
                rows.append(f"data {_num(node.data)}")
            if self.show_grad and not const:
                if self.index is None:
                    rows.append(_grad_text(node.grad))
                else:
                    total = self._known_total(node)
                    rows.append("grad ?" if total is None else _grad_text(total))
            attrs = _box(title, rows, fill, dashed=const, root=is_root)
            return attrs if const else self._styled(node, attrs)
        if isinstance(node, Node):
            title, fill, dashed = "", _VALUE, False
            shape, dtype, value = node.out_shape, node.out_dtype, node.out_value
            grad = self._known_total(node)
        else:
            name = g.names.get(id(node))
            title = name or ("leaf" if node.requires_grad else "const")
            fill = _PARAM if name else _LEAF if node.requires_grad else _CONST
            dashed = not node.requires_grad
            shape, dtype, value = node.data.shape, node.data.dtype, node.data
            grad = node.grad if self.index is None else self._known_total(node)
        rows.append(_shape_text(shape, dtype))
        if self.show_data and value is not None and value.size <= VALUE_LIMIT:
            rows.append(_array_text(value))
        if self.show_grad and self.g.requires_grad:
            if grad is not None:
                rows.append(_grad_text(grad))
            elif self.index is not None:
                rows.append("grad ?")
        return self._styled(node, _box(title, rows, fill, dashed=dashed, root=is_root))

    def _op(self, node):
        return _op_attrs(node.op if self.g.scalar else _SYMBOLS.get(node.function.__name__, node.function.__name__))

    def _const(self, value):
        if isinstance(value, tuple) and len(value) == 3 and value[0] == "array":
            rows = [_shape_text(value[1], value[2])]
        else:
            array = np.asarray(value)
            rows = [_array_text(array)] if array.ndim == 0 else [_shape_text(array.shape, array.dtype)]
            if array.ndim and self.show_data and array.size <= VALUE_LIMIT:
                rows.append(_array_text(array))
        return _box("const", rows, _CONST, dashed=True)

    # -- backward: one step per node, edges the way gradients travel ------------------------
    def backward(self):
        g = self.g
        if not g.requires_grad:
            self._add(None, _box("", ["no gradient flows: the root does not require grad"], _NOTE, shape="note"))
            return
        root_name = (g.top.label if g.scalar else g.names.get(id(g.top), "")) or "root"
        seed = self._add(None, {"shape": "plaintext", "label": f"\u2202{root_name}/\u2202{root_name}"})
        step_of, sum_of = {}, {}
        for node in g.order:
            if g.scalar and node.op == "const":
                continue  # a number taken into an op has no backward step
            uses = len(g.consumers.get(node, ()))
            if uses > 1:
                sum_of[node] = self._add(node, functools.partial(self._sum, node, uses))
            step_of[node] = self._add(node, functools.partial(self._step, node))
        size = int(np.prod(_node_shape(g.top))) if not g.scalar else 1
        self._edge(seed, step_of[g.top], {"label": "1.0" if size == 1 else f"ones {_shape_text(_node_shape(g.top))}"})
        for node in g.order:
            if node not in step_of:
                continue
            if node in sum_of:
                self._edge(sum_of[node], step_of[node], functools.partial(self._sum_edge, node))
            for index, parent in enumerate(node._parents):
                if parent is None or parent not in step_of:
                    continue
                head = sum_of.get(parent, step_of[parent])
                self._edge(step_of[node], head, functools.partial(self._flow_edge, node, index, parent))

    def _sum(self, node, uses):
        attrs = {"shape": "circle", "label": "\u03a3", "style": "filled", "fillcolor": _OP}
        attrs["tooltip"] = f"sum of {uses} gradients"
        return self._styled(node, attrs)

    def _step(self, node):
        g = self.g
        if not node._parents:
            name = g.leaf_name(node)
            title, subtitle = "AccumulateGrad", name or "leaf"
            fill = _PARAM if (name and not g.scalar) else _LEAF
        elif g.scalar:
            op = node.op
            title = _SCALAR_STEPS.get(op, "Pow" if op.startswith("**") else op.capitalize()) + "Backward"
            subtitle, fill = node.label, _STEP
        else:
            title, subtitle, fill = f"{node.name}Backward", "", _STEP
        rows = [subtitle] if subtitle else []
        if not g.scalar:
            rows.append(_shape_text(_node_shape(node)))
        if self.show_grad:
            total = self._known_total(node)
            if total is None and self.index is None and not g.scalar and not node._parents and node.grad is not None:
                total = node.grad  # the graph was freed: a leaf still shows what .grad holds
            if total is not None:
                rows.append(_grad_text(total))
            elif self.index is not None:
                rows.append("grad ?")
        return self._styled(node, _box(title, rows, fill, root=node is g.top))

    def _edge_style(self, sender):
        """Edges carry ink once their gradient has been sent (backward_steps), always otherwise."""
        if self.state(sender) in ("done", None):
            return {}, True
        return {"color": _PENDING_INK, "fontcolor": _PENDING_INK}, False

    def _flow_edge(self, node, index, parent):
        attrs, sent = self._edge_style(node)
        g = self.g
        if g.scalar:
            text = "\u00d7" + _num(node.local_grads[index])
            if self.show_grad and sent:
                text += " \u2192 " + _num(g.flows[node, index])
        else:
            text = _shape_text(_node_shape(parent))
            flow = g.flow(node, index, parent) if (self.show_grad and sent) else None
            if flow is not None:
                flow = np.asarray(getattr(flow, "data", flow))
                if flow.size <= EDGE_VALUE_LIMIT:
                    text += "\n" + _array_text(flow, width=44)
        attrs["label"] = text.replace("\n", "\\n")
        return attrs

    def _sum_edge(self, node):
        uses = len(self.g.consumers[node])
        total = self._known_total(node) if self.show_grad else None
        attrs = {} if self.state(node) in ("done", "current", None) else {"color": _PENDING_INK}
        text = f"sum of {uses}"
        if total is not None:
            if self.g.scalar:
                text += " = " + _num(total)
            else:
                total = np.asarray(getattr(total, "data", total))
                if total.size <= EDGE_VALUE_LIMIT:
                    text += "\n" + _array_text(total, width=44)
        attrs["label"] = text.replace("\n", "\\n")
        return attrs

    # -- collapse_modules: one box per Module call -------------------------------------------
    def collapse_modules(self):
        g = self.g
        boxes = g.boxes()
        if not boxes:
            return
        items, remap, box_item, members = [], [], {}, {}
        for i, (owner, attrs) in enumerate(self.items):
            box = boxes.get(owner) if owner is not None and i not in self.outside else None
            if box is None:
                remap.append(len(items))
                items.append([owner, attrs])
                continue
            if box not in box_item:
                box_item[box] = len(items)
                items.append([box, None])
                members[box] = []
            remap.append(box_item[box])
            if not members[box] or members[box][-1] is not owner:
                members[box].append(owner)
        edges, seen = [], set()
        box_indices = set(box_item.values())
        for tail, head, attrs in self.edges:
            tail, head = remap[tail], remap[head]
            if tail == head:
                continue
            if tail in box_indices or head in box_indices:
                if (tail, head) in seen:
                    continue
                seen.add((tail, head))
                if self.mode == "forward":  # an argument name means nothing on a box
                    attrs = None
            edges.append((tail, head, attrs))
        calls, seen_owners = {}, {}
        for box in reversed(list(box_item)):  # number repeated calls in the order they ran
            calls[box] = seen_owners[id(box.owner)] = seen_owners.get(id(box.owner), 0) + 1
        for box, i in box_item.items():
            items[i][1] = self._box_attrs(box, members[box], calls[box])
        self.items, self.edges, self.box_items = items, edges, box_indices

    def _box_attrs(self, frame, nodes, call):
        g = self.g
        title = g.box_title(frame) + (f" (call {call})" if call > 1 else "")
        unique = list(dict.fromkeys(nodes))
        ops = [n for n in unique if isinstance(n, Node)]
        leaves = [n for n in unique if not isinstance(n, Node)]
        rows = [f"{len(ops)} op" + ("s" if len(ops) != 1 else "")]
        if ops:
            rows[0] += f" \u2192 {_shape_text(ops[0].out_shape)}"
        if leaves:
            relative = {}
            if hasattr(frame.owner, "named_parameters"):
                relative = {id(t): name for name, t in frame.owner.named_parameters()}
            names = [relative.get(id(t)) or g.names.get(id(t)) or _shape_text(t.data.shape) for t in leaves]
            rows.append(("grads: " if self.mode == "backward" else "params: ") + ", ".join(names))
        if self.mode == "backward":
            title += " backward"
        attrs = _box(title, rows, _BOX, root=any(n is g.top for n in unique), shape="box3d")
        states = {self.state(n) for n in unique}
        if "current" in states:
            attrs.update(fillcolor=_CURRENT, color=_CURRENT_BORDER, penwidth="3")
        elif states == {"done"}:
            attrs.update(fillcolor=_DONE)
        elif "pending" in states and "done" not in states:
            attrs.update(fillcolor="white", color=_PENDING_INK, fontcolor=_PENDING_INK)
        return attrs

    # -- max_nodes, then DOT --------------------------------------------------------------------
    def truncate(self):
        if self.max_nodes is None or len(self.items) <= self.max_nodes:
            return
        kept = self.max_nodes  # items come root first, and a node's consumers before it: the kept part hangs together
        dropped = len(self.items) - kept
        note = kept
        self.items = self.items[:kept] + [[None, {
            "shape": "note", "style": "filled", "fillcolor": _NOTE,
            "label": f"\u2026 {dropped} more nodes not drawn (max_nodes={self.max_nodes})"}]]  # fmt: skip
        edges, cut = [], []
        for tail, head, attrs in self.edges:
            if tail < kept and head < kept:
                edges.append((tail, head, attrs))
            elif tail < kept or head < kept:
                pair = (note, head) if head < kept else (tail, note)
                if pair not in cut:
                    cut.append(pair)
        edges.extend((tail, head, {"style": "dashed"}) for tail, head in cut)
        self.edges = edges

    def build(self):
        # Thousands of small objects, none of them cyclic: pausing the cycle collector saves a fifth of the time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._build()
        finally:
            if was_enabled:
                gc.enable()

    def _build(self):
        if self.mode == "forward":
            self.forward()
        else:
            self.backward()
        if self.collapse:
            self.collapse_modules()
        self.truncate()
        graph_attr = {"rankdir": self.rankdir}
        caption = self._caption()
        if caption:
            graph_attr.update(label=caption, labelloc="b", fontname="Helvetica", fontsize="11")
        drawing = GraphDrawing(
            name=f"{self.mode}_graph",
            graph_attr=graph_attr,
            node_attr={"fontname": "Helvetica", "fontsize": "11"},
            edge_attr={"fontname": "Helvetica", "fontsize": "9"},
        )
        # the statements written directly (graphviz's node()/edge() would take most of the time on big graphs)
        body = drawing.body
        for i, (_, attrs) in enumerate(self.items):
            body.append(f"\tn{i} [{_attr_text(attrs() if callable(attrs) else attrs)}]\n")
        for tail, head, attrs in self.edges:
            if callable(attrs):
                attrs = attrs()
            body.append(f"\tn{tail} -> n{head} [{_attr_text(attrs)}]\n" if attrs else f"\tn{tail} -> n{head}\n")
        return drawing

    def _caption(self):
        g = self.g
        lines = []
        if self.step is not None:
            node = g.steps[self.step]
            if g.scalar and node.label:
                what = node.label
            elif node._parents:
                what = "the output of " + (node.op if g.scalar else _SYMBOLS.get(node.name, node.name))
            else:
                what = g.leaf_name(node) or "a leaf"
            lines.append(f"step {self.step + 1} of {len(g.steps)}: the gradient of {what} is complete")
        if self.show_grad and g.grad_note and (self.mode == "backward" or isinstance(g.top, Node)):
            lines.append(g.grad_note)
        return "\\n".join(lines)


# ============================================================================ public functions
def _check(mode, rankdir, max_nodes):
    if mode not in ("forward", "backward"):
        raise ValueError(f"mode must be 'forward' or 'backward', not {mode!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT', not {rankdir!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, not {max_nodes!r}")


def draw_graph(root, *, mode="forward", params=None, show_data=True, show_grad=True, rankdir="LR", max_nodes=500,
               collapse_modules=False):  # fmt: skip
    """Draw the computational graph behind ``root`` (a Scalar or a Tensor) as a ``graphviz.Digraph``.

    ``mode="forward"``: the values flowing from the inputs to the root. Every value is a box
    (its label or parameter name in bold; the value for a Scalar or a Tensor of at most 12
    elements, else shape and dtype; its gradient once known), and every operation an ellipse
    (``+``, ``*``, ``matmul``, ``exp``, ``log``, ``max``, ...) between its inputs and its output.
    Edges go the way data flows; inputs that are not interchangeable (``a - b``, ``a @ b``) name
    their argument on the edge.

    ``mode="backward"``: the way gradients flow, from the root back to the leaves, one box per
    backward step as PyTorch names them (``MulBackward``, ``AccumulateGrad`` for a leaf). The
    edges go the way gradients travel and say what travels: for a Scalar the local derivative
    and the gradient sent, ``×4.0 → 4.0`` (the chain rule: gradient in × local derivative); for a
    Tensor the gradient's shape, and its values when it has at most 6 elements. A value used
    several times collects its gradients in a ``Σ`` circle first, the edge out of it labelled
    ``sum of 2 = ...``: ``dL/dx = sum over paths of the product of local derivatives``.

    Colours: the root (its value, or its backward step) gold with a thick border; leaves that
    require grad light blue; parameters named by ``params`` green; constants (numbers and
    arrays taken into an op, Tensors that need no grad) grey and dashed; intermediate values
    white; operations and sums pale yellow; collapsed Module calls mauve 3-d boxes; notes
    (truncation) pale orange.

    Gradients. Scalars: forward mode shows each node's ``.grad`` (0.0 until backward runs);
    backward mode computes the gradients from the local derivatives, changing nothing. Tensors:
    a leaf shows its ``.grad`` (when not ``None``); an intermediate value's gradient is never
    stored, so the drawing computes ``d root / d value`` for every node itself, with one
    ``engine.run_backward(..., retain_graph=True)`` in the mode of :func:`autograd.grad` that leaves
    every ``.grad`` untouched (a root with several elements is seeded with ones, as
    ``root.sum()`` would be). After a ``backward()`` without ``retain_graph=True`` the graph's
    saved values are gone and these gradients cannot be computed: leaves still show ``.grad``
    and a caption says why the rest is missing. ``show_grad=False`` skips all of it.

    Options: ``params`` (a Module, i.e. anything with ``named_parameters()``, or a dict of name to
    Tensor) names parameters by identity with their dotted names (``0.weight``);
    ``show_data=False`` leaves values out (forward mode); ``rankdir`` is Graphviz's layout direction (``"LR"``,
    ``"TB"``, ...); ``max_nodes`` (``None``: no limit) draws the nodes nearest the root and a note
    ``… 1234 more nodes not drawn`` for the rest; ``collapse_modules=True`` draws one box per
    Module call (from the scope frames ``nn.Module.__call__`` stamps on nodes): per call of a
    direct child of ``params`` when ``params`` is a Module, else per call just below the
    outermost one, named ``0: Linear`` when ``params`` names it, else by class; parameters
    used only inside a call are listed in its box.

    The result's ``.source`` (DOT text) needs no Graphviz program and is the same for the same
    computation. Rendering (``.pipe(format="svg")``, ``.render(...)``, display in Jupyter) uses
    Graphviz's ``dot``, else ``graphviz-pure`` (see :class:`GraphDrawing`).

    >>> from autograd import Scalar, draw_graph
    >>> x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    >>> d = x + y; d.label = "d"
    >>> f = d * z; f.label = "f"
    >>> f.backward()
    >>> forward = draw_graph(f)
    >>> sum(" -> " in line for line in forward.body), sum(" -> " not in line for line in forward.body)
    (6, 7)
    >>> for line in draw_graph(f, mode="backward").body:  # each edge: × local derivative → gradient sent
    ...     if " -> " in line:
    ...         print(line.strip())
    n0 -> n1 [label="1.0"]
    n1 -> n2 [label="×4.0 → 4.0"]
    n1 -> n5 [label="×-2.0 → -2.0"]
    n2 -> n3 [label="×1.0 → 4.0"]
    n2 -> n4 [label="×1.0 → 4.0"]
    """
    _check(mode, rankdir, max_nodes)
    graph = _Graph(root, params)
    if show_grad and (mode == "backward" or not graph.scalar):
        graph.compute_gradients(edge_values=mode == "backward")
    return _Builder(graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules).build()


def backward_steps(root, *, mode="backward", params=None, show_data=True, show_grad=True, rankdir="LR",
                   max_nodes=500, collapse_modules=False):  # fmt: skip
    """Backward one step at a time: one drawing per node, in topological order from the root.

    Backward visits the graph in a topological order: when it reaches a node, every path
    from the root to it has delivered its share, so the node's gradient is complete and is
    passed on multiplied by each local derivative. The steps follow
    ``engine.topological_order``; ``backward()`` itself may take two independent nodes the
    other way round, which is equally valid and gives the same gradients. Drawing
    number ``k`` highlights the node completed at step ``k`` (red border), shows the gradients
    already known (green) with their values on the edges that carried them, and greys out the
    rest (``grad ?``); a caption names the step. Constants get no step. The options are those of
    :func:`draw_graph` (``mode="forward"`` highlights the value boxes instead).

    Nothing is changed: no ``.grad`` is touched. Tensor gradients come from one
    ``engine.run_backward(..., retain_graph=True, on_node=...)`` in the mode that leaves ``.grad``
    alone, so the graph must not have been freed by a ``backward()`` without
    ``retain_graph=True`` (``RuntimeError`` otherwise); Scalar gradients come from the local
    derivatives each Scalar keeps.

    >>> from autograd import Scalar
    >>> from autograd.viz import backward_steps
    >>> x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    >>> d = x + y; d.label = "d"
    >>> f = d * z; f.label = "f"
    >>> steps = backward_steps(f)
    >>> len(steps)
    5
    >>> print(steps[1].graph_attr["label"])
    step 2 of 5: the gradient of d is complete
    >>> x.grad, z.grad   # untouched
    (0.0, 0.0)
    """
    _check(mode, rankdir, max_nodes)
    graph = _Graph(root, params)
    if not graph.requires_grad:
        raise ValueError("backward_steps: the root does not require grad, so no gradient flows through its graph")
    graph.compute_gradients(edge_values=mode == "backward")
    if graph.totals is None:
        raise RuntimeError(f"backward_steps cannot compute the gradients: {graph.grad_note}")
    return [
        _Builder(graph, mode, show_data, show_grad, rankdir, max_nodes, collapse_modules, step=k).build()
        for k in range(len(graph.steps))
    ]


# Outputs with at most this many elements keep their value on their node, so drawings can show it.
KEEP_VALUE_LIMIT = 64
keep_values_up_to(KEEP_VALUE_LIMIT)


def _describe_constants(node):
    """Per input of ``node``: ``None`` if it is in the graph, else what a drawing shows for it
    (a number, a small array, or ``("array", shape, dtype)`` for a big one)."""
    constants = node.constant_inputs
    if constants is None:
        return None
    described = []
    for value in constants:
        data = value.data if isinstance(value, Tensor) else value
        if isinstance(data, np.ndarray) and data.size > KEEP_VALUE_LIMIT:
            data = ("array", data.shape, data.dtype)
        described.append(data)
    return tuple(described)
