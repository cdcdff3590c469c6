# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 Convolution on the digits
#
# Softmax regression on the 8x8 digits gets about 95% of the held-out images right (notebook 06).
# It treats an image as 64 unrelated numbers: it cannot know that a stroke one pixel to the left
# is the same stroke. A **convolution** slides one small set of weights (a *filter*) over every
# position of the image, so the same feature is detected wherever it appears, with few weights.
#
# This notebook builds a small convolutional network (convolution, ReLU, max pooling, twice,
# then a linear layer) with `nn`, trains it to at least 97% held-out accuracy in a few seconds,
# draws what it learnt, and shows why backpropagation through a convolution needs nothing new:
# **the gradient of a convolution is itself a convolution**.

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor

warnings.filterwarnings("ignore", "IProgress not found")  # without ipywidgets tqdm draws a text bar
from tqdm.auto import tqdm  # noqa: E402

nn.init.manual_seed(0)
notebook_start = time.perf_counter()

# %% [markdown]
# ## The data
#
# 1797 images of 8x8 pixels with values 0..16. We scale them to [0, 1], give each image one
# channel, `(N, 1, 8, 8)` (a convolution layer wants `(batch, channels, height, width)`, as in
# PyTorch), and split them 70/15/15 into training, validation and test sets.

# %%
X, y = nn.load_digits()
X = (X / 16.0).reshape(-1, 1, 8, 8)
X_train, y_train, X_val, y_val, X_test, y_test = nn.train_val_test_split(X, y, fractions=(0.7, 0.15, 0.15), seed=0)
print("train", X_train.shape, "val", X_val.shape, "test", X_test.shape)

fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for digit, ax in enumerate(axes):
    ax.imshow(X_train[y_train == digit][0, 0], cmap="gray_r")
    ax.set_title(str(digit))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## What a convolution computes
#
# A 2-d convolution layer (PyTorch's, which does not flip the kernel) with weight `w` of shape
# `(out_channels, in_channels, kh, kw)` computes, at every position `(i, j)`,
#
# $$\text{out}[o, i, j] = b[o] + \sum_{c, p, q} w[o, c, p, q]\; x[c, i + p, j + q].$$
#
# Here is one hand-made 3x3 filter, a vertical-edge detector, applied to one digit; then the same
# number computed by the formula at one position.

# %%
edge = np.array([[[[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]]])  # (1 filter, 1 channel, 3, 3)
image = X_train[:1]  # (1, 1, 8, 8)
response = nn.functional.conv2d(image, edge)  # (1, 1, 6, 6): "valid" positions only
i, j = 2, 3
by_hand = (edge[0, 0] * image[0, 0, i : i + 3, j : j + 3]).sum()
print("conv2d:", response.data[0, 0, i, j], " formula:", by_hand)
assert np.isclose(response.data[0, 0, i, j], by_hand)

fig, axes = plt.subplots(1, 2, figsize=(5, 2.5))
axes[0].imshow(image[0, 0], cmap="gray_r")
axes[0].set_title("digit")
axes[1].imshow(response.data[0, 0], cmap="RdBu")
axes[1].set_title("vertical edges")
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# How `nn` computes it: `unfold` cuts every 3x3 window out of the image and lays the windows side
# by side as columns, `(N, C*kh*kw, positions)`. The convolution is then one matrix product per
# image, `weight (O, C*kh*kw) @ columns`. Its backward is the adjoint, `fold`, which adds each
# column's gradient back onto its window; and the backward of `fold` is `unfold` again, so second
# derivatives come for free.

# %%
columns = nn.functional.unfold(image, kernel_size=3)
print("columns:", columns.shape)  # 9 pixels per window, 36 windows
as_product = (edge.reshape(1, 9) @ columns.data).reshape(1, 1, 6, 6)
print("same as conv2d:", np.allclose(as_product, response.data))

# %% [markdown]
# ## The gradient of a convolution is a convolution
#
# Let `out = conv(x, w)` (one channel, stride 1) and `g = dL/d out` the gradient arriving from
# above. Each `x[a, b]` is used by every output position whose window covers it, with weight
# `w[a - i, b - j]`, so by the chain rule
#
# $$\frac{\partial L}{\partial x[a, b]} = \sum_{i, j} g[i, j]\, w[a - i, b - j],$$
#
# which is the convolution of `g`, zero-padded by `k - 1` on each side (a "full" convolution),
# with the kernel **flipped** (rotated by 180°). And each weight `w[p, q]` meets `x[i + p, j + q]`
# at every position, so
#
# $$\frac{\partial L}{\partial w[p, q]} = \sum_{i, j} g[i, j]\, x[i + p, j + q],$$
#
# the convolution of the input with the gradient. Let the engine compute both with
# `backward()`, and compare with those two convolutions:

# %%
rng = np.random.default_rng(0)
x = Tensor(rng.standard_normal((1, 1, 8, 8)), requires_grad=True)
w = Tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
out = nn.functional.conv2d(x, w)
g = rng.standard_normal(out.shape)  # any upstream gradient dL/d(out)
out.backward(g)

dx_as_conv = nn.functional.conv2d(g, w.data[:, :, ::-1, ::-1].copy(), padding=2)  # full conv, flipped kernel
dw_as_conv = nn.functional.conv2d(x.data, g)  # the input convolved with the gradient
print("dL/dx: largest difference", np.abs(x.grad.data - dx_as_conv.data).max())
print("dL/dw: largest difference", np.abs(w.grad.data - dw_as_conv.data).max())
assert np.allclose(x.grad.data, dx_as_conv.data) and np.allclose(w.grad.data, dw_as_conv.data)

# %% [markdown]
# With several channels the flipped kernel is also transposed (input and output channels swap
# roles), and with a stride the gradient is spread out with zeros between its entries, but the
# story is the same. And because these gradients are convolutions, which the engine records like
# any other operation, second derivatives work too:

# %%
x_small = Tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
w_small = Tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)
print("gradgradcheck:", autograd.gradgradcheck(lambda a, b: nn.functional.conv2d(a, b, padding=1), (x_small, w_small)))

# %% [markdown]
# ## The network
#
# Two blocks of 3x3 convolution (padding 1 keeps the size), ReLU and 2x2 max pooling
# (8x8 → 4x4 → 2x2), then a linear layer from the 32 x 2 x 2 features to the 10 classes. The
# layers, their arguments and their state-dict keys are PyTorch's.

# %%
model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 2 * 2, 10),
)
print(model)
print("parameters:", sum(p.size for p in model.parameters()))

# %% [markdown]
# Its graph on a batch of two images, one box per module call (`collapse_modules=True`). The
# images need no gradient, so the first convolution's `unfold` of them is a constant: it enters
# as the `(2, 9, 64)` columns.

# %%
loss = nn.functional.cross_entropy(model(Tensor(X_train[:2])), y_train[:2])
autograd.draw_graph(loss, params=model, collapse_modules=True)

# %% [markdown]
# ## Training
#
# Adam, mini-batches of 64, 20 epochs, keeping the weights of the epoch with the best validation
# accuracy.

# %%
optimiser = nn.optim.Adam(model.parameters(), lr=3e-3)
loader = nn.DataLoader(X_train, y_train, batch_size=64, shuffle=True, seed=0)


def accuracy(images, labels):
    model.eval()
    with autograd.no_grad():
        predictions = model(Tensor(images)).data.argmax(axis=1)
    model.train()
    return float((predictions == labels).mean())


train_start = time.perf_counter()
best_accuracy, best_state = 0.0, None
progress = tqdm(range(20), desc="epochs")
for _ in progress:
    for images, labels in loader:
        loss = nn.functional.cross_entropy(model(Tensor(images)), labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    val_accuracy = accuracy(X_val, y_val)
    if val_accuracy > best_accuracy:
        best_accuracy, best_state = val_accuracy, model.state_dict()
    progress.set_postfix(loss=f"{loss.item():.3f}", val=f"{val_accuracy:.3f}")
train_seconds = time.perf_counter() - train_start
model.load_state_dict(best_state)
test_accuracy = accuracy(X_test, y_test)
print(f"training {train_seconds:.1f} s; best validation accuracy {best_accuracy:.3f}; test {test_accuracy:.3f}")
assert test_accuracy >= 0.97, test_accuracy

# %% [markdown]
# ## What it learnt
#
# The 16 filters of the first layer, each a 3x3 pattern of weights (red positive, blue
# negative): several look like oriented edge detectors.

# %%
filters = model[0].weight.data[:, 0]
limit = np.abs(filters).max()
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for k, ax in enumerate(axes.flat):
    ax.imshow(filters[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(str(k), fontsize=8)
    ax.axis("off")
plt.show()

# %% [markdown]
# And what they see: the feature maps of one test digit after the first convolution and ReLU
# (8x8 each), and after the second block (the 32 maps of 4x4 before its pooling).

# %%
digit = Tensor(X_test[:1])
with autograd.no_grad():
    first = model[1](model[0](digit)).data[0]
    second = model[4](model[3](model[2](model[1](model[0](digit))))).data[0]

fig = plt.figure(figsize=(10, 4.2))
ax = fig.add_subplot(1, 5, 1)
ax.imshow(X_test[0, 0], cmap="gray_r")
ax.set_title(f"digit {y_test[0]}")
ax.axis("off")
for k in range(16):
    ax = fig.add_subplot(4, 10, 10 * (k // 4) + 3 + k % 4)
    ax.imshow(first[k], cmap="viridis")
    ax.axis("off")
for k in range(16):  # the first 16 of the 32 second-layer maps
    ax = fig.add_subplot(4, 10, 10 * (k // 4) + 7 + k % 4)
    ax.imshow(second[k], cmap="viridis")
    ax.axis("off")
fig.suptitle("layer 1 maps (left), layer 2 maps (right)")
plt.show()

# %% [markdown]
# ## Summary

# %%
total_seconds = time.perf_counter() - notebook_start
print(f"test accuracy {test_accuracy:.1%} (softmax regression: about 95%)")
print(f"training {train_seconds:.1f} s, whole notebook {total_seconds:.1f} s")
assert total_seconds < 60
