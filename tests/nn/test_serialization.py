import io
import math
import os
import pathlib
import pickle
import re
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn.serialization
from nn.serialization import FORMAT_KEY, load, save


def assert_same_arrays(loaded, expected):
    assert list(loaded) == list(expected)  # same keys, same order
    for key, value in expected.items():
        assert isinstance(loaded[key], np.ndarray)
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape, key
        np.testing.assert_array_equal(loaded[key], value)


def leftovers(folder, *keep):
    return sorted(set(os.listdir(folder)) - set(keep))


# ---- round trips ---------------------------------------------------------------------


def test_roundtrip_dtypes_and_shapes(tmp_path):
    state = {
        "w32": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
        "w64": np.linspace(-1, 1, 5),
        "labels": np.array([3, -1, 2**40], dtype=np.int64),
        "scalar": np.array(2.5),
        "int_scalar": np.array(7, dtype=np.int64),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "mask": np.array([True, False]),
    }
    path = tmp_path / "state.npz"
    save(state, path)
    loaded = load(path)
    assert_same_arrays(loaded, state)
    assert leftovers(tmp_path) == ["state.npz"]


def looks_like_path(key):
    """Absolute (/x, \\x), a drive (C:x) or with a '..' part: save refuses these (issue 13)."""
    return key.startswith(("/", "\\")) or re.match("[A-Za-z]:", key) or ".." in re.split(r"[/\\]", key)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    arrays=st.dictionaries(
        st.text(min_size=0, max_size=12).filter(lambda key: "\x00" not in key and not looks_like_path(key)),
        hnp.arrays(
            dtype=st.sampled_from([np.float32, np.float64, np.int64, np.int8, np.bool_]),
            shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
        ),
        max_size=5,
    )
)
def test_roundtrip_any_keys_and_arrays(tmp_path, monkeypatch, arrays):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is tested elsewhere; speed
    arrays.pop(FORMAT_KEY, None)
    path = tmp_path / "any.npz"
    save(arrays, path)
    assert_same_arrays(load(path), arrays)


def test_keys_that_break_np_savez_or_npzfile(tmp_path):
    # np.savez(f, **d) cannot take "file"/"allow_pickle"; NpzFile mixes up "a" and "a.npy"
    state = {
        "file": np.array(1),
        "allow_pickle": np.array(2),
        "a": np.array(3),
        "a.npy": np.array(4),
        "0.weight": np.ones(2),
        "layer/bias": np.zeros(1),
        "": np.array(5),
    }
    save(state, tmp_path / "k.npz")
    assert_same_arrays(load(tmp_path / "k.npz"), state)


class FakeTensor:
    def __init__(self, data):
        self.data = np.asarray(data)

    def numpy(self):
        return self.data


class FakeModule:
    def state_dict(self):
        return {"0.weight": np.eye(2, dtype=np.float32), "0.bias": FakeTensor([1.0, 2.0])}


def test_saves_a_module_and_tensors_and_array_likes(tmp_path):
    save(FakeModule(), tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    assert list(loaded) == ["0.weight", "0.bias"]
    assert loaded["0.weight"].dtype == np.float32
    np.testing.assert_array_equal(loaded["0.bias"], [1.0, 2.0])
    save({"list": [[1, 2], [3, 4]], "float": 0.5}, str(tmp_path / "l.npz"))
    loaded = load(str(tmp_path / "l.npz"))
    assert loaded["list"].shape == (2, 2) and loaded["float"].shape == ()


def test_path_is_used_as_given_and_file_is_a_plain_npz(tmp_path):
    path = tmp_path / "weights.bin"
    save({"w": np.arange(3)}, path)
    assert leftovers(tmp_path) == ["weights.bin"]  # np.savez would have added ".npz"
    with np.load(path, allow_pickle=False) as npz:  # readable by NumPy itself
        np.testing.assert_array_equal(npz["w"], np.arange(3))
        assert npz[FORMAT_KEY].tolist() == [1, 1]


def test_loads_a_foreign_npz_without_marker(tmp_path):
    path = tmp_path / "numpy.npz"
    np.savez(path, x=np.arange(4.0), y=np.array(3))
    assert_same_arrays(load(path), {"x": np.arange(4.0), "y": np.array(3)})


def test_overwrite_replaces_old_content_and_keeps_permissions(tmp_path):
    path = tmp_path / "w.npz"
    save({"old": np.zeros(2)}, path)
    os.chmod(path, 0o640)
    save({"new": np.ones(3)}, path)
    assert_same_arrays(load(path), {"new": np.ones(3)})
    assert (os.stat(path).st_mode & 0o777) == 0o640


def test_new_file_gets_umask_permissions_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        save({"w": np.zeros(1)}, tmp_path / "w.npz")
    finally:
        os.umask(old)
    assert (os.stat(tmp_path / "w.npz").st_mode & 0o777) == 0o644


# ---- refusing what cannot be stored without pickling ---------------------------------


@pytest.mark.parametrize(
    ("state", "match"),
    [
        ({"w": np.array([1, "a", None], dtype=object)}, "'w'.*objects"),
        ({"nested": {"a": np.array([1, None], dtype=object)}}, r"\['nested'\]\['a'\].*objects"),
        ({"f": lambda: 1}, r"\['f'\].*function"),
        ({"s": {1, 2}}, r"\['s'\].*set"),
        ({"k": {1.5: 1}}, "keys must be str or int.*1.5"),
        ({3: np.ones(1)}, "keys must be str.*3"),
        ({("a", 1): np.ones(1)}, r"\('a', 1\)"),
        ([np.ones(1)], "dict"),
    ],
)
def test_unstorable_values_raise_type_error_and_leave_old_file(tmp_path, state, match):
    path = tmp_path / "w.npz"
    save({"old": np.arange(3)}, path)
    with pytest.raises(TypeError, match=match):
        save(state, path)
    assert_same_arrays(load(path), {"old": np.arange(3)})
    assert leftovers(tmp_path) == ["w.npz"]


@pytest.mark.parametrize(("key", "match"), [(FORMAT_KEY, FORMAT_KEY), ("a\x00b", r"NUL.*a\\x00b")])
def test_reserved_and_nul_keys_are_refused(tmp_path, key, match):
    with pytest.raises(ValueError, match=match):
        save({key: np.array(1)}, tmp_path / "x.npz")
    assert leftovers(tmp_path) == []


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        save({"w": np.ones(1)}, tmp_path / "nope" / "w.npz")


# ---- atomicity -----------------------------------------------------------------------


def crash_on_second_array(monkeypatch):
    real = np.lib.format.write_array
    calls = []

    def write_then_crash(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fp.write(b"\x93NUMPY half an arr")  # part of the array reached the disk
            raise OSError("disk on fire")
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)


def crash_in(name, error):
    def install(monkeypatch):
        def boom(*args, **kwargs):
            raise error

        monkeypatch.setattr(os, name, boom)

    return install


@pytest.mark.parametrize(
    ("install_crash", "error"),
    [
        (crash_on_second_array, OSError),
        (crash_in("fsync", OSError("fsync failed")), OSError),
        (crash_in("replace", OSError("rename failed")), OSError),
        (crash_in("replace", KeyboardInterrupt()), KeyboardInterrupt),
    ],
)
def test_crash_mid_save_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch, install_crash, error):
    path = tmp_path / "model.npz"
    old = {"w": np.arange(5.0), "b": np.array(1)}
    save(old, path)
    old_bytes = path.read_bytes()
    with monkeypatch.context() as patch:
        install_crash(patch)
        with pytest.raises(error):
            save({"w": np.ones(1000), "b": np.zeros(1000), "c": np.ones(3)}, path)
    assert path.read_bytes() == old_bytes
    assert_same_arrays(load(path), old)
    assert leftovers(tmp_path) == ["model.npz"]


def test_crash_when_no_old_file_leaves_nothing(tmp_path, monkeypatch):
    crash_on_second_array(monkeypatch)
    with pytest.raises(OSError, match="disk on fire"):
        save({"a": np.ones(2), "b": np.ones(2)}, tmp_path / "new.npz")
    assert leftovers(tmp_path) == []


def test_data_is_synced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    save({"w": np.ones(2)}, tmp_path / "w.npz")
    assert events[:2] == ["fsync", "replace"]


# ---- damaged and foreign files -------------------------------------------------------


def saved_bytes(tmp_path):
    path = tmp_path / "good.npz"
    save({"w": np.arange(6.0).reshape(2, 3), "b": np.array(3), "e": np.zeros((0, 2), np.float32)}, path)
    return path.read_bytes()


def assert_load_refuses(path, *words):
    with pytest.raises(ValueError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_truncated_file(tmp_path):
    raw = saved_bytes(tmp_path)
    path = tmp_path / "cut.npz"
    # every length near the end, where the zip directory lives; a sample of the rest
    for length in [*range(0, len(raw) - 200, 7), *range(len(raw) - 200, len(raw))]:
        path.write_bytes(raw[:length])
        assert_load_refuses(path)


def test_every_single_bit_flip_is_caught_or_harmless(tmp_path):
    raw = saved_bytes(tmp_path)
    good = load(tmp_path / "good.npz")
    path = tmp_path / "flipped.npz"
    caught = 0
    for i in range(len(raw)):
        for bit in (0x01, 0x80):
            damaged = bytearray(raw)
            damaged[i] ^= bit
            path.write_bytes(bytes(damaged))
            try:
                loaded = load(path)
            except ValueError as err:
                assert str(path) in str(err)
                caught += 1
            else:  # only bytes that carry no meaning (timestamps, attributes) may change
                assert_same_arrays(loaded, good)
    assert caught > len(raw)  # most bytes matter


def test_random_bytes_and_text(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(500))
    assert_load_refuses(path, "not a readable")
    path.write_text("w,b\n1,2\n")
    assert_load_refuses(path)
    path.write_bytes(b"")
    assert_load_refuses(path)


def test_a_plain_npy_file_is_refused(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.arange(3))
    assert_load_refuses(path)


def test_zip_with_other_members_is_refused(tmp_path):
    path = tmp_path / "foreign.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert_load_refuses(path, "readme.txt")


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "future.npz"
    newer = nn.serialization.FORMAT_VERSION + 1
    np.savez(path, **{FORMAT_KEY: np.array([newer, 1]), "w": np.ones(1)})
    assert_load_refuses(path, f"version {newer}")


def test_missing_members_are_detected_by_the_count(tmp_path):
    path = tmp_path / "short.npz"
    np.savez(path, **{FORMAT_KEY: np.array([1, 3]), "w": np.ones(1)})
    assert_load_refuses(path, "3 arrays")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.npz"):
        load(tmp_path / "absent.npz")


# ---- nothing is ever unpickled -------------------------------------------------------


class TouchOnUnpickle:
    """Unpickling this creates a file: the evidence that code ran."""

    def __init__(self, marker):
        self.marker = pathlib.Path(marker)

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_the_payload_would_run_if_unpickled(tmp_path):
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(TouchOnUnpickle(control)))
    assert control.exists()  # so the tests below can tell


def test_pickle_file_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"w": TouchOnUnpickle(marker)}))
    assert_load_refuses(path)
    assert not marker.exists()


@pytest.mark.parametrize("with_marker", [False, True])
def test_npz_with_pickled_object_array_is_refused_without_unpickling(tmp_path, with_marker):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    extra = {FORMAT_KEY: np.array([1, 2])} if with_marker else {}
    evil = np.array([TouchOnUnpickle(marker)], dtype=object)
    np.savez(path, **extra, w=np.ones(2), evil=evil, allow_pickle=True)
    assert_load_refuses(path, "evil")
    assert not marker.exists()
    # the same file would run the payload in a pickle-allowing reader
    with np.load(path, allow_pickle=True) as npz:
        npz["evil"]
    assert marker.exists()


def test_load_never_calls_pickle(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("load() must never unpickle")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    save({"w": np.ones(3)}, tmp_path / "w.npz")
    np.testing.assert_array_equal(nn.serialization.load(tmp_path / "w.npz")["w"], np.ones(3))


# ---- whole training states (format 2) ------------------------------------------------


def training_state():
    import autograd

    nn.init.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    opt = nn.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        opt.zero_grad()
        model(np.ones((4, 2))).sum().backward()
        opt.step()
        schedule.step()
    extras = {
        "epoch": 3,
        "best": float("inf"),
        "lost": float("nan"),
        "neg": -float("inf"),
        "note": "warm-up done, ünïcode ✓",
        "done": False,
        "nothing": None,
        "pair": (1, "two", [3.0]),
        "counts": {0: 10, 7: 3, "a/b": 1},
        "f32": np.float32(0.25),
        "i8": np.int8(-3),
        "x32": np.arange(6, dtype=np.float32).reshape(2, 3),
        "zero_d": np.array(5),
        "empty": {},
        "param": nn.Parameter([1.0, 2.0]),
        "plain": autograd.Tensor([[1, 2]]),
        "big": 2**70,
    }
    return model, opt, schedule, extras


def assert_same_tree(loaded, expected):
    if isinstance(expected, np.ndarray):
        assert isinstance(loaded, np.ndarray) and loaded.dtype == expected.dtype and loaded.shape == expected.shape
        np.testing.assert_array_equal(loaded, expected)
    elif isinstance(expected, np.generic):
        assert type(loaded) is type(expected) and loaded == expected
    elif isinstance(expected, nn.Parameter.__mro__[1]):  # a Tensor comes back as a Tensor
        assert type(loaded).__name__ == "Tensor" and loaded.requires_grad == expected.requires_grad
        assert_same_tree(loaded.data, expected.data)
    elif isinstance(expected, dict):
        assert type(loaded) is dict and list(loaded) == list(expected)
        for key in expected:
            assert_same_tree(loaded[key], expected[key])
    elif isinstance(expected, (list, tuple)):
        assert type(loaded) is type(expected) and len(loaded) == len(expected)
        for a, b in zip(loaded, expected):
            assert_same_tree(a, b)
    elif isinstance(expected, float) and expected != expected:
        assert isinstance(loaded, float) and loaded != loaded
    else:
        assert type(loaded) is type(expected) and loaded == expected


def test_a_whole_training_state_round_trips_with_its_types(tmp_path):
    model, opt, schedule, extras = training_state()
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": schedule.state_dict(), **extras}
    save(state, tmp_path / "checkpoint.npz")
    assert_same_tree(load(tmp_path / "checkpoint.npz"), state)
    assert leftovers(tmp_path) == ["checkpoint.npz"]


def test_modules_optimisers_and_schedulers_are_saved_by_their_state_dicts(tmp_path):
    model, opt, schedule, _ = training_state()
    save({"model": model, "optimizer": opt, "scheduler": schedule}, tmp_path / "c.npz")
    loaded = load(tmp_path / "c.npz")
    assert_same_tree(loaded["model"], model.state_dict())
    assert_same_tree(loaded["optimizer"], opt.state_dict())
    assert_same_tree(loaded["scheduler"], schedule.state_dict())


def test_nested_and_ragged_values_need_no_pickle(tmp_path):
    state = {"nested": {"a": np.ones(1)}, "ragged": [[1, 2], [3]]}
    save(state, tmp_path / "n.npz")
    assert_same_tree(load(tmp_path / "n.npz"), state)


def test_a_format_2_file_is_still_a_plain_npz(tmp_path):
    save({"epoch": 3, "w": np.arange(3.0), "note": "x"}, tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz", allow_pickle=False) as npz:
        assert npz[FORMAT_KEY].tolist() == [2, 1]
        np.testing.assert_array_equal(npz["0"], np.arange(3.0))
        manifest = npz[nn.serialization.MANIFEST_KEY].tobytes().decode()
    assert '"epoch", 3' in manifest and '{"array": 0}' in manifest


def test_flat_state_dicts_keep_format_1_and_old_files_load(tmp_path):
    save({"w": np.ones(2), "step": 7}, tmp_path / "flat.npz")
    with np.load(tmp_path / "flat.npz") as npz:
        assert npz[FORMAT_KEY].tolist() == [1, 2]
    assert_same_arrays(load(tmp_path / "flat.npz"), {"w": np.ones(2), "step": np.array(7)})
    # a file as chainrule wrote it before format 2 existed
    np.savez(tmp_path / "old.npz", **{FORMAT_KEY: np.array([1, 2]), "0.weight": np.eye(2), "0.bias": np.zeros(2)})
    assert_same_arrays(load(tmp_path / "old.npz"), {"0.weight": np.eye(2), "0.bias": np.zeros(2)})


def test_every_single_bit_flip_of_a_training_state_is_caught_or_harmless(tmp_path):
    state = {"epoch": 7, "opt": {"state": {0: {"step": 2, "m": np.arange(3.0)}}}, "note": "ab"}
    save(state, tmp_path / "good.npz")
    raw = (tmp_path / "good.npz").read_bytes()
    path = tmp_path / "flipped.npz"
    caught = 0
    for i in range(len(raw)):
        damaged = bytearray(raw)
        damaged[i] ^= 0x01
        path.write_bytes(bytes(damaged))
        try:
            loaded = load(path)
        except ValueError as err:
            assert str(path) in str(err)
            caught += 1
        else:
            assert_same_tree(loaded, state)
    assert caught > len(raw) // 2


@pytest.mark.parametrize(
    "manifest, words",
    [
        (b"{not json", ["damaged manifest"]),
        (b'{"dict": [["a", {"array": 0}], ["b", {"array": 0}]]}', ["array 0 twice"]),
        (b'{"dict": [["a", {"pickle": 0}]]}', ["unknown entry"]),
        (b'{"dict": [["a", {"array": 5}]]}', ["unknown entry"]),
        (b'{"dict": [[1.5, 1]]}', ["neither str nor int"]),
        (b'{"list": []}', ["does not describe"]),
        (b'{"dict": [["a", 1]]}', ["does not describe"]),  # array 0 is never used
        (b'{"list": [' * 100000 + b"]}" * 100000, ["damaged manifest"]),
    ],
)
def test_a_crafted_manifest_is_refused(tmp_path, manifest, words):
    path = tmp_path / "crafted.npz"
    members = {FORMAT_KEY: np.array([2, 1]), nn.serialization.MANIFEST_KEY: np.frombuffer(manifest, np.uint8)}
    np.savez(path, **members, **{"0": np.ones(2)})
    assert_load_refuses(path, *words)


def test_module_load_state_dict_points_to_nn_load(tmp_path):
    model = nn.Linear(2, 1)
    save(model, tmp_path / "m.npz")
    for wrong in (tmp_path / "m.npz", str(tmp_path / "m.npz"), [("weight", np.ones((1, 2)))], None):
        with pytest.raises(
            TypeError, match=r"Linear.load_state_dict: expected a mapping; to read a file use nn.load\(path\)"
        ):
            model.load_state_dict(wrong)
    model.load_state_dict(load(tmp_path / "m.npz"))


# ---- keys that look like paths -------------------------------------------------------


@pytest.mark.parametrize("key", ["../x", "a/../../b", "..\\x", "/etc/passwd", "\\share", "C:evil", "a/..", ".."])
@pytest.mark.parametrize("nested", [False, True])
def test_path_like_keys_are_refused_at_save(tmp_path, key, nested):
    state = {"model": {key: np.ones(1)}} if nested else {key: np.ones(1)}
    with pytest.raises(ValueError, match="looks like a file path"):
        save(state, tmp_path / "x.npz")
    assert leftovers(tmp_path) == []


def test_keys_that_only_resemble_paths_are_kept(tmp_path):
    state = {"layer/bias": np.ones(1), "..x": np.ones(1), "a..b": np.ones(1), "a/./b": np.ones(1), "ab:c": np.ones(1)}
    save(state, tmp_path / "k.npz")
    assert_same_arrays(load(tmp_path / "k.npz"), state)


# ---- loads that cannot exhaust memory ------------------------------------------------


def npy_header(shape, dtype="<f8"):
    """The bytes of a version-1 .npy header declaring ``shape`` (and no data)."""
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, header)  # magic string included
    return out.getvalue()


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    """``members``: name -> bytes, or name -> (header, zero-byte count) streamed in chunks."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, content in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                if isinstance(content, bytes):
                    member.write(content)
                else:
                    header, zeros = content
                    member.write(header)
                    chunk = bytes(2**20)
                    for start in range(0, zeros, len(chunk)):
                        member.write(chunk[: min(len(chunk), zeros - start)])


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    n = 8 * 2**20 // 8  # 8 MiB of float64 zeros
    write_zip(path, {"w.npy": (npy_header((n,)), 8 * n)}, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 8 * 2**20 / 500  # about 8 KiB on disk
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: inflated.append(n) or real_read(self, n))
    assert_load_refuses(path, "'w.npy'", "max_ratio=100", "zip bomb")
    assert inflated == []  # refused from the zip directory alone
    monkeypatch.undo()
    loaded = load(path, max_ratio=None)  # trusted: the limit can be lifted
    assert loaded["w"].shape == (n,) and not loaded["w"].any()
    assert_load_refuses_with(path, dict(max_ratio=None, max_bytes=2**20), "'w.npy'", "max_bytes")


def assert_load_refuses_with(path, options, *words):
    with pytest.raises(ValueError) as info:
        load(path, **options)
    for word in (str(path), *words):
        assert word in str(info.value)


def test_small_compressed_files_from_savez_compressed_load(tmp_path):
    state = {"zeros": np.zeros(100_000), "w": np.random.default_rng(0).standard_normal((50, 50))}
    np.savez_compressed(tmp_path / "c.npz", **state)
    assert_same_arrays(load(tmp_path / "c.npz"), state)


@pytest.mark.parametrize("max_bytes", [nn.serialization.DEFAULT_MAX_BYTES, None])
def test_a_header_declaring_10_to_the_12_elements_is_a_value_error(tmp_path, max_bytes):
    path = tmp_path / "huge.npz"
    write_zip(path, {"w.npy": npy_header((10**6, 10**6)) + bytes(64)})
    with pytest.raises(ValueError) as info:
        load(path, max_bytes=max_bytes)
    message = str(info.value)
    assert str(path) in message and "'w.npy'" in message and "(1000000, 1000000)" in message


def test_a_member_claiming_more_data_than_it_holds_is_refused(tmp_path):
    path = tmp_path / "short.npz"
    write_zip(path, {"w.npy": npy_header((1000,)) + bytes(80)})  # 8000 bytes declared, 80 present
    assert_load_refuses(path, "'w.npy'", "8000 bytes", "more data than the member holds")


def test_max_bytes_bounds_one_load_in_total(tmp_path):
    save({"a": np.zeros(1000), "b": np.zeros(1000)}, tmp_path / "two.npz")
    assert len(load(tmp_path / "two.npz", max_bytes=16_200)) == 2
    assert_load_refuses_with(tmp_path / "two.npz", dict(max_bytes=12_000), "'b.npy'", "max_bytes")
    assert_load_refuses_with(tmp_path / "two.npz", dict(max_bytes=7_999), "'a.npy'", "max_bytes")


@pytest.mark.parametrize("how", ["object", "state_dict"])
def test_an_optimiser_or_scheduler_saved_alone_comes_back_usable(tmp_path, how):
    model, opt, schedule, _ = training_state()
    for obj in (opt, schedule):
        save(obj if how == "object" else obj.state_dict(), tmp_path / "alone.npz")
        obj.load_state_dict(load(tmp_path / "alone.npz"))
    assert opt.state_dict()["param_groups"][0]["betas"] == (0.9, 0.999)
    assert type(schedule.last_epoch) is int and schedule.last_epoch == 3
    opt.step()
    schedule.step()
    assert schedule.get_last_lr() == [pytest.approx(0.01 * (1 + math.cos(math.pi * 4 / 10)) / 2)]


_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
        shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
    )
)
_keys = st.integers(-5, 5) | st.text(max_size=6).filter(lambda key: "\x00" not in key and not looks_like_path(key))
_trees = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(_keys, children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tree=st.dictionaries(
        st.text(max_size=6).filter(lambda k: "\x00" not in k and not looks_like_path(k)), _trees, min_size=1, max_size=4
    )
)
def test_any_tree_round_trips_with_its_types(tmp_path, monkeypatch, tree):
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    tree = {"nested": tree, "n": None}  # a value that is not array-like: the tree layout
    save(tree, tmp_path / "tree.npz")
    assert_same_tree(load(tmp_path / "tree.npz"), tree)
