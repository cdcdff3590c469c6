"""The documentation: its code runs, and the site builds with ``mkdocs build --strict``.

Every ```` ```python ```` block of every page under ``docs/`` is executed, page by page, in
order, in one namespace per page (so a block can use what an earlier one defined). Snippets
that must not run are written as ```` ```text ````, ```` ```bash ```` or ```` ```pycon ````.
The fences are read at the start of a line only (the pages do not nest code in lists).
"""

import re
from pathlib import Path

import numpy as np
import pytest

import autograd

from .support import SITE_PACKAGES, build_site, missing_modules, require

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
# a script, stylesheet, image or font fetched from an absolute URL (a plain link is fine)
REMOTE_ASSET = re.compile(
    r'<(?:script|img|link rel="(?:stylesheet|preconnect|preload)")[^>]*(?:src|href)="(?:https?:)?//[^"]+"'
)


def python_blocks(page):
    """``(line, source)`` for each python block of ``page``; ``line`` is the block's first code line (0-based)."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(1)), match.group(1)) for match in FENCE.finditer(text)]


PAGES = sorted(page for page in DOCS.rglob("*.md") if python_blocks(page))


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the anomaly-mode example's sqrt'(0)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(DOCS).as_posix())
def test_code_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything a block writes lands here
    namespace = {"__name__": "__docs__"}
    try:
        for line, source in python_blocks(page):
            # padded with newlines so a traceback points at the line of the page
            exec(compile("\n" * line + source, str(page), "exec"), namespace)
    finally:
        autograd.set_default_dtype(np.float64)


def test_the_extending_page_is_all_code_that_runs():
    # guards the extraction itself: if the fence pattern stopped matching, nothing would run
    assert DOCS / "extending.md" in PAGES
    assert len(python_blocks(DOCS / "extending.md")) >= 8


def test_site_builds_strictly(tmp_path):
    missing = missing_modules(SITE_PACKAGES)
    require(not missing, f"building the docs needs {', '.join(missing)}: pip install -e '.[docs]'")
    site = tmp_path / "site"
    build_site(site)

    # nothing is loaded from another host (tests/test_site.py checks the same in a browser)
    assert (site / "assets" / "mathjax" / "tex-chtml-full.js").is_file(), "MathJax is not in the site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = REMOTE_ASSET.findall(text)
        assert not remote, f"{page.relative_to(site)} loads from another host: {remote[:3]}"
        assert '<script src="">' not in text, f"{page.relative_to(site)} loads a script from an empty URL"

    reference = (site / "reference" / "autograd" / "index.html").read_text(encoding="utf-8")
    assert 'id="autograd.Tensor.backward"' in reference  # mkdocstrings rendered the API
    # every method, also those Tensor inherits from its method families (autograd/methods/)
    for owner in autograd.Tensor.__mro__[:-1]:
        for name, value in vars(owner).items():
            if callable(value) and not name.startswith("_") and value.__name__ == name:  # (aliases: asin...)
                assert f'id="autograd.Tensor.{name}"' in reference, f"Tensor.{name} is not in the API reference"
    assert "<blockquote>" not in reference  # docstring examples became code, not nested quotes
    # Tensor's attributes are described by its docstring's table, not shown as the lines that set them
    attributes = reference[reference.index("Attributes:</span>") :]
    attributes = attributes[: attributes.index("</table>")]
    for name in ("data", "grad", "requires_grad", "grad_fn", "shape", "dtype"):
        row = re.search(rf"<td><code><(?:span|a)\b[^>]*>\s*{name}\s*</", attributes)
        assert row, f"Tensor.{name} is not in the Attributes table"
    assert "_as_array" not in reference
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (site / "notebooks" / notebook.stem / "index.html").is_file(), f"{notebook.name} is not in the site"
    results = ROOT / "benchmarks" / "results" / "latest.md"
    if results.is_file():
        performance = (site / "performance" / "index.html").read_text(encoding="utf-8")
        assert "ratio (IQR)</th>" in performance, "the benchmark table is not on the performance page"
