# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. Backpropagation by hand
#
# Lecture 2 works the chain rule through a chain of two sigmoid neurons, one input and one target:
#
# $$x \xrightarrow{\;w_1,\ b_1\;} z_1 = w_1 x + b_1,\quad a_1 = \sigma(z_1)
#   \xrightarrow{\;w_2,\ b_2\;} z_2 = w_2 a_1 + b_2,\quad a_2 = \sigma(z_2),
#   \qquad L = \tfrac12\,(y - a_2)^2$$
#
# with $x = 0.05$, $w_1 = 0.1$, $b_1 = -0.1$, $w_2 = 0.3$, $b_2 = 0.3$ and target $y = 0.01$.
# We compute the gradients with pencil-and-paper formulas, then let the engine do it, and check
# that the two agree. Then we descend the gradient.

# %%
import math

import matplotlib.pyplot as plt

import autograd
from autograd import Scalar, Tensor

# %% [markdown]
# ## Forward

# %%
x, y = 0.05, 0.01
w1, b1, w2, b2 = 0.1, -0.1, 0.3, 0.3


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


z1 = w1 * x + b1
a1 = sigmoid(z1)
z2 = w2 * a1 + b2
a2 = sigmoid(z2)
L = 0.5 * (y - a2) ** 2
print(f"z1 = {z1:.3f}   a1 = {a1:.3f}   z2 = {z2:.3f}   a2 = {a2:.3f}   L = {L:.4f}")
for value, lecture in [(z1, -0.095), (a1, 0.476), (z2, 0.443), (a2, 0.609)]:
    assert round(value, 3) == lecture

# %% [markdown]
# ## Backward by hand
#
# Walk back from the loss, one local derivative at a time:
#
# | step | local derivative |
# | --- | --- |
# | $L = \frac12 (y - a_2)^2$ | $\partial L/\partial a_2 = a_2 - y$ |
# | $a_2 = \sigma(z_2)$ | $\partial a_2/\partial z_2 = a_2 (1 - a_2)$ |
# | $z_2 = w_2 a_1 + b_2$ | $\partial z_2/\partial w_2 = a_1$, $\ \partial z_2/\partial b_2 = 1$ |
# | | $\partial z_2/\partial a_1 = w_2$ (the way back to the first neuron) |
# | $a_1 = \sigma(z_1)$ | $\partial a_1/\partial z_1 = a_1 (1 - a_1)$ |
# | $z_1 = w_1 x + b_1$ | $\partial z_1/\partial w_1 = x$, $\ \partial z_1/\partial b_1 = 1$ |
#
# and multiply along the path. For $w_2$ the lecture's number:
#
# $$\frac{\partial L}{\partial w_2}
#   = \frac{\partial z_2}{\partial w_2}\,\frac{\partial a_2}{\partial z_2}\,\frac{\partial L}{\partial a_2}
#   = a_1 \cdot a_2 (1 - a_2) \cdot (a_2 - y) = 0.476 \cdot 0.238 \cdot 0.599 = 0.0679.$$
#
# Call $\delta_2 = \partial L/\partial z_2$ and
# $\delta_1 = \partial L/\partial z_1 = \delta_2\, w_2\, a_1 (1 - a_1)$;
# then $\partial L/\partial w_2 = \delta_2 a_1$, $\partial L/\partial b_2 = \delta_2$,
# $\partial L/\partial w_1 = \delta_1 x$, $\partial L/\partial b_1 = \delta_1$.

# %%
dL_da2 = a2 - y
da2_dz2 = a2 * (1 - a2)
delta2 = dL_da2 * da2_dz2  # dL/dz2
delta1 = delta2 * w2 * a1 * (1 - a1)  # dL/dz1: back through z2 = w2 a1 + b2, then a1 = sigmoid(z1)
by_hand = {"w2": delta2 * a1, "b2": delta2, "w1": delta1 * x, "b1": delta1}
print(f"dL/dw2 = a1 * a2(1 - a2) * (a2 - y) = {a1:.3f} * {da2_dz2:.3f} * {dL_da2:.3f} = {by_hand['w2']:.4f}")
assert round(by_hand["w2"], 4) == 0.0679

# %% [markdown]
# ## The engine's backward
#
# The same computation with `Scalar`s. `backward()` applies exactly the rule above, in
# topological order from $L$.

# %%
X = Scalar(x, label="x")
W1, B1 = Scalar(w1, label="w1"), Scalar(b1, label="b1")
W2, B2 = Scalar(w2, label="w2"), Scalar(b2, label="b2")
A1 = (W1 * X + B1).sigmoid()
A1.label = "a1"
A2 = (W2 * A1 + B2).sigmoid()
A2.label = "a2"
loss = 0.5 * (y - A2) ** 2
loss.label = "L"
loss.backward()

engine = {"w2": W2.grad, "b2": B2.grad, "w1": W1.grad, "b1": B1.grad}
print(f"{'':6}{'by hand':>12}{'engine':>12}")
for name in by_hand:
    print(f"dL/d{name}{by_hand[name]:12.6f}{engine[name]:12.6f}")
    assert math.isclose(by_hand[name], engine[name], rel_tol=1e-12)
assert math.isclose(loss.data, L)

# %% [markdown]
# The graph with every value and gradient:

# %%
autograd.draw_graph(loss)

# %% [markdown]
# The same numbers from `Tensor`s and the functional API: `autograd.grad(L, inputs)` returns the
# gradients and leaves `.grad` alone.

# %%
params = [Tensor(v, requires_grad=True) for v in (w1, b1, w2, b2)]
tw1, tb1, tw2, tb2 = params
ta2 = (tw2 * (tw1 * x + tb1).sigmoid() + tb2).sigmoid()
tL = 0.5 * (y - ta2) ** 2
grads = autograd.grad(tL, params)
for name, g in zip(["w1", "b1", "w2", "b2"], grads):
    print(f"dL/d{name} = {g.item():.6f}")
    assert math.isclose(g.item(), by_hand[name], rel_tol=1e-12)


# %% [markdown]
# ## Gradient descent
#
# Now move every parameter a little against its gradient, $v' = v - \eta\, \partial L/\partial v$,
# and repeat. Each step builds the graph afresh from the current parameters, runs backward, and
# updates. Gradients accumulate (`grad += ...`), so they are reset to zero before every backward.


# %%
def train(lr, steps=500):
    leaves = [Scalar(v) for v in (w1, b1, w2, b2)]
    tw1, tb1, tw2, tb2 = leaves
    losses = []
    for _ in range(steps):
        out = (tw2 * (tw1 * x + tb1).sigmoid() + tb2).sigmoid()
        L = 0.5 * (y - out) ** 2
        for p in leaves:
            p.grad = 0.0
        L.backward()
        for p in leaves:
            p.data -= lr * p.grad
        losses.append(L.data)
    return losses, out.data


curves = {}
for lr in [0.5, 2.0, 8.0]:
    curves[lr], prediction = train(lr)
    print(f"lr {lr:3}: loss {curves[lr][0]:.4f} -> {curves[lr][-1]:.6f}, a2 = {prediction:.4f} (target {y})")
assert all(b < a for a, b in zip(curves[0.5], curves[0.5][1:]))  # the loss goes down at every step

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for lr, losses in curves.items():
    ax.plot(losses, label=f"learning rate {lr}")
ax.set(xlabel="step", ylabel="loss $L = (y - a_2)^2 / 2$", yscale="log")
ax.set_title("Gradient descent on two neurons")
ax.legend()
plt.show()

# %% [markdown]
# The larger the learning rate, the faster the loss falls here. The sigmoid flattens as $a_2$
# approaches $0$, so $a_2(1 - a_2)$, and with it every gradient, shrinks: progress slows down
# the closer we get to the target.
