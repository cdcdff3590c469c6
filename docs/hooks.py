"""Build-time glue for the documentation site (loaded by ``hooks:`` in ``mkdocs.yml``).

* The notebooks live in ``notebooks/`` at the repository root, outside ``docs/``. Each one that
  exists is added to the build as ``notebooks/<name>.ipynb``, read from where it is (nothing
  is copied into ``docs/``), listed in the nav's "Notebooks" section and on ``notebooks/index.md``;
  mkdocs-jupyter renders it without executing it.
* ``<!-- include: benchmarks -->`` on a page becomes ``benchmarks/results/latest.md`` (the
  benchmark report and its machine), or a note when no full run has written it yet.
* Math is typeset in the browser by MathJax, served by the site itself: the MathJax files come
  from the installed ``django-static-mathjax`` package (the ``docs`` and ``test`` extras) and are
  added to the build as ``assets/mathjax/``. The loaders nbconvert writes into each notebook page
  (MathJax from an empty URL, Mermaid from a CDN) are taken out; the site's one MathJax, set up
  by ``javascripts/mathjax-config.js``, typesets the notebooks' Markdown cells too.
* Docstrings are reST-flavoured plain text with ``>>>`` examples. A small Markdown
  preprocessor fences those examples as ``pycon`` code (Markdown would read ``>>>`` as three
  nested quotes) and turns Sphinx roles such as ``:func:`grad``` into code spans.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError
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
    for path, uri in mathjax_files():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_serve(server, config, builder):
    for path in (NOTEBOOKS, BENCHMARKS.parent):
        if path.is_dir():
            server.watch(str(path))


# -- math ------------------------------------------------------------------------------------------
MATHJAX_SITE_DIR = "assets/mathjax"
MATHJAX_ENTRY = "tex-chtml-full.js"  # TeX in, HTML+CSS out, every TeX extension built in


def mathjax_dir():
    """MathJax's ``es5`` folder in the installed ``django-static-mathjax`` package (import name ``mathjax``)."""
    spec = importlib.util.find_spec("mathjax")
    folders = spec.submodule_search_locations if spec else None
    es5 = Path(folders[0]) / "static" / "mathjax" / "es5" if folders else None
    if es5 is None or not (es5 / MATHJAX_ENTRY).is_file():
        raise PluginError(
            "the site typesets its math with MathJax from the django-static-mathjax package, which is "
            "not installed: pip install -e '.[docs]'"
        )
    return es5


def mathjax_files():
    """``(path, site uri)`` of the entry script and of every folder it loads from on demand
    (the fonts, the menu, the accessibility tools); the other ready-made bundles are left out."""
    es5 = mathjax_dir()
    paths = [es5 / MATHJAX_ENTRY] + sorted(path for path in es5.glob("*/**/*") if path.is_file())
    return [(path, f"{MATHJAX_SITE_DIR}/{path.relative_to(es5).as_posix()}") for path in paths]


# what nbconvert's template puts into every notebook page: MathJax 2 from `custom_mathjax_url`
# (empty here) with its settings, and a module that imports Mermaid from a CDN
NBCONVERT_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
NBCONVERT_MERMAID = re.compile(
    r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>', re.DOTALL
)


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        html = NBCONVERT_MERMAID.sub("", NBCONVERT_MATHJAX.sub("", html))
    return html


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
    lines = ["#" + line if re.match(r"#{1,5} ", line) else line for line in lines]
    text = "\n".join(split_by_workload(lines)) + "\n"
    # Material's own icons, inlined as SVG: they need neither an emoji font nor another host
    return text.replace("✅", MET).replace("❌", MISSED)


MET = ':material-check-circle:{ .benchmark-met title="met" }'
MISSED = ':material-close-circle:{ .benchmark-missed title="not met" }'


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _row(cells):
    return "| " + " | ".join(cells) + " |"


def _unbreakable(cell):
    """``0.189 ms`` and ``(2.19–2.48)`` kept on one line each: a cell may wrap only between them."""
    cell = re.sub(r"(\d) (?=[^\d(\s])", "\\1\u00a0", cell)  # a number and its unit
    return re.sub(r"(\d)–(\d)", "\\1\u2060–\u2060\\2", cell)  # the ends of a range


def split_by_workload(lines):
    """The report's results table (``| workload | case | engine | ... | vs | ...``), one table per
    workload under a ``###`` heading of its name, so that each fits a laptop's window.

    The workload column becomes the heading, and the ``vs`` column a sentence under it when it is
    the same on every row; a column that is empty on every row of a workload is left out.
    Anything else in the report passes through unchanged.
    """
    start = next((i for i, line in enumerate(lines) if line.startswith("| workload |")), None)
    if start is None or start + 1 >= len(lines):
        return lines
    end = start + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    header, align = _cells(lines[start]), _cells(lines[start + 1])
    groups = {}  # workload -> its rows, in the report's order
    for line in lines[start + 2 : end]:
        cells = _cells(line)
        if len(cells) != len(header):
            return lines  # not the table this expects: show the report as it is
        groups.setdefault(cells[0], []).append(cells)
    out = lines[:start]
    vs = header.index("vs") if "vs" in header else None
    for workload, rows in groups.items():
        out += [f"### {workload}", ""]
        keep = [column for column in range(1, len(header)) if any(row[column] for row in rows)]
        if vs is not None and len({row[vs] for row in rows}) == 1:
            out += [f"Ratios to {rows[0][vs]}.", ""] if rows[0][vs] else []
            keep = [column for column in keep if column != vs]
        out.append(_row([header[column] for column in keep]))
        out.append(_row([align[column] for column in keep]))
        numbers = {column for column in keep if align[column].endswith(":") and not align[column].startswith(":")}
        out += [_row([_unbreakable(row[c]) if c in numbers else row[c] for c in keep]) for row in rows]
        out.append("")
    return out + lines[end:]


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
