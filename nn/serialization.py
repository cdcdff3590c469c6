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
"""

import ast
import json
import math
import os
import re
import secrets
import stat
import zipfile
import zlib
from collections.abc import Mapping

import numpy as np

from autograd import Tensor

__all__ = ["load", "save"]

FORMAT_KEY = "__chainrule_format__"
MANIFEST_KEY = "__chainrule_manifest__"
STATE_DICT_VERSION = 1  # a flat dict of arrays
TREE_VERSION = 2  # nested data with a JSON manifest
FORMAT_VERSION = TREE_VERSION  # the newest version this module reads
DEFAULT_MAX_BYTES = 2**32  # 4 GiB: far above a course's models, far below what would hurt
DEFAULT_MAX_RATIO = 100  # deflate reaches ~1000:1 on constant data; real weights compress ~1.1:1
RATIO_FLOOR = 2**20  # compressed members below 1 MiB may expand freely


# ---- what may be saved -----------------------------------------------------------------

_PATH_LIKE = re.compile(r"^([/\\]|[A-Za-z]:)|(^|[/\\])\.\.([/\\]|$)")


def _check_key(key, where):
    """Refuse keys that could not be a zip member name or look like a file path: a NUL ends a
    member name, and ``../x`` or ``/x`` would escape the folder of anyone who unzips the file."""
    if "\x00" in key:
        raise ValueError(f"{where}: keys cannot contain a NUL character, got {key!r}")
    if _PATH_LIKE.search(key):
        raise ValueError(
            f"{where}: the key {key!r} looks like a file path (absolute, a drive, or a '..' part); "
            "use plain names such as 'layer.weight' or 'layer/weight'"
        )


def _as_array(value):
    """``value`` as a non-object array if the state-dict layout can hold it, else ``None``."""
    if isinstance(value, (Mapping, str, bytes)) or value is None:
        return None
    if isinstance(value, Tensor):
        return value.data
    if not isinstance(value, np.ndarray) and callable(getattr(value, "numpy", None)):
        return np.asarray(value.numpy())  # torch tensors and the like
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None  # a ragged list: the tree layout keeps it as lists
    if array.dtype.hasobject and not isinstance(value, np.ndarray):
        return None
    return array


def _state_dict_arrays(obj, arrays_only=False):
    """The arrays of a flat state dict, or ``None`` when ``obj`` needs the tree layout (always
    when ``arrays_only`` and a value is not an array or a Tensor)."""
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save(): keys must be str, got {key!r} ({type(key).__name__})")
        _check_key(key, "save()")
        if key == FORMAT_KEY:
            raise ValueError(f"save(): the key {FORMAT_KEY!r} is reserved for the file format")
        if arrays_only and not (isinstance(value, np.ndarray) or callable(getattr(value, "numpy", None))):
            return None
        array = _as_array(value)
        if array is None:
            return None
        if array.dtype.hasobject:
            raise TypeError(
                f"save(): the value under key {key!r} is an array of Python objects, which "
                "could only be stored by pickling; store numeric arrays only"
            )
        arrays[key] = array
    return arrays


def _encode(value, where, arrays):
    """The manifest entry for ``value`` (arrays are appended to ``arrays``); ``where`` is its
    place in the saved object, for the error message."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {"float": repr(float(value))}
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
                key = int(key)
            elif isinstance(key, str):
                _check_key(key, f"save(): in {where or 'the object'}")
            else:
                raise TypeError(
                    f"save(): keys must be str or int, got {key!r} ({type(key).__name__}) in {where or 'the object'}"
                )
            items.append([key, _encode(item, f"{where}[{key!r}]", arrays)])
        return {"dict": items}
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {kind: [_encode(item, f"{where}[{i}]", arrays) for i, item in enumerate(value)]}
    if callable(getattr(value, "state_dict", None)):  # a Module, optimiser or scheduler: its state
        return _encode(value.state_dict(), where, arrays)
    if isinstance(value, Tensor):
        tag = {"tensor": _add_array(value.data, where, arrays), "requires_grad": bool(value.requires_grad)}
        return tag
    if isinstance(value, np.generic):
        return {"scalar": _add_array(np.asarray(value), where, arrays)}
    if isinstance(value, np.ndarray):
        return {"array": _add_array(value, where, arrays)}
    if callable(getattr(value, "numpy", None)):
        return {"array": _add_array(np.asarray(value.numpy()), where, arrays)}
    raise TypeError(
        f"save(): the value at {where} is a {type(value).__name__}, which could only be stored by "
        "pickling; store dicts, lists, tuples, arrays, Tensors, numbers, strings, bools and None"
    )


def _add_array(array, where, arrays):
    if array.dtype.hasobject:
        raise TypeError(
            f"save(): the value at {where} is an array of Python objects, which could only be "
            "stored by pickling; store numeric arrays only"
        )
    arrays.append(array)
    return len(arrays) - 1


def _members(obj):
    """The ``{key: array}`` members of the file for ``obj``, marker (and manifest) first."""
    state_dict = getattr(obj, "state_dict", None)
    arrays_only = callable(state_dict)
    if arrays_only:
        # a Module's state dict (all arrays) keeps the state-dict layout; an optimiser's or a
        # scheduler's (numbers, lists, flags) takes the tree, so it comes back with its types
        obj = state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(
            "save() takes a Module (anything with state_dict()), a dict of name -> array, or a dict "
            f"holding a training state, got {type(obj).__name__}"
        )
    arrays = _state_dict_arrays(obj, arrays_only)
    if arrays is not None:
        marker = np.array([STATE_DICT_VERSION, len(arrays)], dtype=np.int64)
        return {FORMAT_KEY: marker, **arrays}
    listed = []
    manifest = json.dumps(_encode(obj, "", listed), allow_nan=False, ensure_ascii=False).encode("utf-8")
    marker = np.array([TREE_VERSION, len(listed)], dtype=np.int64)
    members = {FORMAT_KEY: marker, MANIFEST_KEY: np.frombuffer(manifest, dtype=np.uint8)}
    members.update((str(index), array) for index, array in enumerate(listed))
    return members


def _write_npz(file, arrays):
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _fsync_directory(directory):
    # makes the rename itself durable; not every platform or file system can do this
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(directory, base):
    # like mkstemp, but mode 0o666 lets the umask set the permissions (mkstemp forces 0o600)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue


def save(obj, path):
    """Write a state dict or a whole training state to ``path`` atomically.

    ``obj`` is one of:

    - a Module (its ``state_dict()`` is saved) or a flat dict with ``str`` keys whose values
      are all arrays, Tensors, numbers or nested lists of numbers: a *state dict*, loaded
      back as a dict of arrays (numbers as 0-d arrays), as ``np.savez`` would;
    - anything else: a dict (``str`` keys) holding a training state: nested dicts (``str`` or
      ``int`` keys), lists, tuples, NumPy arrays and scalars, Tensors,
      ``int``/``float``/``bool``/``str``/``None``, and Modules, optimisers and schedulers
      (their ``state_dict()`` is saved). It comes back with every type kept: tuples as
      tuples, Tensors as Tensors (with their ``requires_grad``), ints as ints, dtypes and
      shapes. An optimiser or scheduler given as ``obj`` itself is saved this way too.

    The file is written to a temporary file in the same directory, flushed to disk
    (``fsync``) and then renamed over ``path`` (``os.replace``): a crash or an error midway
    leaves any old file at ``path`` as it was, and no temporary file behind. ``path`` is
    used as given; no ``.npz`` suffix is added. Before touching the disk, raises
    ``TypeError`` for a key that is not ``str`` (or ``int`` inside a tree) or a value that
    would need pickling (object arrays, functions, other objects), and ``ValueError`` for a
    key that contains NUL or looks like a path (``../x``, ``/x``, ``C:x``).

    >>> import os, tempfile
    >>> import nn
    >>> model = nn.Linear(2, 1)
    >>> opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "checkpoint.npz")
    ...     save({"model": model, "optimizer": opt, "epoch": 7, "note": "warm-up done"}, path)
    ...     checkpoint = load(path)
    >>> checkpoint["epoch"], checkpoint["note"], sorted(checkpoint["model"])
    (7, 'warm-up done', ['bias', 'weight'])
    >>> model.load_state_dict(checkpoint["model"])
    IncompatibleKeys(missing_keys=[], unexpected_keys=[])
    >>> opt.load_state_dict(checkpoint["optimizer"])
    """
    members = _members(obj)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save(): the directory {directory!r} does not exist")
    fd, temp = _create_temp(directory, os.path.basename(path))
    try:
        with open(fd, "wb") as file:
            _write_npz(file, members)
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(path):
            os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temp, path)
    except BaseException:
        # also on KeyboardInterrupt: the old file is untouched, so only the temp file goes
        try:
            os.remove(temp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


# ---- reading ---------------------------------------------------------------------------

# what a damaged or foreign file can make zipfile and the .npy reader raise
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,  # a seek to a corrupt offset; the file itself was opened before
    ValueError,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an "encrypted" member
)

_MAX_HEADER = 10000  # what np.lib.format.read_array accepts by default


def _read_header(member, key):
    """The shape, dtype and memory order the ``.npy`` header at the start of ``member``
    declares, and the header's length. The header is a Python literal, read with
    ``ast.literal_eval``, which evaluates no code; object dtypes (pickles) are refused."""
    magic = member.read(8)
    if len(magic) != 8 or magic[:6] != b"\x93NUMPY":
        raise ValueError(f"array {key!r} is not an .npy array")
    major = magic[6]
    if major not in (1, 2, 3):
        raise ValueError(f"array {key!r} has an unknown .npy version {major}")
    size_bytes = 2 if major == 1 else 4
    length = int.from_bytes(member.read(size_bytes), "little")
    if length > _MAX_HEADER:
        raise ValueError(f"array {key!r} has a header of {length} bytes, more than {_MAX_HEADER}")
    try:
        header = ast.literal_eval(member.read(length).decode("latin1" if major < 3 else "utf8"))
        ok = isinstance(header, dict) and {"descr", "shape", "fortran_order"} <= set(header)
        dtype = np.lib.format.descr_to_dtype(header["descr"]) if ok else None
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as err:
        raise ValueError(f"array {key!r} has a malformed header ({err})") from None
    shape = header["shape"] if ok else None
    if not ok or not isinstance(shape, tuple) or not isinstance(header["fortran_order"], bool):
        raise ValueError(f"array {key!r} has a malformed header")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError(f"array {key!r} declares an invalid shape {shape!r}")
    if dtype.hasobject:
        raise ValueError(f"array {key!r} holds Python objects, which would need unpickling; refused")
    return shape, dtype, header["fortran_order"], 8 + size_bytes + length


class _TooBig(ValueError):
    """A member beyond the limits of ``load``: not damage, so it gets its own message."""


_CHUNK = 2**20


def _read_member(archive, info, key, budget, max_ratio):
    """The array in member ``info`` and its size in bytes. Nothing is inflated or allocated
    before the checks: a compressed member must not expand like a zip bomb, and the array its
    header declares must fit both what the member holds and the budget left."""
    if (
        max_ratio is not None
        and info.compress_type != zipfile.ZIP_STORED
        and info.file_size > RATIO_FLOOR
        and info.file_size > max_ratio * max(info.compress_size, 1)
    ):
        raise _TooBig(
            f"member {info.filename!r} would expand from {info.compress_size} to {info.file_size} bytes, "
            f"more than max_ratio={max_ratio} times (a zip bomb?); pass a larger max_ratio if the file is trusted"
        )
    with archive.open(info) as member:
        shape, dtype, fortran_order, header = _read_header(member, key)
        count = math.prod(shape)
        nbytes = count * dtype.itemsize
        described = f"member {info.filename!r} (shape {shape}, {dtype}: {nbytes} bytes)"
        if nbytes > budget:
            raise _TooBig(
                f"{described} would take the load past max_bytes (only {budget} bytes are left); "
                "pass a larger max_bytes if the file is trusted"
            )
        if header + nbytes > info.file_size:
            raise _TooBig(f"{described} declares more data than the member holds ({info.file_size} bytes)")
        flat = np.empty(count, dtype=dtype)
        target = flat.view(np.uint8) if nbytes else None
        done = 0
        while done < nbytes:  # in chunks: zipfile would otherwise hold a second copy
            data = member.read(min(nbytes - done, _CHUNK))
            if not data:
                raise ValueError(f"array {key!r} is truncated")
            target[done : done + len(data)] = np.frombuffer(data, dtype=np.uint8)
            done += len(data)
        # reading to the end makes zipfile check the member's CRC-32
        if member.read(1):
            raise ValueError(f"array {key!r} is followed by stray bytes")
    array = flat.reshape(shape[::-1]).transpose() if fortran_order else flat.reshape(shape)
    return array, nbytes


def load(path, *, max_bytes=DEFAULT_MAX_BYTES, max_ratio=DEFAULT_MAX_RATIO):
    """Read a file written by ``save`` (or any ``.npz`` of plain arrays).

    A state dict (or a foreign ``.npz``) comes back as ``{name: np.ndarray}`` in the order
    saved; a training state as the nested dict that was saved, every value with its type.
    Every array is read into memory and the file closed. Nothing is ever unpickled: a file
    that is not an ``.npz`` archive, is truncated or corrupt, or holds pickled object arrays
    raises ``ValueError`` naming the file and the problem; a missing file raises
    ``FileNotFoundError``.

    The arrays of one load may take at most ``max_bytes`` bytes together (default 4 GiB;
    ``None``: no limit), and a compressed member above 1 MiB may expand at most ``max_ratio``
    times its compressed size (default 100; ``None``: no limit). Both are checked from the
    members' headers before anything is allocated or inflated; a file beyond them raises
    ``ValueError`` naming the file and the member.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "state.npz")
    ...     save({"bias": np.zeros(3)}, path)
    ...     load(path)
    {'bias': array([0., 0., 0.])}
    """
    path = os.fspath(path)
    budget = math.inf if max_bytes is None else max_bytes
    try:
        file = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"load(): no such file: {path!r}") from None
    arrays = {}
    try:
        with file, zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                name = info.filename
                if not name.endswith(".npy"):
                    raise ValueError(f"it holds a member {name!r} that is not an .npy array")
                key = name[: -len(".npy")]
                if key in arrays:
                    raise ValueError(f"it holds the array {key!r} twice")
                arrays[key], nbytes = _read_member(archive, info, key, budget, max_ratio)
                budget -= nbytes
    except _TooBig as err:
        raise ValueError(f"load(): {path!r}: {err}") from None
    except _READ_ERRORS as err:
        raise ValueError(f"load(): {path!r} is not a readable chainrule/.npz file: {err}") from err
    marker = arrays.pop(FORMAT_KEY, None)
    if marker is None:
        return arrays
    if _check_marker(marker, path) == STATE_DICT_VERSION:
        _check_count(marker, len(arrays), path)
        return arrays
    try:
        return _read_tree(arrays, marker, path)
    except (ValueError, RecursionError) as err:  # JSON errors are ValueErrors
        if str(err).startswith("load(): "):
            raise
        raise ValueError(f"load(): {path!r} has a damaged manifest: {err}") from err


def _check_marker(marker, path):
    if marker.shape != (2,) or marker.dtype.kind not in "iu":
        raise ValueError(f"load(): {path!r} has a malformed {FORMAT_KEY!r} entry: {marker!r}")
    version = int(marker[0])
    if version not in (STATE_DICT_VERSION, TREE_VERSION):
        raise ValueError(
            f"load(): {path!r} has format version {version}; this chainrule reads versions "
            f"{STATE_DICT_VERSION} and {TREE_VERSION} (a newer chainrule may have written it)"
        )
    return version


def _check_count(marker, n_arrays, path):
    count = int(marker[1])
    if count != n_arrays:
        raise ValueError(f"load(): {path!r} is damaged: it was saved with {count} arrays but {n_arrays} could be found")


def _read_tree(arrays, marker, path):
    manifest = arrays.pop(MANIFEST_KEY, None)
    if manifest is None or manifest.dtype != np.uint8 or manifest.ndim != 1:
        raise ValueError(f"load(): {path!r} has no readable {MANIFEST_KEY!r}")
    _check_count(marker, len(arrays), path)
    listed = [arrays.get(str(index)) for index in range(len(arrays))]
    if any(array is None for array in listed):
        raise ValueError(f"load(): {path!r} is damaged: its arrays are not numbered 0 to {len(arrays) - 1}")
    used = set()
    tree = _decode(json.loads(manifest.tobytes().decode("utf-8")), listed, used)
    if len(used) != len(listed) or not isinstance(tree, dict):
        raise ValueError("its manifest does not describe its arrays")
    return tree


def _decode(node, listed, used):
    if not isinstance(node, (dict, list)):
        return node  # null, bool, number or string: itself
    if not isinstance(node, dict) or len(node) != 1 + ("requires_grad" in node):
        raise ValueError(f"its manifest holds an unknown entry {str(node)[:80]!r}")
    (tag,) = (key for key in node if key != "requires_grad")
    body = node[tag]
    if tag == "dict":
        return {_key(key): _decode(value, listed, used) for key, value in body}
    if tag in ("list", "tuple"):
        items = [_decode(value, listed, used) for value in body]
        return items if tag == "list" else tuple(items)
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag in ("array", "tensor", "scalar") and isinstance(body, int) and 0 <= body < len(listed):
        if body in used:
            raise ValueError(f"its manifest uses array {body} twice")
        used.add(body)
        array = listed[body]
        if tag == "array":
            return array
        if tag == "scalar":
            return array[()]
        return Tensor(array, requires_grad=bool(node.get("requires_grad", False)))
    raise ValueError(f"its manifest holds an unknown entry {str(node)[:80]!r}")


def _key(key):
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise ValueError(f"its manifest holds a dict key {key!r} that is neither str nor int")
    return key
