"""Finding a program that renders DOT, and running it.

A drawing is DOT text; turning it into SVG or PNG takes a ``dot`` program: Graphviz's own
``dot`` when it is on ``PATH``, else ``graphviz-pure`` (a pure-Rust port of ``dot`` that
``pip install "chainrule[viz]"`` installs), looked for on ``PATH`` and then where pip puts this
Python's programs. :func:`render` runs it on the DOT source with :mod:`subprocess`;
:class:`GraphDrawing` is the ``graphviz.Digraph`` that ``draw_graph`` returns, whose
``pipe()``, ``render()`` and notebook display all go through :func:`render`.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

import graphviz

__all__ = [
    "RENDERER_PROGRAMS",
    "RendererNotFoundError",
    "interpreter_bin_dirs",
    "which_program",
    "find_renderer",
    "render",
    "GraphDrawing",
]

# The programs that turn DOT into SVG/PNG, in order of preference.
RENDERER_PROGRAMS = ("dot", "graphviz-pure")


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
            '    pip install -e ".[viz]"        (the same, from a clone of the repository)\n'
            "The DOT text itself needs no program: use drawing.source.",
        )


def interpreter_bin_dirs():
    """Where pip puts programs for this Python: a virtualenv's ``bin/`` even when it is not activated."""
    dirs = []
    for directory in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        if directory and directory not in dirs:
            dirs.append(directory)
    return dirs


def which_program(program):
    """The path of ``program`` (a name or a path) on ``PATH``, else where pip installs this
    Python's programs; or ``None``.

    >>> which_program("no-such-program-here") is None
    True
    """
    return shutil.which(program) or shutil.which(program, path=os.pathsep.join(interpreter_bin_dirs()))


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
    extra = os.pathsep.join(interpreter_bin_dirs())
    for program in RENDERER_PROGRAMS:
        found = shutil.which(program, path=extra)
        if found:
            return found
    return None


def _program_path(program):
    if program is not None:
        found = which_program(program)
        if not found:
            raise RendererNotFoundError(f" (program={program!r} is not an executable program)")
        return found
    found = find_renderer()
    if found is None:
        raise RendererNotFoundError(" on PATH or next to this Python")
    return found


def render(source, format="svg", *, program=None, engine="dot", quiet=False):
    """Run a ``dot`` program on the DOT text ``source``; the output (``format``: svg, png, pdf, ...) as bytes.

    ``program`` is a name on ``PATH`` or a path (``"graphviz-pure"``), or ``None`` for
    :func:`find_renderer`; without one, :class:`RendererNotFoundError` says how to get one.
    ``engine`` is Graphviz's layout engine (``-K``). The program's warnings go to ``stderr``
    unless ``quiet``; its failure raises ``graphviz.CalledProcessError``.

    >>> from autograd import Scalar, draw_graph
    >>> svg = render(draw_graph(Scalar(2.0, label="x") * 3).source, "svg")
    >>> svg.startswith(b"<?xml") and b"data 6.0" in svg
    True
    """
    command = [_program_path(program), f"-K{engine}", f"-T{format}"]
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        proc = subprocess.run(command, input=data, capture_output=True, check=False)
    except OSError:
        raise RendererNotFoundError(f" ({command[0]} could not be started)") from None
    if proc.stderr and not quiet:
        # old dot versions estimate text widths for Latin-1 only and warn on every → or Σ: harmless
        lines = proc.stderr.decode("utf-8", "replace").splitlines(keepends=True)
        sys.stderr.write("".join(line for line in lines if "width of non-ASCII character" not in line))
    if proc.returncode:
        raise graphviz.CalledProcessError(proc.returncode, command, output=proc.stdout, stderr=proc.stderr)
    return proc.stdout


class GraphDrawing(graphviz.Digraph):
    """The ``graphviz.Digraph`` that :func:`~autograd.viz.draw_graph` returns: rendered by :func:`render`.

    Everything of ``graphviz.Digraph`` that builds or reads DOT works (``.source``, ``.body``,
    ``.node()``, ``.save()``); ``.pipe()``, ``.render()`` and the display in Jupyter run the program
    named by ``program`` (a name on ``PATH`` or a path, e.g. ``"graphviz-pure"``) when set, else the
    one :func:`find_renderer` finds, looked up when rendering, never at import. Without one,
    rendering raises :class:`RendererNotFoundError`.
    """

    program = None  # None: find_renderer(); else the program (a name on PATH, or a path) to run

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False, *, engine=None,
             encoding=None):  # fmt: skip
        """The rendered drawing (``format``: svg, png, ...) as bytes, or as text when ``encoding`` is given."""
        if renderer is not None or formatter is not None or neato_no_op is not None:
            raise ValueError("GraphDrawing.pipe: renderer, formatter and neato_no_op are not supported")
        output = render(self.source, format or self.format, program=self.program, engine=engine or self.engine,
                        quiet=quiet)  # fmt: skip
        return output.decode(encoding) if encoding is not None else output

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None, renderer=None,
               formatter=None, neato_no_op=None, quiet=False, quiet_view=False, *, outfile=None, engine=None,
               raise_if_result_exists=False, overwrite_source=False):  # fmt: skip
        """Save the DOT source (``filename`` in ``directory``) and write the rendered drawing beside
        it (``<filename>.<format>``), or to ``outfile`` (its suffix then gives the format); the path written.
        ``cleanup=True`` removes the source file afterwards; ``view=True`` opens the result."""
        if outfile is not None:
            outfile = pathlib.Path(outfile)
            format = format or outfile.suffix.lstrip(".") or None
            if filename is None:
                filename = outfile.with_suffix(".gv").name
                directory = directory if directory is not None else outfile.parent
        source_path = pathlib.Path(self.save(filename=filename, directory=directory))
        format = format or self.format
        if outfile is None:
            outfile = source_path.with_name(f"{source_path.name}.{format}")
        if not overwrite_source and outfile.resolve() == source_path.resolve():
            raise ValueError(f"outfile {outfile.name!r} must be different from input file {source_path.name!r}")
        if raise_if_result_exists and outfile.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(outfile)!r}")
        outfile.write_bytes(self.pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine))
        if cleanup:
            source_path.unlink()
        if view:
            graphviz.view(outfile, quiet=quiet_view)
        return os.fspath(outfile)

    # IPython's display protocol: notebooks show the drawing as SVG.
    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        formats = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg"}
        wanted = set(include) if include is not None else {"image/svg+xml"}
        wanted -= set(exclude or ())
        bundle = {}
        for mimetype, format in formats.items():
            if mimetype in wanted:
                output = self.pipe(format)
                bundle[mimetype] = output.decode("utf-8") if format == "svg" else output
        return bundle

    def _repr_svg_(self):
        return self.pipe("svg", encoding="utf-8")
