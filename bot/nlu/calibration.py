"""Turn linear decision scores into calibrated probabilities.

A linear SVM's scores rank intents well but are not probabilities. A softmax
with one temperature, fitted to minimise the log loss of scores the model gave
examples it had not seen in training (cross-validation), makes them so
without changing which intent wins (Guo et al. 2017, "On Calibration of
Modern Neural Networks").
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

# Temperatures searched, as log(T). SVM scores live in about [-2, 2], so the
# fitted value is usually between 0.05 and 1.
LOG_T_BOUNDS = (np.log(1e-3), np.log(1e2))


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature``."""
    scaled = np.asarray(scores, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= scaled.sum(axis=1, keepdims=True)
    return scaled


def log_loss(
    scores: np.ndarray, targets: np.ndarray, temperature: float, smoothing: float = 0.0
) -> float:
    """Mean cross-entropy of the ``targets`` (class indices), optionally label-smoothed.

    With ``smoothing`` e, each target puts ``1 - e`` on its class and spreads
    ``e`` evenly over all classes.
    """
    scaled = np.asarray(scores, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    log_probabilities = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
    picked = log_probabilities[np.arange(len(targets)), targets]
    spread = log_probabilities.mean(axis=1)
    return float(-np.mean((1.0 - smoothing) * picked + smoothing * spread))


def fit_temperature(scores: np.ndarray, targets: np.ndarray, smoothing: float = 0.0) -> float:
    """The temperature that minimises :func:`log_loss` on held-out ``scores``.

    When every held-out example is classified right, as on small clean data,
    the plain log loss keeps falling as the temperature goes to zero and every
    prediction becomes certain; a little ``smoothing`` (say 0.001) caps the
    confidence the fit aims for near ``1 - smoothing``.

    Args:
        scores: Decision scores, shape ``(examples, classes)``, from models that
            did not train on those examples.
        targets: The true class index of each row.
        smoothing: Label smoothing of the targets, in ``[0, 1)``.

    Returns:
        The fitted temperature, within ``exp(LOG_T_BOUNDS)``.
    """
    result = minimize_scalar(
        lambda log_t: log_loss(scores, targets, float(np.exp(log_t)), smoothing),
        bounds=LOG_T_BOUNDS,
        method="bounded",
    )
    return float(np.exp(result.x))
