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
# # 7. Extending the engine: your own operation
#
# Every built-in operation is a subclass of `autograd.Function` with two static methods:
#
# * `forward(ctx, *inputs)` computes the result (NumPy is fine here) and keeps what backward
#   needs with `ctx.save_for_backward(...)`;
# * `backward(ctx, grad)` receives $\partial L/\partial \text{out}$ and returns
#   $\partial L/\partial \text{input}$ for every input (`None` for one that needs none).
#
# A Function of yours goes through the same path as the built-in ones: it appears in the
# drawings, `gradcheck` checks it, and if its backward is written with Tensor operations it can
# be differentiated again (double backward). Our example is **softplus**, a smooth ReLU:
#
# $$f(x) = \log(1 + e^x), \qquad f'(x) = \frac{e^x}{1 + e^x} = \sigma(x), \qquad
#   f''(x) = \sigma(x)(1 - \sigma(x)).$$

# %%
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Tensor
from autograd.testing import arrays, broadcastable_shapes, shapes, tensors

# %% [markdown]
# ## Define it
#
# `np.logaddexp(0, x)` $= \log(e^0 + e^x)$ computes softplus without overflowing for large $x$.
# The backward uses only Tensor operations (`*`, `sigmoid`), so it is itself recorded when a
# graph of the gradient is asked for.


# %%
class Softplus(autograd.Function):
    """f(x) = log(1 + e^x), f'(x) = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x.data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sigmoid()


def softplus(x):
    return Softplus.apply(x)


# %% [markdown]
# ## Use it

# %%
x = Tensor([-2.0, 0.0, 3.0, 800.0], requires_grad=True)
y = softplus(x)
y.sum().backward()
print("softplus(x) =", y)
print("x.grad      =", x.grad)
print("sigmoid(x)  =", x.detach().sigmoid())
assert np.allclose(y.data, [np.log1p(np.exp(-2.0)), np.log(2.0), np.log1p(np.exp(3.0)), 800.0])
assert np.allclose(x.grad.data, x.detach().sigmoid().data)

# %% [markdown]
# ## Draw it
#
# A one-neuron model with softplus as its activation; `params` names the weight and the bias.
# In the backward drawing our operation has its own step, `SoftplusBackward`, like any
# built-in one.

# %%
w = Tensor([[0.5, -1.0]], requires_grad=True)
b = Tensor([0.2], requires_grad=True)
inputs = Tensor([[1.0, 2.0], [3.0, -1.0]])
out = softplus(inputs @ w.T + b).mean()
autograd.draw_graph(out, params={"w": w, "b": b})

# %%
autograd.draw_graph(out, mode="backward", params={"w": w, "b": b})

# %% [markdown]
# ## Check it
#
# `autograd.gradcheck` compares the backward with central differences,
# $\frac{f(x + \epsilon) - f(x - \epsilon)}{2\epsilon}$, element by element, in float64.
# `autograd.gradgradcheck` does the same for the second derivatives.

# %%
xs = Tensor(np.linspace(-3, 3, 7), requires_grad=True)
print("gradcheck:    ", autograd.gradcheck(softplus, (xs,)))
print("gradgradcheck:", autograd.gradgradcheck(softplus, (xs,)))


# %% [markdown]
# A wrong backward does not slip through. Suppose we forgot the chain rule's incoming `grad`, and
# wrote $\sigma(x)$ alone: the check fails, naming the input, the element and both values.


# %%
class BrokenSoftplus(Softplus):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return x.sigmoid()  # forgot to multiply by grad


print("returns", autograd.gradcheck(lambda t: 3 * BrokenSoftplus.apply(t), (xs,), raise_exception=False))
try:
    autograd.gradcheck(lambda t: 3 * BrokenSoftplus.apply(t), (xs,))
except autograd.GradcheckError as error:
    print(error)

# %% [markdown]
# ## Double backward
#
# `autograd.grad(..., create_graph=True)` records the backward pass itself, so the gradient is a
# Tensor with a graph of its own. Differentiating it again gives $f''(x) = \sigma(x)(1 - \sigma(x))$.

# %%
(first,) = autograd.grad(softplus(xs).sum(), xs, create_graph=True)
(second,) = autograd.grad(first.sum(), xs)
s = 1 / (1 + np.exp(-xs.data))
print("f'(x)  =", np.round(first.data, 4))
print("f''(x) =", np.round(second.data, 4))
assert np.allclose(first.data, s) and np.allclose(second.data, s * (1 - s))

# %% [markdown]
# The first derivative's own graph: the backward of `Softplus` became forward operations.

# %%
autograd.draw_graph(first.sum(), params={"x": xs})

# %% [markdown]
# ## Property tests with hypothesis
#
# One example proves little. `autograd.testing` has [hypothesis](https://hypothesis.readthedocs.io)
# strategies that draw shapes, arrays and Tensors (including strided, non-contiguous ones), so a
# property can be checked on many random inputs. Below, three properties of softplus:
#
# 1. its gradient passes `gradcheck` for any shape and values;
# 2. $f(x) - f(-x) = x$ (because $\log\frac{1 + e^x}{1 + e^{-x}} = x$);
# 3. in a broadcasting product `softplus(a) * b`, each gradient has its own input's shape.
#
# A `@given` test is an ordinary function: calling it runs the examples, and it raises with
# the smallest failing input if one breaks the property. The settings fix the random seed
# (`derandomize=True`) so the notebook runs the same every time.

# %%
checked = {"gradcheck": 0, "symmetry": 0, "broadcasting": 0}
reproducible = settings(max_examples=40, deadline=None, derandomize=True, database=None)


@reproducible
@given(tensors(shape=shapes(max_dims=3)))
def test_softplus_gradcheck(x):
    assert autograd.gradcheck(softplus, (x,))
    checked["gradcheck"] += 1


@reproducible
@given(arrays(shape=shapes(), elements=st.floats(-30, 30)))
def test_softplus_symmetry(values):
    x = Tensor(values)
    assert np.allclose((softplus(x) - softplus(-x)).data, values)
    checked["symmetry"] += 1


@reproducible
@given(st.data())
def test_softplus_broadcasting(data):
    shape = data.draw(shapes(min_dims=1))
    a = data.draw(tensors(shape=shape))
    b = data.draw(tensors(shape=broadcastable_shapes(shape)))
    (softplus(a) * b).sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    checked["broadcasting"] += 1


test_softplus_gradcheck()
test_softplus_symmetry()
test_softplus_broadcasting()
print("examples that passed:", checked)


# %% [markdown]
# The same functions, with their `test_` names, run under `pytest` in a project's test suite.
# To see a property fail, break it: the broken softplus above fails the first test at once,
# and hypothesis reports the simplest input it found.


# %%
@reproducible
@given(tensors(shape=shapes(max_dims=2)))
def test_broken_gradcheck(x):
    assert autograd.gradcheck(lambda t: 3 * BrokenSoftplus.apply(t), (x,))


try:
    test_broken_gradcheck()
except autograd.GradcheckError as error:
    print("hypothesis found a counterexample:", error)
