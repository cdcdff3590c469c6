"""What some tests need from the machine, and the one rule for when it is missing: on a user's
machine the test is skipped with a message saying what to install; on CI (``CI`` set), where
``.ci/run`` installs everything, a missing piece fails the test instead of hiding it."""

import importlib.util
import os

import pytest

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
