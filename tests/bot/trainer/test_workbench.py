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
from bot.trainer.inbox import Inbox
from bot.trainer.models import Base
from bot.trainer.runs import RunHistory
from bot.trainer.workbench import TrainerPaths, Workbench
from bot.trainer.worker import TrainingFailed

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


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
        self.fail: str | None = None
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, root, models, test, out, baseline=None, *, on_stage=None):
        self.baselines.append(baseline)
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
