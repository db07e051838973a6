"""The workbench's run lifecycle with a fake trainer and a fake Rasa: deploy, block, override."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from actions.shop.db import make_engine, make_sessionmaker
from bot.trainer.errors import InvalidInput, RunInProgress
from bot.trainer.guard import RegressionGuard
from bot.trainer.inbox import Inbox, forget_misses
from bot.trainer.models import Base
from bot.trainer.runs import RunHistory
from bot.trainer.workbench import TrainerPaths, Workbench
from bot.trainer.worker import TrainingFailed

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
FALLBACK = {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "intent_ranking": []}
UNSURE = {"predicted": "greet", "confidence": 0.31, "fell_back": True}


def read_as(intent: str, confidence: float = 0.93) -> dict[str, Any]:
    return {"predicted": intent, "confidence": confidence, "fell_back": False}


def metrics(accuracy: float) -> dict[str, Any]:
    return {
        "accuracy": accuracy,
        "macro_f1": accuracy,
        "n_test": 100,
        "per_intent": [],
        "confusion": {"labels": [], "matrix": []},
        "confused_pairs": [],
        "errors": [],
    }


class FakeRasa:
    def __init__(self, serving: str | None) -> None:
        self.serving = serving
        self.loaded: list[str] = []

    async def serving_model(self) -> str | None:
        return self.serving

    async def replace_model(self, model_file: str) -> None:
        self.loaded.append(model_file)
        self.serving = model_file


class FakeTrainer:
    """Returns chosen accuracies; remembers which baselines it was asked to score."""

    def __init__(self, accuracy: float, baseline: float = 0.9) -> None:
        self.accuracy = accuracy
        self.baseline = baseline
        self.baselines: list[Path | None] = []
        self.labelled: list[list[str]] = []  # the texts each run asked the new model to read
        self.reads: dict[str, dict[str, Any]] = {}  # how the new model reads a text
        self.fail: str | None = None
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, root, models, test, out, baseline=None, *, on_stage=None,
                       labelled=None):  # fmt: skip
        self.baselines.append(baseline)
        self.labelled.append(list(labelled or []))
        assert (root / "nlu_data").is_dir() and (root / "bot" / "nlu").is_dir()  # a snapshot
        await on_stage("training")
        await self.gate.wait()
        if self.fail:
            raise TrainingFailed(self.fail)
        await on_stage("evaluating")
        return {
            "model": str(models / f"kefu-{len(self.baselines)}.tar.gz"),
            "data_hash": "worker-hash",
            "trained": True,
            "train_seconds": 12.0,
            "evaluate_seconds": 3.0,
            "metrics": metrics(self.accuracy),
            "labelled": [self.reads.get(text, UNSURE) for text in labelled or []],
            "baseline": {"model": str(baseline), "metrics": metrics(self.baseline)}
            if baseline
            else None,
        }


class FakeEditor:
    def data_hash(self) -> str:
        return "data-1"


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[tuple[Any, ...]]:
    root = tmp_path / "project"
    (root / "nlu_data").mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        (root / name).write_text("version: '3.1'\n")
    serving = tmp_path / "models" / "kefu-serving.tar.gz"
    serving.parent.mkdir()
    serving.write_bytes(b"model")
    engine = make_engine(f"sqlite:///{tmp_path / 'kefu.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = make_sessionmaker(engine)
    rasa = FakeRasa(str(serving))
    trainer = FakeTrainer(accuracy=0.95)
    paths = TrainerPaths(root, tmp_path / "models", root / "tests" / "nlu")
    inbox = Inbox(sessions, str, lambda: NOW)
    bench = Workbench(
        FakeEditor(), inbox, RunHistory(sessions, lambda: NOW), rasa, RegressionGuard(0.02),
        paths, trainer,
    )  # type: ignore[arg-type]  # fmt: skip
    yield bench, rasa, trainer
    await bench.close()
    await engine.dispose()


async def test_a_better_model_is_deployed_and_the_run_recorded(parts: tuple[Any, ...]) -> None:
    bench, rasa, trainer = parts
    run = await bench.start_run("xunlian")
    await bench.wait()
    run = await bench.history.get(run["id"])
    assert run["status"] == "deployed"
    assert [Path(m).name for m in rasa.loaded] == [run["model"]]
    assert run["baseline"]["accuracy"] == 0.9 and run["metrics"]["accuracy"] == 0.95
    assert run["data_hash"] == "data-1" and run["triggered_by"] == "xunlian"
    assert run["started_at"] == run["finished_at"] == "2026-12-01T09:00:00+00:00"
    assert set(run["seconds"]) == {"train", "evaluate", "deploy", "total"}
    assert (await bench.pending_changes())["changed"] is False

    # The serving model was scored by this run: the next one need not score it again.
    await bench.start_run("xunlian")
    await bench.wait()
    assert trainer.baselines[0] is not None and trainer.baselines[1] is None


async def test_a_regression_is_blocked_until_overridden_with_a_reason(
    parts: tuple[Any, ...],
) -> None:
    bench, rasa, trainer = parts
    trainer.accuracy = 0.85
    run = await bench.start_run("xunlian")
    await bench.wait()
    run = await bench.history.get(run["id"])
    assert run["status"] == "blocked"
    assert run["verdict"]["allowed"] is False and "下降 5.0 个百分点" in run["verdict"]["reason"]
    assert rasa.loaded == []

    with pytest.raises(InvalidInput):
        await bench.deploy_run(run["id"], "  ")
    await bench.deploy_run(run["id"], "新活动上线，先用着")
    await bench.wait()
    run = await bench.history.get(run["id"])
    assert run["status"] == "deployed" and run["verdict"]["overridden"] is True
    assert run["override_reason"] == "新活动上线，先用着"
    assert [Path(m).name for m in rasa.loaded] == [run["model"]]


async def test_only_one_run_at_a_time_and_failures_are_recorded(parts: tuple[Any, ...]) -> None:
    bench, rasa, trainer = parts
    trainer.gate.clear()
    trainer.fail = "rasa train failed: bad config"
    run = await bench.start_run("xunlian")
    with pytest.raises(RunInProgress):
        await bench.start_run("xunlian")
    trainer.gate.set()
    await bench.wait()
    run = await bench.history.get(run["id"])
    assert run["status"] == "failed" and "bad config" in run["error"]
    assert rasa.loaded == []


async def test_an_unexpected_error_fails_the_run_and_frees_the_next(
    parts: tuple[Any, ...],
) -> None:
    bench, _, trainer = parts

    async def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("a bug somewhere in training")

    bench._trainer = broken
    run = await bench.start_run("xunlian")
    await bench.wait()
    assert (await bench.history.get(run["id"]))["status"] == "failed"
    bench._trainer = trainer
    run = await bench.start_run("xunlian")
    await bench.wait()
    assert (await bench.history.get(run["id"]))["status"] == "deployed"


async def test_stopped_and_interrupted_runs_are_marked_failed(parts: tuple[Any, ...]) -> None:
    bench, _, trainer = parts
    trainer.gate.clear()
    run = await bench.start_run("xunlian")
    await asyncio.sleep(0.05)
    await bench.close()
    assert (await bench.history.get(run["id"]))["status"] == "failed"
    # A gateway that died mid-run leaves it unfinished; the next start closes it.
    left = await bench.history.start("xunlian", deploy=True)
    await bench.fail_interrupted()
    assert (await bench.history.get(left["id"]))["error"] == "网关重启，训练中断"


async def test_answered_messages_are_recorded_when_the_model_was_unsure(
    parts: tuple[Any, ...],
) -> None:
    bench, _, _ = parts
    unsure = {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "intent_ranking": []}
    await bench.record("c1", 7, "直播几点开始", False, unsure)
    await bench.record("c1", 8, "你好", False, {"intent": {"name": "greet", "confidence": 0.99}})
    await bench.record("c1", 9, "没有解析结果", False, None)  # a channel without the parse
    found = await bench.inbox.groups()
    assert [g["representative"] for g in found["groups"]] == ["直播几点开始"]


async def label(bench: Workbench, conversation: str, message: int, text: str, intent: str) -> int:
    """Put ``text`` in the inbox and label it ``intent`` (the fake editor writes nothing)."""
    await bench.inbox.record(conversation, message, text, FALLBACK, False)
    miss = next(
        item["id"]
        for group in (await bench.inbox.groups())["groups"]
        for item in group["items"]
        if item["text"] == text
    )
    await bench.inbox.resolve([miss], intent, "xunlian")
    return miss


async def test_a_run_reports_how_its_model_reads_the_messages_labelled_since_the_last(
    parts: tuple[Any, ...],
) -> None:
    bench, _, trainer = parts
    right = await label(bench, "c1", 1, "  直播几点开始 ", "live_stream_time")
    wrong = await label(bench, "c2", 2, "今晚有直播吗", "live_stream_time")
    fell_back = await label(bench, "c3", 3, "开播提醒怎么设", "live_stream_time")
    trainer.reads = {
        "直播几点开始": read_as("live_stream_time"),
        "今晚有直播吗": read_as("product_consult", 0.72),
        "开播提醒怎么设": {"predicted": "live_stream_time", "confidence": 0.4, "fell_back": True},
    }

    run = await bench.start_run("xunlian")
    await bench.wait()

    assert trainer.labelled == [["直播几点开始", "今晚有直播吗", "开播提醒怎么设"]]
    report = (await bench.run(run["id"]))["labelled"]
    assert report == {
        "total": 3,
        "correct": 1,
        "misses": [
            {"miss_id": wrong, "text": "今晚有直播吗", "intent": "live_stream_time",
             "predicted": "product_consult", "confidence": 0.72, "fell_back": False},
            {"miss_id": fell_back, "text": "开播提醒怎么设", "intent": "live_stream_time",
             "predicted": "live_stream_time", "confidence": 0.4, "fell_back": True},
        ],
    }  # fmt: skip
    assert right not in {m["miss_id"] for m in report["misses"]}

    # The next run re-reads only what was labelled after this one.
    await label(bench, "c4", 4, "直播间在哪", "live_stream_time")
    trainer.reads["直播间在哪"] = read_as("live_stream_time")
    second = await bench.start_run("xunlian")
    await bench.wait()
    assert trainer.labelled[1] == ["直播间在哪"]
    assert (await bench.run(second["id"]))["labelled"] == {"total": 1, "correct": 1, "misses": []}


async def test_labels_a_failed_run_never_checked_go_to_the_next_run(
    parts: tuple[Any, ...],
) -> None:
    bench, _, trainer = parts
    await label(bench, "c1", 1, "直播几点开始", "live_stream_time")
    trainer.fail = "rasa train failed"
    failed = await bench.start_run("xunlian")
    await bench.wait()
    assert (await bench.run(failed["id"]))["labelled"] is None  # never evaluated

    trainer.fail = None
    run = await bench.start_run("xunlian")
    await bench.wait()

    assert trainer.labelled == [["直播几点开始"], ["直播几点开始"]]
    assert (await bench.run(run["id"]))["labelled"]["total"] == 1


async def test_nothing_labelled_since_the_last_run_is_an_empty_report(
    parts: tuple[Any, ...],
) -> None:
    bench, _, trainer = parts
    run = await bench.start_run("xunlian")
    await bench.wait()

    assert trainer.labelled == [[]]
    assert (await bench.run(run["id"]))["labelled"] == {"total": 0, "correct": 0, "misses": []}


async def test_labels_older_than_the_last_evaluated_run_are_not_reported(
    parts: tuple[Any, ...],
) -> None:
    bench, _, trainer = parts
    await label(bench, "c1", 1, "直播几点开始", "live_stream_time")
    # A run from before label checks existed: it trained on that label already.
    earlier = await bench.history.start("xunlian", deploy=True)
    later = NOW.replace(hour=10)
    await bench.history.update(
        earlier["id"], status="deployed", metrics=metrics(0.9), started_at=later
    )

    await bench.start_run("xunlian")
    await bench.wait()

    assert trainer.labelled == [[]]


async def test_an_erased_conversation_takes_its_checks_along(parts: tuple[Any, ...]) -> None:
    bench, _, trainer = parts
    await label(bench, "c1", 1, "直播几点开始", "live_stream_time")
    run = await bench.start_run("xunlian")
    await bench.wait()
    assert (await bench.run(run["id"]))["labelled"]["total"] == 1

    async with bench.inbox.sessionmaker.begin() as s:
        assert await forget_misses(s, ["c1"]) == 1

    assert (await bench.run(run["id"]))["labelled"]["total"] == 0
