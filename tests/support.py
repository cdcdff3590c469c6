"""What several tests share: the rule for a missing piece of the machine, and building the site.

When a test needs something the machine may lack, on a user's machine it is skipped with a
message saying what to install; on CI (``CI`` set), where ``.ci/run`` installs everything, a
missing piece fails the test instead of hiding it.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# the packages that building the documentation site imports
SITE_PACKAGES = ("mkdocs", "material", "mkdocstrings_handlers.python", "mkdocs_jupyter", "mathjax")


def require(condition, message):
    """Skip (fail on CI) with ``message`` unless ``condition`` holds."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def missing_modules(names):
    """The names among ``names`` that cannot be imported here."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # the parent package of a dotted name is missing
            found = False
        if not found:
            missing.append(name)
    return missing


def build_site(site):
    """``mkdocs build --strict`` into ``site``; the test fails with the build's warnings if it does."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    # (not --quiet: it hides warnings from the count that --strict fails on; drop INFO lines here instead)
    if result.returncode != 0:
        problems = [line for line in result.stderr.splitlines() if not line.startswith("INFO")]
        pytest.fail("mkdocs build --strict failed:\n" + "\n".join(problems), pytrace=False)
