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
from .activations import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Step,
    Tanh,
)
from .conv import Conv1d, Conv2d
from .data import DataLoader, load_digits, load_iris, make_moons, make_spiral, train_val_test_split
from .embedding import Embedding
from .layers import Dropout, Flatten, Identity, Linear, Maxout, Unflatten
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Parameter, Sequential
from .neighbors import KNeighborsClassifier
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, Upsample
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
    "Unflatten",
    "Dropout",
    "Maxout",
    "Conv1d",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "Upsample",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "Embedding",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Step",
    "GELU",
    "SiLU",
    "Softplus",
    "Hardtanh",
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
