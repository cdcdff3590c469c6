"""Regenerate the graph figures of the docs: ``python docs/make_figures.py`` (from the repository root).

Writes to ``docs/img/``:

* ``lecture3_forward.svg`` / ``lecture3_backward.svg``: lecture 3's ``f = (x + y) * z`` at
  ``x = 1, y = -3, z = 4`` after ``f.backward()``: the values, then the gradients flowing back
  (``df/dz = -2``, ``df/dx = df/dy = 4``);
* ``mlp_forward.svg`` / ``mlp_backward.svg``: the cross-entropy loss of a two-layer network,
  ``nn.Sequential(Linear(2, 4), ReLU(), Linear(4, 3))``, on three points of lecture 1 (one per
  class), its parameters labelled with their names.

Everything is fixed (the weights are set from a seeded generator), so the DOT source is the same
on every run. The SVGs are rendered with ``graphviz-pure`` when it is installed (its output is the
same on every platform), else with whatever ``dot`` is found.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import Scalar, Tensor, draw_graph  # noqa: E402
from autograd.viz import which_program  # noqa: E402

OUT = HERE / "img"


def lecture3():
    x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
    d = x + y
    d.label = "d"
    f = d * z
    f.label = "f"
    f.backward()
    return {
        "lecture3_forward": draw_graph(f),
        "lecture3_backward": draw_graph(f, mode="backward"),
    }


def mlp():
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    rng = np.random.default_rng(3)
    with autograd.no_grad():
        for _, parameter in model.named_parameters():
            parameter.data[...] = np.round(rng.normal(scale=0.5, size=parameter.shape), 2)
    X = Tensor([[0.5, 0.4], [-0.4, 0.3], [0.7, -0.4]])  # lecture 1's points, one of each class
    y = np.array([0, 1, 2])
    loss = nn.functional.cross_entropy(model(X), y)
    loss.backward(retain_graph=True)  # keep the graph: the forward figure shows every gradient
    return {
        "mlp_forward": draw_graph(loss, params=model, rankdir="TB"),
        "mlp_backward": draw_graph(loss, mode="backward", params=model, rankdir="TB"),
    }


def main():
    OUT.mkdir(exist_ok=True)
    pure = which_program("graphviz-pure")
    for name, drawing in {**lecture3(), **mlp()}.items():
        if pure:
            drawing.program = pure
        path = OUT / f"{name}.svg"
        path.write_bytes(drawing.pipe(format="svg"))
        print(f"wrote {path.relative_to(HERE.parent)} ({len(drawing.body)} statements)")


if __name__ == "__main__":
    main()
