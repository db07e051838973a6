from __future__ import annotations

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message
from sklearn.metrics import f1_score

from bot.nlu.metrics import (
    Prediction,
    accuracy,
    fallback_rates,
    falls_back,
    flagged_share,
    macro_f1,
    percentile_ms,
    sweep,
)

PREDICTIONS = [
    Prediction("greet", "greet", 0.9, 0.05),
    Prediction("greet", "greet", 0.35, 0.30),  # confident enough, but ambiguous
    Prediction("refund", "greet", 0.3, 0.2),  # wrong and unsure
    Prediction("refund", "refund", 0.8, 0.1),
    Prediction("out_of_scope", "out_of_scope", 0.95, 0.01),
    Prediction("out_of_scope", "refund", 0.25, 0.2),  # caught by the threshold
    Prediction("out_of_scope", "greet", 0.9, 0.05),  # missed
]


def test_macro_f1_matches_scikit_learn_over_gold_and_predicted_intents() -> None:
    gold = ["a", "a", "b", "b", "c", "a"]
    guessed = ["a", "b", "b", "d", "a", "a"]
    predictions = [Prediction(g, p, 0.9) for g, p in zip(gold, guessed)]

    expected = f1_score(gold, guessed, average="macro", zero_division=0)

    assert macro_f1(predictions) == pytest.approx(expected)


def test_accuracy_and_macro_f1() -> None:
    assert accuracy(PREDICTIONS) == pytest.approx(4 / 7)
    assert 0 < macro_f1(PREDICTIONS) < 1
    assert macro_f1([Prediction("a", "a", 1.0), Prediction("b", "b", 1.0)]) == 1.0
    assert accuracy([]) == 0.0


@pytest.mark.parametrize(
    "confidence, runner_up", [(0.9, 0.05), (0.35, 0.30), (0.3, 0.2), (0.5, 0.41), (0.45, 0.1)]
)
def test_falls_back_agrees_with_rasas_fallback_classifier(
    confidence: float, runner_up: float
) -> None:
    fallback = FallbackClassifier({"threshold": 0.4, "ambiguity_threshold": 0.1})
    message = Message(
        data={
            "text": "x",
            "intent": {"name": "a", "confidence": confidence},
            "intent_ranking": [
                {"name": "a", "confidence": confidence},
                {"name": "b", "confidence": runner_up},
            ],
        }
    )
    rasa_says = fallback.process([message])[0].get("intent")["name"] == "nlu_fallback"

    assert falls_back(Prediction("a", "a", confidence, runner_up), 0.4, 0.1) == rasa_says


def test_fallback_rates_count_oos_caught_and_in_scope_lost() -> None:
    rates = fallback_rates(PREDICTIONS, "out_of_scope", threshold=0.4, ambiguity=0.1)

    assert (rates.oos_count, rates.in_scope_count) == (3, 4)
    assert rates.oos_recall == pytest.approx(2 / 3)
    assert rates.false_fallback == pytest.approx(2 / 4)


def test_sweep_is_monotone_in_the_threshold() -> None:
    rates = sweep(PREDICTIONS, "out_of_scope", [0.1, 0.5, 0.95], ambiguity=0.0)

    assert [r.false_fallback for r in rates] == [0.0, 0.5, 1.0]
    assert [r.oos_recall for r in rates] == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_flagged_share_and_percentiles() -> None:
    gibberish = [Prediction("out_of_scope", "greet", 0.2), Prediction("out_of_scope", "greet", 0.9)]

    assert flagged_share(gibberish, "out_of_scope", 0.4, 0.1) == 0.5
    assert percentile_ms([0.001, 0.002, 0.003], 50) == pytest.approx(2.0)
    assert percentile_ms([], 99) == 0.0
