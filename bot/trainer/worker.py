"""Train and evaluate a model in a child process, so the gateway's event loop never blocks.

The child (``python -m bot.trainer.worker``) trains the full model from a
project root, scores it and, if asked, a baseline model on the same test split,
has the new model read the messages trainers just labelled (with the model
already loaded: no second load), then writes one JSON result atomically. It
prints ``stage: <name>`` lines (``training``, ``evaluating``, ``baseline``,
``done``) as it goes.
:func:`run_worker` is the parent's side: it starts the child, reports the
stages and returns the result, or raises :class:`TrainingFailed`.

Rasa is imported only inside functions: importing this module stays cheap.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml

from bot.trainer.evaluation import (
    Prediction,
    load_test_split,
    prediction_from_parse,
    reading,
    score,
)
from bot.training import fingerprint, model_path, quiet_rasa

STAGE_PREFIX = "stage: "
OUTPUT_TAIL_LINES = 30
EXIT_CONTEXT_LINES = 5
RASA_EXIT = "Rasa stopped with exit code"

StageCallback = Callable[[str], "Awaitable[None] | None"]


class TrainingFailed(Exception):
    """The worker exited with an error; ``output`` holds the end of its output."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.output = output


def _stage(name: str) -> None:
    print(f"{STAGE_PREFIX}{name}", flush=True)


def train(root: Path, models: Path) -> tuple[Path, str, bool, float]:
    """Train the model of ``root`` into ``models`` unless it already exists.

    Rasa writes the archive in place, so it is trained in a scratch folder and
    moved in whole: an existing target is always a complete model.

    Returns:
        The model path, the data fingerprint, whether it was trained now and the seconds taken.

    Raises:
        RuntimeError: Rasa reported a failure without raising.
    """
    digest = fingerprint(root)
    target = model_path(models, digest)
    if target.is_file():
        return target, digest, False, 0.0
    from rasa.model_training import train as rasa_train

    check_yaml(root)
    models.mkdir(parents=True, exist_ok=True)
    name = target.name.removesuffix(".tar.gz")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=".training-", dir=models) as scratch:
        result = rasa_train(
            domain=str(root / "domain.yml"),
            config=str(root / "config.yml"),
            training_files=[str(root / "nlu_data")],
            output=scratch,
            fixed_model_name=name,
        )
        trained = Path(scratch) / target.name
        if result.code != 0 or not trained.is_file():
            raise RuntimeError(f"rasa training failed with code {result.code}")
        os.replace(trained, target)
    return target, digest, True, time.perf_counter() - started


def check_yaml(root: Path) -> None:
    """Raise a ``ValueError`` naming the file when a YAML input of ``root`` does not parse.

    Rasa's own message for a broken config.yml does not say which file it read.
    """
    paths = [root / "config.yml", root / "domain.yml"]
    paths += sorted((root / "nlu_data").rglob("*.yml")) + sorted(
        (root / "nlu_data").rglob("*.yaml")
    )
    for path in paths:
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ValueError(f"{path.relative_to(root)} is not valid YAML: {error}") from error


async def predict(
    model: Path, pairs: list[tuple[str, str]], texts: list[str] | None = None
) -> tuple[list[Prediction], list[dict[str, Any]], set[str]]:
    """Load ``model`` and parse each test text, one message at a time as a server would.

    Returns:
        The test predictions, how the model read each of ``texts`` (see
        :func:`~bot.trainer.evaluation.reading`) and the intents of its domain.
    """
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    predictions = [
        prediction_from_parse(text, gold, await agent.parse_message(text)) for text, gold in pairs
    ]
    readings = [reading(await agent.parse_message(text)) for text in texts or []]
    return predictions, readings, _own_intents(agent.domain)


def _own_intents(domain: Any) -> set[str]:
    # Rasa adds its built-in intents to every domain; those have no examples to test.
    # out_of_scope is one of them, yet the project's own (it has examples): keep it.
    from rasa.shared.core.constants import DEFAULT_INTENTS

    built_in = set(DEFAULT_INTENTS) - {"out_of_scope"}
    return set(domain.intents if domain is not None else []) - built_in


def evaluate(
    model: Path, pairs: list[tuple[str, str]], texts: list[str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
    """Metrics of ``model`` on ``pairs`` as a dict, its readings of ``texts``, and the seconds.

    The metrics name the model's intents the test split has no example of
    (:attr:`~bot.trainer.evaluation.Metrics.untested_intents`).
    """
    started = time.perf_counter()
    predictions, readings, known = asyncio.run(predict(model, pairs, texts))
    return score(predictions, known).to_dict(), readings, time.perf_counter() - started


def run(
    root: Path, models: Path, test: Path, baseline: Path | None, labelled: list[str] | None = None
) -> dict[str, Any]:
    """Train, evaluate, read the ``labelled`` texts and (optionally) score the baseline."""
    pairs = load_test_split(test)
    if not pairs:
        raise ValueError(f"no labelled examples in the test split {test}")
    if baseline is not None and not baseline.is_file():
        raise FileNotFoundError(f"baseline model not found: {baseline}")
    os.chdir(root)  # config.yml names nlu_data/jieba relative to the project
    _stage("training")
    model, digest, trained, train_seconds = train(root, models)
    _stage("evaluating")
    metrics, readings, evaluate_seconds = evaluate(model, pairs, labelled)
    result: dict[str, Any] = {
        "model": str(model), "data_hash": digest, "trained": trained,
        "train_seconds": round(train_seconds, 3), "evaluate_seconds": round(evaluate_seconds, 3),
        "metrics": metrics, "labelled": readings, "baseline": None,
    }  # fmt: skip
    if baseline is not None:
        _stage("baseline")
        base_metrics, _, base_seconds = evaluate(baseline, pairs)
        result["baseline"] = {"model": str(baseline), "metrics": base_metrics,
                              "evaluate_seconds": round(base_seconds, 3)}  # fmt: skip
    return result


def write_json(path: Path, payload: dict[str, Any] | list[Any]) -> None:
    """Write ``payload`` to ``path`` atomically (a reader sees all of it or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(payload, file, ensure_ascii=False)
    os.replace(scratch, path)


def build_parser() -> argparse.ArgumentParser:
    """The worker's command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="folder with config.yml etc.")
    parser.add_argument("--models", type=Path, required=True, help="where to put the model")
    parser.add_argument("--test", type=Path, required=True, help="Rasa NLU test file or folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--baseline", type=Path, help="a model to score on the same split")
    parser.add_argument(
        "--labelled", type=Path, help="JSON list of texts for the new model to read"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the worker; returns the exit code (0 ok, 1 failed: the result holds the error)."""
    args = build_parser().parse_args(argv)
    out = args.out.resolve()
    try:
        quiet_rasa()
        labelled = json.loads(args.labelled.read_text(encoding="utf-8")) if args.labelled else []
        result = run(args.root.resolve(), args.models.resolve(), args.test.resolve(),
                     args.baseline.resolve() if args.baseline else None, labelled)  # fmt: skip
    except (Exception, SystemExit) as error:  # Rasa exits on some errors: report those too
        traceback.print_exc()
        write_json(out, {"error": _describe(error)})
        return 1
    write_json(out, result)
    _stage("done")
    return 0


def _describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"{RASA_EXIT} {error.code}"
    return f"{type(error).__name__}: {error}"


async def run_worker(
    root: Path,
    models: Path,
    test: Path,
    out: Path,
    baseline: Path | None = None,
    python: str = sys.executable,
    on_stage: StageCallback | None = None,
    labelled: list[str] | None = None,
) -> dict[str, Any]:
    """Run the worker in a child process and return its JSON result.

    Cancelling the call kills the child. ``on_stage`` (plain or async) gets each stage name.
    The new model also reads the ``labelled`` texts: ``result["labelled"]``, in order.

    Raises:
        TrainingFailed: The worker failed; the message is its error, else its last output.
    """
    out = Path(out)
    out.unlink(missing_ok=True)  # never mistake an earlier run's result for this one's
    command = [python, "-m", "bot.trainer.worker", "--root", str(root), "--models", str(models),
               "--test", str(test), "--out", str(out)]  # fmt: skip
    if baseline is not None:
        command += ["--baseline", str(baseline)]
    if labelled:
        texts = out.with_name(f"{out.stem}.labelled.json")
        write_json(texts, labelled)
        command += ["--labelled", str(texts)]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    tail: deque[str] = deque(maxlen=OUTPUT_TAIL_LINES)
    try:
        assert process.stdout is not None
        await _follow(process.stdout, tail, on_stage)
        code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return _result(out, code, "\n".join(tail))


async def _follow(
    stream: asyncio.StreamReader, tail: deque[str], on_stage: StageCallback | None
) -> None:
    # Read chunks, not readline(): progress bars write long lines without "\n".
    pending = ""
    while chunk := await stream.read(65536):
        pending += chunk.decode("utf-8", errors="replace").replace("\r", "\n")
        *lines, pending = pending.split("\n")
        for line in filter(None, (raw.strip() for raw in lines)):
            tail.append(line)
            if line.startswith(STAGE_PREFIX) and on_stage is not None:
                outcome = on_stage(line.removeprefix(STAGE_PREFIX))
                if inspect.isawaitable(outcome):
                    await outcome
    if pending.strip():
        tail.append(pending.strip())


def _result(out: Path, code: int, output: str) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        payload = {}
    if code == 0 and "error" not in payload and "metrics" in payload:
        return payload
    message = payload.get("error") or f"worker exited with code {code} and no result"
    if message.startswith(RASA_EXIT) or "error" not in payload:
        # Rasa printed the cause before exiting: show its last lines.
        message += "\n" + "\n".join(output.splitlines()[-EXIT_CONTEXT_LINES:])
    raise TrainingFailed(message, output)


if __name__ == "__main__":
    sys.exit(main())
