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
# # 3. A linear classifier: softmax, cross-entropy, regularisation, gradient descent
#
# Lecture 1's classifier gives every class $c$ a score, a weighted sum of the input's features:
#
# $$f(x) = W x + b, \qquad \text{one row } w_c \text{ of } W \text{ and one } b_c \text{ per class},
#   \qquad \text{prediction} = \arg\max_c f(x)_c.$$
#
# Softmax turns the scores into probabilities and the **cross-entropy** loss is minus the log of
# the true class's probability:
#
# $$p_c = \frac{e^{f_c}}{\sum_j e^{f_j}}, \qquad L_i = -\log p_{y_i}.$$
#
# Training minimises the mean loss over the data plus $\lambda R(W)$, with $R(W) = \sum W^2$,
# by gradient descent. We reproduce the lecture's worked examples, then train on the iris
# flowers, and finally add a hidden layer.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

import autograd
import nn
import nn.functional as F
from autograd import Tensor

warnings.filterwarnings("ignore", "IProgress not found")  # without ipywidgets tqdm draws a text bar
from tqdm.auto import tqdm

nn.init.manual_seed(0)  # every initial weight below comes from a seeded generator

# %% [markdown]
# ## One image
#
# An "image" of four pixels $x = (-15, 22, -44, 56)$, three classes, the true class is 2:

# %%
W = Tensor([[0.01, -0.05, 0.1, 0.05], [0.7, 0.2, 0.05, 0.16], [0.0, -0.45, -0.2, 0.03]], requires_grad=True)
b = Tensor([0.0, 0.2, -0.3], requires_grad=True)
x = Tensor([-15.0, 22.0, -44.0, 56.0])
label = 2

scores = W @ x + b
p = F.softmax(scores)
loss = F.cross_entropy(scores, label)
print("scores f = W x + b:", np.round(scores.data, 2))
print("probabilities p:   ", np.round(p.data, 3))
print(f"p[true class] = {p.data[label]:.3f},  loss = -log p = {loss.item():.2f}")
assert np.allclose(scores.data, [-2.85, 0.86, 0.28])
assert round(p.data[label], 3) == 0.353 and round(loss.item(), 2) == 1.04

# %% [markdown]
# **Numerical stability.** $e^{f_c}$ overflows for large scores, so softmax first subtracts the
# row's largest score; the probabilities do not change, because the factor $e^{-\max f}$ cancels:

# %%
shifted = scores.data - scores.data.max()
print("shifted scores:", np.round(shifted, 2))
print("softmax of the shifted scores:", np.round(np.exp(shifted) / np.exp(shifted).sum(), 3))

# %% [markdown]
# The graph behind the loss: `W` and `b` are parameters (green), `x` a constant.

# %%
autograd.draw_graph(loss, params={"W": W, "b": b})

# %% [markdown]
# ### The gradient
#
# For softmax cross-entropy the gradient of the loss in the scores is remarkably simple,
# $\partial L / \partial f = p - \text{onehot}(y)$, and since $f = Wx + b$:
#
# $$\frac{\partial L}{\partial W} = (p - \text{onehot}(y))\, x^\top, \qquad
#   \frac{\partial L}{\partial b} = p - \text{onehot}(y).$$

# %%
loss.backward()
dscores = p.data - np.eye(3)[label]
print("dscores = p - onehot(y):", np.round(dscores, 3))
print("dW = dscores x^T:")
print(np.round(np.outer(dscores, x.data), 3))
print("W.grad from backward():")
print(np.round(W.grad.data, 3))
print("b.grad from backward():", np.round(b.grad.data, 3))
assert np.allclose(W.grad.data, np.outer(dscores, x.data)) and np.allclose(b.grad.data, dscores)

# %% [markdown]
# ## Nine points, three classes
#
# The lecture's second example: nine points in the plane, three per class, and a starting
# $W$ (3×2) and $b$. For a batch the scores are the rows of $X W^\top + b$ and the data loss is
# the mean of the nine cross-entropies.

# %%
X9 = np.array(
    [[0.5, 0.4], [0.8, 0.3], [0.3, 0.8], [-0.4, 0.3], [-0.3, 0.7], [-0.7, 0.2], [0.7, -0.4], [0.5, -0.6], [-0.4, -0.5]]
)
y9 = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
W0 = np.array([[1.0, 2.0], [2.0, -4.0], [3.0, -1.0]])
b0 = np.array([0.0, 0.5, -0.5])
lam = 0.01


def evaluate(W, b):
    scores = Tensor(X9) @ W.T + b
    data_loss = F.cross_entropy(scores, y9)
    reg = lam * (W**2).sum()
    right = int((scores.data.argmax(axis=1) == y9).sum())
    return data_loss, reg, right


W = Tensor(W0, requires_grad=True)
data_loss, reg, right = evaluate(W, b0)
total = data_loss + reg
print(
    f"data loss {data_loss.item():.2f}   regularisation {reg.item():.2f}   total {total.item():.2f}   "
    f"{right} of 9 right"
)
assert [round(v.item(), 2) for v in (data_loss, reg, total)] == [1.84, 0.35, 2.19] and right == 2

# %% [markdown]
# ### Regularisation: $\lambda W$ or $2\lambda W$?
#
# The lecture reports $R(W) = \sum W^2$ (here $0.01 \cdot 35 = 0.35$), but its update adds
# $\lambda W$ to the gradient. The exact gradient of $\lambda \sum W^2$ is $2\lambda W$:

# %%
(exact,) = autograd.grad(lam * (W**2).sum(), W)
print("exact gradient of lambda * sum(W^2) = 2 lambda W:")
print(exact.data)
print("the lecture's update term, lambda W:")
print(lam * W.data)
assert np.allclose(exact.data, 2 * lam * W.data)


# %% [markdown]
# They differ by a factor 2 because the lecture's update is the exact gradient of
# $\frac{\lambda}{2} \sum W^2$, the common convention $R(W) = \frac12 \sum W^2$ whose derivative
# is simply $W$. The factor 2 is folded into $\lambda$: descending with $\lambda W$ is exact gradient
# descent on $\text{data} + \frac{\lambda}{2}\sum W^2$, i.e. on the lecture's loss with half the
# $\lambda$. Both are proper regularisers; only the printed "total" must say which one it means.
#
# `nn.optim.SGD(..., weight_decay=lam)` adds exactly `lam * W` to the gradient before the step,
# so it reproduces the lecture's update. We give the weight decay to $W$ only (the lecture does
# not regularise $b$), using a parameter group.
#
# ### Full-batch gradient descent, learning rate 1.0


# %%
def train_nine(weight_decay, iterations=20):
    W, b = nn.Parameter(W0.copy()), nn.Parameter(b0.copy())
    optimiser = nn.optim.SGD([{"params": [W], "weight_decay": weight_decay}, {"params": [b]}], lr=1.0)
    rows = []
    for iteration in range(iterations + 1):
        data_loss, reg, right = evaluate(W, b)
        rows.append((iteration, data_loss.item(), reg.item(), data_loss.item() + reg.item(), right))
        if iteration == iterations:
            return rows, (W, b)
        optimiser.zero_grad()
        data_loss.backward()  # the data term's gradient; weight_decay adds the regulariser's
        optimiser.step()


rows, (W_nine, b_nine) = train_nine(weight_decay=lam)
print(f"{'iteration':>9} {'data':>7} {'reg':>7} {'total':>7} {'right':>6}")
for iteration, data, reg, total, right in rows:
    print(f"{iteration:9d} {data:7.3f} {reg:7.3f} {total:7.3f} {right:4d}/9")
first_all_right = next(row[0] for row in rows if row[4] == 9)
print("all nine right from iteration", first_all_right)
assert rows[0][4] == 2 and first_all_right <= 20

# %% [markdown]
# With the exact gradient of $\lambda\sum W^2$ (`weight_decay=2 * lam`) the regulariser pulls twice
# as hard; on nine points the two runs barely differ:

# %%
exact_rows, _ = train_nine(weight_decay=2 * lam)
for name, table in [("lecture, lambda W ", rows), ("exact, 2 lambda W", exact_rows)]:
    iteration, data, reg, total, right = table[-1]
    print(f"{name}: after {iteration} steps data {data:.3f}, reg {reg:.3f}, total {total:.3f}, {right}/9 right")

# %% [markdown]
# The decision regions before and after: each colour is the class with the highest score.

# %%
colours = ["#4c72b0", "#dd8452", "#55a868"]
cmap = ListedColormap(colours)


def plot_regions(ax, scores_of, X, y, title, margin=0.3, resolution=200):
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    with autograd.no_grad():
        scores = scores_of(Tensor(np.c_[xx.ravel(), yy.ravel()]))
    regions = scores.data.argmax(axis=1).reshape(xx.shape)
    n = len(np.unique(y))
    ax.contourf(xx, yy, regions, levels=np.arange(n + 1) - 0.5, cmap=ListedColormap(colours[:n]), alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=[colours[c] for c in y], s=30, edgecolors="k", linewidths=0.5)
    ax.set_title(title)
    ax.set_aspect("equal")


fig, axes = plt.subplots(1, 2, figsize=(9, 4))
plot_regions(axes[0], lambda t: t @ Tensor(W0).T + b0, X9, y9, "start: 2 of 9 right")
plot_regions(axes[1], lambda t: t @ W_nine.T + b_nine, X9, y9, "after 20 steps: 9 of 9 right")
plt.show()

# %% [markdown]
# ## Iris
#
# 150 flowers, 4 measurements each (sepal and petal length and width, in cm), 3 species. The
# same linear classifier on the raw measurements: $W$ starts as small random numbers
# ($0.01 \cdot \mathcal N(0, 1)$), $b$ at zero; $\lambda = 0.01$, learning rate $0.1$, 300
# full-batch iterations. (The flowers come with the package, `nn.load_iris()`.)

# %%
X_iris, y_iris = nn.load_iris()
print(f"{X_iris.shape[0]} flowers, {X_iris.shape[1]} features, per species: {np.bincount(y_iris)}")

rng = np.random.default_rng(0)
W = nn.Parameter(0.01 * rng.standard_normal((3, 4)))
b = nn.Parameter(np.zeros(3))
optimiser = nn.optim.SGD([{"params": [W], "weight_decay": lam}, {"params": [b]}], lr=0.1)
inputs = Tensor(X_iris)
history = []
for _ in tqdm(range(300), desc="iris"):
    scores = inputs @ W.T + b
    data_loss = F.cross_entropy(scores, y_iris)
    accuracy = (scores.data.argmax(axis=1) == y_iris).mean()
    history.append((data_loss.item() + lam * (W.data**2).sum(), accuracy))
    optimiser.zero_grad()
    data_loss.backward()
    optimiser.step()

loss, accuracy = history[-1]
print(f"after 300 iterations: loss {loss:.2f}, training accuracy {accuracy:.1%} ({round(accuracy * 150)}/150)")
assert abs(loss - 0.36) < 0.02 and accuracy >= 0.97

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
left.plot([h[0] for h in history])
left.set(xlabel="iteration", ylabel="loss (data + regularisation)", title="iris: loss")
right.plot([h[1] for h in history])
right.set(xlabel="iteration", ylabel="training accuracy", title="iris: accuracy", ylim=(0, 1.02))
fig.tight_layout()
plt.show()

# %% [markdown]
# ## A hidden ReLU layer
#
# A linear classifier draws straight boundaries between classes. Two interleaving half moons
# cannot be separated by a line. Put a hidden layer of ReLUs between the input and the softmax,
#
# $$f(x) = W_2 \max(0, W_1 x + b_1) + b_2,$$
#
# and the network can bend its boundary around them. We train both with the same loss and
# optimiser.

# %%
X_moons, y_moons = nn.make_moons(200, noise=0.1, seed=0)
models = {
    "linear": nn.Linear(2, 2),
    "hidden ReLU layer": nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2)),
}
inputs = Tensor(X_moons)
for name, model in models.items():
    optimiser = nn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in tqdm(range(500), desc=name):
        loss = F.cross_entropy(model(inputs), y_moons)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
accuracy = {}
with autograd.no_grad():
    for name, model in models.items():
        accuracy[name] = (model(inputs).data.argmax(axis=1) == y_moons).mean()
        print(f"{name:18}: training accuracy {accuracy[name]:.1%}")
assert accuracy["hidden ReLU layer"] >= 0.98 > accuracy["linear"]

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (name, model) in zip(axes, models.items()):
    plot_regions(ax, model, X_moons, y_moons, f"{name}: {accuracy[name]:.0%}")
plt.show()
