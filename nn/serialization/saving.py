"""Writing a file: what may be saved, its members (the state-dict or the tree layout, see
:mod:`nn.serialization`), and the atomic write of the archive."""

import json
import math
import os
import re
import secrets
import stat
import zipfile
from collections.abc import Mapping

import numpy as np

from autograd import Tensor

from .fileformat import FORMAT_KEY, MANIFEST_KEY, STATE_DICT_VERSION, TREE_VERSION

__all__ = ["save"]


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
    ...     checkpoint = nn.load(path)
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
