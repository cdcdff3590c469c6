"""Networks of Scalars: a neuron, a layer of neurons and a multi-layer perceptron, one float per node.

The building blocks of a network as the lectures draw it, neuron by neuron: every weight and
bias is an :class:`autograd.Scalar`, so the graph of a prediction has one node per number and
:func:`autograd.draw_graph` shows every multiplication, every sum and every local derivative.
They are slow next to ``nn.Linear`` (a Python object per number), which is the point: nothing is
hidden in a matrix product. The Tensor layers (``nn.Linear``, ``nn.Sequential``) compute the
same functions on whole batches.

The names: ``Neuron`` is the lectures' word and has no Tensor twin; ``ScalarLayer`` and
``ScalarMLP`` say Scalar because ``nn`` also has Tensor layers.

Initialisation as ``nn.Linear``'s: every weight and bias uniform in
``(-1/sqrt(n_in), 1/sqrt(n_in))``, drawn from ``generator`` (a ``numpy.random.Generator``, or an
int seeding a new one), else from ``nn.init``'s default generator, which ``nn.init.manual_seed``
re-seeds.

>>> import nn
>>> model = nn.ScalarMLP(2, [16, 16, 1], generator=0)
>>> len(model.parameters())  # (2*16 + 16) + (16*16 + 16) + (16 + 1)
337
>>> score = model([0.5, -1.0])  # one output neuron: a Scalar
>>> model.zero_grad()
>>> score.backward()  # d score / d p into every parameter's grad
>>> last = model.layers[-1].neurons[0]
>>> last.b.label, last.b.grad  # the output has no activation: d score / d b = 1
('2.0.b', 1.0)
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from autograd import Scalar

from . import checks, init

__all__ = ["ScalarModule", "Neuron", "ScalarLayer", "ScalarMLP"]

_ACTIVATIONS = ("relu", "tanh", "sigmoid", None)  # methods of Scalar; None: no activation


def _generator(generator):
    if generator is None:
        return init.default_generator()
    return np.random.default_rng(generator)  # an int seeds a new generator; a Generator is used as is


class ScalarModule:
    """What the Scalar networks share: their parameters, by name, and ``zero_grad``.

    A subclass defines ``named_parameters()``, yielding ``(dotted name, Scalar)`` pairs as
    ``nn.Module`` does; ``draw_graph(..., params=model)`` names the parameters by it.

    >>> import nn
    >>> neuron = nn.Neuron(2, generator=0)
    >>> [name for name, _ in neuron.named_parameters()]
    ['w1', 'w2', 'b']
    """

    def named_parameters(self):
        """Yield ``(dotted name, Scalar)`` for every weight and bias; each network defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define named_parameters()")

    def parameters(self):
        """Every weight and bias, a list of Scalars in a fixed order."""
        return [parameter for _, parameter in self.named_parameters()]

    def zero_grad(self):
        """Set every parameter's ``grad`` to 0.0: Scalar gradients add up over backward calls."""
        for parameter in self.parameters():
            parameter.grad = 0.0


class Neuron(ScalarModule):
    """One neuron: ``a = phi(w_1 x_1 + ... + w_n x_n + b)``.

    ``activation`` is ``phi``: ``"relu"`` (the default), ``"tanh"``, ``"sigmoid"``, or ``None``
    for none (``a = z``, a linear neuron). The gradients the engine computes are the chain rule
    through it: ``da/dw_i = phi'(z) x_i``, ``da/db = phi'(z)``, ``da/dx_i = phi'(z) w_i``.
    Its parameters are ``w``, a list of ``n_in`` Scalars labelled ``w1``, ``w2``, ..., and ``b``.

    >>> import nn
    >>> neuron = nn.Neuron(2, activation="sigmoid", generator=0)
    >>> neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -1.0, 0.25
    >>> a = neuron([2.0, 1.0])  # z = 0.5*2 - 1*1 + 0.25 = 0.25
    >>> round(a.data, 4)  # sigmoid(0.25)
    0.5622
    >>> a.backward()
    >>> round(neuron.w[0].grad, 4), round(neuron.b.grad, 4)  # a(1 - a) x_1, a(1 - a)
    (0.4923, 0.2461)
    """

    def __init__(self, n_in, activation="relu", generator=None):
        self.n_in = checks.integer(n_in, "n_in", "Neuron")
        self.activation = checks.one_of(activation, _ACTIVATIONS, "activation", "Neuron")
        bound = 1.0 / math.sqrt(self.n_in)
        values = _generator(generator).uniform(-bound, bound, size=self.n_in + 1)
        self.w = [Scalar(value, label=f"w{i + 1}") for i, value in enumerate(values[:-1])]
        self.b = Scalar(values[-1], label="b")

    def __call__(self, x):
        x = _inputs(x, self.n_in, "Neuron")
        z = self.b
        for w_i, x_i in zip(self.w, x):
            z = z + w_i * x_i
        return z if self.activation is None else getattr(z, self.activation)()

    def named_parameters(self):
        for i, w_i in enumerate(self.w):
            yield f"w{i + 1}", w_i
        yield "b", self.b

    def __repr__(self):
        return f"Neuron(n_in={self.n_in}, activation={self.activation!r})"


class ScalarLayer(ScalarModule):
    """``n_out`` neurons that read the same ``n_in`` inputs: ``a_j = phi(sum_i w_ji x_i + b_j)``.

    Calling it returns a list of ``n_out`` Scalars, one per neuron (``neurons[j]``); its
    parameters are named, and labelled for drawings, ``"j.w1"``, ..., ``"j.b"``.

    >>> import nn
    >>> layer = nn.ScalarLayer(3, 2, activation="tanh", generator=0)
    >>> out = layer([1.0, 2.0, 3.0])
    >>> len(out), len(layer.parameters())  # 2 neurons of 3 weights and a bias
    (2, 8)
    """

    def __init__(self, n_in, n_out, activation="relu", generator=None):
        n_in, n_out = checks.integer(n_in, "n_in", "ScalarLayer"), checks.integer(n_out, "n_out", "ScalarLayer")
        checks.one_of(activation, _ACTIVATIONS, "activation", "ScalarLayer")
        generator = _generator(generator)  # one stream for every neuron: seed 0 gives one network
        self.neurons = [Neuron(n_in, activation=activation, generator=generator) for _ in range(n_out)]
        self.n_in, self.n_out, self.activation = n_in, n_out, activation
        _label(self)

    def __call__(self, x):
        x = _inputs(x, self.n_in, "ScalarLayer")
        return [neuron(x) for neuron in self.neurons]

    def named_parameters(self):
        for j, neuron in enumerate(self.neurons):
            for name, parameter in neuron.named_parameters():
                yield f"{j}.{name}", parameter

    def __repr__(self):
        return f"ScalarLayer(n_in={self.n_in}, n_out={self.n_out}, activation={self.activation!r})"


class ScalarMLP(ScalarModule):
    """A multi-layer perceptron of Scalar layers: ``n_in`` inputs, then one layer per entry of ``sizes``.

    Every layer but the last applies ``activation``; the last has none, so its outputs are
    scores (logits) for a loss to read, as in ``Linear -> ReLU -> ... -> Linear``:
    ``f(x) = W_L phi(... phi(W_1 x + b_1) ...) + b_L``. Calling it returns the last layer's
    outputs: a Scalar when the last layer has one neuron (a score to threshold at 0), else a
    list. Parameters are named, and labelled for drawings, ``"k.j.w1"``: layer ``k``, neuron
    ``j``, weight 1.

    >>> import nn
    >>> model = nn.ScalarMLP(2, [4, 3], generator=0)
    >>> model
    ScalarMLP(n_in=2, sizes=[4, 3], activation='relu')
    >>> len(model([1.0, -1.0])), [name for name, _ in model.named_parameters()][:3]
    (3, ['0.0.w1', '0.0.w2', '0.0.b'])
    """

    def __init__(self, n_in, sizes, activation="relu", generator=None):
        n_in = checks.integer(n_in, "n_in", "ScalarMLP")
        if not isinstance(sizes, (list, tuple)) or not sizes:
            raise ValueError(
                f"ScalarMLP: sizes must be a non-empty list of layer sizes, such as [16, 16, 1], got {sizes!r}"
            )
        sizes = [checks.integer(size, f"sizes[{k}]", "ScalarMLP") for k, size in enumerate(sizes)]
        checks.one_of(activation, _ACTIVATIONS, "activation", "ScalarMLP")
        generator = _generator(generator)
        ins = [n_in, *sizes[:-1]]
        last = len(sizes) - 1
        self.layers = [
            ScalarLayer(a, b, activation=None if k == last else activation, generator=generator)
            for k, (a, b) in enumerate(zip(ins, sizes))
        ]
        self.n_in, self.sizes, self.activation = n_in, sizes, activation
        _label(self)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def named_parameters(self):
        for k, layer in enumerate(self.layers):
            for name, parameter in layer.named_parameters():
                yield f"{k}.{name}", parameter

    def __repr__(self):
        return f"ScalarMLP(n_in={self.n_in}, sizes={self.sizes}, activation={self.activation!r})"


def _label(module):
    """Label every parameter with its dotted name, so that a drawing of the graph names it."""
    for name, parameter in module.named_parameters():
        parameter.label = name


def _inputs(x, n_in, where):
    """``x`` as a list of ``n_in`` numbers and Scalars (a NumPy row is fine), else a teaching error."""
    if isinstance(x, (Scalar, Real)) or not hasattr(x, "__len__"):
        raise TypeError(f"{where}: x must be a list of {n_in} numbers or Scalars (one sample), got {x!r}")
    if len(x) != n_in:
        raise ValueError(f"{where}: x must be a list of {n_in} numbers or Scalars (one sample), got {len(x)} values")
    return [value if isinstance(value, Scalar) else float(value) for value in x]  # NumPy numbers too
