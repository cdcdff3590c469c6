"""A ReLU MLP trained with SGD, forward and backward written by hand in NumPy.

This is the floor for an engine built on NumPy: the same matrix products any engine must
do, and nothing else. It is written the way a careful person would write it once:

- float32 throughout (NumPy 2 keeps `float32_array * python_float` in float32);
- the ReLU is applied in place, and its backward multiplies by the mask of the *output*
  (out > 0), which is all the derivative needs;
- softmax and cross-entropy are fused: one max, one exp, one sum, and the gradient
  (softmax - onehot) / n is formed in the exp's own buffer;
- each layer's SGD update happens as soon as its gradient exists, in place, scaling the
  gradient buffer instead of allocating `lr * dW`.

What it does not do is preallocate the products' outputs (`np.matmul(..., out=buf)`):
an engine returns new arrays from its ops, so the floor does too.
"""

from __future__ import annotations

import numpy as np


class NumpyMLP:
    """`step()` does one forward, loss, backward and SGD update; returns the loss (float).

    params: [(W, b), ...] with W of shape (in, out) and the forward `h @ W + b`; ReLU after
    every layer but the last. Arrays are copied, so the caller's initial weights stay put.
    """

    def __init__(self, params, x: np.ndarray, y: np.ndarray, lr: float):
        self.params = [(W.copy(), b.copy()) for W, b in params]
        self.x, self.y, self.lr = x, y, lr
        self.rows = np.arange(len(y))

    def step(self) -> float:
        n, lr, rows, y = len(self.y), self.lr, self.rows, self.y
        last = len(self.params) - 1

        # forward: acts[i] is the input of layer i (acts[0] = x); h ends as the logits
        acts = [self.x]
        for i, (W, b) in enumerate(self.params):
            h = acts[-1] @ W
            h += b
            if i < last:
                np.maximum(h, 0, out=h)
                acts.append(h)

        # fused softmax cross-entropy: loss = mean(log sum exp(z) - z_y), z = h - max(h)
        h -= h.max(axis=1, keepdims=True)
        z_y = h[rows, y]
        np.exp(h, out=h)
        total = h.sum(axis=1)
        loss = float(np.mean(np.log(total) - z_y))
        # dloss/dz = (softmax(z) - onehot(y)) / n, built in the exp's buffer
        h *= (1.0 / n / total)[:, None]
        h[rows, y] -= 1.0 / n
        grad = h

        # backward, updating each layer once its W is no longer needed; every array is
        # dropped as soon as it is used up, so the peak memory is a floor too
        for i in range(last, -1, -1):
            W, b = self.params[i]
            a = acts.pop()
            dW = a.T @ grad
            db = grad.sum(axis=0)
            grad = grad @ W.T if i > 0 else None  # rebinding frees the layer's incoming grad
            if grad is not None:
                grad *= a > 0  # relu'(h) read from the relu's output; relu'(0) = 0
            del a
            dW *= lr
            W -= dW
            db *= lr
            b -= db
            del dW, db
        return loss
