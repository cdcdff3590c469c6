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
# # 4. Activations and losses, with the derivatives the engine computes
#
# Lecture 3 lists the non-linearities that go between the layers of a network and the losses
# that score its output. Backpropagation only needs each one's **derivative**, and the engine
# computes it for us. For an element-wise function $f$ applied to a grid of points
# $x_1, \dots, x_n$, the sum $S = \sum_i f(x_i)$ has
#
# $$\frac{\partial S}{\partial x_i} = f'(x_i),$$
#
# so a single `f(x).sum().backward()` leaves the whole derivative curve in `x.grad`. Below we
# plot every function next to that derivative, and check it against the closed form.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
import nn.functional as F
from autograd import Tensor

grid = np.linspace(-4, 4, 800)  # an even count, so x = 0 (a kink for some) is not on the grid


def with_derivative(f):
    """f on the grid and its derivative, by one backward pass through f(x).sum()."""
    x = Tensor(grid, requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.data, x.grad.data


# %% [markdown]
# ## Activations
#
# | name | $f(x)$ | $f'(x)$ |
# | --- | --- | --- |
# | step (perceptron) | $1$ if $x > 0$ else $0$ | $0$ (no gradient to learn from) |
# | linear | $x$ | $1$ |
# | sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ | $\sigma(x)(1 - \sigma(x))$ |
# | tanh | $\tanh x$ | $1 - \tanh^2 x$ |
# | ReLU | $\max(0, x)$ | $1$ if $x > 0$ else $0$ |
# | leaky ReLU | $\max(0.1x, x)$ | $1$ if $x > 0$ else $0.1$ |
# | parametric ReLU | $\max(ax, x)$, $a$ learnt | $1$ if $x > 0$ else $a$ |
# | ELU | $x$ if $x > 0$ else $\alpha(e^x - 1)$ | $1$ if $x > 0$ else $\alpha e^x$ |
# | Maxout | $\max(w_1 x + b_1,\ w_2 x + b_2)$ | the slope of the larger piece |
#
# The parametric ReLU's slope $a$ and Maxout's $w, b$ are parameters, learnt like weights, so
# they are layers (`nn.PReLU`, `nn.Maxout`) holding them; the others are plain functions in
# `nn.functional`. Here $a = 0.25$ (`PReLU`'s default), $\alpha = 1$, and we set Maxout's two
# pieces to $x$ and $-0.5x - 1$.

# %%
prelu = nn.PReLU(init=0.25)
maxout = nn.Maxout(1, 1, pieces=2)
with autograd.no_grad():
    maxout.weight.data[...] = [[1.0], [-0.5]]  # piece k: w_k x + b_k
    maxout.bias.data[...] = [0.0, -1.0]

activations = {
    "step (perceptron)": F.step,
    "linear": lambda x: x,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "ReLU": F.relu,
    "leaky ReLU, slope 0.1": lambda x: F.leaky_relu(x, negative_slope=0.1),
    "parametric ReLU, a = 0.25": prelu,
    "ELU, alpha = 1": lambda x: F.elu(x, alpha=1.0),
    "Maxout": lambda x: maxout(x.reshape(-1, 1)).reshape(-1),  # one input feature per sample
}
s = 1 / (1 + np.exp(-grid))
closed_form = {  # f'(x), written out
    "linear": np.ones_like(grid),
    "sigmoid": s * (1 - s),
    "tanh": 1 - np.tanh(grid) ** 2,
    "ReLU": (grid > 0) * 1.0,
    "leaky ReLU, slope 0.1": np.where(grid > 0, 1.0, 0.1),
    "parametric ReLU, a = 0.25": np.where(grid > 0, 1.0, 0.25),
    "ELU, alpha = 1": np.where(grid > 0, 1.0, np.exp(grid)),
    "Maxout": np.where(grid > -0.5 * grid - 1, 1.0, -0.5),
}

# %% [markdown]
# The step function's output does not depend smoothly on its input, so it is not in the graph at
# all: its result does not require grad, and no gradient can flow back through it. That is why
# networks trained by gradient descent use a smooth (or piecewise linear) activation instead.

# %%
print("step(x) requires grad:", F.step(Tensor(grid, requires_grad=True)).requires_grad)

fig, axes = plt.subplots(3, 3, figsize=(11, 8.5), sharex=True)
for ax, (name, f) in zip(axes.flat, activations.items()):
    if name.startswith("step"):
        value, slope = F.step(Tensor(grid)).data, np.zeros_like(grid)
    else:
        value, slope = with_derivative(f)
        assert np.allclose(slope, closed_form[name]), name
    ax.plot(grid, value, label="$f(x)$")
    ax.plot(grid, slope, "--", label="$f'(x)$ by backward")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_title(name)
    ax.set_ylim(-2.2, 4.2)
axes[0, 0].legend(loc="upper left")
for ax in axes[-1]:
    ax.set_xlabel("$x$")
fig.tight_layout()
plt.show()

# %% [markdown]
# Every dashed curve agrees with the closed form (the cell asserts it). The sigmoid's derivative
# is at most $0.25$ and vanishes for large $|x|$, the ReLU family's is $1$ on the positive side:
# one reason deep networks prefer ReLUs.
#
# The parametric ReLU's slope is a parameter, so the same backward pass also gives
# $\partial S/\partial a = \sum_{x_i < 0} x_i$:

# %%
print(f"dS/da = {prelu.weight.grad.item():.2f}   sum of the negative x: {grid[grid < 0].sum():.2f}")
assert np.isclose(prelu.weight.grad.item(), grid[grid < 0].sum())

# %% [markdown]
# ### Softmax
#
# Softmax is not element-wise: every output depends on every input,
# $a_i = e^{z_i} / \sum_j e^{z_j}$. It turns scores into probabilities (positive, summing to 1),
# and its Jacobian is $\partial a_i / \partial z_j = a_i(\delta_{ij} - a_j)$: one backward pass
# per output gives one row of it.

# %%
z = Tensor([1.0, 2.0, 0.5], requires_grad=True)
a = F.softmax(z)
jacobian = np.stack([autograd.grad(a[i], z, retain_graph=True)[0].data for i in range(3)])
p = a.data
print("softmax:", np.round(p, 4), " sum:", round(p.sum(), 6))
print("Jacobian by backward:\n", np.round(jacobian, 4))
assert np.allclose(jacobian, np.diag(p) - np.outer(p, p))


# %% [markdown]
# ## Losses
#
# | loss | per sample | derivative in the prediction |
# | --- | --- | --- |
# | L1 | $\lvert \hat y - y \rvert$ | $\operatorname{sign}(\hat y - y)$ |
# | MSE | $(\hat y - y)^2$ | $2(\hat y - y)$ |
# | binary cross-entropy | $-[y \log p + (1 - y)\log(1 - p)]$ | $\frac{p - y}{p(1 - p)}$ |
# | cross-entropy | $-\log \operatorname{softmax}(z)_y$ | $\operatorname{softmax}(z) - \text{onehot}(y)$ |
#
# With `reduction="sum"` over a grid of predictions, one backward pass again gives the
# derivative at every point. For cross-entropy we vary the score $z_0$ of the true class (the
# other two scores stay at $1$ and $-1$).


# %%
def loss_and_derivative(loss, inputs, target):
    # each sample's loss (reduction="none") and its derivative, by one backward through their sum
    x = Tensor(inputs, requires_grad=True)
    per_sample = loss(x, target, reduction="none")
    per_sample.sum().backward()
    return x.data, per_sample.data, x.grad.data


def cross_entropy_of_true_score(z0, labels, reduction):
    others = Tensor(np.tile([1.0, -1.0], (len(z0), 1)))  # the two other classes' scores
    scores = autograd.concatenate([z0.reshape(-1, 1), others], axis=1)
    return F.cross_entropy(scores, labels, reduction=reduction)


probs = np.linspace(0.01, 0.99, 800)
zeros = np.zeros_like(grid)
panels = {
    "L1, target 0": loss_and_derivative(F.l1_loss, grid, zeros),
    "MSE, target 0": loss_and_derivative(F.mse_loss, grid, zeros),
    "binary cross-entropy, target 1": loss_and_derivative(F.binary_cross_entropy, probs, np.ones_like(probs)),
    "cross-entropy, true class 0": loss_and_derivative(cross_entropy_of_true_score, grid, zeros.astype(int)),
}
x_labels = ["prediction", "prediction", "probability $p$", "score of the true class $z_0$"]

_, _, slope = panels["L1, target 0"]
assert np.allclose(slope, np.sign(grid))
_, _, slope = panels["MSE, target 0"]
assert np.allclose(slope, 2 * grid)
_, _, slope = panels["binary cross-entropy, target 1"]
assert np.allclose(slope, -1 / probs)
_, _, slope = panels["cross-entropy, true class 0"]
p0 = np.exp(grid) / (np.exp(grid) + np.exp(1) + np.exp(-1))
assert np.allclose(slope, p0 - 1)  # softmax - onehot

fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
for ax, x_label, (name, (x, value, slope)) in zip(axes, x_labels, panels.items()):
    ax.plot(x, value, label="loss")
    ax.plot(x, slope, "--", label="derivative by backward")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_title(name, fontsize=10)
    ax.set_xlabel(x_label)
axes[2].set_ylim(-10, 5)
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# L1's gradient has the same size however wrong the prediction is; MSE's grows with the error;
# binary cross-entropy punishes a confident wrong answer ($p \to 0$ for target 1) without bound;
# cross-entropy's gradient $p_0 - 1$ fades as the true class's probability approaches 1.
#
# ## Numerical stability of softmax
#
# At scores like $z = (1000, 1001, 1002)$, $e^{1000}$ overflows a float64 (the largest is about
# $1.8 \times 10^{308} \approx e^{709.8}$): the naive formula computes $\infty / \infty$, which is
# not a number.

# %%
logits = np.array([1000.0, 1001.0, 1002.0])
z = Tensor(logits, requires_grad=True)
with np.errstate(over="ignore", invalid="ignore"):  # silence NumPy's overflow warnings: we know
    naive = np.exp(logits) / np.exp(logits).sum()
    naive_tensor = z.exp() / z.exp().sum()
print("naive softmax with NumPy:  ", naive)
print("naive softmax with Tensors:", naive_tensor.data)
assert np.isnan(naive).all() and np.isnan(naive_tensor.data).all()

# %% [markdown]
# Softmax does not change when the same number is subtracted from every score:
# $\frac{e^{z_i - m}}{\sum_j e^{z_j - m}} = \frac{e^{-m} e^{z_i}}{e^{-m} \sum_j e^{z_j}}$.
# With $m = \max_j z_j$ the largest exponent is $e^0 = 1$, nothing overflows, and at least one
# term of the sum is 1, so nothing underflows to $0/0$ either. `softmax`, `log_softmax` and
# `cross_entropy` all do this, and so do their gradients.

# %%
stable = F.softmax(z)
shifted = logits - logits.max()
print("stable softmax:      ", np.round(stable.data, 4))
print("softmax of z - max z:", np.round(np.exp(shifted) / np.exp(shifted).sum(), 4))

loss = F.cross_entropy(z, 0)  # the true class is the smallest score
loss.backward()
print(f"cross-entropy: {loss.item():.4f}   gradient: {np.round(z.grad.data, 4)}")
assert np.allclose(stable.data, [0.0900, 0.2447, 0.6652], atol=1e-4)
assert np.isclose(loss.item(), 2 + np.log(1 + np.exp(-1) + np.exp(-2)))
assert np.allclose(z.grad.data, stable.data - [1, 0, 0])

# %% [markdown]
# Taking the log *after* the softmax loses precision the other way: with scores $(0, 1000)$ the
# first probability $e^{-1000}$ underflows to exactly $0$ and its log is $-\infty$, while
# `log_softmax` computes $z_i - m - \log\sum_j e^{z_j - m}$ and gets $-1000$. This is why a
# classifier returns scores and the loss applies `log_softmax` itself.

# %%
scores = Tensor([0.0, 1000.0])
with np.errstate(divide="ignore"):
    print("log(softmax(z)):", F.softmax(scores).log().data)
print("log_softmax(z): ", F.log_softmax(scores).data)
assert F.log_softmax(scores).data[0] == -1000.0
