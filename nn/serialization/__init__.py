"""Save and load state dicts and whole training states as ``.npz`` files, never unpickling.

The file is a standard NumPy ``.npz`` archive: a zip holding one ``<name>.npy`` member per
array, so ``numpy.load(path)`` reads it too. Two layouts share it:

- **Version 1, a state dict** (a Module's ``state_dict()`` or a flat dict whose values are
  all arrays, Tensors, numbers or nested lists of numbers): one member per key, named
  ``<key>.npy``, loaded back as a dict of arrays. This is the layout older chainrule wrote
  and reads.
- **Version 2, a tree** (anything else: nested dicts with ``str`` or ``int`` keys, lists,
  tuples, ``None``, strings, numbers, arrays, Tensors; an optimiser's or scheduler's
  ``state_dict()``, an epoch, a note): the arrays are members ``0.npy``, ``1.npy``, ... and
  the structure is a JSON manifest, stored as a ``uint8`` array under the reserved key
  ``__chainrule_manifest__``. In it a JSON object is always a tag: ``{"array": i}``,
  ``{"tensor": i, "requires_grad": b}``, ``{"scalar": i}`` (a NumPy scalar),
  ``{"dict": [[key, value], ...]}``, ``{"list": [...]}``, ``{"tuple": [...]}``,
  ``{"float": "nan" | "inf" | "-inf"}``; every other JSON value (null, true, 3, 0.5, "text")
  stands for itself.

Both carry an int64 array ``[format version, number of arrays]`` under the reserved key
``__chainrule_format__``; ``load`` refuses versions it does not know and checks the count (a
zip whose central directory was damaged can silently list fewer members). ``.npz`` files
without it (from ``np.savez``, say) load as plain arrays.

The zip is written member by member with ``np.lib.format.write_array`` (what ``np.savez``
does inside), because ``np.savez(file, **arrays)`` cannot store keys named ``file`` or
``allow_pickle``. It is read member by member (``NpzFile`` looks up ``"a.npy"`` as the raw
member name, so keys ``"a"`` and ``"a.npy"`` would shadow each other), each ``.npy`` header
parsed here with ``ast.literal_eval`` so that its declared size can be checked before any
memory is allocated; object dtypes, the only ones that need unpickling, are refused.

**Bounded loads.** Before a member is read, the shape and dtype its ``.npy`` header declares
are checked against what the zip says the member holds and against a budget, so a crafted
file cannot make ``load`` allocate more than ``max_bytes`` (a header declaring 10^12
elements is a ``ValueError``, not a ``MemoryError``), and a compressed member above 1 MiB may
expand at most ``max_ratio`` times (a zip bomb is refused before it is inflated).

The package: ``fileformat.py`` names the reserved keys and the format versions,
``saving.py`` writes a file (``save``) and ``loading.py`` reads one within its bounds (``load``).
"""

from .fileformat import FORMAT_KEY, FORMAT_VERSION, MANIFEST_KEY, STATE_DICT_VERSION, TREE_VERSION
from .loading import DEFAULT_MAX_BYTES, DEFAULT_MAX_RATIO, RATIO_FLOOR, load
from .saving import save

__all__ = [
    "save",
    "load",
    "FORMAT_KEY",
    "MANIFEST_KEY",
    "STATE_DICT_VERSION",
    "TREE_VERSION",
    "FORMAT_VERSION",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RATIO",
    "RATIO_FLOOR",
]
