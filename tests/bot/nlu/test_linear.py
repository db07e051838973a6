from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.linear import SvmSettings, fit_svm, held_out_scores

FEATURES = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.0], [0.0, 1.0], [0.1, 0.9], [0.0, 0.8]])


def test_two_classes_get_one_row_each_and_the_right_winner() -> None:
    targets = np.array([0, 0, 0, 1, 1, 1])

    model = fit_svm(FEATURES, targets, 2, SvmSettings())

    assert model.weights.shape == (2, 2) and model.weights.flags.c_contiguous
    assert list(model.scores(FEATURES).argmax(axis=1)) == list(targets)


def test_three_classes() -> None:
    features = np.vstack([FEATURES, [[1.0, 1.0], [0.9, 0.9], [1.0, 0.9]]])
    targets = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])

    model = fit_svm(features, targets, 3, SvmSettings(C=10.0))

    assert list(model.scores(features).argmax(axis=1)) == list(targets)


def test_a_single_class_is_rejected() -> None:
    with pytest.raises(ValueError):
        fit_svm(FEATURES, np.zeros(6, dtype=int), 1, SvmSettings())


def test_held_out_scores_cover_every_example() -> None:
    targets = np.array([0, 0, 0, 1, 1, 1])

    scores = held_out_scores(FEATURES, targets, 2, SvmSettings(), folds=5)

    assert scores is not None and scores.shape == (6, 2)
    assert list(scores.argmax(axis=1)) == list(targets)


def test_held_out_scores_need_two_examples_per_class() -> None:
    targets = np.array([0, 0, 0, 0, 0, 1])

    assert held_out_scores(FEATURES, targets, 2, SvmSettings(), folds=5) is None
