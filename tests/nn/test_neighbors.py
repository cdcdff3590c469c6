
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.neighbors
from nn.data import load_digits, load_iris, train_val_test_split
from nn.neighbors import KNeighborsClassifier


def exact_sq_distances(A, B):
    """Squared distances of integer-valued data, exact in float64 (all terms < 2**53)."""
    return (A * A).sum(1)[:, None] - 2.0 * A @ B.T + (B * B).sum(1)[None, :]


def unambiguous(A_train, A_query, k):
    """Queries whose k nearest training samples form a unique set: the k-th distance is
    strictly below the (k+1)-th. Only there is the neighbour set implementation-free."""
    d = np.sort(exact_sq_distances(A_query, A_train), axis=1)
    if k == d.shape[1]:
        return np.ones(len(d), dtype=bool)
    return d[:, k - 1] < d[:, k]


def reference_predict(X_train, y_train, X_query, k):
    """Lecture 5 by hand: exact distances, stable order, count votes, smallest label wins."""
    out = []
    for q in X_query:
        d = ((X_train - q) ** 2).sum(1)
        nearest = np.argsort(d, kind="stable")[:k]
        labels, counts = np.unique(y_train[nearest], return_counts=True)
        out.append(labels[np.argmax(counts)])
    return np.array(out)


def compare_with_sklearn(X_train, y_train, X_query, ks, scale=1, proba=False):
    """Assert our predictions equal scikit-learn's wherever the k nearest are unambiguous;
    returns how many predictions were compared and how many of them had a tied vote."""
    import sklearn.neighbors as sklearn_neighbors  # the oracle: in the test extra, never skipped

    return _compare(sklearn_neighbors, X_train, y_train, X_query, ks, scale, proba)


def _compare(sklearn_neighbors, X_train, y_train, X_query, ks, scale, proba):
    A_train, A_query = np.rint(X_train * scale), np.rint(X_query * scale)
    # the data must sit on the grid, or exact ties there would say nothing about X
    assert np.allclose(A_train / scale, X_train) and np.allclose(A_query / scale, X_query)
    compared = tied = 0
    for k in ks:
        ours = KNeighborsClassifier(k=k).fit(X_train, y_train)
        theirs = sklearn_neighbors.KNeighborsClassifier(n_neighbors=k, algorithm="brute")
        theirs.fit(X_train, y_train)
        mask = unambiguous(A_train, A_query, k)
        np.testing.assert_array_equal(ours.predict(X_query)[mask], theirs.predict(X_query)[mask], err_msg=f"k = {k}")
        if proba:  # scikit-learn's predict_proba is slow: only where asked
            np.testing.assert_allclose(ours.predict_proba(X_query)[mask], theirs.predict_proba(X_query)[mask])
        top = np.sort(ours.predict_proba(X_query)[mask], axis=1)
        compared += mask.sum()
        tied += (top[:, -1] == top[:, -2]).sum() if top.shape[1] > 1 else 0
    return compared, tied


# ---- lecture 5's check: the same predictions as scikit-learn -------------------------


def test_matches_sklearn_on_iris():
    X, y = load_iris()
    for seed in range(2):
        Xtr, ytr, Xva, _, Xte, _ = train_val_test_split(X, y, seed=seed)
        queries = np.concatenate([Xva, Xte, Xtr])  # training points as queries: ties at 0
        compared, _ = compare_with_sklearn(Xtr, ytr, queries, ks=range(1, 11), scale=10)
        assert compared > 0.8 * 10 * len(queries)


def test_matches_sklearn_on_digits():
    X, y = load_digits()
    Xtr, ytr, Xva, _, Xte, _ = train_val_test_split(X, y, seed=0)
    queries = np.concatenate([Xva, Xte])
    compared, _ = compare_with_sklearn(Xtr, ytr, queries, ks=(1, 2, 5))
    assert compared > 0.9 * 3 * len(queries)


def test_matches_sklearn_on_random_data_with_ties():
    rng = np.random.default_rng(0)
    compared = tied = 0
    for trial in range(20):
        n, p = rng.integers(8, 120), rng.integers(1, 4)
        # a coarse integer grid: many equal distances and many tied votes
        X_train = rng.integers(0, 10, size=(n, p)).astype(float)
        y_train = rng.integers(0, 3, size=n) * 2 - 1  # labels -1, 1, 3: not 0..C-1
        X_query = rng.integers(0, 10, size=(40, p)).astype(float)
        c, t = compare_with_sklearn(X_train, y_train, X_query, ks=(1, 2, 3, 4, 6), proba=trial < 3)
        compared, tied = compared + c, tied + t
    assert compared > 1000 and tied > 200  # the vote tie rule really was exercised


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 40),
    p=st.integers(1, 3),
    n_classes=st.integers(1, 4),
)
def test_matches_the_lecture_algorithm_including_boundary_ties(data, n, p, n_classes):
    k = data.draw(st.integers(1, n))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X_train = rng.integers(-2, 3, size=(n, p)).astype(float)
    y_train = rng.integers(0, n_classes, size=n)
    X_query = rng.integers(-2, 3, size=(15, p)).astype(float)
    ours = KNeighborsClassifier(k=k).fit(X_train, y_train).predict(X_query)
    np.testing.assert_array_equal(ours, reference_predict(X_train, y_train, X_query, k))


# ---- tie rules, by hand --------------------------------------------------------------


def test_vote_tie_goes_to_the_smallest_label():
    X = np.array([[-1.0], [1.0]])
    for labels in ([5, 2], [2, 5]):
        knn = KNeighborsClassifier(k=2).fit(X, labels)
        assert knn.predict([[0.0]]).tolist() == [2]


def test_equal_distances_keep_training_order():
    X = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    y = np.array([7, 3, 3, 7])
    knn = KNeighborsClassifier(k=1).fit(X, y)
    # four samples at distance 1 from 0: the first stored one is the nearest
    assert knn.kneighbors([[0.0]]).tolist() == [[0]]
    assert knn.predict([[0.0]]).tolist() == [7]
    assert KNeighborsClassifier(k=3).fit(X, y).kneighbors([[0.0]]).tolist() == [[0, 1, 2]]


def test_kneighbors_orders_by_distance():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [-2.0, 0.0]])
    knn = KNeighborsClassifier(k=4).fit(X, [0, 1, 0, 1])
    assert knn.kneighbors([[0.1, 0.1]]).tolist() == [[0, 2, 3, 1]]


def test_distances_stay_accurate_far_from_the_origin():
    # ||a||^2 - 2ab + ||b||^2 would cancel to noise here; differences do not
    X = 1e8 + np.array([[0.0], [1e-3], [3e-3]])
    knn = KNeighborsClassifier(k=1).fit(X, [0, 1, 2])
    assert knn.predict(1e8 + np.array([[0.4e-3], [0.6e-3], [2.2e-3]])).tolist() == [0, 1, 2]


def test_blocks_give_the_same_answer(monkeypatch):
    X, y = load_iris()
    expected = KNeighborsClassifier(k=5).fit(X, y).predict(X)
    monkeypatch.setattr(nn.neighbors, "_BLOCK_ELEMENTS", 7)  # one query per block
    np.testing.assert_array_equal(KNeighborsClassifier(k=5).fit(X, y).predict(X), expected)


def test_string_labels_proba_and_score():
    X = [[0.0], [1.0], [10.0], [11.0], [12.0]]
    y = ["a", "a", "b", "b", "b"]
    knn = KNeighborsClassifier(k=3).fit(X, y)
    assert knn.classes_.tolist() == ["a", "b"]
    assert knn.predict([[0.4], [11.0]]).tolist() == ["a", "b"]
    np.testing.assert_allclose(knn.predict_proba([[0.4], [11.0]]), [[2 / 3, 1 / 3], [0, 1]])
    assert knn.score([[0.4], [11.0], [12.0]], ["a", "a", "b"]) == pytest.approx(2 / 3)


def test_iris_accuracy_is_high():
    X, y = load_iris()
    Xtr, ytr, _, _, Xte, yte = train_val_test_split(X, y, seed=0)
    assert KNeighborsClassifier(k=5).fit(Xtr, ytr).score(Xte, yte) > 0.9


# ---- errors --------------------------------------------------------------------------


def test_predict_before_fit():
    with pytest.raises(RuntimeError, match="fit"):
        KNeighborsClassifier().predict([[0.0]])


def test_feature_count_mismatch_names_both_shapes():
    knn = KNeighborsClassifier(k=1).fit(np.zeros((3, 4)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 4\)"):
        knn.predict(np.zeros((2, 3)))


def test_k_larger_than_training_set():
    with pytest.raises(ValueError, match="k = 4.*3 training samples"):
        KNeighborsClassifier(k=4).fit(np.zeros((3, 2)), [0, 1, 2])


@pytest.mark.parametrize("k", [0, -3, 2.5, True])
def test_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        KNeighborsClassifier(k=k)


def test_fit_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2,\)"):
        KNeighborsClassifier(k=1).fit(np.zeros((3, 2)), [0, 1])
