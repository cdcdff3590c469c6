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
# that the two agree. Then we descend the gradient, first on the two neurons, then on a whole
# network of Scalars that learns to separate two moons.

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


# %% [markdown]
# ## From two neurons to a network: a Scalar MLP on the moons
#
# The same chain rule trains a whole network, one `Scalar` per weight, the way micrograd does.
# `nn` has the building blocks: `nn.Neuron(n_in)` computes $a = \phi(w_1 x_1 + \dots + w_n x_n + b)$,
# `nn.ScalarLayer(n_in, n_out)` is `n_out` neurons that read the same inputs, and
# `nn.ScalarMLP(2, [8, 8, 1])` stacks layers: two hidden layers of 8 ReLU neurons, then one
# neuron with no activation whose score $s$ says the class ($s > 0$ for one moon, $s < 0$ for the
# other). `parameters()` lists every weight and bias, `zero_grad()` resets their gradients.
#
# The loss is micrograd's: the max-margin (hinge) loss with labels $t_i = \pm 1$, plus a little
# L2 regularisation,
#
# $$L = \frac1N \sum_{i=1}^N \max(0,\ 1 - t_i s_i) + \alpha \sum_p p^2, \qquad \alpha = 10^{-4},$$
#
# and plain gradient descent, $p' = p - \eta\, \partial L / \partial p$, with a learning rate
# $\eta$ that falls from 2 to 0.2. (micrograd's `[16, 16, 1]` learns the moons too, three times
# slower: every number is a Python object.)

# %%
import numpy as np

import nn

X_moons, y_moons = nn.make_moons(100, noise=0.1, seed=0)
targets = 2.0 * y_moons - 1.0  # the labels 0 / 1 as -1 / +1
model = nn.ScalarMLP(2, [8, 8, 1], generator=0)  # the generator seeds the initial weights
print(model, "with", len(model.parameters()), "Scalar parameters")


def hinge_loss(model, X, targets, alpha=1e-4):
    scores = [model(x) for x in X]  # one graph per point, all of them sharing the parameters
    data_loss = sum((1 - t * s).relu() for t, s in zip(targets, scores)) * (1 / len(X))
    reg = alpha * sum(p * p for p in model.parameters())
    accuracy = np.mean([(s.item() > 0) == (t > 0) for t, s in zip(targets, scores)])
    return data_loss + reg, accuracy


steps = 60
for k in range(steps):
    loss, accuracy = hinge_loss(model, X_moons, targets)
    model.zero_grad()  # gradients add up over backward calls
    loss.backward()
    lr = 2.0 - 1.8 * k / steps
    for p in model.parameters():
        p.data -= lr * p.grad
    if k % 10 == 0:
        print(f"step {k:2d}: loss {loss.item():.4f}, accuracy {accuracy:.0%}")
loss, accuracy = hinge_loss(model, X_moons, targets)
print(f"after {steps} steps: loss {loss.item():.4f}, accuracy {accuracy:.0%}")
assert accuracy >= 0.95

# %% [markdown]
# The regions the network gives each moon (the score's sign on a grid, computed under
# `no_grad()` so that no graph is recorded):

# %%
xs, ys = np.linspace(-1.6, 2.6, 61), np.linspace(-1.1, 1.6, 40)
with autograd.no_grad():
    grid = np.array([[model([u, v]).item() for u in xs] for v in ys])
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.contourf(xs, ys, grid > 0, levels=1, colors=["#4c72b0", "#dd8452"], alpha=0.3)
ax.scatter(X_moons[:, 0], X_moons[:, 1], c=y_moons, cmap="coolwarm", edgecolors="k", linewidths=0.4, s=18)
ax.set(title=f"ScalarMLP(2, [8, 8, 1]) on the moons: {accuracy:.0%} right", xlabel="$x_1$", ylabel="$x_2$")
ax.set_aspect("equal")
plt.show()

# %% [markdown]
# ## One neuron's graph
#
# Every prediction is a graph with one node per number. Here is one neuron of the first hidden
# layer, the first that fires on the first point: two products, two sums and a ReLU. Its
# parameters carry their names in the network (`0.3.w1` is layer 0, neuron 3, weight 1).
# Forward, the values:

# %%
j = next(j for j, neuron in enumerate(model.layers[0].neurons) if neuron(X_moons[0]).item() > 0)
neuron = model.layers[0].neurons[j]
x1, x2 = Scalar(X_moons[0, 0], label="x1"), Scalar(X_moons[0, 1], label="x2")
a = neuron([x1, x2])
a.label = "a"
w1_, w2_, b_ = (p.item() for p in neuron.parameters())
print(f"neuron {j}, first point: a = relu({w1_:.3f} x1 + {w2_:.3f} x2 + {b_:.3f}) = {a.item():.4f}")
assert a.item() > 0
autograd.draw_graph(a)

# %% [markdown]
# Backward, each edge labelled with its local derivative and the gradient it sends:
# $\partial a / \partial w_1 = x_1$, $\partial a / \partial x_1 = w_1$, $\partial a / \partial b = 1$
# (the ReLU passes the gradient 1 on, since it fires).

# %%
model.zero_grad()
a.backward()
assert math.isclose(neuron.w[0].grad, x1.item()) and math.isclose(x1.grad, neuron.w[0].item())
assert neuron.b.grad == 1.0
autograd.draw_graph(a, mode="backward")
