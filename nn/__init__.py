"""nn: neural networks built only on ``autograd``'s public API.

Modules (``Linear``, activations, losses) hold Parameters and call the functions of
:mod:`nn.functional`; :mod:`nn.optim` updates the parameters; :mod:`nn.init` initialises
them; :mod:`nn.utils` clips gradients; :mod:`nn.data` provides the lectures' data sets.

>>> import autograd, nn
>>> model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
>>> loss = nn.CrossEntropyLoss()(model(autograd.Tensor([[0.5, -1.0]])), [2])
>>> loss.backward()
>>> model[0].weight.grad.shape
(8, 2)
"""

from . import data, functional, init, optim, utils
from .activations import ELU, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from .data import DataLoader, load_digits, load_iris, make_moons, make_spiral, train_val_test_split
from .layers import Dropout, Flatten, Identity, Linear, Maxout
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Parameter, Sequential
from .neighbors import KNeighborsClassifier
from .scalar_nets import Neuron, ScalarLayer, ScalarMLP, ScalarModule
from .serialization import load, save

__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "Linear",
    "Identity",
    "Flatten",
    "Dropout",
    "Maxout",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Step",
    "MSELoss",
    "L1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "functional",
    "init",
    "optim",
    "utils",
    "data",
    "DataLoader",
    "load_digits",
    "load_iris",
    "make_moons",
    "make_spiral",
    "train_val_test_split",
    "KNeighborsClassifier",
    "ScalarModule",
    "Neuron",
    "ScalarLayer",
    "ScalarMLP",
    "save",
    "load",
]
