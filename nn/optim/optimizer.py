"""The optimiser base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

Every optimiser keeps its parameters in ``param_groups`` (a list of dicts: ``"params"`` plus
the group's settings) and per-parameter state (moment estimates, step counts) in
``state[p]``, NumPy arrays and numbers. A subclass writes ``step`` (the update rule) and
says which state entries its rule keeps (``_state_keys``), which ``load_state_dict`` checks.

``state_dict()`` has PyTorch's structure, with parameters named by their position (counted
across groups, in order), so it holds no Tensors and ``nn.save`` can store it::

    {"state": {0: {"momentum_buffer": array(...)}, ...},
     "param_groups": [{"lr": 0.1, "momentum": 0.9, ..., "params": [0, 1]}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np

from autograd import Tensor
from autograd.function import note_write

__all__ = ["Optimizer"]


def setting(group, name, where, minimum=None, maximum=None, rule=None):
    """``group[name]`` as a float if it is a real number within the bounds (a NumPy scalar or
    a 0-d array counts; a bool does not), else ``ValueError`` ``"<where>: Invalid <name>: ..."``.
    The float is written back, so settings given as NumPy scalars behave as Python floats.

    >>> group = {"lr": np.float32(0.5), "momentum": -1.0}
    >>> setting(group, "lr", "SGD", minimum=0), type(group["lr"]).__name__
    (0.5, 'float')
    >>> setting(group, "momentum", "SGD", minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: SGD: Invalid momentum: momentum must be a number >= 0, got -1.0
    """
    value = group[name]
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu":
        value = value.item()
    ok = isinstance(value, Real) and not isinstance(value, bool) and value == value
    ok = ok and (minimum is None or value >= minimum) and (maximum is None or value < maximum)
    if not ok:
        if rule is None:
            rule = "a number" if minimum is None else f"a number >= {minimum:g}"
        raise ValueError(f"{where}: Invalid {name}: {name} must be {rule}, got {group[name]!r}")
    group[name] = int(value) if isinstance(value, Integral) and name != "lr" else float(value)
    return group[name]


class Optimizer:
    """Base class: holds parameter groups and per-parameter state; subclasses write ``step``.

    ``params`` is an iterable of Tensors that require grad (``model.parameters()``) or of
    dicts ``{"params": [...], "lr": ...}`` (parameter groups with their own settings;
    missing settings come from ``defaults``).

    >>> import nn
    >>> model = nn.Linear(2, 1)
    >>> opt = nn.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.01]
    """

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors (e.g. model.parameters()), not a single Tensor")
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list: did the model register its Parameters?")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a dict ``{"params": [...], setting: value, ...}``; unset settings take the defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError("a parameter group is a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for index, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer: parameter {index} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:
                raise ValueError(f"optimizer: parameter {index} (shape {p.shape}) is not a leaf; optimise leaves only")
            if id(p) in seen:
                raise ValueError(f"optimizer: parameter {index} (shape {p.shape}) appears in more than one group")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {sorted(unknown)} in a parameter group")
        full = {**self.defaults, **group, "params": params}
        self._validate(full)
        self.param_groups.append(full)

    def _validate(self, group):
        """Raise ValueError naming any invalid setting of ``group`` (and normalise numbers)."""

    def _state_keys(self, group):
        """The entries ``state[p]`` holds for a parameter of ``group`` once it has been updated."""
        return set()

    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient before the next backward.

        With ``set_to_none=True`` (the default, as in PyTorch) each ``p.grad`` becomes ``None``,
        so a parameter that the next backward does not reach is skipped by ``step``; with
        ``False`` each existing gradient becomes a new Tensor of zeros (never zeroed in place:
        a gradient array may be shared).

        >>> import nn
        >>> w = nn.Parameter([1.0, 2.0])
        >>> opt = nn.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.zero_grad(set_to_none=False)
        >>> w.grad
        Tensor([0., 0.])
        >>> opt.zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = Tensor(np.zeros_like(p.grad.data))

    def step(self):
        """Update every parameter that has a gradient (subclasses define the rule)."""
        raise NotImplementedError(f"{type(self).__name__} must define step()")

    def _with_grads(self, group):
        """``(p, g)`` for each parameter of ``group`` that has a gradient, ``g`` a NumPy array of
        ``p``'s dtype; a gradient of another shape (a hand-set ``.grad``) raises ``ValueError``
        rather than being broadcast into the update."""
        group_index = next(i for i, g in enumerate(self.param_groups) if g is group)
        for index, p in enumerate(group["params"]):
            if p.grad is None:
                continue
            g = np.asarray(p.grad.data, dtype=p.data.dtype)
            if g.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.step: parameter {index} of group {group_index} has shape {p.shape} "
                    f"but its .grad has shape {g.shape}; a gradient must have its parameter's shape "
                    "(was .grad set by hand?)"
                )
            note_write(p)  # the step writes p.data in place: a stale graph must not backward through it
            yield p, g

    # ---- state dicts ----------------------------------------------------------------------

    def state_dict(self):
        """The optimiser's state as plain data: ``{"state": {index: {...}}, "param_groups": [...]}``.

        Parameters are named by their position across all groups, in order; ``"state"`` holds
        copies of the per-parameter arrays and numbers (later steps do not change a state dict
        already taken), and each group its settings and ``"params"``, its parameters' positions.
        ``nn.save`` stores it and ``load_state_dict`` restores it into an optimiser made for the
        same parameters.

        >>> import nn
        >>> w = nn.Parameter([1.0, 2.0])
        >>> opt = nn.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> opt.state_dict()["state"]
        {0: {'momentum_buffer': array([2., 4.])}}
        >>> opt.state_dict()["param_groups"][0]["params"]
        [0]
        """
        positions = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [positions.setdefault(id(p), len(positions)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[positions[id(p)]] = {key: _copy(value) for key, value in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()`` taken from an optimiser of the same kind on parameters of
        the same shapes: settings (learning rates included) and per-parameter state are replaced,
        arrays copied and cast to each parameter's dtype.

        Raises ``ValueError`` naming the problem when the numbers of groups or of parameters per
        group differ, a group lacks one of this optimiser's settings or a parameter's state
        lacks an entry this rule keeps (a state dict of another optimiser), or an array's shape
        is not its parameter's.

        >>> import nn
        >>> w = nn.Parameter([1.0, 2.0])
        >>> opt = nn.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> fresh = nn.optim.Adam([w])
        >>> fresh.load_state_dict(opt.state_dict())
        >>> fresh.param_groups[0]["lr"], fresh.state[w]["step"]
        (0.1, 1)
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping) or not {"state", "param_groups"} <= set(state_dict):
            raise TypeError(
                f"{where}: expected a mapping with 'state' and 'param_groups' (from optimizer.state_dict()), "
                f"got {type(state_dict).__name__}"
            )
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: the state has {len(saved_groups)} parameter group(s), "
                f"this optimiser {len(self.param_groups)}"
            )
        by_position, new_groups = {}, []
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            saved_params = list(saved["params"])
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"{where}: group {index} has {len(group['params'])} parameter(s) here but "
                    f"{len(saved_params)} in the state"
                )
            missing = sorted(set(self.defaults) - set(saved))
            if missing:
                raise ValueError(
                    f"{where}: group {index} of the state has no setting(s) {missing}: "
                    f"was it saved from another optimiser than {type(self).__name__}?"
                )
            new_group = {key: value for key, value in saved.items() if key != "params"}
            new_group["params"] = group["params"]
            self._validate(new_group)
            new_groups.append(new_group)
            for position, p in zip(saved_params, group["params"]):
                by_position[int(position)] = (p, new_group)
        new_state = {}
        for position, entries in state_dict["state"].items():
            if int(position) not in by_position:
                raise ValueError(f"{where}: the state has an entry for parameter {position}, which no group holds")
            p, group = by_position[int(position)]
            expected = self._state_keys(group)
            if set(entries) != expected:
                raise ValueError(
                    f"{where}: parameter {position} has state {sorted(entries)} but {type(self).__name__} "
                    f"with these settings keeps {sorted(expected)}: was it saved from another optimiser?"
                )
            new_state[p] = {key: _restore(value, p, key, position, where) for key, value in entries.items()}
        self.param_groups[:] = new_groups
        self.state = new_state

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {value}" for key, value in sorted(group.items()) if key != "params")
        return "\n".join(lines + [")"])


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _restore(value, p, key, position, where):
    """A saved state entry as the optimiser keeps it: arrays copied in the parameter's dtype."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0 and key == "step"):
        value = value.item()
    if not isinstance(value, np.ndarray):
        return int(value) if key == "step" else value
    if value.shape != p.shape:
        raise ValueError(
            f"{where}: state {key!r} of parameter {position} has shape {value.shape}, the parameter {p.shape}"
        )
    return np.array(value, dtype=p.data.dtype)
