"""nn.optim: optimisers (SGD, Adam, AdamW, RMSprop, Adagrad) and learning-rate schedules, as in ``torch.optim``.

An optimiser holds the parameters it updates (``param_groups``) and its per-parameter state;
``step()`` applies its rule to every parameter that has a gradient and ``zero_grad()`` clears
the gradients. ``state_dict()``/``load_state_dict()`` save and restore the whole optimiser
(settings and state) as plain data that ``nn.save`` can store. :mod:`nn.optim.lr_scheduler`
changes the learning rates as training goes on.

>>> import autograd, nn
>>> model = nn.Linear(3, 1)
>>> opt = nn.optim.AdamW(model.parameters(), lr=1e-2)
>>> schedule = nn.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
>>> for epoch in range(20):
...     opt.zero_grad()
...     model(autograd.Tensor([[1.0, 2.0, 3.0]])).sum().backward()
...     opt.step()
...     schedule.step()
>>> schedule.get_last_lr()
[0.0025]
"""

from . import lr_scheduler
from .optimizer import Optimizer
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
