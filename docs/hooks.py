"""Build-time glue for the documentation site (loaded by ``hooks:`` in ``mkdocs.yml``).

* The notebooks live in ``notebooks/`` at the repository root, outside ``docs/``. Each one that
  exists is added to the build as ``notebooks/<name>.ipynb``, read from where it is (nothing
  is copied into ``docs/``), listed in the nav's "Notebooks" section and on ``notebooks/index.md``;
  mkdocs-jupyter renders it without executing it.
* ``<!-- include: benchmarks -->`` on a page becomes ``benchmarks/results/latest.md`` (the
  benchmark report and its machine), or a note when no full run has written it yet.
* Docstrings are reST-flavoured plain text with ``>>>`` examples. A small Markdown
  preprocessor fences those examples as ``pycon`` code (Markdown would read ``>>>`` as three
  nested quotes) and turns Sphinx roles such as ``:func:`grad``` into code spans.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
BENCHMARKS = REPO / "benchmarks" / "results" / "latest.md"
NAV_SECTION = "Notebooks"


# -- notebooks ---------------------------------------------------------------------------------
def notebooks():
    """The notebooks that exist right now, in file-name order (they are numbered)."""
    return sorted(NOTEBOOKS.glob("*.ipynb")) if NOTEBOOKS.is_dir() else []


def notebook_title(path):
    """The first ``# heading`` of the notebook's markdown cells, else a title made from its name."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in (source if isinstance(source, str) else "".join(source)).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.replace("_", " ").strip().capitalize()


@event_priority(50)  # before mkdocstrings reads the Markdown extensions
def on_config(config):
    for item in config.nav or []:
        if isinstance(item, dict) and isinstance(item.get(NAV_SECTION), list):
            item[NAV_SECTION] += [{notebook_title(path): f"notebooks/{path.name}"} for path in notebooks()]
    config.markdown_extensions.append(DocstringMarkdown())
    return config


@event_priority(50)  # before mkdocs-jupyter wraps the .ipynb files it will render
def on_files(files, config):
    # a File whose source directory is the repository root: its path "notebooks/<name>" is
    # then both where it is read from and where it appears in the site
    for path in notebooks():
        relative = path.relative_to(REPO).as_posix()
        files.append(File(relative, str(REPO), config.site_dir, config.use_directory_urls))
    return files


def on_serve(server, config, builder):
    for path in (NOTEBOOKS, BENCHMARKS.parent):
        if path.is_dir():
            server.watch(str(path))


# -- includes --------------------------------------------------------------------------------------
def notebook_list():
    found = notebooks()
    if not found:
        return "!!! note\n    No notebook has been written to `notebooks/` yet.\n"
    return "\n".join(f"- [{notebook_title(path)}]({path.name})" for path in found) + "\n"


def benchmark_report():
    if not BENCHMARKS.is_file():
        return (
            "!!! note\n    No full benchmark run has written `benchmarks/results/latest.md` yet; "
            "run `python -m benchmarks` to make one.\n"
        )
    lines = BENCHMARKS.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # the report's own title; the page has one
    # the page's headings sit above the report's: push the report's down one level
    return "\n".join("#" + line if re.match(r"#{1,5} ", line) else line for line in lines) + "\n"


INCLUDES = {"notebooks": notebook_list, "benchmarks": benchmark_report}


def on_page_markdown(markdown, page, config, files):
    return re.sub(r"<!-- include: (\w+) -->", lambda m: INCLUDES[m.group(1)](), markdown)


# -- docstrings --------------------------------------------------------------------------------------
ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj):`(~?)([^`]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")


def _role_to_code(match):
    """``:class:`~a.b.C``` reads ``C`` (the tilde keeps the last name only), else the whole name."""
    short, name = match.groups()
    return f"``{name.rsplit('.', 1)[-1] if short else name}``"


class DoctestFences(Preprocessor):
    """Fence ``>>>`` examples (a run of lines up to a blank one) as ``pycon``; drop Sphinx roles.

    Lines inside existing fences are left alone, so the pages' own code blocks are untouched.
    """

    def run(self, lines):
        out = []
        in_fence = in_example = False
        for line in lines:
            if FENCE.match(line) and not in_example:
                in_fence = not in_fence
            elif not in_fence:
                if in_example and not line.strip():
                    out += ["```", ""]
                    in_example = False
                elif not in_example and line.lstrip().startswith(">>>"):
                    out += ["", "```pycon"]
                    in_example = True
                if not in_example:
                    line = ROLE.sub(_role_to_code, line)
            out.append(line)
        if in_example:
            out.append("```")
        return out


class DocstringMarkdown(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # after whitespace normalisation (30), before fenced code blocks are collected (25)
        md.preprocessors.register(DoctestFences(md), "doctest_fences", 28)
