import gzip
import hashlib
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.data import (
    DataLoader,
    load_digits,
    load_iris,
    make_moons,
    make_spiral,
    train_val_test_split,
)

from ..support import require

# ../shared beside the checkout, as CI lays it out
SHARED_README = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "README.md"
# the sums published in the data README; the shipped copies must be byte-for-byte these
SHA256 = {
    "iris.csv": "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449",
    "digits.csv.gz": "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
}


# ---- shipped files -------------------------------------------------------------------


@pytest.mark.parametrize("filename", sorted(SHA256))
def test_shipped_file_matches_published_sha256(filename):
    raw = resources.files("nn.datasets").joinpath(filename).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256[filename]


def test_sha256_table_matches_the_data_readme():
    require(
        SHARED_README.exists(),
        f"the shared data README is not at {SHARED_README} (CI lays ../shared beside the checkout)",
    )
    text = SHARED_README.read_text()
    for filename, digest in SHA256.items():
        assert f"{filename} `{digest}`" in text


def test_load_iris_shapes_classes_and_names():
    X, y = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    X2, y2, names = load_iris(return_names=True)
    assert names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    # first and last rows of Fisher's table
    assert X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and y[0] == 0
    assert X[-1].tolist() == [5.9, 3.0, 5.1, 1.8] and y[-1] == 2


def test_load_digits_shapes_classes_and_names():
    X, y, names = load_digits(return_names=True)
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert np.array_equal(X, np.round(X)) and X.min() == 0 and X.max() == 16
    assert sorted(set(y.tolist())) == list(range(10))
    assert names == tuple("0123456789")
    # independent parse of the shipped file
    raw = resources.files("nn.datasets").joinpath("digits.csv.gz").read_bytes()
    first = gzip.decompress(raw).decode().splitlines()[0].split(",")
    assert X[0].tolist() == [float(v) for v in first[:64]] and y[0] == int(first[64])


def test_loaders_return_fresh_arrays():
    X, _ = load_iris()
    X[:] = 0
    assert load_iris()[0][0, 0] == 5.1


# ---- make_spiral ---------------------------------------------------------------------


def spiral_by_hand(n, k_classes, s, seed):
    """The lecture's formula point by point: X_k(t) = t (sin a, cos a),
    a = 2 pi / K (2 t + k - 1 + e), with e drawn as one (K, N) block."""
    e = np.random.default_rng(seed).normal(0.0, s, size=(k_classes, n))
    points, labels = [], []
    for k in range(1, k_classes + 1):
        for i in range(n):
            t = i / (n - 1) if n > 1 else 0.0
            a = 2 * math.pi / k_classes * (2 * t + k - 1 + e[k - 1, i])
            points.append((t * math.sin(a), t * math.cos(a)))
            labels.append(k - 1)
    return np.array(points), np.array(labels)


@pytest.mark.parametrize(("n", "k", "s", "seed"), [(50, 3, 0.2, 0), (7, 5, 0.5, 123), (1, 2, 0.2, 1)])
def test_make_spiral_matches_the_formula(n, k, s, seed):
    X, y = make_spiral(n, n_classes=k, noise=s, seed=seed)
    X_ref, y_ref = spiral_by_hand(n, k, s, seed)
    assert X.shape == (n * k, 2) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_allclose(X, X_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(y, y_ref)


def test_make_spiral_without_noise_has_radius_t_and_fixed_angle():
    X, y = make_spiral(11, n_classes=4, noise=0.0, seed=0)
    t = np.tile(np.linspace(0, 1, 11), 4)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), t, atol=1e-12)
    # class k = 2 (label 1) at t = 1: a = 2 pi / 4 * (2 + 1) = 3 pi / 2 -> (sin a, cos a) = (-1, 0)
    np.testing.assert_allclose(X[21], [-1.0, 0.0], atol=1e-12)


def test_make_spiral_seeds():
    a = make_spiral(20, seed=5)[0]
    assert np.array_equal(a, make_spiral(20, seed=5)[0])
    assert not np.array_equal(a, make_spiral(20, seed=6)[0])


def test_make_spiral_does_not_touch_global_rng():
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    make_spiral(10, seed=None)
    make_moons(10, seed=None)
    assert np.random.random() == expected


@pytest.mark.parametrize("kwargs", [{"n_per_class": 0}, {"n_per_class": 2.5}, {"n_classes": 0}, {"noise": -0.1}])
def test_make_spiral_rejects_bad_arguments(kwargs):
    args = {"n_per_class": 5, **kwargs}
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        make_spiral(**args)


# ---- make_moons ----------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_make_moons_shapes_and_balance(n):
    X, y = make_moons(n, noise=0.1, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert (y == 0).sum() == n // 2 and (y == 1).sum() == n - n // 2


def test_make_moons_without_noise_lies_on_the_half_circles():
    X, y = make_moons(101, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)
    # like scikit-learn: the upper moon starts at (1, 0), the lower one at (0, 0.5)
    np.testing.assert_allclose(upper[0], [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(lower[0], [0.0, 0.5], atol=1e-12)


def test_make_moons_noise_has_the_requested_spread():
    clean, _ = make_moons(4000, noise=0.0)
    noisy, _ = make_moons(4000, noise=0.3, seed=1)
    assert abs(np.std(noisy - clean) - 0.3) < 0.02
    assert np.array_equal(noisy, make_moons(4000, noise=0.3, seed=1)[0])


# ---- train_val_test_split ------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(0, 300),
    fractions=st.sampled_from([(0.6, 0.2, 0.2), (0.8, 0.1, 0.1), (1 / 3, 1 / 3, 1 / 3), (0.5, 0.25, 0.25)]),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_sizes_disjoint_and_complete(n, fractions, seed):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n) * 10
    Xtr, ytr, Xva, yva, Xte, yte = train_val_test_split(X, y, fractions, seed=seed)
    assert len(Xtr) == round(fractions[0] * n)
    assert len(Xtr) + len(Xva) == round((fractions[0] + fractions[1]) * n)
    ids = np.concatenate([ytr, yva, yte]) // 10
    assert sorted(ids.tolist()) == list(range(n))  # disjoint and complete
    for Xp, yp in [(Xtr, ytr), (Xva, yva), (Xte, yte)]:
        np.testing.assert_array_equal(Xp[:, 0], yp // 10 * 2)  # rows stay paired with labels


def test_split_iris_sizes_and_seeding():
    X, y = load_iris()
    parts = train_val_test_split(X, y, seed=0)
    assert [p.shape for p in parts] == [(90, 4), (90,), (30, 4), (30,), (30, 4), (30,)]
    again = train_val_test_split(X, y, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))
    other = train_val_test_split(X, y, seed=1)
    assert not np.array_equal(parts[1], other[1])
    # it shuffles: iris is sorted by class, the training set must not be
    assert not np.array_equal(parts[1], np.sort(parts[1]))


@pytest.mark.parametrize("fractions", [(0.5, 0.5, 0.0), (0.7, 0.2, 0.2), (0.6, 0.4), (-0.2, 0.6, 0.6), "abc", None])
def test_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), fractions)


def test_split_rejects_length_mismatch():
    with pytest.raises(ValueError, match=r"len\(X\) = 10.*len\(y\) = 9"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9))


# ---- DataLoader ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 60), batch_size=st.integers(1, 70), shuffle=st.booleans(), seed=st.integers(0, 1000))
def test_loader_batches_cover_every_sample_once(n, batch_size, shuffle, seed):
    X = np.arange(n * 3, dtype=np.float64).reshape(n, 3)
    y = np.arange(n)
    loader = DataLoader(X, y, batch_size, shuffle=shuffle, seed=seed)
    batches = list(loader)
    assert len(loader) == len(batches) == math.ceil(n / batch_size)
    sizes = [len(yb) for _, yb in batches]
    assert all(s == batch_size for s in sizes[:-1])
    if n:
        assert sizes[-1] == n - batch_size * (len(batches) - 1)  # short last batch, no drop
    seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([], int)
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in batches:
        assert isinstance(xb, np.ndarray) and isinstance(yb, np.ndarray)
        np.testing.assert_array_equal(xb[:, 0], yb * 3)  # each x stays with its y
    if not shuffle:
        assert seen.tolist() == list(range(n))


def test_loader_seeded_shuffling_is_reproducible_and_new_each_epoch():
    X, y = np.arange(100.0)[:, None], np.arange(100)

    def epochs(loader, count):
        return [np.concatenate([yb for _, yb in loader]).tolist() for _ in range(count)]

    a = epochs(DataLoader(X, y, 16, shuffle=True, seed=42), 3)
    b = epochs(DataLoader(X, y, 16, shuffle=True, seed=42), 3)
    c = epochs(DataLoader(X, y, 16, shuffle=True, seed=43), 3)
    assert a == b
    assert a != c
    assert a[0] != a[1] != a[2]  # a fresh permutation each epoch
    assert a[0] != list(range(100))
    for epoch in a:
        assert sorted(epoch) == list(range(100))
    # the permutations come from default_rng(seed), one per epoch
    rng = np.random.default_rng(42)
    assert a == [rng.permutation(100).tolist() for _ in range(3)]


def test_loader_without_shuffle_is_in_order_every_epoch():
    loader = DataLoader(np.zeros((5, 1)), np.arange(5), batch_size=2)
    for _ in range(2):
        assert [yb.tolist() for _, yb in loader] == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_loader_rejects_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(np.zeros((4, 2)), np.zeros(4), batch_size)


def test_loader_rejects_length_mismatch():
    with pytest.raises(ValueError, match=r"len\(X\) = 4.*len\(y\) = 3"):
        DataLoader(np.zeros((4, 2)), np.zeros(3), 2)
