"""Module, Parameter and the two containers, Sequential and ModuleList.

A Module owns Parameters and child Modules. Assigning one to an attribute registers it (as
PyTorch does, in ``__setattr__``), so ``parameters()``, ``state_dict()``, ``zero_grad()``,
``train()`` and the printed tree find everything without the user listing it. Calling a
module runs ``forward`` inside a scope frame (``autograd.viz.scope.enter_scope(module)``), which tags the graph nodes
it makes so a drawing can collapse each module call into one box.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from autograd import Tensor, get_default_dtype, no_grad
from autograd.function import note_write
from autograd.viz.scope import enter_scope, exit_scope

__all__ = ["Parameter", "Module", "Sequential", "ModuleList"]


class Parameter(Tensor):
    """A Tensor that a Module registers as one of its learnable values: ``requires_grad=True``.

    ``Parameter(data)`` copies ``data`` (a number, list, array or Tensor). Python numbers and
    lists become the default float dtype (float64 unless ``autograd.set_default_dtype``
    changed it); float arrays keep their dtype. Integer arrays are rejected: a gradient step
    needs floats.

    >>> import nn
    >>> w = nn.Parameter([[1, 2], [3, 4]])
    >>> w.requires_grad, w.dtype, w.shape
    (True, dtype('float64'), (2, 2))
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        if isinstance(data, Tensor):
            data = data.data
        from_python = not isinstance(data, (np.ndarray, np.generic))
        array = np.array(data)
        if from_python and array.dtype.kind in "iub":
            array = array.astype(get_default_dtype())
        if array.dtype.kind != "f":
            raise TypeError(
                f"Parameter: data must be floating point, got dtype {array.dtype}; "
                "convert it first, e.g. Parameter(np.asarray(data, dtype=np.float64))"
            )
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


_LoadResult = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _indent(text, spaces=2):
    """Indent every line of ``text`` but the first (nested module reprs)."""
    lines = text.split("\n")
    return "\n".join(lines[:1] + [" " * spaces + line for line in lines[1:]])


class Module:
    """Base class of every layer and model: subclass it, assign parts in ``__init__``, write ``forward``.

    Parameters and Modules assigned as attributes are registered: ``parameters()`` yields
    them all, recursively, and ``state_dict()`` names them with dotted paths (``0.weight``).
    Call the module (``model(x)``), not ``forward``, so the call is recorded as one scope
    of the graph.

    >>> import autograd, nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()  # must come before assigning parameters
    ...         self.scale = nn.Parameter([2.0])
    ...         self.shift = nn.Parameter([1.0])
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> model = Affine()
    >>> model(autograd.Tensor([1.0, 2.0]))
    Tensor([3., 5.], grad_fn=<AddBackward>)
    >>> [name for name, _ in model.named_parameters()]
    ['scale', 'shift']
    """

    def __init__(self):
        # object.__setattr__ because our __setattr__ needs these dicts to exist already
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "training", True)

    # -- registration ---------------------------------------------------------------------
    def _registry(self, kind, name):
        registry = self.__dict__.get(kind)
        if registry is None:
            raise AttributeError(
                f"cannot assign {name!r} to {type(self).__name__} before Module.__init__() ran: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        return registry

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self.add_module(name, value)
        elif name in self.__dict__.get("_parameters", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to {name!r}, a parameter of "
                    f"{type(self).__name__}: assign an nn.Parameter (or None)"
                )
            self._parameters[name] = None
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to {name!r}, a child module of "
                    f"{type(self).__name__}: assign an nn.Module (or None)"
                )
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = _buffer_value(value, name, type(self).__name__)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only reached when normal lookup failed: the registered parts live in the two dicts
        for kind in ("_parameters", "_modules", "_buffers"):
            registry = self.__dict__.get(kind)
            if registry is not None and name in registry:
                return registry[name]
        hint = ""
        if "_parameters" not in self.__dict__:
            hint = f" (did {type(self).__name__}.__init__ forget to call super().__init__()?)"
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}{hint}")

    def __delattr__(self, name):
        for kind in ("_parameters", "_modules", "_buffers"):
            registry = self.__dict__.get(kind)
            if registry is not None and name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules) | set(self._buffers))

    def register_parameter(self, name, param):
        """Register ``param`` (a :class:`Parameter` or ``None``) under ``name``; ``setattr`` does this for you."""
        registry = self._registry("_parameters", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter({name!r}): expected an nn.Parameter or None, got {type(param).__name__}"
            )
        self._check_name(name)
        self.__dict__.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        registry[name] = param

    def add_module(self, name, module):
        """Register ``module`` (a :class:`Module` or ``None``) as a child under ``name``."""
        registry = self._registry("_modules", str(name))
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): expected an nn.Module or None, got {type(module).__name__}")
        name = str(name)
        self._check_name(name)
        self.__dict__.pop(name, None)
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        registry[name] = module

    def register_buffer(self, name, tensor, persistent=True):
        """Register ``tensor`` (a Tensor, an array, or ``None``) as a buffer: state that is not learnt.

        A buffer (BatchNorm's ``running_mean``) is saved and loaded with the parameters (in
        ``state_dict``, unless ``persistent=False``), cast by ``to(dtype)``, and read as an
        attribute, but ``parameters()`` does not list it, so no optimiser changes it. It is
        kept as a Tensor that does not require grad; assigning to its name replaces it.

        >>> import numpy as np, nn
        >>> class Counter(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.register_buffer("count", np.zeros(()))
        >>> counter = Counter()
        >>> counter.count = counter.count + 1
        >>> dict(counter.state_dict()), list(counter.parameters())
        ({'count': array(1.)}, [])
        """
        registry = self._registry("_buffers", name)
        if not isinstance(name, str):
            raise TypeError(f"register_buffer: the name must be a string, got {type(name).__name__}")
        self._check_name(name)
        if name not in registry and (name in self._parameters or name in self._modules or hasattr(type(self), name)):
            raise KeyError(f"register_buffer({name!r}): {type(self).__name__} already has an attribute {name!r}")
        self.__dict__.pop(name, None)
        registry[name] = _buffer_value(tensor, name, type(self).__name__)
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def _check_name(self, name):
        if not name or "." in name:
            raise KeyError(
                f"{type(self).__name__}: a parameter or module name must be non-empty and without '.', got {name!r}"
            )

    # -- calling --------------------------------------------------------------------------
    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, ...)")

    def __call__(self, *args, **kwargs):
        previous = enter_scope(self)  # every graph node made inside is tagged with this module call
        try:
            return self.forward(*args, **kwargs)
        finally:
            exit_scope(previous)

    # -- walking the tree -----------------------------------------------------------------
    def named_parameters(self, prefix="", recurse=True):
        """Yield ``(dotted name, Parameter)`` pairs, each Parameter once even if shared.

        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> [name for name, p in model.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, param in module._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{module_prefix}.{name}" if module_prefix else name), param

    def parameters(self, recurse=True):
        """Yield every Parameter of this module and (with ``recurse``) of its descendants."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_children(self):
        """Yield ``(name, module)`` for the direct children."""
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        """Yield the direct child modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix=""):
        """Yield ``(dotted name, module)`` for this module (name ``""``) and every descendant, each once.

        >>> import nn
        >>> [name for name, m in nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU())).named_modules()]
        ['', '0', '1', '1.0']
        """
        seen = set()
        stack = [(prefix, self)]
        while stack:  # depth first, children in registration order
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{key}" if name else key, child) for key, child in module.named_children()]
            stack.extend(reversed(children))

    def modules(self):
        """Yield this module and every descendant."""
        for _, module in self.named_modules():
            yield module

    def named_buffers(self, prefix="", recurse=True):
        """Yield ``(dotted name, buffer)`` pairs, each buffer once.

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.BatchNorm1d(3)).named_buffers()]
        ['0.running_mean', '0.running_var', '0.num_batches_tracked']
        """
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, buffer in module._buffers.items():
                if buffer is None or id(buffer) in seen:
                    continue
                seen.add(id(buffer))
                yield (f"{module_prefix}.{name}" if module_prefix else name), buffer

    def buffers(self, recurse=True):
        """Yield every buffer (a Tensor) of this module and (with ``recurse``) of its descendants."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Call ``fn(module)`` on every descendant and then on this module (e.g. custom init); returns self.

        >>> import nn
        >>> def init_weights(module):
        ...     if isinstance(module, nn.Linear):
        ...         nn.init.zeros_(module.weight)
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(init_weights)
        >>> float(abs(model[0].weight.data).sum())
        0.0
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- training helpers -----------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Clear the gradients of every parameter before the next backward.

        With ``set_to_none=True`` (PyTorch's default) each ``p.grad`` becomes ``None``, which
        frees it; with ``False`` an existing gradient is replaced by zeros (and a ``None``
        stays ``None``).

        >>> import autograd, nn
        >>> layer = nn.Linear(2, 1)
        >>> layer(autograd.Tensor([[1.0, 2.0]])).sum().backward()
        >>> layer.zero_grad(set_to_none=False)
        >>> layer.weight.grad
        Tensor([[0., 0.]])
        >>> layer.zero_grad()
        >>> layer.weight.grad is None
        True
        """
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad = Tensor(np.zeros_like(param.grad.data))

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on every parameter (``False`` freezes the module); returns self.

        >>> import nn
        >>> frozen = nn.Linear(2, 2).requires_grad_(False)
        >>> [p.requires_grad for p in frozen.parameters()]
        [False, False]
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def to(self, dtype):
        """Cast every floating-point parameter and buffer (and gradient) to ``dtype``, in place; returns self.

        The Parameters stay the same objects (an optimiser made before still holds them);
        integer buffers (BatchNorm's ``num_batches_tracked``) keep their dtype.

        >>> import nn
        >>> nn.Linear(2, 2).to("float32").weight.dtype
        dtype('float32')
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: dtype must be a float dtype, got {dtype}")
        for param in self.parameters():
            param.data = param.data.astype(dtype, copy=False)
            if param.grad is not None:
                param.grad = Tensor(param.grad.data.astype(dtype))
        for module in self.modules():
            for buffer in module._buffers.values():
                if buffer is not None and buffer.dtype.kind == "f":
                    buffer.data = buffer.data.astype(dtype, copy=False)
        return self

    def float(self):
        """Cast floating-point parameters and buffers to float32: ``to(np.float32)``; returns self."""
        return self.to(np.float32)

    def double(self):
        """Cast floating-point parameters and buffers to float64: ``to(np.float64)``; returns self."""
        return self.to(np.float64)

    def train(self, mode=True):
        """Set training mode (``training = mode``) here and in every descendant; returns self.

        Only some layers behave differently: :class:`~nn.Dropout` is the identity in eval mode.
        """
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Set evaluation mode: ``train(False)``; returns self."""
        return self.train(False)

    # -- state ----------------------------------------------------------------------------
    def _named_state(self):
        """``(dotted name, Tensor)`` for what a state dict holds: per module, in the order of
        ``named_modules``, its parameters (each once) and then its persistent buffers."""
        seen = set()
        for prefix, module in self.named_modules():
            for name, param in module._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{prefix}.{name}" if prefix else name), param
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    yield (f"{prefix}.{name}" if prefix else name), buffer

    def state_dict(self):
        """An ordered dict of dotted name to a NumPy copy of every parameter and persistent buffer.

        >>> import nn
        >>> state = nn.Linear(2, 3).state_dict()
        >>> {name: value.shape for name, value in state.items()}
        {'weight': (3, 2), 'bias': (3,)}
        """
        return OrderedDict((name, tensor.data.copy()) for name, tensor in self._named_state())

    def load_state_dict(self, state, strict=True):
        """Copy values from ``state`` (name to array, Tensor or anything ``np.asarray`` reads) into the
        parameters and persistent buffers.

        Values are written in place, cast to each parameter's dtype. A shape mismatch always
        raises; with ``strict`` (the default) so do missing and unexpected keys. The error
        (a ``RuntimeError``, as in PyTorch) lists every offending key. Returns
        ``(missing_keys, unexpected_keys)``.

        >>> import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight.data == b.weight.data).all())
        True
        """
        if not isinstance(state, Mapping):  # a path, a list, None: say what to pass instead
            raise TypeError(
                f"{type(self).__name__}.load_state_dict: expected a mapping; to read a file use "
                f"nn.load(path) (got {type(state).__name__})"
            )
        own = OrderedDict(self._named_state())
        missing = [name for name in own if name not in state]
        unexpected = [name for name in state if name not in own]
        problems, values = [], {}
        for name, param in own.items():
            if name not in state:
                continue
            value = state[name]
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
            if value.shape != param.shape:
                problems.append(
                    f"size mismatch for {name!r}: the state has shape {value.shape}, "
                    f"the parameter has shape {param.shape}"
                )
            elif value.dtype.kind not in "fiub":
                problems.append(f"dtype mismatch for {name!r}: cannot load {value.dtype} into a {param.dtype} tensor")
            else:
                values[name] = value
        if strict and missing:
            problems.insert(0, "missing key(s): " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            problems.insert(0, "unexpected key(s): " + ", ".join(map(repr, unexpected)))
        if problems:
            raise RuntimeError(f"error(s) in loading state_dict for {type(self).__name__}:\n  " + "\n  ".join(problems))
        with no_grad():
            for name, value in values.items():
                own[name].data[...] = value  # in place: optimisers holding the parameter see the new values
                note_write(own[name])  # a graph that saved the old values refuses to backward through them
        return _LoadResult(missing, unexpected)

    # -- printing -------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside this module's parentheses in ``repr`` (its settings); override it."""
        return ""

    def __repr__(self):
        # PyTorch's layout: settings on one line when they fit, else one line per setting and child
        lines = [line for line in self.extra_repr().split("\n") if line]
        children = [f"({name}): " + _indent(repr(module)) for name, module in self._modules.items()]
        if len(lines) <= 1 and not children:
            return f"{type(self).__name__}({''.join(lines)})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines + children) + "\n)"


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Children are named ``"0"``, ``"1"``, ... (or by the keys of an ``OrderedDict``). Indexing
    with an int (negative too) gives a child; a slice gives a new Sequential sharing them.

    >>> import nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> model
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> len(model), model[-1], model[:2][1]
    (3, Linear(in_features=3, out_features=1, bias=True), ReLU())
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, _check_module(module, f"Sequential entry {name!r}"))
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), _check_module(module, f"Sequential argument {index}"))

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[_position(index, len(items), "Sequential")][1]

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), _check_module(module, "Sequential.append"))
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (a plain Python list would hide them).

    It has no ``forward``: loop over it in your own module's forward.

    >>> import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules=None):
        super().__init__()
        for module in modules or ():
            self.append(module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[_position(index, len(items), "ModuleList")]

    def __setitem__(self, index, module):
        position = _position(index, len(self), "ModuleList")
        self.add_module(str(position), _check_module(module, "ModuleList item"))

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), _check_module(module, "ModuleList.append"))
        return self

    def extend(self, modules):
        """Append every module of ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def forward(self, *inputs):
        raise NotImplementedError(
            "ModuleList has no forward: iterate over it in your module's forward "
            "(for layer in self.layers: x = layer(x))"
        )


def _buffer_value(value, name, where):
    """A buffer as kept: a Tensor that requires no grad (an array or number is wrapped), or None."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value.detach() if value.requires_grad else value
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{where}: buffer {name!r} must hold numbers, got dtype {array.dtype}")
    return Tensor(array)


def _check_module(module, where):
    if not isinstance(module, Module):
        raise TypeError(f"{where}: expected an nn.Module, got {type(module).__name__}")
    return module


def _position(index, length, kind):
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"{kind} indices must be integers or slices, not {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{kind} index {index} is out of range for {length} modules")
    return int(index) % length
