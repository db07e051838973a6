"""A one-vs-rest linear SVM kept as plain weight arrays.

Training uses scikit-learn's ``LinearSVC`` (liblinear); prediction is one
sparse-times-dense product, so a loaded model needs neither scikit-learn nor
a pickle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

Matrix = scipy.sparse.spmatrix | np.ndarray


class LinearModel:
    """Per-class weights: ``scores = X @ weights + intercept``.

    ``weights`` is kept as a C-ordered float64 ``(features, classes)`` array:
    scipy multiplies a sparse row by it in microseconds, while a transposed
    or float32 array is first copied whole (milliseconds for 60 intents).
    """

    def __init__(self, weights: np.ndarray, intercept: np.ndarray) -> None:
        """Wrap ``weights`` of shape ``(features, classes)`` and ``intercept`` ``(classes,)``."""
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)

    @property
    def n_features(self) -> int:
        """Width of the feature rows the model expects."""
        return int(self.weights.shape[0])

    def scores(self, features: Matrix) -> np.ndarray:
        """Decision scores, shape ``(rows, classes)``."""
        return np.asarray(features @ self.weights) + self.intercept


@dataclass(frozen=True)
class SvmSettings:
    """Hyper-parameters of :func:`fit_svm`."""

    C: float = 1.0
    class_weight: str | None = None
    random_state: int = 42
    max_iter: int = 5000


def fit_svm(
    features: Matrix, targets: np.ndarray, n_classes: int, settings: SvmSettings
) -> LinearModel:
    """Train a one-vs-rest linear SVM on class indices ``0 .. n_classes - 1``.

    Raises:
        ValueError: ``targets`` holds fewer than two classes.
    """
    if len(np.unique(targets)) < 2:
        raise ValueError("an intent classifier needs examples of at least two intents")
    svm = LinearSVC(
        C=settings.C,
        class_weight=settings.class_weight,
        random_state=settings.random_state,
        max_iter=settings.max_iter,
    )
    svm.fit(features, targets)
    weights = np.zeros((features.shape[1], n_classes))
    # A class absent from this training set can never win (score -inf).
    intercept = np.full(n_classes, -np.inf)
    if len(svm.classes_) == 2:
        # liblinear keeps one separating plane for two classes: split it.
        low, high = svm.classes_
        weights[:, low], weights[:, high] = -svm.coef_[0] / 2, svm.coef_[0] / 2
        intercept[low], intercept[high] = -svm.intercept_[0] / 2, svm.intercept_[0] / 2
    else:
        weights[:, svm.classes_] = svm.coef_.T
        intercept[svm.classes_] = svm.intercept_
    return LinearModel(weights, intercept)


def held_out_scores(
    features: Matrix, targets: np.ndarray, n_classes: int, settings: SvmSettings, folds: int
) -> np.ndarray | None:
    """Scores each example gets from an SVM trained on the other folds.

    Uses stratified folds, at most as many as the rarest class has examples.

    Returns:
        An ``(examples, n_classes)`` array, or ``None`` when some class has
        fewer than two examples, so that no held-out split is possible.
    """
    splits = min(folds, int(np.bincount(targets, minlength=n_classes).min()))
    if splits < 2:
        return None
    features = scipy.sparse.csr_matrix(features)
    held_out = np.zeros((len(targets), n_classes))
    kfold = StratifiedKFold(n_splits=splits, shuffle=True, random_state=settings.random_state)
    for train_index, test_index in kfold.split(np.zeros(len(targets)), targets):
        model = fit_svm(features[train_index], targets[train_index], n_classes, settings)
        held_out[test_index] = model.scores(features[test_index])
    return held_out
