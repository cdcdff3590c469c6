"""The demo (``python notebooks/demo.py``, the README's first command) runs and writes its pictures.

It is run as the README runs it, a script in a fresh interpreter, with this checkout's packages
first on the path; fewer training steps keep it quick. Its docstring examples run here too,
since ``--doctest-modules`` collects only the packages.
"""

import doctest
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "notebooks" / "demo.py"


def _load_demo():
    spec = importlib.util.spec_from_file_location("demo", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_writes_its_pictures_and_says_where(tmp_path):
    out = tmp_path / "pictures"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, str(DEMO), "--out", str(out), "--steps", "30"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "training accuracy:" in run.stdout
    names = ["decision_boundary.png", "graph_forward.svg", "graph_backward.svg", "graph_backward_ops.svg"]
    for name in names:
        path = out / name
        assert path.stat().st_size > 0, f"{name} is empty"
        assert f"wrote {path}" in run.stdout, f"the demo did not say it wrote {path}:\n{run.stdout}"
    assert (out / "decision_boundary.png").read_bytes().startswith(b"\x89PNG")


def test_demo_op_level_backward_drawing_names_parameters_and_gradients(tmp_path):
    demo = _load_demo()
    model, X, y, _ = demo.train_spiral(n_per_class=20, hidden=8, steps=5)
    grads = [p.grad.data.copy() for p in model.parameters()]  # what the last training step left
    path = demo.draw_backward_ops(model, X, y, tmp_path)
    assert path == tmp_path / "graph_backward_ops.svg"
    svg = path.read_text()
    assert svg.lstrip().startswith(("<?xml", "<svg", "<!--"))
    # op by op, not one box per layer: each backward step and each parameter by its name
    for text in ["CrossEntropyBackward", "LinearBackward", "ReluBackward", "AccumulateGrad"]:
        assert text in svg, text
    for name, _ in model.named_parameters():
        assert f">{name}<" in svg, f"parameter {name} is not named in the drawing"
    assert "grad" in svg
    # drawn without a backward(): the parameters' .grad stay untouched
    assert all((p.grad.data == g).all() for p, g in zip(model.parameters(), grads))


def test_demo_collapsed_drawings_keep_one_box_per_layer(tmp_path):
    demo = _load_demo()
    model, X, y, _ = demo.train_spiral(n_per_class=20, hidden=8, steps=5)
    forward, backward = demo.draw_loss_graph(model, X, y, tmp_path)
    assert (forward.name, backward.name) == ("graph_forward.svg", "graph_backward.svg")
    assert "ReluBackward" not in backward.read_text()  # the ReLU sits inside its collapsed box


def test_demo_docstring_examples():
    result = doctest.testmod(_load_demo(), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, result
