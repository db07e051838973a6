from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.calibration import fit_temperature, log_loss, softmax


def test_softmax_rows_are_distributions_that_keep_the_winner() -> None:
    scores = np.array([[2.0, 1.0, -1.0], [-0.5, 0.3, 0.2]])

    probabilities = softmax(scores, temperature=0.2)

    assert probabilities.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert list(probabilities.argmax(axis=1)) == [0, 1]


def test_lower_temperature_makes_the_winner_more_confident() -> None:
    scores = np.array([[0.6, 0.2, -0.4]])

    assert softmax(scores, 0.1)[0, 0] > softmax(scores, 1.0)[0, 0]


def test_softmax_is_stable_for_large_scores() -> None:
    assert np.isfinite(softmax(np.array([[1e4, 0.0]]), 1e-3)).all()


def test_fit_temperature_recovers_the_temperature_labels_were_drawn_with() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 5))
    true_temperature = 0.3
    probabilities = softmax(scores, true_temperature)
    targets = np.array([rng.choice(5, p=row) for row in probabilities])

    fitted = fit_temperature(scores, targets)

    assert fitted == pytest.approx(true_temperature, rel=0.1)
    assert log_loss(scores, targets, fitted) <= log_loss(scores, targets, 1.0)
