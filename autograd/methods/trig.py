"""Tensor methods for the trigonometric and hyperbolic functions and their inverses."""

from __future__ import annotations

from .. import ops

__all__ = ["TrigMethods"]


class TrigMethods:
    """The trigonometric and hyperbolic methods of :class:`~autograd.Tensor`, with PyTorch's
    ``asin``-style names as aliases."""

    __slots__ = ()  # a Tensor keeps its fixed slots: the mixins add no instance state

    # -- trigonometric and hyperbolic functions (PyTorch's asin-style names as aliases) ---------
    def sin(self):
        """f(x) = sin x;  f'(x) = cos x."""
        return ops.Sin.apply(self)

    def cos(self):
        """f(x) = cos x;  f'(x) = -sin x."""
        return ops.Cos.apply(self)

    def tan(self):
        """f(x) = tan x;  f'(x) = 1 + tan^2 x."""
        return ops.Tan.apply(self)

    def arcsin(self):
        """f(x) = arcsin x;  f'(x) = 1 / sqrt(1 - x^2). Alias: ``asin``."""
        return ops.Arcsin.apply(self)

    def arccos(self):
        """f(x) = arccos x;  f'(x) = -1 / sqrt(1 - x^2). Alias: ``acos``."""
        return ops.Arccos.apply(self)

    def arctan(self):
        """f(x) = arctan x;  f'(x) = 1 / (1 + x^2). Alias: ``atan``."""
        return ops.Arctan.apply(self)

    def sinh(self):
        """f(x) = sinh x;  f'(x) = cosh x."""
        return ops.Sinh.apply(self)

    def cosh(self):
        """f(x) = cosh x;  f'(x) = sinh x."""
        return ops.Cosh.apply(self)

    def arcsinh(self):
        """f(x) = arcsinh x;  f'(x) = 1 / sqrt(x^2 + 1). Alias: ``asinh``."""
        return ops.Arcsinh.apply(self)

    def arccosh(self):
        """f(x) = arccosh x (x >= 1);  f'(x) = 1 / sqrt(x^2 - 1). Alias: ``acosh``."""
        return ops.Arccosh.apply(self)

    def arctanh(self):
        """f(x) = arctanh x (|x| < 1);  f'(x) = 1 / (1 - x^2). Alias: ``atanh``."""
        return ops.Arctanh.apply(self)

    asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh
