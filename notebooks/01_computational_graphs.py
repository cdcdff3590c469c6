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
# # 1. Computational graphs
#
# A **computational graph** has two kinds of nodes: *values* (inputs, intermediate results, the
# output) and *operators* (`+ - * / exp log ...`). Directed edges carry data from the inputs to the
# output. Running the graph forwards computes the value; running it **backwards** computes the
# gradient of the output with respect to every value in it, by the chain rule:
#
# $$\frac{\partial f}{\partial v} = \sum_{\text{paths } v \to f} \;
#   \prod_{\text{edges on the path}} \text{local derivative}.$$
#
# We follow lecture 3's example $f(x, y, z) = (x + y)\,z$ at $x = 1,\ y = -3,\ z = 4$, first with
# `Scalar` (one Python float per node, the way it is drawn on the board), then with `Tensor`
# (NumPy arrays), and finally for a single neuron.

# %%
import math

import numpy as np
from IPython.display import display

import autograd
from autograd import Scalar, Tensor
from autograd.viz import backward_steps

# %% [markdown]
# ## $f = (x + y)\,z$ with Scalars
#
# Name the intermediate value $d = x + y$. Forward: $d = 1 + (-3) = -2$ and $f = d\,z = -8$.
# A `label` names a node in the drawings.

# %%
x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
d = x + y
d.label = "d"
f = d * z
f.label = "f"
print(f"d = {d.data}, f = {f.data}")
assert (d.data, f.data) == (-2.0, -8.0)

# %% [markdown]
# The forward graph: value boxes (the leaves we created in blue, the root in gold) and operator
# ellipses, edges in the direction the data flows.

# %%
autograd.draw_graph(f, show_grad=False)

# %% [markdown]
# ## Backward
#
# Every operator knows its **local derivatives** as soon as it has computed its value:
#
# | node | local derivatives |
# | --- | --- |
# | $f = d\,z$ | $\partial f/\partial d = z = 4$, $\quad \partial f/\partial z = d = -2$ |
# | $d = x + y$ | $\partial d/\partial x = 1$, $\quad \partial d/\partial y = 1$ |
#
# The chain rule multiplies them along the path from $f$ down to each leaf:
#
# $$\frac{\partial f}{\partial z} = d = -2, \qquad
#   \frac{\partial f}{\partial x} = \frac{\partial f}{\partial d}\,\frac{\partial d}{\partial x}
#     = 4 \cdot 1 = 4, \qquad
#   \frac{\partial f}{\partial y} = \frac{\partial f}{\partial d}\,\frac{\partial d}{\partial y}
#     = 4 \cdot 1 = 4.$$
#
# The backward drawing shows the graph the way gradients travel, from the root back to the leaves.
# Each edge says *× local derivative → gradient sent*. (Drawing computes these numbers itself; it
# does not touch `.grad`.)

# %%
autograd.draw_graph(f, mode="backward")

# %% [markdown]
# ## `backward()` step by step
#
# `backward()` visits the nodes in **topological order** from the root: a node comes only after
# every node that uses it. So when the engine reaches a node, all paths from the root have already
# delivered their share, its gradient is complete, and it can pass it on, multiplied by each local
# derivative. `autograd.viz.backward_steps` draws the graph once per step: the node completed at
# that step in red, the gradients already known in green, the rest still `grad ?`.

# %%
steps = backward_steps(f)
print(len(steps), "steps")
for step in steps:
    display(step)

# %% [markdown]
# Now the real thing: `f.backward()` fills in `.grad` of every node.

# %%
f.backward()
for node in (f, d, x, y, z):
    print(f"df/d{node.label} = {node.grad:5.1f}")
assert (z.grad, x.grad, y.grad) == (-2.0, 4.0, 4.0)

# %% [markdown]
# The forward drawing now shows each value with its gradient:

# %%
autograd.draw_graph(f)

# %% [markdown]
# ## The same with Tensors
#
# A `Tensor` holds a NumPy array and goes through the same graph core. Leaves we want gradients
# for are created with `requires_grad=True`. Tensor leaves have no labels; `params` (a dict of
# name to Tensor) names them in the drawing. For a Tensor the drawing computes every
# gradient itself, before any `backward()`.

# %%
xt = Tensor(1.0, requires_grad=True)
yt = Tensor(-3.0, requires_grad=True)
zt = Tensor(4.0, requires_grad=True)
ft = (xt + yt) * zt
names = {"x": xt, "y": yt, "z": zt}
print(ft)
autograd.draw_graph(ft, params=names)

# %% [markdown]
# Backwards, each box is one backward step as PyTorch names them: `MulBackward`, `AddBackward`,
# and `AccumulateGrad` for a leaf, which adds the gradient arriving at it into its `.grad`.

# %%
autograd.draw_graph(ft, mode="backward", params=names)

# %%
for step in backward_steps(ft, params=names):
    display(step)

# %%
ft.backward()
print("df/dx =", xt.grad.item(), " df/dy =", yt.grad.item(), " df/dz =", zt.grad.item())
assert (xt.grad.item(), yt.grad.item(), zt.grad.item()) == (4.0, 4.0, -2.0)

# %% [markdown]
# ### Vectors and broadcasting
#
# The code does not change for arrays. Take $x$ and $y$ of three elements and one number $z$,
# and sum the result so that the root is a single number:
# $f = \sum_i (x_i + y_i)\,z$. The number $z$ was *broadcast* to the three elements, so its
# gradient is the sum over them: $\partial f/\partial z = \sum_i (x_i + y_i)$, while
# $\partial f/\partial x_i = z$. The gradient reaching an input always has that input's shape.

# %%
xv = Tensor([1.0, 2.0, 3.0], requires_grad=True)
yv = Tensor([-3.0, -3.0, -3.0], requires_grad=True)
zv = Tensor(4.0, requires_grad=True)
fv = ((xv + yv) * zv).sum()
drawing = autograd.draw_graph(fv, params={"x": xv, "y": yv, "z": zv})
fv.backward()
print("f =", fv.item())
print("df/dx =", xv.grad, " df/dz =", zv.grad)
assert np.array_equal(xv.grad.data, [4.0, 4.0, 4.0]) and zv.grad.item() == -3.0
drawing

# %% [markdown]
# ## A neuron
#
# A neuron takes a weighted sum of its inputs plus a bias and squashes it with the sigmoid:
#
# $$z = w_1 x_1 + w_2 x_2 + b, \qquad a = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
#   \sigma'(z) = \sigma(z)\,(1 - \sigma(z)).$$
#
# The chain rule gives every gradient through the one local derivative $\sigma'(z)$:
#
# $$\frac{\partial a}{\partial w_i} = \sigma'(z)\,x_i, \qquad \frac{\partial a}{\partial b} = \sigma'(z), \qquad
#   \frac{\partial a}{\partial x_i} = \sigma'(z)\,w_i.$$
#
# With $x = (1, -2)$, $w = (0.5, -0.25)$, $b = 0.1$: $z = 0.5 + 0.5 + 0.1 = 1.1$.

# %%
x1, x2 = Scalar(1.0, label="x1"), Scalar(-2.0, label="x2")
w1, w2 = Scalar(0.5, label="w1"), Scalar(-0.25, label="w2")
b = Scalar(0.1, label="b")
zn = w1 * x1 + w2 * x2 + b
zn.label = "z"
a = zn.sigmoid()
a.label = "a"
print(f"z = {zn.data:.4f}, a = sigmoid(z) = {a.data:.4f}")
assert math.isclose(zn.data, 1.1)
autograd.draw_graph(a, show_grad=False)

# %% [markdown]
# Backward, one step at a time:

# %%
for step in backward_steps(a):
    display(step)

# %%
a.backward()
slope = a.data * (1 - a.data)  # sigma'(z)
print(f"sigma'(z) = {slope:.4f}")
for leaf, by_hand in [
    (w1, slope * x1.data),
    (w2, slope * x2.data),
    (b, slope),
    (x1, slope * w1.data),
    (x2, slope * w2.data),
]:
    print(f"da/d{leaf.label:2} engine {leaf.grad:8.4f}   by hand {by_hand:8.4f}")
    assert math.isclose(leaf.grad, by_hand)

# %% [markdown]
# ### One node or many: the same gradient
#
# `sigmoid` is one node with a local derivative known in closed form. Written out with primitive
# operators, $\sigma(z) = 1 / (1 + e^{-z})$ becomes four nodes (`neg`, `exp`, `+`, `/`); backward
# multiplies their local derivatives and arrives at the same number. Fewer, bigger nodes are
# cheaper; the chain rule does not care.

# %%
z2 = w1 * x1 + w2 * x2 + b
z2.label = "z"
a2 = 1 / (1 + (-z2).exp())
a2.label = "a"
for leaf in (w1, w2, b, x1, x2):
    leaf.grad = 0.0
a2.backward()
print(f"a = {a2.data:.4f}, da/dw1 = {w1.grad:.4f}")
assert math.isclose(a2.data, a.data) and math.isclose(w1.grad, slope * x1.data)
autograd.draw_graph(a2, mode="backward")
