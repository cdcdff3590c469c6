"""``chainrule demo``: train a small classifier on lecture 4's spiral and report its accuracy.

Run it as ``chainrule demo`` or ``python -m nn.demo``. It works offline and needs no
arguments.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import autograd
from autograd import Tensor
from nn.data import make_spiral


def train_spiral(steps=300, hidden=100, lr=1.0, seed=0):
    """Two-layer ReLU network, full-batch gradient descent on softmax cross-entropy.

    Returns the training accuracy.

    >>> accuracy = train_spiral(steps=5, hidden=8)
    >>> 0.0 <= accuracy <= 1.0
    True
    """
    X, y = make_spiral(100, n_classes=3, seed=seed)
    rng = np.random.default_rng(seed)
    w1 = Tensor(rng.standard_normal((2, hidden)) * 0.5, requires_grad=True)
    b1 = Tensor(np.zeros(hidden), requires_grad=True)
    w2 = Tensor(rng.standard_normal((hidden, 3)) * 0.1, requires_grad=True)
    b2 = Tensor(np.zeros(3), requires_grad=True)
    inputs, rows = Tensor(X), np.arange(len(y))
    for _ in range(steps):
        logits = (inputs @ w1 + b1).relu() @ w2 + b2
        loss = -logits.log_softmax(axis=-1)[rows, y].mean()
        loss.backward()
        with autograd.no_grad():
            for p in (w1, b1, w2, b2):
                p.data -= lr * p.grad.data
                p.grad = None
    return float((logits.data.argmax(axis=1) == y).mean())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="chainrule", description="chainrule: see the chain rule at work")
    parser.add_argument("command", nargs="?", default="demo", choices=["demo"])
    parser.parse_args(argv)
    start = time.perf_counter()
    accuracy = train_spiral()
    print(f"spiral (3 classes, 300 points), two-layer ReLU network: training accuracy {accuracy:.1%}")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
