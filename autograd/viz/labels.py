"""How a drawing looks: its colours, the names of the operations, and the text of every label.

Numbers are written with 4 significant digits as Python writes floats (``4.0``, ``-0.5``,
``1e-05``); small arrays as nested lists; big ones by shape and dtype, their gradients by norm.
Labels are Graphviz's HTML-like tables (a bold title over rows), written here as DOT text.
"""

from __future__ import annotations

import functools
import html

import numpy as np

# Tensors with at most this many elements show their values in a node; bigger ones show shape and dtype.
VALUE_LIMIT = 12
# Gradients flowing along a backward edge show their values up to this many elements.
EDGE_VALUE_LIMIT = 6

# -- colours: one place, so the docstring of draw_graph can promise them -----------------------
ROOT = "#ffd966"  # gold, thick border: the value (or backward step) of the root
LEAF = "#cfe2f3"  # light blue: a leaf that requires grad (a user's Scalar, a Tensor leaf)
PARAM = "#b6d7a8"  # green: a leaf named in ``params``
CONST = "#eeeeee"  # light grey, dashed: a constant (a number or array taken into an op)
VALUE = "#ffffff"  # white: an intermediate value
OP = "#fff2cc"  # pale yellow ellipse: an operation; pale yellow circle: a sum of gradients
STEP = "#f3f3f3"  # light grey box: a backward step of an operation
BOX = "#ead1dc"  # mauve 3-d box: one Module call, collapsed
NOTE = "#fce5cd"  # pale orange note: what was left out
# backward_steps: the node whose gradient is being completed, those already known, those pending
CURRENT, CURRENT_BORDER = "#f4cccc", "#cc0000"
DONE = "#d9ead3"
PENDING_INK = "#999999"

# The symbol drawn in an operation's ellipse, by Function name; other Functions show their name.
SYMBOLS = {
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
# Operations whose inputs are interchangeable: their edges need no argument names.
COMMUTATIVE = {"Add", "Mul", "Maximum", "Minimum", "+", "*"}


def num(value):
    """A number with 4 significant digits, written as Python writes floats: 4.0, -0.5, 1e-05.

    >>> num(4), num(-0.5), num(1e-5), num(3.14159), num(-0.0)
    ('4.0', '-0.5', '1e-05', '3.142', '0.0')
    """
    value = float(value)
    if value == 0:
        return "0.0"  # never "-0.0" (a relu's gradient) to puzzle over
    text = f"{value:.4g}"
    return text if ("." in text or "e" in text or "n" in text) else text + ".0"  # 4.0, 1e-05, inf, nan


def array_text(array, width=40):
    """A small array as nested lists of 4-digit numbers, wrapped at ``width`` characters.

    >>> print(array_text([[1, 2], [3, 4]]))
    [[1, 2],
     [3, 4]]
    >>> array_text(2.5)
    '2.5'
    """
    array = np.asarray(array)
    element = num if array.dtype.kind == "f" else str
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
def shape_text(shape, dtype=None):
    """``(2, 3) float64``, or ``scalar`` for a 0-d shape; the dtype only when given."""
    text = str(tuple(shape)) if len(shape) else "scalar"
    return f"{text} {dtype}" if dtype is not None else text


def grad_text(grad):
    """A gradient for a node: the values when small, else the norm (vanishing? exploding?)."""
    if isinstance(grad, float):
        return "grad " + num(grad)
    grad = np.asarray(getattr(grad, "data", grad))
    if grad.size <= VALUE_LIMIT:
        return "grad " + array_text(grad)
    return f"grad \u2016g\u2016 = {num(np.linalg.norm(grad.astype(float)))}"


def small_values(value, limit=EDGE_VALUE_LIMIT):
    """``"\\n" + the values`` of a gradient sent along an edge when it is small, else ``""``."""
    value = np.asarray(getattr(value, "data", value))
    return "\n" + array_text(value, width=44) if value.size <= limit else ""


def html_label(title, rows):
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


def box(title, rows, fill, dashed=False, root=False, shape="box"):
    """The attributes of a value or step box: rounded, filled, dashed for constants, gold for the root."""
    attrs = {"shape": shape, "label": html_label(title, rows), "style": "filled,dashed" if dashed else "filled"}
    if shape == "box":
        attrs["style"] += ",rounded"
    attrs["fillcolor"] = ROOT if root else fill
    if root:
        attrs["penwidth"] = "2.5"
    return attrs


def attr_text(attrs):
    """DOT attributes: HTML-like labels as they are, everything else double-quoted.

    >>> attr_text({"shape": "box", "label": 'say "hi"'})
    'shape="box" label="say \\\\"hi\\\\""'
    """
    if isinstance(attrs, str):  # already written
        return attrs
    parts = []
    for key, value in attrs.items():
        if not (value.startswith("<") and value.endswith(">")):
            value = '"' + value.replace('"', '\\"') + '"'
        parts.append(f"{key}={value}")
    return " ".join(parts)


@functools.lru_cache(maxsize=256)
def op_attrs(symbol):
    """An operation's ellipse, written once per symbol (a big graph has thousands of ``+``)."""
    return attr_text({"shape": "ellipse", "label": symbol, "style": "filled", "fillcolor": OP})
