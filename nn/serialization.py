"""Save and load named arrays (a Module's state dict) as ``.npz`` files, never unpickling.

The file is a standard NumPy ``.npz`` archive: a zip holding one ``<name>.npy`` member per
array, so ``numpy.load(path)`` reads it too. Two choices differ from ``np.savez``/``np.load``:

- The zip is written member by member with ``np.lib.format.write_array`` (what ``np.savez``
  does inside), because ``np.savez(file, **arrays)`` cannot store keys named ``file`` or
  ``allow_pickle``; and it is read member by member with
  ``np.lib.format.read_array(..., allow_pickle=False)``, because ``NpzFile`` looks up ``"a.npy"``
  as the raw member name, so keys ``"a"`` and ``"a.npy"`` would shadow each other.
- One extra int64 array ``[format version, number of arrays]`` under the reserved key
  ``__chainrule_format__``. ``load`` removes it, refuses versions it does not know, and
  checks the count: a zip whose central directory was damaged can silently list fewer
  members. ``.npz`` files without it (from ``np.savez``, say) load as plain arrays.
"""

import os
import secrets
import stat
import zipfile
import zlib
from collections.abc import Mapping

import numpy as np

__all__ = ["load", "save"]

FORMAT_KEY = "__chainrule_format__"
FORMAT_VERSION = 1


def _arrays_from(obj):
    state_dict = getattr(obj, "state_dict", None)
    if callable(state_dict):
        obj = state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"save() takes a Module (anything with state_dict()) or a dict of name -> array, got {type(obj).__name__}"
        )
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save(): keys must be str, got {key!r} ({type(key).__name__})")
        if "\x00" in key:  # zip member names end at a NUL byte
            raise ValueError(f"save(): keys cannot contain a NUL character, got {key!r}")
        if key == FORMAT_KEY:
            raise ValueError(f"save(): the key {FORMAT_KEY!r} is reserved for the file format")
        # Tensors (and torch tensors) hand over their array through numpy()
        if not isinstance(value, np.ndarray) and callable(getattr(value, "numpy", None)):
            value = value.numpy()
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"save(): the value under key {key!r} is not an array: {err}") from err
        if array.dtype.hasobject:
            raise TypeError(
                f"save(): the value under key {key!r} is an array of Python objects, which "
                "could only be stored by pickling; store numeric arrays only"
            )
        arrays[key] = array
    return arrays


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
    """Write a Module's ``state_dict()`` or a dict of name -> array to ``path`` atomically.

    Values may be NumPy arrays, anything with a ``numpy()`` method (a Tensor) or anything
    ``np.asarray`` turns into a non-object array; dtypes and shapes (0-d too) are kept.
    The file is written to a temporary file in the same directory, flushed to disk
    (``fsync``) and then renamed over ``path`` (``os.replace``): a crash or an error midway
    leaves any old file at ``path`` as it was, and no temporary file behind. ``path`` is
    used as given; no ``.npz`` suffix is added. Raises ``TypeError`` for a non-str key or
    a value that would need pickling (object arrays), before touching the disk.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "weights.npz")
    ...     save({"weight": np.ones((2, 3), np.float32), "step": np.array(7)}, path)
    ...     state = load(path)
    >>> {key: (value.shape, str(value.dtype)) for key, value in state.items()}
    {'weight': ((2, 3), 'float32'), 'step': ((), 'int64')}
    """
    arrays = _arrays_from(obj)
    marker = np.array([FORMAT_VERSION, len(arrays)], dtype=np.int64)
    arrays = {FORMAT_KEY: marker, **arrays}
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save(): the directory {directory!r} does not exist")
    fd, temp = _create_temp(directory, os.path.basename(path))
    try:
        with open(fd, "wb") as file:
            _write_npz(file, arrays)
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


def load(path):
    """Read a file written by ``save`` (or any ``.npz`` of plain arrays) into a dict.

    Returns ``{name: np.ndarray}`` in the order saved, every array read into memory and the
    file closed. Nothing is ever unpickled: a file that is not an ``.npz`` archive, is
    truncated or corrupt, or holds pickled object arrays raises ``ValueError`` naming the
    file and the problem; a missing file raises ``FileNotFoundError``.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "state.npz")
    ...     save({"bias": np.zeros(3)}, path)
    ...     load(path)
    {'bias': array([0., 0., 0.])}
    """
    path = os.fspath(path)
    try:
        file = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"load(): no such file: {path!r}") from None
    arrays = {}
    try:
        with file, zipfile.ZipFile(file) as archive:
            for name in archive.namelist():
                if not name.endswith(".npy"):
                    raise ValueError(f"it holds a member {name!r} that is not an .npy array")
                key = name[: -len(".npy")]
                if key in arrays:
                    raise ValueError(f"it holds the array {key!r} twice")
                with archive.open(name) as member:
                    arrays[key] = np.lib.format.read_array(member, allow_pickle=False)
                    # reading to the end makes zipfile check the member's CRC-32
                    if member.read(1):
                        raise ValueError(f"array {key!r} is followed by stray bytes")
    except _READ_ERRORS as err:
        raise ValueError(f"load(): {path!r} is not a readable chainrule/.npz file: {err}") from err
    marker = arrays.pop(FORMAT_KEY, None)
    if marker is not None:
        _check_marker(marker, len(arrays), path)
    return arrays


def _check_marker(marker, n_arrays, path):
    if marker.shape != (2,) or marker.dtype.kind not in "iu":
        raise ValueError(f"load(): {path!r} has a malformed {FORMAT_KEY!r} entry: {marker!r}")
    version, count = (int(v) for v in marker)
    if version != FORMAT_VERSION:
        raise ValueError(
            f"load(): {path!r} has format version {version}; this chainrule reads version "
            f"{FORMAT_VERSION} (a newer chainrule may have written it)"
        )
    if count != n_arrays:
        raise ValueError(f"load(): {path!r} is damaged: it was saved with {count} arrays but {n_arrays} could be found")
