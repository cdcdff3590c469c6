"""Reading a file with bounds: each member's ``.npy`` header checked before anything is
allocated or inflated, then the state dict or the tree (see :mod:`nn.serialization`) rebuilt."""

import ast
import json
import math
import os
import zipfile
import zlib

import numpy as np

from autograd import Tensor

from .fileformat import FORMAT_KEY, MANIFEST_KEY, STATE_DICT_VERSION, TREE_VERSION
from .saving import save  # noqa: F401 (load's example writes the file it reads)

__all__ = ["load"]

DEFAULT_MAX_BYTES = 2**32  # 4 GiB: far above a course's models, far below what would hurt
DEFAULT_MAX_RATIO = 100  # deflate reaches ~1000:1 on constant data; real weights compress ~1.1:1
RATIO_FLOOR = 2**20  # compressed members below 1 MiB may expand freely

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
