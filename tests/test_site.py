"""The built site in a real browser with no network: math typeset, images loaded, nothing broken.

The site is built with ``mkdocs build --strict`` into a temporary folder and served on
127.0.0.1 by a standard-library ``http.server`` thread. Debian's Chromium (``/usr/bin/chromium``),
driven by Playwright for Python, opens every page of the site at 1280 x 800 pixels with every
request to another host aborted, and checks on each page that:

* the math is typeset: no raw ``$$``, ``\\frac``, ``\\partial``, ``\\(`` or ``\\[`` is left in the text
  a reader sees (``document.body.innerText``), nor ``$...$`` outside code; a page whose HTML has
  math holds MathJax's elements (``mjx-container``), and none of them is MathJax's mark for TeX
  it could not read;
* every image loaded (``naturalWidth > 0``);
* nothing was logged to the console as an error and no script threw;
* nothing was asked of another host than the site's own;
* the page has no horizontal scrollbar (``scrollWidth <= innerWidth``) and no table is wider than
  its column (Material gives such a table a scrollbar of its own, hiding its last columns).

The pages are found in the built site (every ``index.html``), so new notebooks and reference
pages are checked without editing this file; the test also checks that home, getting started,
every concepts page, every notebook and every API reference page are among them. A screenshot
of each page (its first 8,000 pixels) goes to ``build/site-screenshots/`` (``build/`` is not
committed; CI can keep it), with ``report.txt`` listing each page, its time and its problems.

Without Playwright, Chromium or the site's packages the test is skipped, except on CI (``CI``
set), where that is a failure.
"""

import functools
import html
import re
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .support import SITE_PACKAGES, build_site, missing_modules, require

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "site-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root on CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no update checks, field trials or other calls home
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOT_HEIGHT = 8000  # pixels from the top of a page: the API reference runs to 40,000, slow to capture

# TeX that MathJax should have replaced, as it would show in the page's text
RAW_MATH = re.compile(r"\$\$|\\frac|\\partial|\\\(|\\\[")
# inline math left as it was written, in text outside code
RAW_INLINE = re.compile(r"\$[^$\s][^$\n]*\$")
# math in the HTML before MathJax runs: arithmatex's spans, or dollars in prose (notebook cells)
CODE_OR_SCRIPT = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
HAS_MATH = re.compile(r'class="arithmatex"|\$[^$\s][^$]*\$|\\\(|\\\[')


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def _serve(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _pages(site):
    """Every page of the built site as its URL path (``""`` for home, ``"concepts/graph/"``, ...)."""
    folders = (path.parent.relative_to(site).as_posix() for path in site.rglob("index.html"))
    return sorted("" if folder == "." else folder + "/" for folder in folders)


def _expected_pages():
    """The pages a newcomer reads, from the sources: each must be in the built site."""
    docs = ROOT / "docs"
    expected = {"", "getting-started/"}
    expected |= {f"concepts/{page.stem}/" for page in (docs / "concepts").glob("*.md")}
    expected |= {f"reference/{page.stem}/" for page in (docs / "reference").glob("*.md")}
    expected |= {f"notebooks/{notebook.stem}/" for notebook in (ROOT / "notebooks").glob("*.ipynb")}
    return expected


def _has_math(page_html):
    prose = html.unescape(TAG.sub(" ", CODE_OR_SCRIPT.sub(" ", page_html)))
    return 'class="arithmatex"' in page_html or HAS_MATH.search(prose) is not None


# runs in the page once it has loaded and MathJax has typeset it
INSPECT = r"""async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    await document.fonts.ready;
    // a table that sticks out of the page's column, or that Material's wrapper lets scroll sideways
    const column = document.querySelector(".md-content");
    const right = column ? column.getBoundingClientRect().right : window.innerWidth;
    const wideTables = [...document.querySelectorAll(".md-content table")]
        .filter(table => {
            const wrapper = table.closest(".md-typeset__scrollwrap");
            return table.getBoundingClientRect().right > right + 1
                || (wrapper && wrapper.scrollWidth > wrapper.clientWidth + 1);
        })
        .map(table => table.rows[0].innerText.replace(/\s+/g, " ").trim().slice(0, 60));
    // a formula that runs past the right edge of its cell or column, where it is cut off (a
    // formula that scrolls sideways in its own box is readable)
    const clippedMath = [...document.querySelectorAll("mjx-container")]
        .filter(math => {
            const box = math.closest(".jp-RenderedMarkdown, .md-content");
            const inner = math.querySelector("mjx-math") || math;
            const scrolls = ["auto", "scroll"].includes(getComputedStyle(math).overflowX);
            return box && !scrolls && inner.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
        })
        .map(math => (math.querySelector("mjx-assistive-mml") || math).textContent.slice(0, 40));
    // the prose: the page's text less code, where a dollar would be code's own, and typeset math
    const prose = document.body.cloneNode(true);
    prose.querySelectorAll("pre, code, script, style, mjx-container").forEach(node => node.remove());
    return {
        text: document.body.innerText,
        prose: prose.textContent,
        mathjax: Boolean(window.MathJax && MathJax.startup && MathJax.startup.document),
        math: document.querySelectorAll("mjx-container").length,
        mathErrors: [...document.querySelectorAll("mjx-merror")]
            .map(error => error.getAttribute("data-mjx-error") || error.textContent),
        brokenImages: [...document.images].filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => img.getAttribute("src").slice(0, 80)),
        images: document.images.length,
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
        innerWidth: window.innerWidth,
        wideTables,
        clippedMath,
    };
}"""


def _check_page(context, origin, path, page_html):
    """The problems found on one page, and the count of typeset formulas."""
    page = context.new_page()
    errors, foreign = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(origin + "/"):
            request_route.continue_()
        else:
            foreign.append(url)
            request_route.abort()

    page.route("**/*", route)
    response = page.goto(f"{origin}/{path}", wait_until="load")
    found = page.evaluate(INSPECT)
    name = path.strip("/").replace("/", "-") or "index"
    height = min(found["scrollHeight"], SCREENSHOT_HEIGHT)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip={"x": 0, "y": 0, **VIEWPORT, "height": height}
    )
    page.close()

    problems = []
    if response is None or response.status != 200:
        problems.append(f"HTTP {response.status if response else 'no response'}")
    raw = sorted({match.group() for match in RAW_MATH.finditer(found["text"])})
    if raw:
        problems.append(f"raw TeX in the page's text: {', '.join(raw)}")
    inline = RAW_INLINE.findall(found["prose"])
    if inline:
        problems.append(f"raw $...$ in the page's prose: {inline[:3]}")
    if _has_math(page_html) and not found["math"]:
        loaded = "" if found["mathjax"] else " (MathJax did not load)"
        problems.append(f"the page has math but MathJax typeset none of it{loaded}")
    if found["clippedMath"]:
        problems.append(f"formulas cut off at the right: {found['clippedMath'][:3]}")
    if found["mathErrors"]:
        problems.append(f"MathJax could not read: {found['mathErrors'][:3]}")
    if found["brokenImages"]:
        problems.append(f"images not loaded: {found['brokenImages']}")
    if errors:
        problems.append(f"console errors: {errors[:5]}")
    if foreign:
        problems.append(f"requests to other hosts: {sorted(set(foreign))[:5]}")
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"horizontal scrollbar: the page is {found['scrollWidth']} px wide at {found['innerWidth']} px")
    if found["wideTables"]:
        problems.append(f"tables wider than the page's column: {found['wideTables']}")
    return problems, found


def test_every_page_in_a_real_browser(tmp_path):
    missing = missing_modules(SITE_PACKAGES)
    require(not missing, f"building the site needs {', '.join(missing)}: pip install -e '.[docs]'")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        require(False, f"the browser test needs Playwright for Python: pip install -e '.[test]' ({error})")
    require(Path(CHROMIUM).is_file(), f"the browser test needs Chromium at {CHROMIUM}: apt-get install chromium")

    start = time.perf_counter()
    site = tmp_path / "site"
    build_site(site)
    built = time.perf_counter() - start

    pages = _pages(site)
    missing_pages = sorted(_expected_pages() - set(pages))
    assert not missing_pages, f"pages missing from the built site: {missing_pages}"

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    server = _serve(site)
    origin = f"http://127.0.0.1:{server.server_port}"
    report, failures = [], {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT, service_workers="block")
            for path in pages:
                page_start = time.perf_counter()
                page_html = (site / path / "index.html").read_text(encoding="utf-8")
                problems, found = _check_page(context, origin, path, page_html)
                took = time.perf_counter() - page_start
                report.append(
                    f"{path or '(home)':48} {took:5.2f} s  {found['math']:4} formulas  {found['images']:3} images  "
                    + ("; ".join(problems) or "ok")
                )
                if problems:
                    failures[path] = problems
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    total = time.perf_counter() - start
    report.append(f"{len(pages)} pages; build {built:.1f} s; build and browser {total:.1f} s")
    (SCREENSHOTS / "report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))

    assert not failures, "\n".join(f"{path}: {'; '.join(problems)}" for path, problems in failures.items())
