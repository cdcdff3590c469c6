"""The demo: lecture 4's spiral, learnt by a two-layer ReLU network, and its graph drawn.

Run it from the repository's root as ``python notebooks/demo.py`` (after
``pip install -e ".[demo]"``): it works offline and needs no arguments. It trains the classifier
with a progress bar, prints its accuracy, and writes to a folder (``chainrule-demo/`` in the
current directory unless ``--out`` says otherwise):

* ``decision_boundary.png``: the three spiral arms and the regions the network assigns them;
* ``graph_forward.svg`` and ``graph_backward.svg``: the trained network's loss graph, values
  flowing forward and gradients flowing back, one box per layer call;
* ``graph_backward_ops.svg``: the backward graph of the loss on 4 points, op by op, every edge
  with the gradient it carries and every parameter by its name (``0.weight``, ...).

It is notebook 5's training loop as a program; the notebooks beside it work through the lectures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import autograd
import nn


def train_spiral(n_per_class=100, hidden=100, steps=1000, lr=0.01, seed=0, progress=None):
    """Train ``Linear(2, hidden) -> ReLU -> Linear(hidden, 3)`` on the spiral with Adam.

    The five steps of lecture 4's loop: ``output = model(X)``, ``J = loss(output, y)``,
    ``model.zero_grad()`` (here the optimiser's), ``J.backward()``, ``optimiser.step()``.
    Returns ``(model, X, y, accuracy)``.

    >>> model, X, y, accuracy = train_spiral(n_per_class=20, hidden=8, steps=5)
    >>> X.shape, 0.0 <= accuracy <= 1.0
    ((60, 2), True)
    """
    X, y = nn.data.make_spiral(n_per_class, n_classes=3, seed=seed)
    nn.init.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    loss_fn = nn.CrossEntropyLoss()
    optimiser = nn.optim.Adam(model.parameters(), lr=lr)
    inputs = autograd.Tensor(X)
    for _ in progress(range(steps)) if progress else range(steps):
        output = model(inputs)
        loss = loss_fn(output, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with autograd.no_grad():
        accuracy = float((model(inputs).data.argmax(axis=1) == y).mean())
    return model, X, y, accuracy


def plot_decision_boundary(model, X, y, path):
    """Colour the plane by the class the model predicts, with the data on top."""
    import matplotlib

    matplotlib.use("Agg")  # a file, no screen needed
    import matplotlib.pyplot as plt

    xs = np.linspace(X[:, 0].min() - 0.2, X[:, 0].max() + 0.2, 300)
    ys = np.linspace(X[:, 1].min() - 0.2, X[:, 1].max() + 0.2, 300)
    grid_x, grid_y = np.meshgrid(xs, ys)
    with autograd.no_grad():
        scores = model(autograd.Tensor(np.c_[grid_x.ravel(), grid_y.ravel()])).data
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.contourf(grid_x, grid_y, scores.argmax(axis=1).reshape(grid_x.shape), alpha=0.3, cmap="brg")
    axes.scatter(X[:, 0], X[:, 1], c=y, s=12, cmap="brg", edgecolors="k", linewidths=0.3)
    axes.set_title("spiral: decision regions of Linear-ReLU-Linear")
    axes.set_aspect("equal")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def draw_loss_graph(model, X, y, folder):
    """Write the forward and backward drawings of the loss on a few points, one box per layer."""
    loss = nn.CrossEntropyLoss()(model(autograd.Tensor(X[::60])), y[::60])
    written = []
    for mode in ("forward", "backward"):
        drawing = autograd.draw_graph(loss, mode=mode, params=model, collapse_modules=True, rankdir="TB")
        path = folder / f"graph_{mode}.svg"
        path.write_bytes(drawing.pipe(format="svg"))
        written.append(path)
    return written


def draw_backward_ops(model, X, y, folder, n_points=4):
    """Write the op-level backward drawing of the loss on ``n_points`` points: what backward runs.

    Every step of backward is a box (``CrossEntropyBackward``, ``LinearBackward``, ``ReluBackward``,
    ``AccumulateGrad``), every edge the gradient it carries, every parameter named as in
    ``model.named_parameters()``. It is drawn before any ``backward()``, so the drawing can still
    compute the gradient of every intermediate value (it changes no ``.grad``).
    """
    rows = np.linspace(0, len(X) - 1, n_points).round().astype(int)  # spread over the classes
    loss = nn.CrossEntropyLoss()(model(autograd.Tensor(X[rows])), y[rows])
    drawing = autograd.draw_graph(loss, mode="backward", params=model, rankdir="TB")
    path = folder / "graph_backward_ops.svg"
    path.write_bytes(drawing.pipe(format="svg"))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="notebooks/demo.py", description="chainrule's demo: lecture 4's spiral, learnt and drawn"
    )
    parser.add_argument("--out", default="chainrule-demo", help="folder for the pictures (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=1000, help="training steps (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        from tqdm import tqdm
    except ImportError:  # the progress bar is a nicety; the demo runs without it
        tqdm = None
    start = time.perf_counter()
    print("Training Linear(2, 100) -> ReLU -> Linear(100, 3) on the spiral (3 classes, 300 points)")
    model, X, y, accuracy = train_spiral(steps=args.steps, progress=tqdm)
    print(f"training accuracy: {accuracy:.1%}")
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        plot_decision_boundary(model, X, y, folder / "decision_boundary.png")
        written.append(folder / "decision_boundary.png")
    except ImportError:
        print('matplotlib is not installed: no decision-boundary plot (pip install -e ".[demo]")')
    try:
        written += draw_loss_graph(model, X, y, folder)
        written.append(draw_backward_ops(model, X, y, folder))
    except autograd.viz.RendererNotFoundError as error:
        print(f"no graph drawings: {error}")
    for path in written:
        print(f"wrote {path}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
