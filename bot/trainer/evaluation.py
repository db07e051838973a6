"""Score a model's intent predictions on a held-out split, for the trainer's workbench.

Pure functions over :class:`Prediction` records: no Rasa import at module
level, so the gateway can read stored :class:`Metrics` without TensorFlow.
Predictions ignore the FallbackClassifier (its verdict is undone as
``rasa test nlu`` does), so the numbers do not depend on its threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.nlu.metrics import FALLBACK_INTENT, label_scores

MAX_ERRORS = 200
MAX_CONFUSED_PAIRS = 10
MAX_PAIR_EXAMPLES = 3


@dataclass(frozen=True)
class Prediction:
    """One parsed test example: its gold intent and the intent the model chose."""

    text: str
    gold: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class IntentScore:
    """Precision, recall and F1 of one gold intent; ``support`` is its test count."""

    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Metrics:
    """What a model scored on a test split, in a JSON-friendly shape.

    Attributes:
        accuracy: Share of examples whose predicted intent is the gold one.
        macro_f1: Unweighted mean F1 over the gold intents of the test split.
        n_test: Number of test examples.
        per_intent: One score per gold intent, worst F1 first.
        confusion: ``{"labels": [...], "matrix": [[count]]}``, rows gold, columns predicted.
        confused_pairs: The most frequent (gold, predicted) mistakes, with example texts.
        errors: Misclassified examples, most confident first.
        untested_intents: Intents the model knows that have no test example: none of
            the numbers above says anything about them (a trainer's new intent).
    """

    accuracy: float
    macro_f1: float
    n_test: int
    per_intent: list[IntentScore] = field(default_factory=list)
    confusion: dict[str, Any] = field(default_factory=lambda: {"labels": [], "matrix": []})
    confused_pairs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    untested_intents: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The metrics as plain JSON-serialisable data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        """Metrics read back from :meth:`to_dict` output."""
        return cls(
            accuracy=float(data["accuracy"]),
            macro_f1=float(data["macro_f1"]),
            n_test=int(data["n_test"]),
            per_intent=[IntentScore(**row) for row in data.get("per_intent", [])],
            confusion=dict(data.get("confusion") or {"labels": [], "matrix": []}),
            confused_pairs=list(data.get("confused_pairs", [])),
            errors=list(data.get("errors", [])),
            untested_intents=list(data.get("untested_intents") or []),
        )


def best_guess(parsed: Mapping[str, Any]) -> Mapping[str, Any]:
    """The top intent of a Rasa parse with the FallbackClassifier's verdict undone.

    When the top intent is ``nlu_fallback`` the next intent of the ranking is
    used instead; a ranking with nothing else keeps ``nlu_fallback``.
    """
    top: Mapping[str, Any] = parsed.get("intent") or {}
    if top.get("name") == FALLBACK_INTENT:
        ranking = parsed.get("intent_ranking") or []
        top = next((r for r in ranking if r.get("name") != FALLBACK_INTENT), top)
    return top


def prediction_from_parse(text: str, gold: str, parsed: Mapping[str, Any]) -> Prediction:
    """A Rasa parse result as a :class:`Prediction`, the fallback verdict undone."""
    top = best_guess(parsed)
    return Prediction(
        text=text,
        gold=gold,
        predicted=str(top.get("name") or ""),
        confidence=float(top.get("confidence") or 0.0),
    )


def reading(parsed: Mapping[str, Any]) -> dict[str, Any]:
    """How a model read one message: ``{"predicted", "confidence", "fell_back"}``.

    ``predicted`` is the best guess behind a fallback; ``fell_back`` says the bot
    would have answered with its fallback all the same.
    """
    top = best_guess(parsed)
    return {
        "predicted": str(top.get("name") or ""),
        "confidence": round(float(top.get("confidence") or 0.0), 4),
        "fell_back": (parsed.get("intent") or {}).get("name") == FALLBACK_INTENT,
    }


def score(predictions: Sequence[Prediction], known_intents: Iterable[str] = ()) -> Metrics:
    """Accuracy, macro-F1, per-intent scores, confusions and errors of ``predictions``.

    ``known_intents`` are the intents the model was trained on; those without a
    test example are listed as untested.
    """
    tested = {p.gold for p in predictions}
    untested = sorted(set(known_intents) - tested - {FALLBACK_INTENT})
    n_test = len(predictions)
    if not n_test:
        return Metrics(accuracy=0.0, macro_f1=0.0, n_test=0, untested_intents=untested)
    per_intent = _per_intent(predictions)
    correct = sum(p.predicted == p.gold for p in predictions)
    return Metrics(
        accuracy=correct / n_test,
        macro_f1=sum(s.f1 for s in per_intent) / len(per_intent),
        n_test=n_test,
        per_intent=sorted(per_intent, key=lambda s: (s.f1, s.intent)),
        confusion=_confusion(predictions),
        confused_pairs=_confused_pairs(predictions),
        errors=_errors(predictions),
        untested_intents=untested,
    )


def _per_intent(predictions: Sequence[Prediction]) -> list[IntentScore]:
    # Over the gold intents only: an intent a trainer just added has no test
    # examples, and an F1 of 0 for it would say nothing about the model.
    pairs = [(p.gold, p.predicted) for p in predictions]
    return [IntentScore(*row) for row in label_scores(pairs, sorted({p.gold for p in predictions}))]


def _confusion(predictions: Sequence[Prediction]) -> dict[str, Any]:
    labels = sorted({p.gold for p in predictions} | {p.predicted for p in predictions})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in predictions:
        matrix[index[p.gold]][index[p.predicted]] += 1
    return {"labels": labels, "matrix": matrix}


def _confused_pairs(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in predictions:
        if p.gold != p.predicted:
            examples[(p.gold, p.predicted)].append(p.text)
    ranked = sorted(examples.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {"gold": gold, "predicted": predicted, "count": len(texts),
         "examples": texts[:MAX_PAIR_EXAMPLES]}
        for (gold, predicted), texts in ranked[:MAX_CONFUSED_PAIRS]
    ]  # fmt: skip


def _errors(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    wrong = [p for p in predictions if p.gold != p.predicted]
    # Confident mistakes first: they are what retraining most needs to fix.
    wrong.sort(key=lambda p: -p.confidence)
    return [asdict(p) for p in wrong[:MAX_ERRORS]]


def load_test_split(path: Path) -> list[tuple[str, str]]:
    """The ``(text, intent)`` pairs of Rasa NLU data: one file or a directory of them.

    Entity annotations are stripped from the texts; examples without an
    intent are skipped. Rasa drops duplicate examples.

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    from rasa.shared.nlu.training_data.loading import load_data

    if not path.exists():
        raise FileNotFoundError(f"test split not found: {path}")
    data = load_data(str(path))
    return [
        (example.get("text"), example.get("intent"))
        for example in data.intent_examples
        if example.get("text")
    ]
