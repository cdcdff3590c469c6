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
# # 5. Fully connected networks on a spiral
#
# Lecture 4 (the NYU deep learning course) classifies points of a spiral with $K = 3$ arms.
# Arm $k = 1, \dots, K$ holds the points
#
# $$X_k(t) = t \left( \sin\!\Big(\tfrac{2\pi}{K}(2t + k - 1 + \varepsilon)\Big),\;
#   \cos\!\Big(\tfrac{2\pi}{K}(2t + k - 1 + \varepsilon)\Big) \right), \qquad
#   0 \le t \le 1, \quad \varepsilon \sim \mathcal N(0, s^2).$$
#
# With noise $s = 0.2$ the arms overlap and no straight line separates them. We compare a
# network without a non-linearity to one with a ReLU, spell out the five steps of a training
# loop, and finish with ensembles that say how sure they are.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

import autograd
import nn
from autograd import Tensor

warnings.filterwarnings("ignore", "IProgress not found")  # without ipywidgets tqdm draws a text bar
from tqdm.auto import tqdm

nn.init.manual_seed(0)  # every initial weight below comes from this seed
colours = ["#4c72b0", "#dd8452", "#55a868"]

# %%
X, y = nn.make_spiral(100, n_classes=3, noise=0.2, seed=0)
print("X:", X.shape, " y:", y.shape, " points per class:", np.bincount(y))

fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.scatter(X[:, 0], X[:, 1], c=[colours[c] for c in y], s=15, edgecolors="k", linewidths=0.3)
ax.set(aspect="equal", title="the spiral: 3 classes, noise 0.2")
plt.show()

# %% [markdown]
# ## Targets and the loss
#
# A label $y = c$ stands for the one-hot vector with a 1 in position $c$; the network outputs one
# score per class, softmax makes them probabilities, and the loss is the negative log-likelihood
# of the true class. `CrossEntropyLoss` does all of it from the raw scores: it **is**
# `LogSoftmax` followed by `NLLLoss`. So the network must end with a `Linear` layer, not with a
# softmax: a softmax before `CrossEntropyLoss` is applied twice, squeezes the scores into
# $[0, 1]$, and the loss can no longer approach 0 even for a perfectly confident, correct answer.

# %%
target = np.array([0])
print("one-hot:", np.eye(3)[target])
for scores in ([[2.0, 1.0, -1.0]], [[100.0, 0.0, 0.0]]):
    logits = Tensor(scores)
    ce = nn.CrossEntropyLoss()(logits, target)
    nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), target)
    twice = nn.CrossEntropyLoss()(nn.Softmax(dim=1)(logits), target)
    print(
        f"scores {scores[0]}: CrossEntropyLoss {ce.item():.4f} = LogSoftmax + NLLLoss {nll.item():.4f};"
        f"  softmax applied twice: {twice.item():.4f}"
    )
    assert np.isclose(ce.item(), nll.item())


# %% [markdown]
# ## The five steps of a training loop
#
# ```python
# output = model(input)        # 1. forward: the scores
# J = loss(output, target)     # 2. the loss
# model.zero_grad()            # 3. clear the gradients of the last step
# J.backward()                 # 4. backward: x.grad += dJ/dx for every parameter x
# optimiser.step()             # 5. update: here Adam, a gradient step with adaptive sizes
# ```
#
# Step 3 is needed because backward *adds* to `.grad` (gradients from several losses or
# several batches accumulate). We train on all 300 points at once, 1000 steps.


# %%
def train(model, X, y, steps=1000, lr=0.01, desc="training"):
    inputs = Tensor(X)
    criterion = nn.CrossEntropyLoss()
    optimiser = nn.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-5)
    for _ in tqdm(range(steps), desc=desc):
        output = model(inputs)  # 1. forward
        J = criterion(output, y)  # 2. loss
        model.zero_grad()  # 3. zero the gradients
        J.backward()  # 4. backward
        optimiser.step()  # 5. update
    with autograd.no_grad():
        accuracy = (model(inputs).data.argmax(axis=1) == y).mean()
    return J.item(), accuracy


# %% [markdown]
# ## Linear layers alone, then with a ReLU
#
# Two `Linear` layers with 100 hidden units and nothing between them, then the same with a
# `ReLU` between them.

# %%
models = {
    "linear": nn.Sequential(nn.Linear(2, 100), nn.Linear(100, 3)),
    "ReLU": nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3)),
}
print(models["ReLU"])
accuracy = {}
for name, model in models.items():
    loss, accuracy[name] = train(model, X, y, desc=name)
    print(f"{name:6}: loss {loss:.3f}, accuracy {accuracy[name]:.1%}")
assert accuracy["linear"] < 0.6 and accuracy["ReLU"] >= 0.95

# %% [markdown]
# Why does the first network do no better than a single linear layer? Because it *is* one:
# $W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\,x + (W_2 b_1 + b_2)$. A composition of linear maps is
# linear, however many layers. The non-linearity between them is what lets depth pay off:

# %%
first, second = models["linear"]
W = second.weight.data @ first.weight.data
b = second.weight.data @ first.bias.data + second.bias.data
with autograd.no_grad():
    two_layers = models["linear"](Tensor(X)).data
print(f"largest difference to the single linear map W x + b: {np.abs(two_layers - (X @ W.T + b)).max():.1e}")


# %%
def plot_regions(ax, model, X, y, title, resolution=200):
    xx, yy = np.meshgrid(np.linspace(-1.1, 1.1, resolution), np.linspace(-1.1, 1.1, resolution))
    with autograd.no_grad():
        scores = model(Tensor(np.c_[xx.ravel(), yy.ravel()]))
    regions = scores.data.argmax(axis=1).reshape(xx.shape)
    ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5, 2.5], cmap=ListedColormap(colours), alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=[colours[c] for c in y], s=15, edgecolors="k", linewidths=0.3)
    ax.set(aspect="equal", title=title)


fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, (name, model) in zip(axes, models.items()):
    plot_regions(ax, model, X, y, f"{name}: {accuracy[name]:.0%} right")
plt.show()

# %% [markdown]
# The linear network can only cut the plane with straight lines (about 50% right); the ReLU
# network bends its boundaries along the arms (above 95%).
#
# The graph of one training step, drawn with `collapse_modules=True`: one box per layer call,
# the parameters named by the model.

# %%
model = models["ReLU"]
loss = nn.CrossEntropyLoss()(model(Tensor(X)), y)
autograd.draw_graph(loss, params=model, collapse_modules=True)

# %% [markdown]
# Backwards, every step of every layer: the edges carry the gradients' shapes, each box the
# size $\lVert g \rVert$ of the gradient it passes on (useful to spot vanishing or exploding
# gradients), and the parameters (green) receive theirs in `AccumulateGrad`.

# %%
autograd.draw_graph(loss, params=model, mode="backward")

# %% [markdown]
# ## Regression with ensembles: how sure is the network?
#
# A network's prediction is one number, with no sign of whether it has seen similar inputs. An
# **ensemble** trains several networks, each from its own random start, on the same data. Where
# there was data they agree; elsewhere each extrapolates in its own way, so the **standard
# deviation** of their predictions is a measure of uncertainty.
#
# The data: $y = x^3 + $ noise for 100 points with $x \in [-1, 1]$. Five networks with ReLU
# and five with tanh (one hidden layer of 100 units each), mean squared error, Adam. Then we
# look at their predictions on $[-3, 3]$.

# %%
rng = np.random.default_rng(0)
x_train = np.linspace(-1, 1, 100).reshape(-1, 1)
y_train = x_train**3 + 0.1 * rng.standard_normal(x_train.shape)
x_test = np.linspace(-3, 3, 301).reshape(-1, 1)


def fit_regressor(activation, steps=1000):
    model = nn.Sequential(nn.Linear(1, 100), activation(), nn.Linear(100, 1))
    optimiser = nn.optim.Adam(model.parameters(), lr=0.01)
    inputs, targets = Tensor(x_train), Tensor(y_train)
    for _ in range(steps):
        J = nn.functional.mse_loss(model(inputs), targets)
        model.zero_grad()
        J.backward()
        optimiser.step()
    with autograd.no_grad():
        return model(Tensor(x_test)).data[:, 0]


members = [(name, activation) for name, activation in [("ReLU", nn.ReLU), ("tanh", nn.Tanh)] for _ in range(5)]
predictions = {"ReLU": [], "tanh": []}
for name, activation in tqdm(members, desc="ensemble members"):
    predictions[name].append(fit_regressor(activation))

# %%
inside = np.abs(x_test[:, 0]) <= 1
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, (name, runs) in zip(axes, predictions.items()):
    runs = np.array(runs)
    mean, std = runs.mean(axis=0), runs.std(axis=0)
    ax.axvspan(-1, 1, color="grey", alpha=0.1, label="training range")
    ax.fill_between(x_test[:, 0], mean - 2 * std, mean + 2 * std, alpha=0.3, label="mean ± 2 std")
    for run in runs:
        ax.plot(x_test[:, 0], run, lw=0.6, color="C0", alpha=0.6)
    ax.plot(x_test[:, 0], mean, color="C3", lw=2, label="ensemble mean")
    ax.scatter(x_train[:, 0], y_train[:, 0], s=6, color="k", label="data")
    ax.set(title=f"5 {name} networks", xlabel="x", ylim=(-6, 6))
    print(
        f"{name:4}: standard deviation {std[inside].mean():.4f} inside the training range, "
        f"{std[~inside].mean():.4f} outside"
    )
    assert std[~inside].mean() > 5 * std[inside].mean()
axes[0].legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Inside $[-1, 1]$ the members agree closely. Outside, the ReLU networks continue in straight
# lines of different slopes, so their spread grows with the distance from the data; the tanh
# networks bend towards constants, each its own. Either way the ensemble's standard deviation,
# tiny where there was data, warns us where the predictions are guesses.
