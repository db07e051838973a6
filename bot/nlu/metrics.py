"""Scores for intent predictions: accuracy, macro-F1, latency and fallback rates.

The fallback rule mirrors Rasa's FallbackClassifier: a message falls back
when the top confidence is below ``threshold`` or the top two are closer than
``ambiguity``. Measuring it on the raw ranking lets one parse of a test set
answer "what if the threshold were t" for every t.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Prediction:
    """One parsed test example, with the FallbackClassifier's verdict undone."""

    gold: str
    intent: str
    confidence: float
    runner_up: float = float("-inf")  # no second intent: never ambiguous
    fell_back: bool = False
    text: str = ""


@dataclass(frozen=True)
class FallbackRates:
    """How well a fallback rule separates out-of-scope from in-scope messages."""

    threshold: float
    oos_recall: float
    false_fallback: float
    oos_count: int
    in_scope_count: int


def accuracy(predictions: Sequence[Prediction]) -> float:
    """Share of predictions whose intent is the gold one."""
    if not predictions:
        return 0.0
    return sum(p.intent == p.gold for p in predictions) / len(predictions)


def label_scores(
    pairs: Sequence[tuple[str, str]], labels: Iterable[str]
) -> list[tuple[str, float, float, float, int]]:
    """``(label, precision, recall, f1, support)`` of each of ``labels``.

    From ``(gold, predicted)`` pairs, with scikit-learn's definitions and
    ``zero_division=0``: a label never predicted has precision 0, one never
    gold has recall 0.
    """
    support = Counter(gold for gold, _ in pairs)
    predicted = Counter(guess for _, guess in pairs)
    hits = Counter(gold for gold, guess in pairs if gold == guess)
    scores = []
    for label in labels:
        tp, wanted, given = hits[label], support[label], predicted[label]
        precision = tp / given if given else 0.0
        recall = tp / wanted if wanted else 0.0
        f1 = 2 * tp / (wanted + given) if wanted + given else 0.0
        scores.append((label, precision, recall, f1, wanted))
    return scores


def macro_f1(predictions: Sequence[Prediction]) -> float:
    """Unweighted mean of per-intent F1 over gold and predicted intents."""
    if not predictions:
        return 0.0
    pairs = [(p.gold, p.intent) for p in predictions]
    labels = sorted({label for pair in pairs for label in pair})
    return sum(f1 for _, _, _, f1, _ in label_scores(pairs, labels)) / len(labels)


def percentile_ms(seconds: Iterable[float], q: float) -> float:
    """The ``q``-th percentile of durations, in milliseconds."""
    values = np.fromiter(seconds, dtype=np.float64)
    return float(np.percentile(values, q) * 1000.0) if values.size else 0.0


def falls_back(prediction: Prediction, threshold: float, ambiguity: float) -> bool:
    """Whether Rasa's FallbackClassifier would predict ``nlu_fallback``."""
    return (
        prediction.confidence < threshold
        or prediction.confidence - prediction.runner_up < ambiguity
    )


def fallback_rates(
    predictions: Sequence[Prediction], oos_intent: str, threshold: float, ambiguity: float
) -> FallbackRates:
    """OOS recall and in-scope false-fallback rate under one rule.

    An out-of-scope example counts as caught when it falls back or is
    classified as ``oos_intent``; an in-scope example is a false fallback when
    it falls back, whether or not its intent was right.
    """
    oos = [p for p in predictions if p.gold == oos_intent]
    in_scope = [p for p in predictions if p.gold != oos_intent]
    caught = sum(p.intent == oos_intent or falls_back(p, threshold, ambiguity) for p in oos)
    false = sum(falls_back(p, threshold, ambiguity) for p in in_scope)
    return FallbackRates(
        threshold=threshold,
        oos_recall=caught / len(oos) if oos else 0.0,
        false_fallback=false / len(in_scope) if in_scope else 0.0,
        oos_count=len(oos),
        in_scope_count=len(in_scope),
    )


def sweep(
    predictions: Sequence[Prediction],
    oos_intent: str,
    thresholds: Iterable[float],
    ambiguity: float,
) -> list[FallbackRates]:
    """:func:`fallback_rates` at each threshold."""
    return [fallback_rates(predictions, oos_intent, t, ambiguity) for t in thresholds]


def flagged_share(
    predictions: Sequence[Prediction], oos_intent: str, threshold: float, ambiguity: float
) -> float:
    """Share of predictions that fall back or are classified as ``oos_intent``."""
    if not predictions:
        return 0.0
    flagged = sum(
        p.intent == oos_intent or falls_back(p, threshold, ambiguity) for p in predictions
    )
    return flagged / len(predictions)
