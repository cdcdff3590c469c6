"""The README's two commands are the ones CI and the docs use, and its example runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands():
    return re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)


def test_ci_runs_exactly_the_readme_test_command():
    demo, tests = _readme_commands()
    assert "python notebooks/demo.py" in demo and "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci.splitlines()


def test_getting_started_shows_the_same_two_commands():
    page = (ROOT / "docs" / "getting-started.md").read_text()
    for command in _readme_commands():
        assert command in page


def test_readme_example_runs():
    (example,) = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    exec(compile(example, "README.md", "exec"), {})
