"""Comparisons: ``< <= > >= == !=`` elementwise, giving bool arrays; not differentiable.

They are ops (not plain NumPy calls) so that a traced program records them: a mask such as
``x > 0`` is then recomputed from new inputs when the program is replayed. ``Tensor``'s
operators hand them arrays, never Tensors, so they never enter the gradient graph; outside a
trace they call ``compute`` directly, as nothing needs to see them.
"""

from __future__ import annotations

import numpy as np

from .op import Op, data_of

__all__ = ["Compare", "Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual"]


class Compare(Op):
    """f(a, b) = a <op> b elementwise, a bool array;  no gradient (it is 0 almost everywhere)."""

    ufunc = None
    symbol = "?"

    @classmethod
    def forward(cls, ctx, a, b):
        return cls.compute(data_of(a), data_of(b))

    @classmethod
    def compute(cls, a, b):
        """The comparison on arrays (and numbers), with an error naming it when shapes clash."""
        try:
            return np.asarray(cls.ufunc(a, b))
        except ValueError as error:
            if "broadcast" not in str(error):
                raise
            raise ValueError(
                f"comparison {cls.symbol}: shapes {np.shape(a)} and {np.shape(b)} cannot be broadcast "
                "together (NumPy rules: trailing axes must be equal or 1)"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return None, None


class Less(Compare):
    """a < b."""

    ufunc, symbol = staticmethod(np.less), "<"


class LessEqual(Compare):
    """a <= b."""

    ufunc, symbol = staticmethod(np.less_equal), "<="


class Greater(Compare):
    """a > b."""

    ufunc, symbol = staticmethod(np.greater), ">"


class GreaterEqual(Compare):
    """a >= b."""

    ufunc, symbol = staticmethod(np.greater_equal), ">="


class Equal(Compare):
    """a == b."""

    ufunc, symbol = staticmethod(np.equal), "=="


class NotEqual(Compare):
    """a != b."""

    ufunc, symbol = staticmethod(np.not_equal), "!="
