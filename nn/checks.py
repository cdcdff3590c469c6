"""Argument checks shared by the layers, losses, optimisers and data helpers of ``nn``.

One message style for every bad argument: ``"<where>: <name> must be <what>, got <value>"``,
where ``where`` names the layer or function the user called, so the error says what to fix.
Each check returns the value in the form the caller keeps (an ``int``, a dtype, a float).

>>> from nn import checks
>>> checks.integer(3, "in_features", "Linear")
3
>>> checks.integer(0, "in_features", "Linear")
Traceback (most recent call last):
...
ValueError: Linear: in_features must be an integer >= 1, got 0
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from autograd import Tensor, get_default_dtype

__all__ = ["integer", "number", "float_dtype", "one_of", "reduction", "tensor"]


def integer(value, name, where, minimum=1):
    """``value`` as an ``int`` if it is an integer >= ``minimum`` (a bool is not: ``True`` as a
    size is surely a mistake), else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def number(value, name, where, minimum=None, what=None):
    """``value`` as a ``float`` if it is a real number (>= ``minimum`` when given; NaN never
    is), else ``ValueError``; ``what`` says what the number is, for the message."""
    if type(value) is float or type(value) is int:  # the usual case, without the ABC checks
        bad = value != value
    else:
        bad = isinstance(value, bool) or not isinstance(value, Real) or value != value
    if not bad and minimum is not None:
        bad = not value >= minimum
    if bad:
        rule = "a number" if minimum is None else f"a number >= {minimum:g}"
        raise ValueError(f"{where}: {name} must be {rule}{f' ({what})' if what else ''}, got {value!r}")
    return float(value)


def float_dtype(dtype, where):
    """The float dtype to use: ``dtype``, or the default one when it is ``None``; any other kind
    of dtype is a ``TypeError`` (parameters must be able to require grad)."""
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: dtype must be a float dtype, got {dtype}")
    return dtype


def one_of(value, choices, name, where):
    """``value`` if it is one of ``choices``, else ``ValueError`` listing them."""
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices[:-1]) + f" or {choices[-1]!r}"
        raise ValueError(f"{where}: {name} must be {listed}, got {value!r}")
    return value


def reduction(value, where):
    """A loss's ``reduction``: ``"mean"``, ``"sum"`` or ``"none"``."""
    return one_of(value, ("mean", "sum", "none"), "reduction", where)


def tensor(value):
    """An input as a Tensor: a Tensor as it is, anything else (a list, an array, a number)
    wrapped, as the functions of ``nn.functional`` take it."""
    return value if isinstance(value, Tensor) else Tensor(value)
