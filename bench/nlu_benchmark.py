"""Benchmark kefu's NLU pipeline, optionally beside Rasa's stock DIET pipeline.

Trains through Rasa's real training graph (``rasa.model_training.train_nlu``),
loads the model with ``Agent.load`` and parses every test message on its own,
as a server would. Prints accuracy and macro-F1 (FallbackClassifier verdicts
undone, as ``rasa test nlu`` does), training seconds and parse latency.

Data is a JSONL file (``{"text", "intent"}`` per line) or Rasa NLU data (a
YAML/JSON file or a directory). Example::

    .venv/bin/python -m bench.nlu_benchmark --compare --out /tmp/smp.json
        --train /work/shared/datasets/smp2017/train.jsonl
        --test /work/shared/datasets/smp2017/test.jsonl

With ``--cv K`` instead of ``--test``, the training data is split in K
stratified folds and each is parsed by a model trained on the others; that
is how the fallback threshold is chosen without looking at the test split.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.metrics import (
    FALLBACK_INTENT,
    Prediction,
    accuracy,
    fallback_rates,
    flagged_share,
    macro_f1,
    percentile_ms,
    sweep,
)
from bot.training import quiet_rasa

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 19)]
DIET_PIPELINE: list[dict[str, Any]] = [
    {"name": "JiebaTokenizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100},
]


@dataclass
class RunResult:
    """What one pipeline scored on one train/test pair."""

    name: str
    accuracy: float
    macro_f1: float
    train_seconds: float
    parse_p50_ms: float
    parse_p99_ms: float
    n_train: int
    n_test: int
    fallback: dict[str, Any] | None = None
    sweep: list[dict[str, Any]] = field(default_factory=list)
    gibberish_flagged: float | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


def load_examples(path: Path) -> Any:
    """Labelled examples from JSONL or Rasa NLU data, as a Rasa ``TrainingData``."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    if path.suffix != ".jsonl":
        return load_data(str(path))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return TrainingData([Message(data={"text": r["text"], "intent": r["intent"]}) for r in rows])


def load_pairs(path: Path) -> list[tuple[str, str]]:
    """Test examples as ``(text, intent)`` pairs.

    A JSONL file keeps every line, duplicates included, so the count matches
    the data set's (Rasa's ``TrainingData`` drops duplicate examples).
    """
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [(r["text"], r["intent"]) for r in map(json.loads, filter(None, lines))]
    return pairs(load_examples(path).intent_examples)


def pairs(examples: list[Any]) -> list[tuple[str, str]]:
    """``(text, intent)`` of Rasa messages that have text."""
    return [(e.get("text"), e.get("intent")) for e in examples if e.get("text")]


def subset(data: Any, examples: list[Any]) -> Any:
    """``data`` with only ``examples``, keeping its regexes, lookups and synonyms."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData(
        examples,
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )


def read_config(path: Path) -> dict[str, Any]:
    """The NLU part (recipe, language, pipeline) of a Rasa config file."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: config[k] for k in ("recipe", "language", "assistant_id", "pipeline") if k in config}


def fallback_settings(config: dict[str, Any]) -> tuple[float, float]:
    """The FallbackClassifier's threshold and ambiguity threshold (Rasa's defaults if absent)."""
    for component in config.get("pipeline", []):
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(
                component.get("ambiguity_threshold", 0.1)
            )
    return 0.3, 0.1


def train_model(config: dict[str, Any], data: Any, workdir: Path) -> tuple[Path, float]:
    """Train an NLU model in ``workdir`` and return its path and the seconds it took."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa import RasaWriter

    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    RasaWriter().dump(workdir / "nlu.json", data)
    # A fresh cache directory: Rasa would otherwise reuse earlier runs' outputs.
    os.environ["RASA_CACHE_DIRECTORY"] = str(workdir / "cache")
    started = time.perf_counter()
    model = train_nlu(
        str(workdir / "config.yml"), str(workdir / "nlu.json"), str(workdir / "models")
    )
    took = time.perf_counter() - started
    if model is None:
        raise RuntimeError(f"training failed in {workdir}")
    return Path(model), took


def to_prediction(gold: str, result: dict[str, Any]) -> Prediction:
    """A parse result as a :class:`Prediction`, the fallback verdict undone."""
    ranking = [r for r in result.get("intent_ranking", []) if r["name"] != FALLBACK_INTENT]
    top = ranking[0] if ranking else {"name": "", "confidence": 0.0}
    return Prediction(
        gold=gold,
        intent=top["name"] or "",
        confidence=float(top["confidence"]),
        runner_up=float(ranking[1]["confidence"]) if len(ranking) > 1 else float("-inf"),
        fell_back=result.get("intent", {}).get("name") == FALLBACK_INTENT,
        text=str(result.get("text", "")),
    )


async def parse_all(model: Path, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    """Parse each text alone and time it (after a few untimed warm-up parses)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    for text in texts[:3]:
        await agent.parse_message(text)
    results, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        results.append(await agent.parse_message(text))
        seconds.append(time.perf_counter() - started)
    return results, seconds


def gibberish(count: int, seed: int = 7) -> list[str]:
    """Deterministic nonsense: random CJK, letters, short digit runs, repeats, emoji."""
    rng = random.Random(seed)
    makers = [
        lambda: "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 8))),
        lambda: "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))
        ),
        lambda: "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6))),
        lambda: rng.choice("啊哈嗯额呃哦6.?!") * rng.randint(3, 8),
        # Not 👍 or 🙏: they mean 「好的」 and 「谢谢」 (counted as nonsense until 2026-12-05).
        lambda: "".join(rng.choice("😂🤣😭🤔🔥😡") for _ in range(rng.randint(1, 5))),
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def score(
    name: str,
    config: dict[str, Any],
    predictions: list[Prediction],
    seconds: list[float],
    oos_intent: str,
) -> RunResult:
    """Aggregate predictions and parse times into a :class:`RunResult`."""
    threshold, ambiguity = fallback_settings(config)
    result = RunResult(name, accuracy(predictions), macro_f1(predictions), 0.0,
                       percentile_ms(seconds, 50), percentile_ms(seconds, 99), 0,
                       len(predictions))  # fmt: skip
    result.errors = [
        {"text": p.text, "gold": p.gold, "intent": p.intent, "confidence": round(p.confidence, 4)}
        for p in predictions
        if p.intent != p.gold
    ]
    if any(p.gold == oos_intent for p in predictions):
        rates = fallback_rates(predictions, oos_intent, threshold, ambiguity)
        result.fallback = {**asdict(rates), "ambiguity": ambiguity}
        result.sweep = [asdict(r) for r in sweep(predictions, oos_intent, THRESHOLDS, ambiguity)]
    return result


def run_pipeline(
    name: str,
    config: dict[str, Any],
    train: Any,
    test: list[tuple[str, str]] | None,
    args: argparse.Namespace,
) -> RunResult:
    """Train and evaluate one pipeline on a test set, or by ``--cv`` folds."""
    with tempfile.TemporaryDirectory(prefix=f"nlu-bench-{name}-") as tmp:
        folds = cv_folds(train, args.cv) if test is None else [(train, test)]
        predictions: list[Prediction] = []
        seconds: list[float] = []
        train_seconds: list[float] = []
        gibberish_predictions: list[Prediction] = []
        for index, (fold_train, fold_test) in enumerate(folds):
            model, took = train_model(config, fold_train, Path(tmp) / f"fold{index}")
            train_seconds.append(took)
            texts = [text for text, _ in fold_test] + gibberish(args.gibberish)
            results, times = asyncio.run(parse_all(model, texts))
            golds = [intent for _, intent in fold_test] + [args.oos_intent] * args.gibberish
            parsed = [to_prediction(g, r) for g, r in zip(golds, results)]
            predictions += parsed[: len(fold_test)]
            gibberish_predictions += parsed[len(fold_test) :]
            seconds += times[: len(fold_test)]
    result = score(name, config, predictions, seconds, args.oos_intent)
    result.train_seconds = sum(train_seconds) / len(train_seconds)
    result.n_train = len(folds[0][0].intent_examples)
    if gibberish_predictions:
        threshold, ambiguity = fallback_settings(config)
        result.gibberish_flagged = flagged_share(
            gibberish_predictions, args.oos_intent, threshold, ambiguity
        )
    return result


def cv_folds(data: Any, k: int) -> list[tuple[Any, list[tuple[str, str]]]]:
    """``k`` stratified (train, held-out) splits of ``data``'s intent examples."""
    from sklearn.model_selection import StratifiedKFold

    examples = data.intent_examples
    labels = [e.get("intent") for e in examples]
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    return [
        (subset(data, [examples[i] for i in tr]), pairs([examples[i] for i in te]))
        for tr, te in splitter.split(labels, labels)
    ]


def print_report(results: list[RunResult]) -> None:
    """Print each run's numbers side by side, the ratio first/second if two."""
    rows = [("accuracy", "accuracy", "{:.4f}"), ("macro-F1", "macro_f1", "{:.4f}"),
            ("train s", "train_seconds", "{:.1f}"), ("parse p50 ms", "parse_p50_ms", "{:.1f}"),
            ("parse p99 ms", "parse_p99_ms", "{:.1f}")]  # fmt: skip
    header = f"{'':14}" + "".join(f"{r.name:>12}" for r in results)
    print(header + (f"{'ratio':>10}" if len(results) == 2 else ""))
    for label, key, fmt in rows:
        values = [getattr(r, key) for r in results]
        line = f"{label:14}" + "".join(f"{fmt.format(v):>12}" for v in values)
        if len(values) == 2 and values[1]:
            line += f"{values[0] / values[1]:>10.2f}"
        print(line)
    for r in results:
        if r.fallback:
            f = r.fallback
            print(f"{r.name}: threshold {f['threshold']:.2f} (ambiguity {f['ambiguity']:.2f}): "
                  f"OOS recall {f['oos_recall']:.3f} of {f['oos_count']}, in-scope false "
                  f"fallback {f['false_fallback']:.3f} of {f['in_scope_count']}")  # fmt: skip
            for s in r.sweep:
                print(f"  t={s['threshold']:.2f}  oos_recall={s['oos_recall']:.3f}  "
                      f"false_fallback={s['false_fallback']:.3f}")  # fmt: skip
        if r.gibberish_flagged is not None:
            print(f"{r.name}: synthetic gibberish flagged {r.gibberish_flagged:.3f}")
    sys.stdout.flush()


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="JSONL or Rasa NLU data")
    parser.add_argument("--test", type=Path, help="JSONL or Rasa NLU data to evaluate on")
    parser.add_argument("--cv", type=int, default=0, help="K-fold cross-validation on --train")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--compare", action="store_true", help="also run stock DIET")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--oos-intent", default="out_of_scope")
    parser.add_argument("--gibberish", type=int, default=0, help="also parse N nonsense texts")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if (args.test is None) == (args.cv < 2):
        print("give either --test or --cv K (K >= 2)", file=sys.stderr)
        return 2
    quiet_rasa()
    os.chdir(ROOT)  # config paths such as nlu_data/jieba are relative to the project
    config = read_config(args.config)
    train = load_examples(args.train)
    test = load_pairs(args.test) if args.test else None
    results = [run_pipeline("kefu", config, train, test, args)]
    if args.compare:
        print_report(results)  # DIET can take an hour: show kefu's numbers now
        language = config.get("language", "zh")
        diet = {"recipe": "default.v1", "language": language, "pipeline": DIET_PIPELINE}
        results.append(run_pipeline("diet", diet, train, test, args))
    print_report(results)
    if args.out:
        payload = {"train": str(args.train), "test": str(args.test), "cv": args.cv,
                   "config": str(args.config), "results": [asdict(r) for r in results]}  # fmt: skip
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
