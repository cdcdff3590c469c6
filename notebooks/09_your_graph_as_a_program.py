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
# # 9. Your graph as a program
#
# You hear that PyTorch and JAX "compile" a model. What does that mean? The graph our engine
# records while your code runs already **is** a program: a list of primitive operations, each
# reading earlier values. `autograd.trace` writes that program down. Then we can
#
# * **print** it, one line per operation, forward and backward;
# * **replay** it on new numbers as plain NumPy code, without building any graph, which is
#   fast when the arrays are small and the engine's bookkeeping dominates;
# * **export** it to ONNX, a format every deep-learning runtime reads.

# %%
import tempfile
import time
from pathlib import Path

import numpy as np
from IPython.display import HTML, display

import autograd
import nn
from autograd import Tensor

# %% [markdown]
# ## Lecture 3's graph, as code
#
# $f = (x + y)\,z$ at $x = -2$, $y = 5$, $z = -4$. With `grad=True` the program also returns
# the gradient of $f$ with respect to each argument, computed by the engine's own backward
# rules, recorded as they run.

# %%
program = autograd.trace(lambda x, y, z: (x + y) * z, -2.0, 5.0, -4.0, grad=True)
print(program)

# %% [markdown]
# Read the return line: $\partial f/\partial x = \partial f/\partial y = z$ and
# $\partial f/\partial z = x + y$ (which is `t1`). The backward pass needed no new operation at
# all: multiplying by the incoming gradient 1 is dropped. The drawing of the backward graph
# shows the same thing, as gradient nodes:

# %%
x, y, z = (Tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
f = (x + y) * z
drawing = autograd.draw_graph(f, mode="backward", params={"x": x, "y": y, "z": z})
display(
    HTML(
        "<div style='display: flex; gap: 2em; align-items: center'>"
        f"<pre>{program}</pre><div>{drawing.pipe(format='svg').decode()}</div></div>"
    )
)

# %% [markdown]
# A program runs on new numbers (the same shapes and dtypes), and returns the value and then
# the gradients:

# %%
out, dx, dy, dz = program(1.0, 2.0, 3.0)
print(out, dx, dy, dz)
assert (out, dx, dy, dz) == (9.0, 3.0, 3.0, 3.0)

# %% [markdown]
# `python_source()` is the same program as a plain Python function of NumPy calls. It needs
# nothing of our engine to run:

# %%
source = program.python_source()
print(source)
namespace = {}
exec(source, namespace)
print(namespace["program"](np.array(1.0), np.array(2.0), np.array(3.0)))

# %% [markdown]
# ## A two-layer network's training step
#
# The spiral of lecture 4, and the network of notebook 5: two linear layers with a ReLU
# between them. The training step is written exactly as usual; `autograd.compile` traces it
# on its first call and replays the program on every later call, setting `.grad` on the
# parameters as `backward()` would.

# %%
X, labels = nn.data.make_spiral(100, 3, seed=0)
X = X.astype(np.float32)
nn.init.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
for p in model.parameters():
    p.data = p.data.astype(np.float32)


def step(x, y):
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    return loss


compiled_step = autograd.compile(step, check=True)  # check: the first replay against an eager run
print(compiled_step.program(Tensor(X), Tensor(labels)))

# %% [markdown]
# The forward pass is four lines. Then, under `-- backward --`, each line says which backward
# rule wrote it: the cross-entropy's gradient `softmax(scores) - onehot(y)`, weighted by
# `1/N` (`sampleweights`, recomputed from the labels), the linear layers' `grad @ W` and
# `grad^T @ h`, and the ReLU's `grad * (h > 0)`. The mask `h > 0` is an operation of the
# program, not a frozen array: on a new batch the replay computes a new mask. The parameters
# are *captured*: each replay reads their current values, so the optimiser's updates are seen.
#
# The compiled step and the eager one train the same network, to the last bit:


# %%
def train(step_fn, steps=100, seed=0):
    nn.init.manual_seed(seed)
    fresh = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
    for p, q in zip(model.parameters(), fresh.parameters()):
        p.data = q.data.astype(np.float32)
        p.grad = None
    optimiser = nn.optim.SGD(model.parameters(), lr=1.0)
    x, y = Tensor(X), Tensor(labels)
    start = time.perf_counter()
    for _ in range(steps):
        loss = step_fn(x, y)
        optimiser.step()
        optimiser.zero_grad()
    return loss.item(), (time.perf_counter() - start) / steps


autograd.set_num_threads(1)  # small matrices: one BLAS thread is fastest (docs/performance.md)
eager_loss, eager_time = train(step)
compiled_loss, compiled_time = train(compiled_step)
print(f"eager:    loss {eager_loss:.6f}, {eager_time * 1e3:.3f} ms per step")
print(f"compiled: loss {compiled_loss:.6f}, {compiled_time * 1e3:.3f} ms per step")
assert abs(eager_loss - compiled_loss) < 1e-5

# %% [markdown]
# The compiled step skips everything the engine does around the arithmetic: wrapping results
# in Tensors, making graph nodes, walking the graph backward. The arithmetic is the same NumPy
# calls. (The benchmarks in `benchmarks/` measure it against a hand-written NumPy step.)
#
# ## What a trace cannot see
#
# A program records operations, not values. Python that looks at a value, such as an `if` on a
# tensor, runs once while tracing and cannot become part of the program, so it raises an error
# that says how to restructure:


# %%
def clipped(x):
    return x * 2 if x.sum() > 0 else x  # Python choosing on a value


try:
    autograd.trace(clipped, np.ones(3))
except autograd.TraceError as error:
    print(error)


# %%
def clipped(x):
    return autograd.where(x.sum() > 0, x * 2, x)  # both branches, picked elementwise


print(autograd.trace(clipped, np.ones(3)))

# %% [markdown]
# ## Taking the model elsewhere: ONNX
#
# `to_onnx` writes the forward program as an ONNX model: the inputs are the program's
# arguments, the parameters are stored with their current values. Any ONNX runtime runs it
# (here `onnxruntime`), and [Netron](https://netron.app) draws it.

# %%
import onnxruntime  # noqa: E402

predict = autograd.trace(lambda x: model(x).softmax(axis=1), X)
path = Path(tempfile.mkdtemp()) / "spiral.onnx"
predict.to_onnx(path)
session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
probabilities = session.run(None, {"x": X})[0]
ours = model(Tensor(X)).softmax(axis=1).data
print("largest difference from our engine:", np.abs(probabilities - ours).max())
print("training accuracy:", (probabilities.argmax(axis=1) == labels).mean())
assert np.allclose(probabilities, ours, atol=1e-5)
