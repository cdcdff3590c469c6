"""The notebooks in notebooks/ run top to bottom on a real Jupyter kernel, each in under a minute.

Each notebook is copied to a temporary directory and executed there with nbclient; any cell
error fails the test, and so does a run longer than ``TIME_LIMIT`` seconds (the budget on CI's
2 cores). The notebooks assert the lectures' numbers themselves, so a regression in the engine
or in ``nn`` that changes them fails here. The saved notebooks must also be what
``notebooks/make_notebooks.py`` writes, executed without errors, so the copies that people read
on GitHub match the code.

Without nbclient, nbformat or ipykernel the tests are skipped, except on CI (``CI`` set), where
a missing package is an error.
"""

import importlib.util
import os
import pathlib
import shutil
import time

import pytest

try:
    import ipykernel  # noqa: F401  (the kernel the notebooks run on)
    import nbclient
    import nbformat
except ImportError as error:
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the notebook tests need nbclient, nbformat and ipykernel: {error}", allow_module_level=True)

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
TIME_LIMIT = 60.0  # seconds for a whole notebook, kernel start included
CELL_TIMEOUT = 120  # seconds for one cell before nbclient gives up


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOK_DIR / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_is_generated():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"
    assert sorted(_generator().NOTEBOOKS) == NOTEBOOKS, "run: python notebooks/make_notebooks.py"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_saved_notebook_is_generated_and_executed(name):
    saved = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    expected = _generator().build(name)
    assert [(c.cell_type, c.source) for c in saved.cells] == [(c.cell_type, c.source) for c in expected.cells], (
        f"{name} differs from the cells in make_notebooks.py; run: python notebooks/make_notebooks.py {name[:2]}"
    )
    for index, cell in enumerate(saved.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{name}: cell {index} was saved without running"
        errors = [output for output in cell.outputs if output.output_type == "error"]
        assert not errors, f"{name}: cell {index} was saved with an error: {errors[0].get('ename')}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, tmp_path):
    path = shutil.copy(NOTEBOOK_DIR / name, tmp_path / name)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    took = time.perf_counter() - start
    assert took < TIME_LIMIT, f"{name} took {took:.1f} s to run, more than {TIME_LIMIT:.0f} s"
