"""The notebooks in notebooks/ are paired sources, and run top to bottom on a real Jupyter kernel.

Every notebook ``notebooks/NN_name.ipynb`` has a jupytext percent-format source ``NN_name.py``
beside it (see notebooks/README.md). The pair must hold the same cells, compared through
jupytext with outputs and metadata ignored, so an edit to one side without ``jupytext --sync``
fails here; a notebook without its source, or a source without its notebook, fails too. The
saved notebook must have been executed without errors, so the copy people read on GitHub shows
what the code does.

Each notebook is also copied to a temporary directory and executed there with nbclient; any cell
error fails the test, and so does a run longer than ``TIME_LIMIT`` seconds (the budget on CI's
2 cores). The notebooks assert the lectures' numbers themselves, so a regression in the engine
or in ``nn`` that changes them fails here.

Without jupytext, nbclient, nbformat or ipykernel the tests are skipped, except on CI (``CI``
set), where a missing package is an error.
"""

import os
import pathlib
import shutil
import time

import pytest

try:
    import ipykernel  # noqa: F401  (the kernel the notebooks run on)
    import jupytext
    import nbclient
    import nbformat
except ImportError as error:
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the notebook tests need jupytext, nbclient, nbformat and ipykernel: {error}", allow_module_level=True)

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
PATTERN = "[0-9][0-9]_*"  # NN_name: the lecture notebooks (demo.py and README.md are not notebooks)
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob(PATTERN + ".ipynb"))
SOURCES = sorted(path.name for path in NOTEBOOK_DIR.glob(PATTERN + ".py"))
TIME_LIMIT = 60.0  # seconds for a whole notebook, kernel start included
CELL_TIMEOUT = 120  # seconds for one cell before nbclient gives up
SYNC = "edit one side, then run: jupytext --sync notebooks/{stem}.py (see notebooks/README.md)"


def _cells(path):
    """The (kind, source) of every cell of ``path``, .py or .ipynb, as jupytext reads it."""
    return [(cell.cell_type, cell.source.strip("\n")) for cell in jupytext.read(path).cells]


def test_every_notebook_has_its_source_and_every_source_its_notebook():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"
    notebooks = {name.removesuffix(".ipynb") for name in NOTEBOOKS}
    sources = {name.removesuffix(".py") for name in SOURCES}
    assert not notebooks - sources, (
        f"notebooks without a .py source: {sorted(notebooks - sources)}; "
        "run: jupytext --set-formats ipynb,py:percent notebooks/NN_name.ipynb"
    )
    assert not sources - notebooks, (
        f"sources without a notebook: {sorted(sources - notebooks)}; "
        "run: jupytext --set-formats ipynb,py:percent notebooks/NN_name.py, then execute it"
    )


@pytest.mark.parametrize("name", SOURCES)
def test_source_is_a_paired_percent_script(name):
    text = (NOTEBOOK_DIR / name).read_text()
    assert "formats: ipynb,py:percent" in text and "# %%" in text, (
        f"{name} is not a jupytext percent script paired with its notebook; "
        f"run: jupytext --set-formats ipynb,py:percent notebooks/{name}"
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_and_source_hold_the_same_cells(name):
    stem = name.removesuffix(".ipynb")
    source = NOTEBOOK_DIR / f"{stem}.py"
    if not source.exists():
        pytest.fail(f"{name} has no source {source.name}; {SYNC.format(stem=stem)}")
    saved, expected = _cells(NOTEBOOK_DIR / name), _cells(source)
    for index, (cell, wanted) in enumerate(zip(saved, expected, strict=False)):
        assert cell == wanted, (
            f"{name} cell {index} differs from {source.name}:\n{cell[1][:400]}\n--- vs ---\n{wanted[1][:400]}\n"
            + SYNC.format(stem=stem)
        )
    counts = f"{name} has {len(saved)} cells, {source.name} {len(expected)}"
    assert len(saved) == len(expected), f"{counts}; {SYNC.format(stem=stem)}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_saved_notebook_was_executed(name):
    saved = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    counts = []
    for index, cell in enumerate(saved.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{name}: cell {index} was saved without running"
        counts.append(cell.execution_count)
        errors = [output for output in cell.outputs if output.output_type == "error"]
        assert not errors, f"{name}: cell {index} was saved with an error: {errors[0].get('ename')}"
        # a progress bar redraws its line with \r; saved raw, a static viewer prints every redraw
        redraws = [output for output in cell.outputs if output.output_type == "stream" and "\r" in output.text]
        assert not redraws, (
            f"{name}: cell {index} was saved with raw progress-bar redraws (\\r); "
            "execute it as notebooks/README.md says (CoalesceStreamsPreprocessor)"
        )
    assert counts == list(range(1, len(counts) + 1)), f"{name} was not saved from one top-to-bottom run: {counts}"


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
