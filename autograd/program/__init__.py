"""The graph as a program: trace a function into straight-line code of primitive ops, print
it, replay it fast on new arrays, append its backward pass, export it to ONNX, and compile a
training step (see docs/concepts/programs.md).

Files: ``ir.py`` (values, instructions, printing), ``tracer.py`` (recording the ops of one
run), ``rules.py`` (each op as NumPy source), ``codegen.py`` (the source of a program and
its compiled replay), ``program.py`` (``trace`` and ``Program``), ``compiled.py``
(``compile``), ``onnx_export.py``, ``threads.py`` (``set_num_threads``).
"""

from .compiled import compile
from .program import Program, trace
from .threads import set_num_threads
from .tracer import TraceError, is_tracing

__all__ = ["trace", "Program", "compile", "TraceError", "is_tracing", "set_num_threads"]
