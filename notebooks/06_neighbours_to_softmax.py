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
# # 6. From nearest neighbours to softmax regression
#
# Lecture 5 starts from the simplest classifier there is, $k$ nearest neighbours, then builds up
# the parametric alternative: a neuron, logistic regression fitted by maximum likelihood,
# gradients checked numerically, softmax regression for many classes, and a small network.
# The data: handwritten digits, 8×8 pixels each (`nn.load_digits()`, shipped with the package).

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
import nn.functional as F
from autograd import Tensor

warnings.filterwarnings("ignore", "IProgress not found")  # without ipywidgets tqdm draws a text bar
from tqdm.auto import tqdm

nn.init.manual_seed(0)  # every initial weight below comes from this seed

# %% [markdown]
# ## $k$ nearest neighbours
#
# Keep every training record. To classify a new point, compute its distance to all of them, take
# the $k$ nearest and let them vote. Training is instantaneous (store the data); a prediction
# costs $O(np)$ for $n$ records of $p$ features, and the memory holds the whole training set.
# A small example, $k = 3$:

# %%
points = np.array([[1.0, 1.0], [1.5, 2.0], [2.0, 1.2], [4.0, 4.0], [4.5, 3.2], [3.6, 4.6], [3.0, 2.6]])
labels = np.array([0, 0, 0, 1, 1, 1, 1])
query = np.array([[2.6, 2.0]])

knn = nn.KNeighborsClassifier(k=3).fit(points, labels)
nearest = knn.kneighbors(query)[0]
distances = np.linalg.norm(points - query, axis=1)
for i in np.argsort(distances):
    mark = "  <- one of the 3 nearest" if i in nearest else ""
    print(f"point {points[i]}  label {labels[i]}  distance {distances[i]:.2f}{mark}")
print("votes:", labels[nearest], "-> predicted label", knn.predict(query)[0])
assert knn.predict(query)[0] == 0

# %%
fig, ax = plt.subplots(figsize=(4.5, 4))
for i in nearest:
    ax.plot([query[0, 0], points[i, 0]], [query[0, 1], points[i, 1]], "k:", lw=1)
ax.scatter(points[:, 0], points[:, 1], c=np.where(labels == 0, "C0", "C1"), s=60, edgecolors="k")
ax.scatter(query[:, 0], query[:, 1], marker="*", s=250, c="C0", edgecolors="k")
ax.set(aspect="equal", title="the query (star) and its 3 nearest neighbours")
plt.show()

# %% [markdown]
# ### On the digits

# %%
digits, targets = nn.load_digits()
digits = digits / 16.0  # pixel intensities 0..16 -> 0..1
print(f"{digits.shape[0]} digits of {digits.shape[1]} pixels")

fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for digit, ax in enumerate(axes):
    ax.imshow(digits[targets == digit][0].reshape(8, 8), cmap="gray_r")
    ax.set(xticks=[], yticks=[], title=str(digit))
plt.show()

# %% [markdown]
# Lecture 2's protocol: fit on a training set, choose the settings ($k$ here) on a validation set,
# and report once on a test set that played no part in the choices.

# %%
X_train, y_train, X_val, y_val, X_test, y_test = nn.train_val_test_split(
    digits, targets, fractions=(0.6, 0.2, 0.2), seed=0
)
print("train / validation / test:", len(X_train), len(X_val), len(X_test))

validation = {}
for k in (1, 3, 5, 7, 9):
    validation[k] = (nn.KNeighborsClassifier(k=k).fit(X_train, y_train).predict(X_val) == y_val).mean()
    print(f"k = {k}: validation accuracy {validation[k]:.1%}")
best_k = max(validation, key=validation.get)
knn = nn.KNeighborsClassifier(k=best_k).fit(X_train, y_train)
start = time.perf_counter()
knn_test = (knn.predict(X_test) == y_test).mean()
took = time.perf_counter() - start
print(f"k = {best_k}: test accuracy {knn_test:.1%}")
print(f"{len(X_test)} predictions, each compared with {len(X_train)} stored digits, took {took:.2f} s")
assert knn_test >= 0.95


# %% [markdown]
# ## A neuron: logistic regression
#
# A parametric model keeps a few numbers instead of the data. A neuron computes a weighted sum
# and squashes it: $z = w \cdot x + b$, $a = \sigma(z)$, read as $a = P(\text{label} = 1 \mid x)$.
# Which $w, b$ are best? The ones under which the observed labels are most likely.
#
# ### Maximum likelihood with coins
#
# A coin shows heads with probability $A$. The likelihood of tosses $y_1, \dots, y_n$
# (1 for heads) is $\prod_i A^{y_i} (1 - A)^{1 - y_i}$; the higher, the better the parameter
# explains the tosses. Products of many small numbers underflow, so we minimise the **negative
# log-likelihood** instead,
#
# $$-\log \mathcal L(A) = -\sum_i \big[ y_i \log A + (1 - y_i) \log(1 - A) \big],$$
#
# which is exactly the binary cross-entropy between the predictions $A$ and the labels $y_i$.
# Over 20 tosses a fair coin gives $20 \log 2$ whatever the tosses; if all 20 were heads,
# $A = 0.8$ gives $-20 \log 0.8$.


# %%
def negative_log_likelihood(A, tosses):
    return F.binary_cross_entropy(Tensor(np.full(len(tosses), A)), tosses, reduction="sum").item()


some_tosses = np.random.default_rng(0).integers(0, 2, 20).astype(float)
all_heads = np.ones(20)
fair = negative_log_likelihood(0.5, some_tosses)
biased = negative_log_likelihood(0.8, all_heads)
print(f"fair coin, any 20 tosses:  {fair:.7f}   (20 log 2 = {20 * np.log(2):.7f})")
print(f"A = 0.8, 20 heads:         {biased:.6f}    (-20 log 0.8 = {-20 * np.log(0.8):.6f})")
assert round(fair, 7) == 13.8629436 and round(biased, 6) == 4.462871

# %% [markdown]
# The best $A$ minimises the negative log-likelihood. Setting its derivative to zero gives the
# fraction of heads; gradient descent with the engine finds it too, here for 14 heads in 20:

# %%
fourteen_heads = np.array([1.0] * 14 + [0.0] * 6)
A = Tensor(0.5, requires_grad=True)
for _ in range(100):
    nll = F.binary_cross_entropy(A * Tensor(np.ones(20)), fourteen_heads, reduction="sum")
    A.grad = None
    nll.backward()
    with autograd.no_grad():
        A.data -= 0.005 * A.grad.data
print(f"A after gradient descent: {A.item():.4f} (fraction of heads 14/20 = 0.7)")
assert abs(A.item() - 0.7) < 1e-3

grid = np.linspace(0.02, 0.98, 97)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for tosses, name in [(all_heads, "20 heads of 20"), (fourteen_heads, "14 heads of 20")]:
    ax.plot(grid, [negative_log_likelihood(a, tosses) for a in grid], label=name)
ax.axvline(0.7, color="C1", ls=":")
ax.set(xlabel="A = P(heads)", ylabel="negative log-likelihood", ylim=(0, 40))
ax.legend()
plt.show()


# %% [markdown]
# ### Logistic regression, one example at a time
#
# The same loss for a neuron: the prediction is $a = \sigma(w \cdot x + b)$ instead of a constant
# $A$. The chain rule, one local derivative per step (for a label $y = 1$,
# $\partial L/\partial a = -1/a$):
#
# $$\frac{\partial L}{\partial a} = \frac{a - y}{a(1 - a)}, \qquad \frac{\partial a}{\partial z} = a(1 - a),
#   \qquad \frac{\partial z}{\partial w_i} = x_i, \qquad \frac{\partial z}{\partial b} = 1
#   \quad\Longrightarrow\quad \frac{\partial L}{\partial w_i} = (a - y)\, x_i.$$
#
# We tell 3s from 8s (label 1 for an 8).


# %%
def threes_and_eights(X, y):
    keep = (y == 3) | (y == 8)
    return X[keep], (y[keep] == 8).astype(float)


Xb_train, yb_train = threes_and_eights(X_train, y_train)
Xb_val, yb_val = threes_and_eights(X_val, y_val)
Xb_test, yb_test = threes_and_eights(X_test, y_test)
print("3s and 8s: train / validation / test:", len(Xb_train), len(Xb_val), len(Xb_test))


def logistic_loss(w, b, x, y):
    a = (Tensor(x) @ w + b).sigmoid()
    return F.binary_cross_entropy(a, y)


rng = np.random.default_rng(0)
w = nn.Parameter(0.1 * rng.standard_normal(64))
b = nn.Parameter(0.0)
x0, y0 = Xb_train[0], yb_train[0]
loss = logistic_loss(w, b, x0, y0)
loss.backward()
a0 = 1 / (1 + np.exp(-(x0 @ w.data + b.item())))  # the same prediction, by hand
print(f"label {y0:.0f}, a = {a0:.4f}, loss {loss.item():.4f}")
print(
    "engine's dL/dw == (a - y) x:",
    np.allclose(w.grad.data, (a0 - y0) * x0),
    "   dL/db == a - y:",
    np.isclose(b.grad.item(), a0 - y0),
)
assert np.allclose(w.grad.data, (a0 - y0) * x0) and np.isclose(b.grad.item(), a0 - y0)


# %% [markdown]
# ### Gradient checking
#
# The lecture checks a gradient with the one-sided difference
# $\frac{\partial L}{\partial w} \approx \frac{L(w + \delta) - L(w)}{\delta}$, one weight at a time: slow
# (one extra forward pass per weight) and approximate (its error shrinks like $\delta$), but it
# needs nothing but the loss, so it catches a wrong backward. `autograd.gradcheck` uses the
# central difference $\frac{L(w + \delta) - L(w - \delta)}{2\delta}$ (error like $\delta^2$) on every
# element, in float64.


# %%
def loss_at(w_values):
    with autograd.no_grad():
        return logistic_loss(Tensor(w_values), b, x0, y0).item()


i = int(np.argmax(np.abs(w.grad.data)))  # the weight with the largest gradient
print(f"dL/dw[{i}] by backward: {w.grad.data[i]:.10f}")
for delta in (1e-2, 1e-4, 1e-6):
    bumped, lowered = w.data.copy(), w.data.copy()
    bumped[i] += delta
    lowered[i] -= delta
    one_sided = (loss_at(bumped) - loss_at(w.data)) / delta
    central = (loss_at(bumped) - loss_at(lowered)) / (2 * delta)
    print(
        f"delta {delta:.0e}: one-sided {one_sided:.10f} (error {abs(one_sided - w.grad.data[i]):.1e}),"
        f" central {central:.10f} (error {abs(central - w.grad.data[i]):.1e})"
    )

print(
    "gradcheck over all 64 weights and the bias:", autograd.gradcheck(lambda w, b: logistic_loss(w, b, x0, y0), (w, b))
)


# %% [markdown]
# Now **stochastic gradient descent**: one example per step, in a fresh random order every epoch.
# After each epoch the validation accuracy tells us how it goes.


# %%
def accuracy_3_or_8(X, y):
    with autograd.no_grad():
        return (((Tensor(X) @ w + b).data > 0) == y).mean()  # a > 1/2 exactly when z > 0


optimiser = nn.optim.SGD([w, b], lr=0.1)
order = np.random.default_rng(1)
val_accuracies = []
for _ in tqdm(range(5), desc="epochs"):
    for n in order.permutation(len(Xb_train)):
        loss = logistic_loss(w, b, Xb_train[n], yb_train[n])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    val_accuracies.append(accuracy_3_or_8(Xb_val, yb_val))
print("validation accuracy after each epoch:", ", ".join(f"{v:.1%}" for v in val_accuracies))
logistic_test = accuracy_3_or_8(Xb_test, yb_test)
print(f"3 versus 8, test accuracy: {logistic_test:.1%}")
assert logistic_test >= 0.95

# %% [markdown]
# The learnt weights, shown as an image: pixels where an 8 has ink and a 3 has not (the left
# half, where a 3 is open) have positive weights and speak for an 8; negative ones speak for a 3.

# %%
fig, ax = plt.subplots(figsize=(2.6, 2.6))
limit = np.abs(w.data).max()
ax.imshow(w.data.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
ax.set(xticks=[], yticks=[], title="w: red = 8, blue = 3")
plt.show()

# %% [markdown]
# ## Softmax regression: ten classes
#
# One neuron per class: $W$ is $c \times p$ (10 × 64), the scores $z = W x + b$, the probabilities
# $a = \operatorname{softmax}(z)$, the loss the cross-entropy. Every probability depends on every
# score; the softmax's Jacobian is
#
# $$\frac{\partial a_i}{\partial z_j} = \begin{cases} a_i (1 - a_i) & i = j \\ -a_i a_j & i \ne j, \end{cases}$$
#
# which the engine reproduces, row by row, with one backward pass per output:

# %%
model = nn.Linear(64, 10)
z = model(Tensor(X_train[:1]))[0]
a = F.softmax(z)
jacobian = np.stack([autograd.grad(a[i], z, retain_graph=True)[0].data for i in range(10)])
formula = np.diag(a.data) - np.outer(a.data, a.data)
print(f"largest difference, engine's Jacobian vs the formula: {np.abs(jacobian - formula).max():.1e}")
assert np.allclose(jacobian, formula)


# %% [markdown]
# Training uses mini-batches of 64 digits (`nn.DataLoader`, reshuffled every epoch), and the
# validation set decides when to stop: we keep the parameters of the epoch with the best
# validation accuracy (`state_dict`), then measure the test accuracy once. The same function
# trains softmax regression and a network with a hidden layer of 32 ReLUs.


# %%
def fit(model, epochs=30, lr=0.5, name="model"):
    optimiser = nn.optim.SGD(model.parameters(), lr=lr)
    loader = nn.DataLoader(X_train, y_train, batch_size=64, shuffle=True, seed=0)
    best, curve = (0.0, None), []
    for _ in tqdm(range(epochs), desc=name):
        for xb, yb in loader:
            loss = F.cross_entropy(model(Tensor(xb)), yb)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        with autograd.no_grad():
            curve.append((model(Tensor(X_val)).data.argmax(axis=1) == y_val).mean())
        if curve[-1] > best[0]:
            best = (curve[-1], model.state_dict())
    model.load_state_dict(best[1])
    with autograd.no_grad():
        test = (model(Tensor(X_test)).data.argmax(axis=1) == y_test).mean()
    print(
        f"{name}: best validation accuracy {best[0]:.1%} (epoch {curve.index(best[0]) + 1}), test accuracy {test:.1%}"
    )
    return curve, test


results = {
    "softmax regression": fit(nn.Linear(64, 10), name="softmax regression"),
    "network, 32 ReLUs": fit(nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), name="network, 32 ReLUs"),
}
assert all(test >= 0.9 for _, test in results.values())

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, (curve, test) in results.items():
    ax.plot(range(1, len(curve) + 1), curve, label=f"{name} (test {test:.1%})")
ax.axhline(knn_test, color="grey", ls="--", label=f"{best_k}-nearest neighbours (test {knn_test:.1%})")
ax.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0.85, 1.0), title="handwritten digits")
ax.legend(fontsize=8, loc="lower right")
plt.show()

# %% [markdown]
# The nearest-neighbour classifier is hard to beat on these small, clean images, but it keeps
# all 1,078 training digits and compares every query with each of them. Softmax regression
# keeps 650 numbers ($10 \times 64$ weights and 10 biases) and a prediction is one matrix product;
# the hidden layer buys about a point of accuracy for 2,410 numbers.
