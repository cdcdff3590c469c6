"""Build the lecture notebooks from the cells written here, run them, and save them with their outputs.

Every notebook is a function below that returns its cells, markdown and code, in order. This script
turns them into ``.ipynb`` files next to itself, runs each on a Jupyter kernel (``python3``, working
directory ``notebooks/``) and saves it with its outputs, so the notebooks read on GitHub as they ran.
Every random number comes from a seeded generator, so a rebuild gives the same numbers.

    python notebooks/make_notebooks.py              # build and run all of them
    python notebooks/make_notebooks.py 03 05        # only the notebooks whose name starts so
    python notebooks/make_notebooks.py --no-execute # write the cells without running them

Edit the cells here, not in the ``.ipynb`` files: ``tests/test_notebooks.py`` checks that the saved
notebooks hold exactly these cells, and runs them again.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
import textwrap
import time

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
KERNEL = "python3"
CELL_TIMEOUT = 120  # seconds per cell; a whole notebook should take well under a minute

NOTEBOOKS = {}  # file name -> function returning the notebook's cells


def notebook(filename):
    """Register a function returning a notebook's cells under ``filename``."""

    def register(function):
        NOTEBOOKS[filename] = function
        return function

    return register


def md(text):
    return ("markdown", textwrap.dedent(text).strip("\n"))


def code(text):
    return ("code", textwrap.dedent(text).strip("\n"))


def build(filename):
    """The notebook ``filename`` as an unexecuted ``nbformat`` node, with stable cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    nb.metadata["language_info"] = {"name": "python"}
    stem = filename.split("_")[0]
    for index, (kind, source) in enumerate(NOTEBOOKS[filename]()):
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        cell.id = f"nb{stem}-{index:02d}"
        nb.cells.append(cell)
    return nb


def execute(nb, cwd=HERE, timeout=CELL_TIMEOUT):
    """Run every cell of ``nb`` in place on a fresh kernel; raises on the first cell error."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(cwd)}}, record_timing=False
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    return nb


def coalesce_streams(outputs):
    """Merge consecutive stream outputs and apply carriage returns, as a notebook front end shows them.

    A progress bar redraws its line with ``\\r`` many times; saved as is, a static viewer would
    print every redraw. This keeps what a live notebook ends up showing: the last state of each line.
    """
    merged = []
    for output in outputs:
        if (
            output.output_type == "stream"
            and merged
            and merged[-1].output_type == "stream"
            and merged[-1].name == output.name
        ):
            merged[-1].text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == "stream":
            lines = output.text.split("\n")
            output.text = "\n".join(re.sub(r"^.*\r(?=.)", "", line, flags=re.S).rstrip("\r") for line in lines)
    return [output for output in merged if output.output_type != "stream" or output.text.strip()]


# ======================================================================================
# 1. Computational graphs
# ======================================================================================
@notebook("01_computational_graphs.ipynb")
def computational_graphs():
    return [
        md(r"""
        # 1. Computational graphs

        A **computational graph** has two kinds of nodes: *values* (inputs, intermediate results, the
        output) and *operators* (`+ - * / exp log ...`). Directed edges carry data from the inputs to the
        output. Running the graph forwards computes the value; running it **backwards** computes the
        gradient of the output with respect to every value in it, by the chain rule:

        $$\frac{\partial f}{\partial v} = \sum_{\text{paths } v \to f} \;
          \prod_{\text{edges on the path}} \text{local derivative}.$$

        We follow lecture 3's example $f(x, y, z) = (x + y)\,z$ at $x = 1,\ y = -3,\ z = 4$, first with
        `Scalar` (one Python float per node, the way it is drawn on the board), then with `Tensor`
        (NumPy arrays), and finally for a single neuron.
        """),
        code("""
        import math

        import numpy as np
        from IPython.display import display

        import autograd
        from autograd import Scalar, Tensor
        from autograd.viz import backward_steps
        """),
        md(r"""
        ## $f = (x + y)\,z$ with Scalars

        Name the intermediate value $d = x + y$. Forward: $d = 1 + (-3) = -2$ and $f = d\,z = -8$.
        A `label` names a node in the drawings.
        """),
        code("""
        x, y, z = Scalar(1.0, label="x"), Scalar(-3.0, label="y"), Scalar(4.0, label="z")
        d = x + y
        d.label = "d"
        f = d * z
        f.label = "f"
        print(f"d = {d.data}, f = {f.data}")
        assert (d.data, f.data) == (-2.0, -8.0)
        """),
        md("""
        The forward graph: value boxes (the leaves we created in blue, the root in gold) and operator
        ellipses, edges in the direction the data flows.
        """),
        code("""
        autograd.draw_graph(f, show_grad=False)
        """),
        md(r"""
        ## Backward

        Every operator knows its **local derivatives** as soon as it has computed its value:

        | node | local derivatives |
        | --- | --- |
        | $f = d\,z$ | $\partial f/\partial d = z = 4$, $\quad \partial f/\partial z = d = -2$ |
        | $d = x + y$ | $\partial d/\partial x = 1$, $\quad \partial d/\partial y = 1$ |

        The chain rule multiplies them along the path from $f$ down to each leaf:

        $$\frac{\partial f}{\partial z} = d = -2, \qquad
          \frac{\partial f}{\partial x} = \frac{\partial f}{\partial d}\,\frac{\partial d}{\partial x}
            = 4 \cdot 1 = 4, \qquad
          \frac{\partial f}{\partial y} = \frac{\partial f}{\partial d}\,\frac{\partial d}{\partial y}
            = 4 \cdot 1 = 4.$$

        The backward drawing shows the graph the way gradients travel, from the root back to the leaves.
        Each edge says *× local derivative → gradient sent*. (Drawing computes these numbers itself; it
        does not touch `.grad`.)
        """),
        code("""
        autograd.draw_graph(f, mode="backward")
        """),
        md(r"""
        ## `backward()` step by step

        `backward()` visits the nodes in **topological order** from the root: a node comes only after
        every node that uses it. So when the engine reaches a node, all paths from the root have already
        delivered their share, its gradient is complete, and it can pass it on, multiplied by each local
        derivative. `autograd.viz.backward_steps` draws the graph once per step: the node completed at
        that step in red, the gradients already known in green, the rest still `grad ?`.
        """),
        code("""
        steps = backward_steps(f)
        print(len(steps), "steps")
        for step in steps:
            display(step)
        """),
        md("Now the real thing: `f.backward()` fills in `.grad` of every node."),
        code("""
        f.backward()
        for node in (f, d, x, y, z):
            print(f"df/d{node.label} = {node.grad:5.1f}")
        assert (z.grad, x.grad, y.grad) == (-2.0, 4.0, 4.0)
        """),
        md("The forward drawing now shows each value with its gradient:"),
        code("""
        autograd.draw_graph(f)
        """),
        md(r"""
        ## The same with Tensors

        A `Tensor` holds a NumPy array and goes through the same graph core. Leaves we want gradients
        for are created with `requires_grad=True`. Tensor leaves have no labels; `params` (a dict of
        name to Tensor) names them in the drawing. For a Tensor the drawing computes every
        gradient itself, before any `backward()`.
        """),
        code("""
        xt = Tensor(1.0, requires_grad=True)
        yt = Tensor(-3.0, requires_grad=True)
        zt = Tensor(4.0, requires_grad=True)
        ft = (xt + yt) * zt
        names = {"x": xt, "y": yt, "z": zt}
        print(ft)
        autograd.draw_graph(ft, params=names)
        """),
        md("""
        Backwards, each box is one backward step as PyTorch names them: `MulBackward`, `AddBackward`,
        and `AccumulateGrad` for a leaf, which adds the gradient arriving at it into its `.grad`.
        """),
        code("""
        autograd.draw_graph(ft, mode="backward", params=names)
        """),
        code("""
        for step in backward_steps(ft, params=names):
            display(step)
        """),
        code("""
        ft.backward()
        print("df/dx =", xt.grad.item(), " df/dy =", yt.grad.item(), " df/dz =", zt.grad.item())
        assert (xt.grad.item(), yt.grad.item(), zt.grad.item()) == (4.0, 4.0, -2.0)
        """),
        md(r"""
        ### Vectors and broadcasting

        The code does not change for arrays. Take $x$ and $y$ of three elements and one number $z$,
        and sum the result so that the root is a single number:
        $f = \sum_i (x_i + y_i)\,z$. The number $z$ was *broadcast* to the three elements, so its
        gradient is the sum over them: $\partial f/\partial z = \sum_i (x_i + y_i)$, while
        $\partial f/\partial x_i = z$. The gradient reaching an input always has that input's shape.
        """),
        code("""
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
        """),
        md(r"""
        ## A neuron

        A neuron takes a weighted sum of its inputs plus a bias and squashes it with the sigmoid:

        $$z = w_1 x_1 + w_2 x_2 + b, \qquad a = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
          \sigma'(z) = \sigma(z)\,(1 - \sigma(z)).$$

        The chain rule gives every gradient through the one local derivative $\sigma'(z)$:

        $$\frac{\partial a}{\partial w_i} = \sigma'(z)\,x_i, \qquad \frac{\partial a}{\partial b} = \sigma'(z), \qquad
          \frac{\partial a}{\partial x_i} = \sigma'(z)\,w_i.$$

        With $x = (1, -2)$, $w = (0.5, -0.25)$, $b = 0.1$: $z = 0.5 + 0.5 + 0.1 = 1.1$.
        """),
        code("""
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
        """),
        md("Backward, one step at a time:"),
        code("""
        for step in backward_steps(a):
            display(step)
        """),
        code("""
        a.backward()
        slope = a.data * (1 - a.data)  # sigma'(z)
        print(f"sigma'(z) = {slope:.4f}")
        for leaf, by_hand in [(w1, slope * x1.data), (w2, slope * x2.data), (b, slope),
                              (x1, slope * w1.data), (x2, slope * w2.data)]:
            print(f"da/d{leaf.label:2} engine {leaf.grad:8.4f}   by hand {by_hand:8.4f}")
            assert math.isclose(leaf.grad, by_hand)
        """),
        md(r"""
        ### One node or many: the same gradient

        `sigmoid` is one node with a local derivative known in closed form. Written out with primitive
        operators, $\sigma(z) = 1 / (1 + e^{-z})$ becomes four nodes (`neg`, `exp`, `+`, `/`); backward
        multiplies their local derivatives and arrives at the same number. Fewer, bigger nodes are
        cheaper; the chain rule does not care.
        """),
        code("""
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
        """),
    ]


# ======================================================================================
# 2. Backpropagation by hand
# ======================================================================================
@notebook("02_backprop_by_hand.ipynb")
def backprop_by_hand():
    return [
        md(r"""
        # 2. Backpropagation by hand

        Lecture 2 works the chain rule through a chain of two sigmoid neurons, one input and one target:

        $$x \xrightarrow{\;w_1,\ b_1\;} z_1 = w_1 x + b_1,\quad a_1 = \sigma(z_1)
          \xrightarrow{\;w_2,\ b_2\;} z_2 = w_2 a_1 + b_2,\quad a_2 = \sigma(z_2),
          \qquad L = \tfrac12\,(y - a_2)^2$$

        with $x = 0.05$, $w_1 = 0.1$, $b_1 = -0.1$, $w_2 = 0.3$, $b_2 = 0.3$ and target $y = 0.01$.
        We compute the gradients with pencil-and-paper formulas, then let the engine do it, and check
        that the two agree. Then we descend the gradient.
        """),
        code("""
        import math

        import matplotlib.pyplot as plt

        import autograd
        from autograd import Scalar, Tensor
        """),
        md("## Forward"),
        code("""
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
        """),
        md(r"""
        ## Backward by hand

        Walk back from the loss, one local derivative at a time:

        | step | local derivative |
        | --- | --- |
        | $L = \frac12 (y - a_2)^2$ | $\partial L/\partial a_2 = a_2 - y$ |
        | $a_2 = \sigma(z_2)$ | $\partial a_2/\partial z_2 = a_2 (1 - a_2)$ |
        | $z_2 = w_2 a_1 + b_2$ | $\partial z_2/\partial w_2 = a_1$, $\ \partial z_2/\partial b_2 = 1$ |
        | | $\partial z_2/\partial a_1 = w_2$ (the way back to the first neuron) |
        | $a_1 = \sigma(z_1)$ | $\partial a_1/\partial z_1 = a_1 (1 - a_1)$ |
        | $z_1 = w_1 x + b_1$ | $\partial z_1/\partial w_1 = x$, $\ \partial z_1/\partial b_1 = 1$ |

        and multiply along the path. For $w_2$ the lecture's number:

        $$\frac{\partial L}{\partial w_2}
          = \frac{\partial z_2}{\partial w_2}\,\frac{\partial a_2}{\partial z_2}\,\frac{\partial L}{\partial a_2}
          = a_1 \cdot a_2 (1 - a_2) \cdot (a_2 - y) = 0.476 \cdot 0.238 \cdot 0.599 = 0.0679.$$

        Call $\delta_2 = \partial L/\partial z_2$ and
        $\delta_1 = \partial L/\partial z_1 = \delta_2\, w_2\, a_1 (1 - a_1)$;
        then $\partial L/\partial w_2 = \delta_2 a_1$, $\partial L/\partial b_2 = \delta_2$,
        $\partial L/\partial w_1 = \delta_1 x$, $\partial L/\partial b_1 = \delta_1$.
        """),
        code("""
        dL_da2 = a2 - y
        da2_dz2 = a2 * (1 - a2)
        delta2 = dL_da2 * da2_dz2  # dL/dz2
        delta1 = delta2 * w2 * a1 * (1 - a1)  # dL/dz1: back through z2 = w2 a1 + b2, then a1 = sigmoid(z1)
        by_hand = {"w2": delta2 * a1, "b2": delta2, "w1": delta1 * x, "b1": delta1}
        print(f"dL/dw2 = a1 * a2(1 - a2) * (a2 - y) = {a1:.3f} * {da2_dz2:.3f} * {dL_da2:.3f} = {by_hand['w2']:.4f}")
        assert round(by_hand["w2"], 4) == 0.0679
        """),
        md(r"""
        ## The engine's backward

        The same computation with `Scalar`s. `backward()` applies exactly the rule above, in
        topological order from $L$.
        """),
        code("""
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
        """),
        md("The graph with every value and gradient:"),
        code("""
        autograd.draw_graph(loss)
        """),
        md(r"""
        The same numbers from `Tensor`s and the functional API: `autograd.grad(L, inputs)` returns the
        gradients and leaves `.grad` alone.
        """),
        code("""
        params = [Tensor(v, requires_grad=True) for v in (w1, b1, w2, b2)]
        tw1, tb1, tw2, tb2 = params
        ta2 = (tw2 * (tw1 * x + tb1).sigmoid() + tb2).sigmoid()
        tL = 0.5 * (y - ta2) ** 2
        grads = autograd.grad(tL, params)
        for name, g in zip(["w1", "b1", "w2", "b2"], grads):
            print(f"dL/d{name} = {g.item():.6f}")
            assert math.isclose(g.item(), by_hand[name], rel_tol=1e-12)
        """),
        md(r"""
        ## Gradient descent

        Now move every parameter a little against its gradient, $v' = v - \eta\, \partial L/\partial v$,
        and repeat. Each step builds the graph afresh from the current parameters, runs backward, and
        updates. Gradients accumulate (`grad += ...`), so they are reset to zero before every backward.
        """),
        code("""
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
        """),
        code("""
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for lr, losses in curves.items():
            ax.plot(losses, label=f"learning rate {lr}")
        ax.set(xlabel="step", ylabel="loss $L = (y - a_2)^2 / 2$", yscale="log")
        ax.set_title("Gradient descent on two neurons")
        ax.legend()
        plt.show()
        """),
        md(r"""
        The larger the learning rate, the faster the loss falls here. The sigmoid flattens as $a_2$
        approaches $0$, so $a_2(1 - a_2)$, and with it every gradient, shrinks: progress slows down
        the closer we get to the target.
        """),
    ]


# ======================================================================================
# 3. Linear classifier
# ======================================================================================
@notebook("03_linear_classifier.ipynb")
def linear_classifier():
    return [
        md(r"""
        # 3. A linear classifier: softmax, cross-entropy, regularisation, gradient descent

        Lecture 1's classifier gives every class $c$ a score, a weighted sum of the input's features:

        $$f(x) = W x + b, \qquad \text{one row } w_c \text{ of } W \text{ and one } b_c \text{ per class},
          \qquad \text{prediction} = \arg\max_c f(x)_c.$$

        Softmax turns the scores into probabilities and the **cross-entropy** loss is minus the log of
        the true class's probability:

        $$p_c = \frac{e^{f_c}}{\sum_j e^{f_j}}, \qquad L_i = -\log p_{y_i}.$$

        Training minimises the mean loss over the data plus $\lambda R(W)$, with $R(W) = \sum W^2$,
        by gradient descent. We reproduce the lecture's worked examples, then train on the iris
        flowers, and finally add a hidden layer.
        """),
        code("""
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
        """),
        md(r"""
        ## One image

        An "image" of four pixels $x = (-15, 22, -44, 56)$, three classes, the true class is 2:
        """),
        code("""
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
        """),
        md(r"""
        **Numerical stability.** $e^{f_c}$ overflows for large scores, so softmax first subtracts the
        row's largest score; the probabilities do not change, because the factor $e^{-\max f}$ cancels:
        """),
        code("""
        shifted = scores.data - scores.data.max()
        print("shifted scores:", np.round(shifted, 2))
        print("softmax of the shifted scores:", np.round(np.exp(shifted) / np.exp(shifted).sum(), 3))
        """),
        md("The graph behind the loss: `W` and `b` are parameters (green), `x` a constant."),
        code("""
        autograd.draw_graph(loss, params={"W": W, "b": b})
        """),
        md(r"""
        ### The gradient

        For softmax cross-entropy the gradient of the loss in the scores is remarkably simple,
        $\partial L / \partial f = p - \text{onehot}(y)$, and since $f = Wx + b$:

        $$\frac{\partial L}{\partial W} = (p - \text{onehot}(y))\, x^\top, \qquad
          \frac{\partial L}{\partial b} = p - \text{onehot}(y).$$
        """),
        code("""
        loss.backward()
        dscores = p.data - np.eye(3)[label]
        print("dscores = p - onehot(y):", np.round(dscores, 3))
        print("dW = dscores x^T:")
        print(np.round(np.outer(dscores, x.data), 3))
        print("W.grad from backward():")
        print(np.round(W.grad.data, 3))
        print("b.grad from backward():", np.round(b.grad.data, 3))
        assert np.allclose(W.grad.data, np.outer(dscores, x.data)) and np.allclose(b.grad.data, dscores)
        """),
        md(r"""
        ## Nine points, three classes

        The lecture's second example: nine points in the plane, three per class, and a starting
        $W$ (3×2) and $b$. For a batch the scores are the rows of $X W^\top + b$ and the data loss is
        the mean of the nine cross-entropies.
        """),
        code("""
        X9 = np.array([[0.5, 0.4], [0.8, 0.3], [0.3, 0.8], [-0.4, 0.3], [-0.3, 0.7],
                       [-0.7, 0.2], [0.7, -0.4], [0.5, -0.6], [-0.4, -0.5]])
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
        print(f"data loss {data_loss.item():.2f}   regularisation {reg.item():.2f}   total {total.item():.2f}   "
              f"{right} of 9 right")
        assert [round(v.item(), 2) for v in (data_loss, reg, total)] == [1.84, 0.35, 2.19] and right == 2
        """),
        md(r"""
        ### Regularisation: $\lambda W$ or $2\lambda W$?

        The lecture reports $R(W) = \sum W^2$ (here $0.01 \cdot 35 = 0.35$), but its update adds
        $\lambda W$ to the gradient. The exact gradient of $\lambda \sum W^2$ is $2\lambda W$:
        """),
        code("""
        (exact,) = autograd.grad(lam * (W**2).sum(), W)
        print("exact gradient of lambda * sum(W^2) = 2 lambda W:")
        print(exact.data)
        print("the lecture's update term, lambda W:")
        print(lam * W.data)
        assert np.allclose(exact.data, 2 * lam * W.data)
        """),
        md(r"""
        They differ by a factor 2 because the lecture's update is the exact gradient of
        $\frac{\lambda}{2} \sum W^2$, the common convention $R(W) = \frac12 \sum W^2$ whose derivative
        is simply $W$. The factor 2 is folded into $\lambda$: descending with $\lambda W$ is exact gradient
        descent on $\text{data} + \frac{\lambda}{2}\sum W^2$, i.e. on the lecture's loss with half the
        $\lambda$. Both are proper regularisers; only the printed "total" must say which one it means.

        `nn.optim.SGD(..., weight_decay=lam)` adds exactly `lam * W` to the gradient before the step,
        so it reproduces the lecture's update. We give the weight decay to $W$ only (the lecture does
        not regularise $b$), using a parameter group.

        ### Full-batch gradient descent, learning rate 1.0
        """),
        code("""
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
        """),
        md(r"""
        With the exact gradient of $\lambda\sum W^2$ (`weight_decay=2 * lam`) the regulariser pulls twice
        as hard; on nine points the two runs barely differ:
        """),
        code("""
        exact_rows, _ = train_nine(weight_decay=2 * lam)
        for name, table in [("lecture, lambda W ", rows), ("exact, 2 lambda W", exact_rows)]:
            iteration, data, reg, total, right = table[-1]
            print(f"{name}: after {iteration} steps data {data:.3f}, reg {reg:.3f}, total {total:.3f}, {right}/9 right")
        """),
        md("The decision regions before and after: each colour is the class with the highest score."),
        code("""
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
        """),
        md(r"""
        ## Iris

        150 flowers, 4 measurements each (sepal and petal length and width, in cm), 3 species. The
        same linear classifier on the raw measurements: $W$ starts as small random numbers
        ($0.01 \cdot \mathcal N(0, 1)$), $b$ at zero; $\lambda = 0.01$, learning rate $0.1$, 300
        full-batch iterations. (The flowers come with the package, `nn.load_iris()`.)
        """),
        code("""
        X_iris, y_iris = nn.load_iris()
        print(f"{X_iris.shape[0]} flowers, {X_iris.shape[1]} features, per species: {np.bincount(y_iris)}")

        rng = np.random.default_rng(0)
        W = nn.Parameter(0.01 * rng.standard_normal((3, 4)))
        b = nn.Parameter(np.zeros(3))
        optimiser = nn.optim.SGD([{"params": [W], "weight_decay": lam}, {"params": [b]}], lr=0.1)
        inputs = Tensor(X_iris)
        history = []
        for iteration in tqdm(range(300), desc="iris"):
            scores = inputs @ W.T + b
            data_loss = F.cross_entropy(scores, y_iris)
            accuracy = (scores.data.argmax(axis=1) == y_iris).mean()
            history.append((data_loss.item() + lam * (W.data**2).sum(), accuracy))
            optimiser.zero_grad()
            data_loss.backward()
            optimiser.step()

        loss, accuracy = history[-1]
        print(f"after 300 iterations: loss {loss:.2f}, training accuracy {accuracy:.1%} "
              f"({round(accuracy * 150)}/150)")
        assert abs(loss - 0.36) < 0.02 and accuracy >= 0.97
        """),
        code("""
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
        left.plot([h[0] for h in history])
        left.set(xlabel="iteration", ylabel="loss (data + regularisation)", title="iris: loss")
        right.plot([h[1] for h in history])
        right.set(xlabel="iteration", ylabel="training accuracy", title="iris: accuracy", ylim=(0, 1.02))
        fig.tight_layout()
        plt.show()
        """),
        md(r"""
        ## A hidden ReLU layer

        A linear classifier draws straight boundaries between classes. Two interleaving half moons
        cannot be separated by a line. Put a hidden layer of ReLUs between the input and the softmax,

        $$f(x) = W_2 \max(0, W_1 x + b_1) + b_2,$$

        and the network can bend its boundary around them. We train both with the same loss and
        optimiser.
        """),
        code("""
        X_moons, y_moons = nn.make_moons(200, noise=0.1, seed=0)
        models = {
            "linear": nn.Linear(2, 2),
            "hidden ReLU layer": nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2)),
        }
        inputs = Tensor(X_moons)
        for name, model in models.items():
            optimiser = nn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
            for step in tqdm(range(500), desc=name):
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
        """),
        code("""
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, (name, model) in zip(axes, models.items()):
            plot_regions(ax, model, X_moons, y_moons, f"{name}: {accuracy[name]:.0%}")
        plt.show()
        """),
    ]


# ======================================================================================
# 4. Activations and losses
# ======================================================================================
@notebook("04_activations_and_losses.ipynb")
def activations_and_losses():
    return [
        md(r"""
        # 4. Activations and losses, with the derivatives the engine computes

        Lecture 3 lists the non-linearities that go between the layers of a network and the losses
        that score its output. Backpropagation only needs each one's **derivative**, and the engine
        computes it for us. For an element-wise function $f$ applied to a grid of points
        $x_1, \dots, x_n$, the sum $S = \sum_i f(x_i)$ has

        $$\frac{\partial S}{\partial x_i} = f'(x_i),$$

        so a single `f(x).sum().backward()` leaves the whole derivative curve in `x.grad`. Below we
        plot every function next to that derivative, and check it against the closed form.
        """),
        code("""
        import matplotlib.pyplot as plt
        import numpy as np

        import autograd
        import nn
        import nn.functional as F
        from autograd import Tensor

        grid = np.linspace(-4, 4, 800)  # an even count, so x = 0 (a kink for some) is not on the grid


        def with_derivative(f):
            \"\"\"f on the grid and its derivative, by one backward pass through f(x).sum().\"\"\"
            x = Tensor(grid, requires_grad=True)
            y = f(x)
            y.sum().backward()
            return y.data, x.grad.data
        """),
        md(r"""
        ## Activations

        | name | $f(x)$ | $f'(x)$ |
        | --- | --- | --- |
        | step (perceptron) | $1$ if $x > 0$ else $0$ | $0$ (no gradient to learn from) |
        | linear | $x$ | $1$ |
        | sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ | $\sigma(x)(1 - \sigma(x))$ |
        | tanh | $\tanh x$ | $1 - \tanh^2 x$ |
        | ReLU | $\max(0, x)$ | $1$ if $x > 0$ else $0$ |
        | leaky ReLU | $\max(0.1x, x)$ | $1$ if $x > 0$ else $0.1$ |
        | parametric ReLU | $\max(ax, x)$, $a$ learnt | $1$ if $x > 0$ else $a$ |
        | ELU | $x$ if $x > 0$ else $\alpha(e^x - 1)$ | $1$ if $x > 0$ else $\alpha e^x$ |
        | Maxout | $\max(w_1 x + b_1,\ w_2 x + b_2)$ | the slope of the larger piece |

        The parametric ReLU's slope $a$ and Maxout's $w, b$ are parameters, learnt like weights, so
        they are layers (`nn.PReLU`, `nn.Maxout`) holding them; the others are plain functions in
        `nn.functional`. Here $a = 0.25$ (`PReLU`'s default), $\alpha = 1$, and we set Maxout's two
        pieces to $x$ and $-0.5x - 1$.
        """),
        code("""
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
        """),
        md("""
        The step function's output does not depend smoothly on its input, so it is not in the graph at
        all: its result does not require grad, and no gradient can flow back through it. That is why
        networks trained by gradient descent use a smooth (or piecewise linear) activation instead.
        """),
        code("""
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
        """),
        md(r"""
        Every dashed curve agrees with the closed form (the cell asserts it). The sigmoid's derivative
        is at most $0.25$ and vanishes for large $|x|$, the ReLU family's is $1$ on the positive side:
        one reason deep networks prefer ReLUs.

        The parametric ReLU's slope is a parameter, so the same backward pass also gives
        $\partial S/\partial a = \sum_{x_i < 0} x_i$:
        """),
        code("""
        print(f"dS/da = {prelu.weight.grad.item():.2f}   sum of the negative x: {grid[grid < 0].sum():.2f}")
        assert np.isclose(prelu.weight.grad.item(), grid[grid < 0].sum())
        """),
        md(r"""
        ### Softmax

        Softmax is not element-wise: every output depends on every input,
        $a_i = e^{z_i} / \sum_j e^{z_j}$. It turns scores into probabilities (positive, summing to 1),
        and its Jacobian is $\partial a_i / \partial z_j = a_i(\delta_{ij} - a_j)$: one backward pass
        per output gives one row of it.
        """),
        code("""
        z = Tensor([1.0, 2.0, 0.5], requires_grad=True)
        a = F.softmax(z)
        jacobian = np.stack([autograd.grad(a[i], z, retain_graph=True)[0].data for i in range(3)])
        p = a.data
        print("softmax:", np.round(p, 4), " sum:", round(p.sum(), 6))
        print("Jacobian by backward:\\n", np.round(jacobian, 4))
        assert np.allclose(jacobian, np.diag(p) - np.outer(p, p))
        """),
        md(r"""
        ## Losses

        | loss | per sample | derivative in the prediction |
        | --- | --- | --- |
        | L1 | $\lvert \hat y - y \rvert$ | $\operatorname{sign}(\hat y - y)$ |
        | MSE | $(\hat y - y)^2$ | $2(\hat y - y)$ |
        | binary cross-entropy | $-[y \log p + (1 - y)\log(1 - p)]$ | $\frac{p - y}{p(1 - p)}$ |
        | cross-entropy | $-\log \operatorname{softmax}(z)_y$ | $\operatorname{softmax}(z) - \text{onehot}(y)$ |

        With `reduction="sum"` over a grid of predictions, one backward pass again gives the
        derivative at every point. For cross-entropy we vary the score $z_0$ of the true class (the
        other two scores stay at $1$ and $-1$).
        """),
        code("""
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
        """),
        md(r"""
        L1's gradient has the same size however wrong the prediction is; MSE's grows with the error;
        binary cross-entropy punishes a confident wrong answer ($p \to 0$ for target 1) without bound;
        cross-entropy's gradient $p_0 - 1$ fades as the true class's probability approaches 1.

        ## Numerical stability of softmax

        At scores like $z = (1000, 1001, 1002)$, $e^{1000}$ overflows a float64 (the largest is about
        $1.8 \times 10^{308} \approx e^{709.8}$): the naive formula computes $\infty / \infty$, which is
        not a number.
        """),
        code("""
        logits = np.array([1000.0, 1001.0, 1002.0])
        z = Tensor(logits, requires_grad=True)
        with np.errstate(over="ignore", invalid="ignore"):  # silence NumPy's overflow warnings: we know
            naive = np.exp(logits) / np.exp(logits).sum()
            naive_tensor = z.exp() / z.exp().sum()
        print("naive softmax with NumPy:  ", naive)
        print("naive softmax with Tensors:", naive_tensor.data)
        assert np.isnan(naive).all() and np.isnan(naive_tensor.data).all()
        """),
        md(r"""
        Softmax does not change when the same number is subtracted from every score:
        $\frac{e^{z_i - m}}{\sum_j e^{z_j - m}} = \frac{e^{-m} e^{z_i}}{e^{-m} \sum_j e^{z_j}}$.
        With $m = \max_j z_j$ the largest exponent is $e^0 = 1$, nothing overflows, and at least one
        term of the sum is 1, so nothing underflows to $0/0$ either. `softmax`, `log_softmax` and
        `cross_entropy` all do this, and so do their gradients.
        """),
        code("""
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
        """),
        md(r"""
        Taking the log *after* the softmax loses precision the other way: with scores $(0, 1000)$ the
        first probability $e^{-1000}$ underflows to exactly $0$ and its log is $-\infty$, while
        `log_softmax` computes $z_i - m - \log\sum_j e^{z_j - m}$ and gets $-1000$. This is why a
        classifier returns scores and the loss applies `log_softmax` itself.
        """),
        code("""
        scores = Tensor([0.0, 1000.0])
        with np.errstate(divide="ignore"):
            print("log(softmax(z)):", F.softmax(scores).log().data)
        print("log_softmax(z): ", F.log_softmax(scores).data)
        assert F.log_softmax(scores).data[0] == -1000.0
        """),
    ]


# ======================================================================================
# 5. Spiral
# ======================================================================================
@notebook("05_spiral.ipynb")
def spiral():
    return [
        md(r"""
        # 5. Fully connected networks on a spiral

        Lecture 4 (the NYU deep learning course) classifies points of a spiral with $K = 3$ arms.
        Arm $k = 1, \dots, K$ holds the points

        $$X_k(t) = t \left( \sin\!\Big(\tfrac{2\pi}{K}(2t + k - 1 + \varepsilon)\Big),\;
          \cos\!\Big(\tfrac{2\pi}{K}(2t + k - 1 + \varepsilon)\Big) \right), \qquad
          0 \le t \le 1, \quad \varepsilon \sim \mathcal N(0, s^2).$$

        With noise $s = 0.2$ the arms overlap and no straight line separates them. We compare a
        network without a non-linearity to one with a ReLU, spell out the five steps of a training
        loop, and finish with ensembles that say how sure they are.
        """),
        code("""
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
        """),
        code("""
        X, y = nn.make_spiral(100, n_classes=3, noise=0.2, seed=0)
        print("X:", X.shape, " y:", y.shape, " points per class:", np.bincount(y))

        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.scatter(X[:, 0], X[:, 1], c=[colours[c] for c in y], s=15, edgecolors="k", linewidths=0.3)
        ax.set(aspect="equal", title="the spiral: 3 classes, noise 0.2")
        plt.show()
        """),
        md(r"""
        ## Targets and the loss

        A label $y = c$ stands for the one-hot vector with a 1 in position $c$; the network outputs one
        score per class, softmax makes them probabilities, and the loss is the negative log-likelihood
        of the true class. `CrossEntropyLoss` does all of it from the raw scores: it **is**
        `LogSoftmax` followed by `NLLLoss`. So the network must end with a `Linear` layer, not with a
        softmax: a softmax before `CrossEntropyLoss` is applied twice, squeezes the scores into
        $[0, 1]$, and the loss can no longer approach 0 even for a perfectly confident, correct answer.
        """),
        code("""
        target = np.array([0])
        print("one-hot:", np.eye(3)[target])
        for scores in ([[2.0, 1.0, -1.0]], [[100.0, 0.0, 0.0]]):
            logits = Tensor(scores)
            ce = nn.CrossEntropyLoss()(logits, target)
            nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), target)
            twice = nn.CrossEntropyLoss()(nn.Softmax(dim=1)(logits), target)
            print(f"scores {scores[0]}: CrossEntropyLoss {ce.item():.4f} = LogSoftmax + NLLLoss {nll.item():.4f};"
                  f"  softmax applied twice: {twice.item():.4f}")
            assert np.isclose(ce.item(), nll.item())
        """),
        md(r"""
        ## The five steps of a training loop

        ```python
        output = model(input)        # 1. forward: the scores
        J = loss(output, target)     # 2. the loss
        model.zero_grad()            # 3. clear the gradients of the last step
        J.backward()                 # 4. backward: x.grad += dJ/dx for every parameter x
        optimiser.step()             # 5. update: here Adam, a gradient step with adaptive sizes
        ```

        Step 3 is needed because backward *adds* to `.grad` (gradients from several losses or
        several batches accumulate). We train on all 300 points at once, 1000 steps.
        """),
        code("""
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
        """),
        md(r"""
        ## Linear layers alone, then with a ReLU

        Two `Linear` layers with 100 hidden units and nothing between them, then the same with a
        `ReLU` between them.
        """),
        code("""
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
        """),
        md(r"""
        Why does the first network do no better than a single linear layer? Because it *is* one:
        $W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\,x + (W_2 b_1 + b_2)$. A composition of linear maps is
        linear, however many layers. The non-linearity between them is what lets depth pay off:
        """),
        code("""
        first, second = models["linear"]
        W = second.weight.data @ first.weight.data
        b = second.weight.data @ first.bias.data + second.bias.data
        with autograd.no_grad():
            two_layers = models["linear"](Tensor(X)).data
        print(f"largest difference to the single linear map W x + b: {np.abs(two_layers - (X @ W.T + b)).max():.1e}")
        """),
        code("""
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
        """),
        md(r"""
        The linear network can only cut the plane with straight lines (about 50% right); the ReLU
        network bends its boundaries along the arms (above 95%).

        The graph of one training step, drawn with `collapse_modules=True`: one box per layer call,
        the parameters named by the model.
        """),
        code("""
        model = models["ReLU"]
        loss = nn.CrossEntropyLoss()(model(Tensor(X)), y)
        autograd.draw_graph(loss, params=model, collapse_modules=True)
        """),
        md(r"""
        Backwards, every step of every layer: the edges carry the gradients' shapes, each box the
        size $\lVert g \rVert$ of the gradient it passes on (useful to spot vanishing or exploding
        gradients), and the parameters (green) receive theirs in `AccumulateGrad`.
        """),
        code("""
        autograd.draw_graph(loss, params=model, mode="backward")
        """),
        md(r"""
        ## Regression with ensembles: how sure is the network?

        A network's prediction is one number, with no sign of whether it has seen similar inputs. An
        **ensemble** trains several networks, each from its own random start, on the same data. Where
        there was data they agree; elsewhere each extrapolates in its own way, so the **standard
        deviation** of their predictions is a measure of uncertainty.

        The data: $y = x^3 + $ noise for 100 points with $x \in [-1, 1]$. Five networks with ReLU
        and five with tanh (one hidden layer of 100 units each), mean squared error, Adam. Then we
        look at their predictions on $[-3, 3]$.
        """),
        code("""
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
        """),
        code("""
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
            print(f"{name:4}: standard deviation {std[inside].mean():.4f} inside the training range, "
                  f"{std[~inside].mean():.4f} outside")
            assert std[~inside].mean() > 5 * std[inside].mean()
        axes[0].legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        plt.show()
        """),
        md(r"""
        Inside $[-1, 1]$ the members agree closely. Outside, the ReLU networks continue in straight
        lines of different slopes, so their spread grows with the distance from the data; the tanh
        networks bend towards constants, each its own. Either way the ensemble's standard deviation,
        tiny where there was data, warns us where the predictions are guesses.
        """),
    ]


# ======================================================================================
# 6. From nearest neighbours to softmax regression
# ======================================================================================
@notebook("06_neighbours_to_softmax.ipynb")
def neighbours_to_softmax():
    return [
        md(r"""
        # 6. From nearest neighbours to softmax regression

        Lecture 5 starts from the simplest classifier there is, $k$ nearest neighbours, then builds up
        the parametric alternative: a neuron, logistic regression fitted by maximum likelihood,
        gradients checked numerically, softmax regression for many classes, and a small network.
        The data: handwritten digits, 8×8 pixels each (`nn.load_digits()`, shipped with the package).
        """),
        code("""
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
        """),
        md(r"""
        ## $k$ nearest neighbours

        Keep every training record. To classify a new point, compute its distance to all of them, take
        the $k$ nearest and let them vote. Training is instantaneous (store the data); a prediction
        costs $O(np)$ for $n$ records of $p$ features, and the memory holds the whole training set.
        A small example, $k = 3$:
        """),
        code("""
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
        """),
        code("""
        fig, ax = plt.subplots(figsize=(4.5, 4))
        for i in nearest:
            ax.plot([query[0, 0], points[i, 0]], [query[0, 1], points[i, 1]], "k:", lw=1)
        ax.scatter(points[:, 0], points[:, 1], c=np.where(labels == 0, "C0", "C1"), s=60, edgecolors="k")
        ax.scatter(query[:, 0], query[:, 1], marker="*", s=250, c="C0", edgecolors="k")
        ax.set(aspect="equal", title="the query (star) and its 3 nearest neighbours")
        plt.show()
        """),
        md("### On the digits"),
        code("""
        digits, targets = nn.load_digits()
        digits = digits / 16.0  # pixel intensities 0..16 -> 0..1
        print(f"{digits.shape[0]} digits of {digits.shape[1]} pixels")

        fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
        for digit, ax in enumerate(axes):
            ax.imshow(digits[targets == digit][0].reshape(8, 8), cmap="gray_r")
            ax.set(xticks=[], yticks=[], title=str(digit))
        plt.show()
        """),
        md(r"""
        Lecture 2's protocol: fit on a training set, choose the settings ($k$ here) on a validation set,
        and report once on a test set that played no part in the choices.
        """),
        code("""
        X_train, y_train, X_val, y_val, X_test, y_test = nn.train_val_test_split(
            digits, targets, fractions=(0.6, 0.2, 0.2), seed=0)
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
        """),
        md(r"""
        ## A neuron: logistic regression

        A parametric model keeps a few numbers instead of the data. A neuron computes a weighted sum
        and squashes it: $z = w \cdot x + b$, $a = \sigma(z)$, read as $a = P(\text{label} = 1 \mid x)$.
        Which $w, b$ are best? The ones under which the observed labels are most likely.

        ### Maximum likelihood with coins

        A coin shows heads with probability $A$. The likelihood of tosses $y_1, \dots, y_n$
        (1 for heads) is $\prod_i A^{y_i} (1 - A)^{1 - y_i}$; the higher, the better the parameter
        explains the tosses. Products of many small numbers underflow, so we minimise the **negative
        log-likelihood** instead,

        $$-\log \mathcal L(A) = -\sum_i \big[ y_i \log A + (1 - y_i) \log(1 - A) \big],$$

        which is exactly the binary cross-entropy between the predictions $A$ and the labels $y_i$.
        Over 20 tosses a fair coin gives $20 \log 2$ whatever the tosses; if all 20 were heads,
        $A = 0.8$ gives $-20 \log 0.8$.
        """),
        code("""
        def negative_log_likelihood(A, tosses):
            return F.binary_cross_entropy(Tensor(np.full(len(tosses), A)), tosses, reduction="sum").item()


        some_tosses = np.random.default_rng(0).integers(0, 2, 20).astype(float)
        all_heads = np.ones(20)
        fair = negative_log_likelihood(0.5, some_tosses)
        biased = negative_log_likelihood(0.8, all_heads)
        print(f"fair coin, any 20 tosses:  {fair:.7f}   (20 log 2 = {20 * np.log(2):.7f})")
        print(f"A = 0.8, 20 heads:         {biased:.6f}    (-20 log 0.8 = {-20 * np.log(0.8):.6f})")
        assert round(fair, 7) == 13.8629436 and round(biased, 6) == 4.462871
        """),
        md(r"""
        The best $A$ minimises the negative log-likelihood. Setting its derivative to zero gives the
        fraction of heads; gradient descent with the engine finds it too, here for 14 heads in 20:
        """),
        code("""
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
        """),
        md(r"""
        ### Logistic regression, one example at a time

        The same loss for a neuron: the prediction is $a = \sigma(w \cdot x + b)$ instead of a constant
        $A$. The chain rule, one local derivative per step (for a label $y = 1$,
        $\partial L/\partial a = -1/a$):

        $$\frac{\partial L}{\partial a} = \frac{a - y}{a(1 - a)}, \qquad \frac{\partial a}{\partial z} = a(1 - a),
          \qquad \frac{\partial z}{\partial w_i} = x_i, \qquad \frac{\partial z}{\partial b} = 1
          \quad\Longrightarrow\quad \frac{\partial L}{\partial w_i} = (a - y)\, x_i.$$

        We tell 3s from 8s (label 1 for an 8).
        """),
        code("""
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
        print("engine's dL/dw == (a - y) x:", np.allclose(w.grad.data, (a0 - y0) * x0), "   dL/db == a - y:",
              np.isclose(b.grad.item(), a0 - y0))
        assert np.allclose(w.grad.data, (a0 - y0) * x0) and np.isclose(b.grad.item(), a0 - y0)
        """),
        md(r"""
        ### Gradient checking

        The lecture checks a gradient with the one-sided difference
        $\frac{\partial L}{\partial w} \approx \frac{L(w + \delta) - L(w)}{\delta}$, one weight at a time: slow
        (one extra forward pass per weight) and approximate (its error shrinks like $\delta$), but it
        needs nothing but the loss, so it catches a wrong backward. `autograd.gradcheck` uses the
        central difference $\frac{L(w + \delta) - L(w - \delta)}{2\delta}$ (error like $\delta^2$) on every
        element, in float64.
        """),
        code("""
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
            print(f"delta {delta:.0e}: one-sided {one_sided:.10f} (error {abs(one_sided - w.grad.data[i]):.1e}),"
                  f" central {central:.10f} (error {abs(central - w.grad.data[i]):.1e})")

        print("gradcheck over all 64 weights and the bias:",
              autograd.gradcheck(lambda w, b: logistic_loss(w, b, x0, y0), (w, b)))
        """),
        md(r"""
        Now **stochastic gradient descent**: one example per step, in a fresh random order every epoch.
        After each epoch the validation accuracy tells us how it goes.
        """),
        code("""
        def accuracy_3_or_8(X, y):
            with autograd.no_grad():
                return (((Tensor(X) @ w + b).data > 0) == y).mean()  # a > 1/2 exactly when z > 0


        optimiser = nn.optim.SGD([w, b], lr=0.1)
        order = np.random.default_rng(1)
        val_accuracies = []
        for epoch in tqdm(range(5), desc="epochs"):
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
        """),
        md(r"""
        The learnt weights, shown as an image: pixels where an 8 has ink and a 3 has not (the left
        half, where a 3 is open) have positive weights and speak for an 8; negative ones speak for a 3.
        """),
        code("""
        fig, ax = plt.subplots(figsize=(2.6, 2.6))
        limit = np.abs(w.data).max()
        ax.imshow(w.data.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set(xticks=[], yticks=[], title="w: red = 8, blue = 3")
        plt.show()
        """),
        md(r"""
        ## Softmax regression: ten classes

        One neuron per class: $W$ is $c \times p$ (10 × 64), the scores $z = W x + b$, the probabilities
        $a = \operatorname{softmax}(z)$, the loss the cross-entropy. Every probability depends on every
        score; the softmax's Jacobian is

        $$\frac{\partial a_i}{\partial z_j} = \begin{cases} a_i (1 - a_i) & i = j \\ -a_i a_j & i \ne j, \end{cases}$$

        which the engine reproduces, row by row, with one backward pass per output:
        """),
        code("""
        model = nn.Linear(64, 10)
        z = model(Tensor(X_train[:1]))[0]
        a = F.softmax(z)
        jacobian = np.stack([autograd.grad(a[i], z, retain_graph=True)[0].data for i in range(10)])
        formula = np.diag(a.data) - np.outer(a.data, a.data)
        print(f"largest difference, engine's Jacobian vs the formula: {np.abs(jacobian - formula).max():.1e}")
        assert np.allclose(jacobian, formula)
        """),
        md(r"""
        Training uses mini-batches of 64 digits (`nn.DataLoader`, reshuffled every epoch), and the
        validation set decides when to stop: we keep the parameters of the epoch with the best
        validation accuracy (`state_dict`), then measure the test accuracy once. The same function
        trains softmax regression and a network with a hidden layer of 32 ReLUs.
        """),
        code("""
        def fit(model, epochs=30, lr=0.5, name="model"):
            optimiser = nn.optim.SGD(model.parameters(), lr=lr)
            loader = nn.DataLoader(X_train, y_train, batch_size=64, shuffle=True, seed=0)
            best, curve = (0.0, None), []
            for epoch in tqdm(range(epochs), desc=name):
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
            print(f"{name}: best validation accuracy {best[0]:.1%} (epoch {curve.index(best[0]) + 1}), "
                  f"test accuracy {test:.1%}")
            return curve, test


        results = {
            "softmax regression": fit(nn.Linear(64, 10), name="softmax regression"),
            "network, 32 ReLUs": fit(nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)),
                                     name="network, 32 ReLUs"),
        }
        assert all(test >= 0.9 for _, test in results.values())
        """),
        code("""
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for name, (curve, test) in results.items():
            ax.plot(range(1, len(curve) + 1), curve, label=f"{name} (test {test:.1%})")
        ax.axhline(knn_test, color="grey", ls="--", label=f"{best_k}-nearest neighbours (test {knn_test:.1%})")
        ax.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0.85, 1.0), title="handwritten digits")
        ax.legend(fontsize=8, loc="lower right")
        plt.show()
        """),
        md(r"""
        The nearest-neighbour classifier is hard to beat on these small, clean images, but it keeps
        all 1,078 training digits and compares every query with each of them. Softmax regression
        keeps 650 numbers ($10 \times 64$ weights and 10 biases) and a prediction is one matrix product;
        the hidden layer buys about a point of accuracy for 2,410 numbers.
        """),
    ]


# ======================================================================================
# 7. Extending the engine
# ======================================================================================
@notebook("07_extending_the_engine.ipynb")
def extending_the_engine():
    return [
        md(r"""
        # 7. Extending the engine: your own operation

        Every built-in operation is a subclass of `autograd.Function` with two static methods:

        * `forward(ctx, *inputs)` computes the result (NumPy is fine here) and keeps what backward
          needs with `ctx.save_for_backward(...)`;
        * `backward(ctx, grad)` receives $\partial L/\partial \text{out}$ and returns
          $\partial L/\partial \text{input}$ for every input (`None` for one that needs none).

        A Function of yours goes through the same path as the built-in ones: it appears in the
        drawings, `gradcheck` checks it, and if its backward is written with Tensor operations it can
        be differentiated again (double backward). Our example is **softplus**, a smooth ReLU:

        $$f(x) = \log(1 + e^x), \qquad f'(x) = \frac{e^x}{1 + e^x} = \sigma(x), \qquad
          f''(x) = \sigma(x)(1 - \sigma(x)).$$
        """),
        code("""
        import numpy as np
        from hypothesis import given, settings
        from hypothesis import strategies as st

        import autograd
        from autograd import Tensor
        from autograd.testing import arrays, broadcastable_shapes, shapes, tensors
        """),
        md(r"""
        ## Define it

        `np.logaddexp(0, x)` $= \log(e^0 + e^x)$ computes softplus without overflowing for large $x$.
        The backward uses only Tensor operations (`*`, `sigmoid`), so it is itself recorded when a
        graph of the gradient is asked for.
        """),
        code('''
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
        '''),
        md("## Use it"),
        code("""
        x = Tensor([-2.0, 0.0, 3.0, 800.0], requires_grad=True)
        y = softplus(x)
        y.sum().backward()
        print("softplus(x) =", y)
        print("x.grad      =", x.grad)
        print("sigmoid(x)  =", x.detach().sigmoid())
        assert np.allclose(y.data, [np.log1p(np.exp(-2.0)), np.log(2.0), np.log1p(np.exp(3.0)), 800.0])
        assert np.allclose(x.grad.data, x.detach().sigmoid().data)
        """),
        md("""
        ## Draw it

        A one-neuron model with softplus as its activation; `params` names the weight and the bias.
        In the backward drawing our operation has its own step, `SoftplusBackward`, like any
        built-in one.
        """),
        code("""
        w = Tensor([[0.5, -1.0]], requires_grad=True)
        b = Tensor([0.2], requires_grad=True)
        inputs = Tensor([[1.0, 2.0], [3.0, -1.0]])
        out = softplus(inputs @ w.T + b).mean()
        autograd.draw_graph(out, params={"w": w, "b": b})
        """),
        code("""
        autograd.draw_graph(out, mode="backward", params={"w": w, "b": b})
        """),
        md(r"""
        ## Check it

        `autograd.gradcheck` compares the backward with central differences,
        $\frac{f(x + \epsilon) - f(x - \epsilon)}{2\epsilon}$, element by element, in float64.
        `autograd.gradgradcheck` does the same for the second derivatives.
        """),
        code("""
        xs = Tensor(np.linspace(-3, 3, 7), requires_grad=True)
        print("gradcheck:    ", autograd.gradcheck(softplus, (xs,)))
        print("gradgradcheck:", autograd.gradgradcheck(softplus, (xs,)))
        """),
        md(r"""
        A wrong backward does not slip through. Suppose we forgot the chain rule's incoming `grad`, and
        wrote $\sigma(x)$ alone: the check fails, naming the input, the element and both values.
        """),
        code("""
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
        """),
        md(r"""
        ## Double backward

        `autograd.grad(..., create_graph=True)` records the backward pass itself, so the gradient is a
        Tensor with a graph of its own. Differentiating it again gives $f''(x) = \sigma(x)(1 - \sigma(x))$.
        """),
        code("""
        (first,) = autograd.grad(softplus(xs).sum(), xs, create_graph=True)
        (second,) = autograd.grad(first.sum(), xs)
        s = 1 / (1 + np.exp(-xs.data))
        print("f'(x)  =", np.round(first.data, 4))
        print("f''(x) =", np.round(second.data, 4))
        assert np.allclose(first.data, s) and np.allclose(second.data, s * (1 - s))
        """),
        md("The first derivative's own graph: the backward of `Softplus` became forward operations."),
        code("""
        autograd.draw_graph(first.sum(), params={"x": xs})
        """),
        md(r"""
        ## Property tests with hypothesis

        One example proves little. `autograd.testing` has [hypothesis](https://hypothesis.readthedocs.io)
        strategies that draw shapes, arrays and Tensors (including strided, non-contiguous ones), so a
        property can be checked on many random inputs. Below, three properties of softplus:

        1. its gradient passes `gradcheck` for any shape and values;
        2. $f(x) - f(-x) = x$ (because $\log\frac{1 + e^x}{1 + e^{-x}} = x$);
        3. in a broadcasting product `softplus(a) * b`, each gradient has its own input's shape.

        A `@given` test is an ordinary function: calling it runs the examples, and it raises with
        the smallest failing input if one breaks the property. The settings fix the random seed
        (`derandomize=True`) so the notebook runs the same every time.
        """),
        code("""
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
        """),
        md("""
        The same functions, with their `test_` names, run under `pytest` in a project's test suite.
        To see a property fail, break it: the broken softplus above fails the first test at once,
        and hypothesis reports the simplest input it found.
        """),
        code("""
        @reproducible
        @given(tensors(shape=shapes(max_dims=2)))
        def test_broken_gradcheck(x):
            assert autograd.gradcheck(lambda t: 3 * BrokenSoftplus.apply(t), (x,))


        try:
            test_broken_gradcheck()
        except autograd.GradcheckError as error:
            print("hypothesis found a counterexample:", error)
        """),
    ]


# ======================================================================================
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="build only the notebooks whose file name starts with one of these")
    parser.add_argument("--no-execute", action="store_true", help="write the cells without running them")
    args = parser.parse_args(argv)
    chosen = [name for name in NOTEBOOKS if not args.names or any(name.startswith(p) for p in args.names)]
    if not chosen:
        parser.error(f"no notebook matches {args.names}; there are {sorted(NOTEBOOKS)}")
    for filename in chosen:
        nb = build(filename)
        start = time.perf_counter()
        if not args.no_execute:
            execute(nb)
        nbformat.validate(nb)
        nbformat.write(nb, HERE / filename)
        took = "" if args.no_execute else f" ran in {time.perf_counter() - start:.1f} s"
        print(f"{filename}{took}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
