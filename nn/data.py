"""Toy and shipped data sets, a seeded split, and a mini-batch loader.

Everything random takes a ``seed`` and draws from its own
``numpy.random.default_rng(seed)``; the global NumPy RNG is never touched, so a
seed reproduces the same numbers whatever else the program does.

The shipped data sets live in ``nn/datasets/`` and are read with
``importlib.resources``, so they work offline and from a zip or wheel:

- ``iris.csv``: R. A. Fisher (1936), Iris flowers, UCI Machine Learning Repository, CC BY 4.0.
- ``digits.csv.gz``: E. Alpaydin, C. Kaynak (1998), "Optical Recognition of Handwritten
  Digits", UCI Machine Learning Repository, CC BY 4.0.
"""

import gzip
import io
import math
from importlib import resources

import numpy as np

from . import checks

__all__ = [
    "DataLoader",
    "load_digits",
    "load_iris",
    "make_moons",
    "make_spiral",
    "train_val_test_split",
]

_DATASETS = "nn.datasets"


def make_spiral(n_per_class, n_classes=3, noise=0.2, seed=None):
    r"""Noisy spiral arms, one per class (lecture 4, NYU deep learning course).

    For class ``k = 1..K`` (label ``k - 1``) and ``N`` evenly spaced ``t`` in ``[0, 1]``::

        X_k(t) = t * (sin(a), cos(a)),   a = 2 pi / K * (2 t + k - 1 + e),   e ~ N(0, s^2)

    with ``s = noise``; the same ``e`` goes into ``sin`` and ``cos``. The noise is drawn as one
    ``(K, N)`` block ``default_rng(seed).normal(0, s, (K, N))``, row ``k - 1`` for class ``k``.
    Points come ordered by class: ``y = [0]*N + [1]*N + ...``.

    Returns ``(X, y)``: ``X`` float64 of shape ``(N*K, 2)``, ``y`` int64 of shape ``(N*K,)``.

    >>> X, y = make_spiral(100, n_classes=3, seed=0)
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((300, 2), dtype('float64'), (300,), dtype('int64'))
    >>> np.bincount(y).tolist()
    [100, 100, 100]
    >>> bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0))  # radius is t
    True
    """
    n = checks.integer(n_per_class, "n_per_class", "make_spiral")
    k_classes = checks.integer(n_classes, "n_classes", "make_spiral")
    s = checks.number(noise, "noise", "make_spiral", minimum=0, what="a standard deviation")
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n)
    k = np.arange(1, k_classes + 1)[:, None]
    e = rng.normal(0.0, s, size=(k_classes, n))
    a = 2.0 * np.pi / k_classes * (2.0 * t + k - 1 + e)
    X = np.stack([t * np.sin(a), t * np.cos(a)], axis=-1).reshape(-1, 2)
    y = np.repeat(np.arange(k_classes, dtype=np.int64), n)
    return X, y


def make_moons(n, noise=0.1, seed=None):
    r"""Two interleaving half circles, like scikit-learn's ``make_moons``.

    ``n // 2`` points with label 0 on the upper half circle ``(cos u, sin u)`` and
    ``n - n // 2`` with label 1 on the lower one ``(1 - cos u, 1/2 - sin u)``, ``u`` evenly
    spaced in ``[0, pi]``; then Gaussian noise of standard deviation ``noise`` on every
    coordinate, drawn as ``default_rng(seed).normal(0, noise, (n, 2))``. Unlike scikit-learn
    the points are not shuffled: class 0 comes first (shuffle with a ``DataLoader`` or
    ``train_val_test_split``).

    Returns ``(X, y)``: ``X`` float64 ``(n, 2)``, ``y`` int64 ``(n,)``.

    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X.shape, y.shape, np.bincount(y).tolist()
    ((200, 2), (200,), [100, 100])
    """
    n = checks.integer(n, "n", "make_moons")
    s = checks.number(noise, "noise", "make_moons", minimum=0, what="a standard deviation")
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    u_upper = np.linspace(0.0, np.pi, n_upper)
    u_lower = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.stack([np.cos(u_upper), np.sin(u_upper)], axis=1)
    lower = np.stack([1.0 - np.cos(u_lower), 0.5 - np.sin(u_lower)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0.0, s, size=(n, 2))
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n - n_upper, np.int64)])
    return X, y


def _read_text(filename):
    raw = resources.files(_DATASETS).joinpath(filename).read_bytes()
    return (gzip.decompress(raw) if filename.endswith(".gz") else raw).decode("ascii")


def _parse_table(filename, text, expected_shape):
    table = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)
    if table.shape != expected_shape:
        raise ValueError(
            f"shipped data file {filename!r} holds a table of shape {table.shape}, expected "
            f"{expected_shape}; the installation is damaged, reinstall chainrule"
        )
    # the label is the last column, everything before it a feature
    return table[:, :-1].astype(np.float64), table[:, -1].astype(np.int64)


def load_iris(return_names=False):
    """Fisher's Iris flowers: 150 samples, 4 features (cm), 3 species.

    Features: sepal length, sepal width, petal length, petal width. Labels 0, 1, 2 are
    ``("setosa", "versicolor", "virginica")``. Returns ``(X, y)`` with ``X`` float64
    ``(150, 4)`` and ``y`` int64 ``(150,)``; with ``return_names=True`` returns
    ``(X, y, names)`` where ``names[label]`` is the species name.
    Source: R. A. Fisher (1936), UCI Machine Learning Repository, CC BY 4.0.

    >>> X, y, names = load_iris(return_names=True)
    >>> X.shape, y.shape, names
    ((150, 4), (150,), ('setosa', 'versicolor', 'virginica'))
    >>> X[0].tolist(), names[y[0]]
    ([5.1, 3.5, 1.4, 0.2], 'setosa')
    """
    header, body = _read_text("iris.csv").split("\n", 1)
    # header: sample count, feature count, then the class names in label order
    count, features, *names = header.strip().split(",")
    X, y = _parse_table("iris.csv", body, (int(count), int(features) + 1))
    return (X, y, tuple(names)) if return_names else (X, y)


def load_digits(return_names=False):
    """Handwritten digits: 1797 grey-level 8x8 images, pixel values 0..16, labels 0..9.

    Returns ``(X, y)`` with ``X`` float64 ``(1797, 64)`` (each row an image read row by row;
    ``X[i].reshape(8, 8)`` shows it) and ``y`` int64 ``(1797,)``. With ``return_names=True``
    returns ``(X, y, names)``, ``names = ("0", "1", ..., "9")``.
    Source: E. Alpaydin, C. Kaynak (1998), "Optical Recognition of Handwritten Digits",
    UCI Machine Learning Repository, CC BY 4.0.

    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.min()), float(X.max())
    ((1797, 64), (1797,), 0.0, 16.0)
    >>> sorted(set(y.tolist())) == list(range(10))
    True
    """
    X, y = _parse_table("digits.csv.gz", _read_text("digits.csv.gz"), (1797, 65))
    return (X, y, tuple(str(d) for d in range(10))) if return_names else (X, y)


def _check_pair(X, y):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must have a sample axis, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got len(X) = {len(X)} and len(y) = {len(y)}")
    return X, y


def train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=None):
    """Shuffle the samples and cut them into training, validation and test sets.

    A seeded permutation ``default_rng(seed).permutation(n)`` is cut at
    ``round(n * f_train)`` and ``round(n * (f_train + f_val))``; the test set gets the rest,
    so the three sets are disjoint and cover every sample once. ``fractions`` are three
    positive numbers summing to 1. Returns
    ``(X_train, y_train, X_val, y_val, X_test, y_test)`` (new arrays).

    >>> X, y = load_iris()
    >>> parts = train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), seed=0)
    >>> [len(p) for p in parts]
    [90, 90, 30, 30, 30, 30]
    """
    X, y = _check_pair(X, y)
    try:
        f = [float(v) for v in fractions]
    except (TypeError, ValueError):
        f = []
    if len(f) != 3 or not all(v > 0 for v in f) or not math.isclose(sum(f), 1.0):
        raise ValueError(f"fractions must be three positive numbers (train, val, test) summing to 1, got {fractions!r}")
    n = len(X)
    order = np.random.default_rng(seed).permutation(n)
    cut1, cut2 = (int(c) for c in np.rint(np.cumsum(f[:2]) * n))
    parts = (order[:cut1], order[cut1:cut2], order[cut2:])
    return tuple(a[idx] for idx in parts for a in (X, y))


class DataLoader:
    """Iterate over ``(xb, yb)`` mini-batches of NumPy arrays.

    Batches hold ``batch_size`` consecutive samples, the last one fewer if ``batch_size``
    does not divide the sample count (nothing is dropped); ``len(loader)`` is
    ``ceil(n / batch_size)``. The loader can be iterated again for every epoch. With
    ``shuffle=True`` each epoch draws a fresh permutation from the loader's own
    ``default_rng(seed)``, so two loaders built with the same seed yield the same batches,
    epoch after epoch. Without shuffling, batches are slices (views) of ``X`` and ``y``.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader(X, y, batch_size=2)
    >>> len(loader), [yb.tolist() for xb, yb in loader]
    (3, [[0, 1], [2, 3], [4]])
    >>> shuffled = DataLoader(X, y, batch_size=2, shuffle=True, seed=0)
    >>> sorted(int(v) for xb, yb in shuffled for v in yb)
    [0, 1, 2, 3, 4]
    """

    def __init__(self, X, y, batch_size, shuffle=False, seed=None):
        self.X, self.y = _check_pair(X, y)
        self.batch_size = checks.integer(batch_size, "batch_size", "DataLoader")
        self.shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)

    def __len__(self):
        return (len(self.X) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        # draw the permutation now, not at the first next(), so the epoch is fixed on iter()
        order = self._rng.permutation(len(self.X)) if self.shuffle else None
        return self._batches(order)

    def _batches(self, order):
        for start in range(0, len(self.X), self.batch_size):
            if order is None:
                rows = slice(start, start + self.batch_size)
            else:
                rows = order[start : start + self.batch_size]
            yield self.X[rows], self.y[rows]

    def __repr__(self):
        return f"DataLoader(n_samples={len(self.X)}, batch_size={self.batch_size}, shuffle={self.shuffle})"
