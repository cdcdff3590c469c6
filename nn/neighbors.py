"""k-nearest-neighbour classification (lecture 5), brute force and vectorised in NumPy."""

import numpy as np

from . import checks

__all__ = ["KNeighborsClassifier"]

# queries go a block at a time so the (block, n, p) differences stay near 32 MB
_BLOCK_ELEMENTS = 1 << 22


class KNeighborsClassifier:
    r"""Predict the majority label among the ``k`` stored samples nearest to a query.

    Distances are Euclidean, ``d(a, b)^2 = sum_j (a_j - b_j)^2``, computed from the
    differences (not from ``||a||^2 - 2 a.b + ||b||^2``, which cancels badly for close points
    far from the origin) one block of queries at a time, so memory stays bounded. ``fit``
    only stores the training set: a prediction costs O(n p) for the distances plus a sort.

    Ties, as in scikit-learn's ``KNeighborsClassifier`` (``weights="uniform"``):

    - a tie in the vote goes to the smallest class label;
    - among training samples at exactly equal distance the one stored first counts as
      nearer (a stable sort). scikit-learn's brute force agrees whenever the ``k`` nearest
      samples are unambiguous; when several samples tie for the ``k``-th place its
      heap-based search may keep a different one of them.
    - NOTE: a tie means equal computed distances; on non-integer data rounding can split
      distances that are equal on paper.

    >>> X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    >>> y = np.array([0, 0, 0, 1, 1])
    >>> knn = KNeighborsClassifier(k=3).fit(X, y)
    >>> knn.predict(np.array([[0.5], [10.5]])).tolist()
    [0, 1]
    >>> knn.predict_proba(np.array([[9.0]])).tolist()  # neighbours 10, 11 and 2
    [[0.3333333333333333, 0.6666666666666666]]
    >>> KNeighborsClassifier(k=2).fit(X, y).predict(np.array([[6.0]])).tolist()  # 1-1 vote
    [0]
    """

    def __init__(self, k=5):
        self.k = checks.integer(k, "k", "KNeighborsClassifier")
        self.classes_ = None

    def fit(self, X, y):
        """Store the training set ``X`` (n, p) and its labels ``y`` (n,); returns ``self``.

        Labels may be any sortable values; ``classes_`` holds them sorted, which is the
        column order of ``predict_proba``.

        >>> knn = KNeighborsClassifier(k=1).fit([[0.0, 0.0], [1.0, 1.0]], ["cat", "dog"])
        >>> knn.classes_.tolist()
        ['cat', 'dog']
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
            raise ValueError(
                f"fit expects X of shape (n_samples, n_features) and y of shape (n_samples,), "
                f"got X {X.shape} and y {y.shape}"
            )
        if self.k > len(X):
            raise ValueError(
                f"k = {self.k} neighbours asked for but only {len(X)} training samples given; use a smaller k"
            )
        self.classes_, self._y_index = np.unique(y, return_inverse=True)
        self._X = X
        return self

    def kneighbors(self, X):
        """Indices ``(m, k)`` of each query's ``k`` nearest training samples, nearest first.

        >>> knn = KNeighborsClassifier(k=2).fit([[0.0], [3.0], [1.0]], [0, 1, 0])
        >>> knn.kneighbors([[2.9]]).tolist()
        [[1, 2]]
        """
        X = self._check_query(X)
        out = np.empty((len(X), self.k), dtype=np.intp)
        block = max(1, _BLOCK_ELEMENTS // max(1, self._X.size))
        for start in range(0, len(X), block):
            diff = X[start : start + block, None, :] - self._X[None, :, :]
            dist_sq = np.einsum("qnp,qnp->qn", diff, diff)
            # stable, so samples at equal distance keep their training order
            out[start : start + block] = np.argsort(dist_sq, axis=1, kind="stable")[:, : self.k]
        return out

    def predict_proba(self, X):
        """Share of the ``k`` neighbours in each class: an ``(m, n_classes)`` array whose
        columns follow ``classes_``.

        >>> knn = KNeighborsClassifier(k=2).fit([[0.0], [1.0], [5.0]], [0, 1, 1])
        >>> knn.predict_proba([[0.2], [4.0]]).tolist()
        [[0.5, 0.5], [0.0, 1.0]]
        """
        counts = self._vote_counts(X)
        return counts / self.k

    def predict(self, X):
        """The most common label among each query's ``k`` nearest neighbours, shape ``(m,)``;
        a tie in the vote goes to the smallest label.

        >>> knn = KNeighborsClassifier(k=1).fit([[0.0], [1.0]], [7, 9])
        >>> knn.predict([[0.2], [0.9]]).tolist()
        [7, 9]
        """
        # argmax returns the first maximum: on a tie, the smallest of the sorted classes_
        return self.classes_[np.argmax(self._vote_counts(X), axis=1)]

    def score(self, X, y):
        """Accuracy: the fraction of ``X`` whose prediction equals ``y``.

        >>> knn = KNeighborsClassifier(k=1).fit([[0.0], [1.0]], [0, 1])
        >>> knn.score([[0.1], [0.2]], [0, 1])
        0.5
        """
        y = np.asarray(y)
        predicted = self.predict(X)
        if y.shape != predicted.shape:
            raise ValueError(f"y has shape {y.shape}, expected {predicted.shape}")
        return float(np.mean(predicted == y))

    def _vote_counts(self, X):
        neighbours = self.kneighbors(X)
        labels = self._y_index[neighbours]
        n_classes = len(self.classes_)
        # one bincount for all rows: row i's labels are shifted into bins i*C .. i*C + C - 1
        offsets = n_classes * np.arange(len(labels))[:, None]
        flat = np.bincount((labels + offsets).ravel(), minlength=len(labels) * n_classes)
        return flat.reshape(len(labels), n_classes)

    def _check_query(self, X):
        if self.classes_ is None:
            raise RuntimeError("this KNeighborsClassifier is not fitted yet; call fit(X, y) first")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self._X.shape[1]:
            raise ValueError(
                f"X has shape {X.shape} but the classifier was fitted on X of shape "
                f"{self._X.shape}; queries need shape (n_queries, {self._X.shape[1]})"
            )
        return X

    def __repr__(self):
        return f"KNeighborsClassifier(k={self.k})"
