"""Tensor's methods, one mixin class per family, one file each; ``Tensor`` inherits them all.

A mixin is part of the body of :class:`~autograd.Tensor` kept in a file of its own, so that
``tensor.py`` holds only the class's core (construction, properties, conversion, ``backward``
and the operators). Its methods are Tensor methods: ``self`` is a Tensor, and they use its
members as the class's own methods do (``self.data``, ``self._make``). Each is one line calling
an op of :mod:`autograd.ops`, or a few composed. A mixin adds no instance state
(``__slots__ = ()``), and a method found through a base class costs nothing more to call.

Files, each importing only ``arguments.py`` and the ops below it:

* ``arguments.py``: the other operand, a value as a Tensor, ``axis``/``dim`` and ``keepdims``/``keepdim``;
* ``elementwise.py``: functions of each value, step functions, tests of values; ``maximum``, ``minimum``, ``where``;
* ``trig.py``: trigonometric and hyperbolic functions and their inverses;
* ``reductions.py``: sums, means, extrema, softmax, statistics, norms, products, ``argmax``, ``any``;
* ``shape.py``: reshape, transpose, broadcast and the moves composed from them; ``concatenate``, ``stack``;
* ``indexing.py``: gather and scatter, ``index_select``, ``index_add``, ``masked_fill``;
* ``linalg.py``: ``matmul``, ``dot``, ``outer``.
"""

from .elementwise import ElementwiseMethods
from .indexing import IndexingMethods
from .linalg import LinalgMethods
from .reductions import ReductionMethods
from .shape import ShapeMethods
from .trig import TrigMethods

__all__ = ["ElementwiseMethods", "TrigMethods", "ReductionMethods", "ShapeMethods", "IndexingMethods", "LinalgMethods"]
