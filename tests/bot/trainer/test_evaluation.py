"""Scoring intent predictions: hand-computed cases, sklearn's macro-F1, fallback undoing."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from bot.trainer.evaluation import (
    MAX_CONFUSED_PAIRS,
    MAX_ERRORS,
    IntentScore,
    Metrics,
    Prediction,
    load_test_split,
    prediction_from_parse,
    reading,
    score,
)

ROOT = Path(__file__).resolve().parents[3]

# gold greet x2, bye x3, ask x1; predicted greet x2, bye x4, ask x0.
SMALL = [
    Prediction("a1", "greet", "greet", 0.9),
    Prediction("a2", "greet", "bye", 0.8),
    Prediction("a3", "bye", "bye", 0.7),
    Prediction("a4", "bye", "greet", 0.6),
    Prediction("a5", "bye", "bye", 0.5),
    Prediction("a6", "ask", "bye", 0.95),
]


def test_accuracy_and_macro_f1_of_a_small_case() -> None:
    metrics = score(SMALL)

    assert metrics.n_test == 6
    assert metrics.accuracy == pytest.approx(0.5)
    # F1: greet 2*1/(2+2) = 0.5, bye 2*2/(3+4) = 4/7, ask 0 (never predicted).
    assert metrics.macro_f1 == pytest.approx((0.5 + 4 / 7 + 0.0) / 3)


def test_per_intent_scores_come_worst_first() -> None:
    metrics = score(SMALL)

    assert metrics.per_intent == [
        IntentScore("ask", 0.0, 0.0, 0.0, 1),
        IntentScore("greet", 0.5, 0.5, 0.5, 2),
        IntentScore("bye", 0.5, pytest.approx(2 / 3), pytest.approx(4 / 7), 3),
    ]


def test_confusion_matrix_rows_are_gold_and_columns_predicted() -> None:
    metrics = score(SMALL)

    assert metrics.confusion == {
        "labels": ["ask", "bye", "greet"],
        "matrix": [[0, 1, 0], [0, 2, 1], [0, 1, 1]],
    }


def test_confused_pairs_and_errors_of_a_small_case() -> None:
    metrics = score(SMALL)

    assert metrics.confused_pairs == [
        {"gold": "ask", "predicted": "bye", "count": 1, "examples": ["a6"]},
        {"gold": "bye", "predicted": "greet", "count": 1, "examples": ["a4"]},
        {"gold": "greet", "predicted": "bye", "count": 1, "examples": ["a2"]},
    ]
    assert [e["text"] for e in metrics.errors] == ["a6", "a2", "a4"]  # most confident first
    assert metrics.errors[0] == {
        "text": "a6",
        "gold": "ask",
        "predicted": "bye",
        "confidence": 0.95,
    }


def test_confused_pairs_rank_by_count_and_keep_three_examples() -> None:
    predictions = [Prediction(f"x{i}", "refund", "cancel", 0.5) for i in range(5)]
    predictions += [Prediction(f"p{i}", f"g{i}", f"q{i}", 0.5) for i in range(15)]

    pairs = score(predictions).confused_pairs

    assert len(pairs) == MAX_CONFUSED_PAIRS
    assert pairs[0] == {
        "gold": "refund", "predicted": "cancel", "count": 5, "examples": ["x0", "x1", "x2"]
    }  # fmt: skip
    assert all(p["count"] == 1 for p in pairs[1:])


def test_errors_are_capped() -> None:
    predictions = [Prediction(str(i), "a", "b", i / 1000) for i in range(MAX_ERRORS + 50)]

    errors = score(predictions).errors

    assert len(errors) == MAX_ERRORS
    assert errors[0]["text"] == str(MAX_ERRORS + 49)


def test_macro_f1_matches_sklearn_over_gold_labels() -> None:
    rng = random.Random(3)
    gold_labels = ["a", "b", "c", "d", "e"]
    for _ in range(20):
        gold = [rng.choice(gold_labels) for _ in range(60)]
        # Predictions include an intent never seen in gold ("zzz").
        predicted = [g if rng.random() < 0.6 else rng.choice(gold_labels + ["zzz"]) for g in gold]
        predictions = [
            Prediction(str(i), g, p, 0.5) for i, (g, p) in enumerate(zip(gold, predicted))
        ]

        expected = f1_score(
            gold, predicted, average="macro", labels=sorted(set(gold)), zero_division=0
        )

        assert score(predictions).macro_f1 == pytest.approx(expected)


def test_predicted_only_intents_appear_in_the_confusion_not_per_intent() -> None:
    metrics = score([Prediction("t", "greet", "nlu_fallback", 0.2)])

    assert metrics.confusion["labels"] == ["greet", "nlu_fallback"]
    assert [s.intent for s in metrics.per_intent] == ["greet"]
    assert metrics.macro_f1 == 0.0


def test_empty_predictions_score_zero() -> None:
    metrics = score([])

    assert (metrics.accuracy, metrics.macro_f1, metrics.n_test) == (0.0, 0.0, 0)


def test_metrics_survive_a_json_round_trip() -> None:
    metrics = score(SMALL)

    restored = Metrics.from_dict(json.loads(json.dumps(metrics.to_dict())))

    assert restored == metrics


def test_intents_without_test_examples_are_listed_as_untested() -> None:
    known = ["greet", "bye", "ask", "live_stream_time", "nlu_fallback"]

    metrics = score(SMALL, known)

    # A new intent has no test example: the numbers above say nothing about it.
    assert metrics.untested_intents == ["live_stream_time"]
    assert "live_stream_time" not in {s.intent for s in metrics.per_intent}
    assert Metrics.from_dict(metrics.to_dict()).untested_intents == ["live_stream_time"]
    assert score([], ["greet"]).untested_intents == ["greet"]
    assert Metrics.from_dict({"accuracy": 1, "macro_f1": 1, "n_test": 1}).untested_intents == []


def test_a_reading_keeps_the_guess_behind_a_fallback_and_says_it_fell_back() -> None:
    unsure = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "live_stream_time", "confidence": 0.351234},
        ],
    }
    sure = {"intent": {"name": "live_stream_time", "confidence": 0.9}, "intent_ranking": []}

    assert reading(unsure) == {
        "predicted": "live_stream_time", "confidence": 0.3512, "fell_back": True,
    }  # fmt: skip
    assert reading(sure) == {"predicted": "live_stream_time", "confidence": 0.9, "fell_back": False}


def test_fallback_verdict_is_undone() -> None:
    parsed = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "refund_request", "confidence": 0.35},
            {"name": "greet", "confidence": 0.3},
        ],
    }

    prediction = prediction_from_parse("退钱", "refund_request", parsed)

    assert prediction == Prediction("退钱", "refund_request", "refund_request", 0.35)


def test_a_confident_prediction_is_kept() -> None:
    parsed = {
        "intent": {"name": "greet", "confidence": 0.9},
        "intent_ranking": [
            {"name": "greet", "confidence": 0.9},
            {"name": "bye", "confidence": 0.1},
        ],
    }

    assert prediction_from_parse("你好", "greet", parsed).predicted == "greet"


def test_fallback_with_nothing_else_ranked_stays_fallback() -> None:
    parsed = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}],
    }

    assert prediction_from_parse("？", "greet", parsed).predicted == "nlu_fallback"


def test_a_parse_without_intent_predicts_nothing() -> None:
    assert prediction_from_parse("x", "greet", {"intent": None}) == Prediction(
        "x", "greet", "", 0.0
    )


def test_load_test_split_reads_a_file_and_strips_entities(tmp_path: Path) -> None:
    path = tmp_path / "test.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: order_status\n  examples: |\n'
        "    - 查一下订单[2511510954941348](order_id)\n    - 我的订单呢\n"
        "- intent: greet\n  examples: |\n    - 你好\n",
        encoding="utf-8",
    )

    pairs = load_test_split(path)

    assert sorted(pairs) == [
        ("你好", "greet"),
        ("我的订单呢", "order_status"),
        ("查一下订单2511510954941348", "order_status"),
    ]


def test_load_test_split_reads_a_directory() -> None:
    pairs = load_test_split(ROOT / "tests" / "nlu")

    intents = {intent for _, intent in pairs}
    assert len(pairs) > 400
    assert {"greet", "order_status", "logistics_track"} <= intents


def test_load_test_split_of_a_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_test_split(tmp_path / "nope")
