"""The trainer's workflow: label missed messages, retrain, check, and put the model live."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import bot.nlu
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.trainer.editor import TrainingDataEditor
from bot.trainer.errors import InvalidInput, RunInProgress, TrainerError
from bot.trainer.evaluation import Metrics
from bot.trainer.guard import RegressionGuard
from bot.trainer.inbox import Inbox
from bot.trainer.label_checks import LabelChecks
from bot.trainer.models import (
    BLOCKED,
    DEPLOYED,
    DEPLOYING,
    EVALUATING,
    FAILED,
    TRAINED,
    TRAINING,
)
from bot.trainer.runs import RunHistory
from bot.trainer.worker import TrainingFailed, run_worker
from bot.training import MODEL_INPUTS, model_path

logger = logging.getLogger(__name__)

STAGES = {
    "training": (TRAINING, "训练模型"),
    "evaluating": (EVALUATING, "在测试集上评估新模型"),
    "baseline": (EVALUATING, "在测试集上评估正在服务的模型"),
}
MAX_TEXT_CHARS = 200


class Trainer(Protocol):
    """Trains and evaluates a model in another process (see :func:`run_worker`)."""

    def __call__(
        self,
        root: Path,
        models: Path,
        test: Path,
        out: Path,
        baseline: Path | None = None,
        *,
        on_stage: Callable[[str], Awaitable[None] | None] | None = None,
        labelled: Sequence[str] | None = None,
    ) -> Awaitable[dict[str, Any]]: ...


@dataclass(frozen=True)
class TrainerPaths:
    """Where the training data, the models and the held-out test split live."""

    root: Path
    models: Path
    test: Path


def snapshot(root: Path, target: Path) -> None:
    """Copy the model's inputs (:data:`bot.training.MODEL_INPUTS`) to ``target``.

    The NLU components' source comes from the installed package, so the model
    gets the name ``kefu train`` would give the same data.
    """
    sources = {name: root / name for name in MODEL_INPUTS}
    sources["bot/nlu"] = Path(bot.nlu.__file__).parent  # the code that will run
    for name, source in sources.items():
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


class Workbench:
    """Everything a trainer does, for the web page and the CLI alike.

    Args:
        editor: reads and writes the training data files.
        inbox: the messages the bot missed.
        history: the training runs.
        rasa: the running Rasa server (parses, serves and swaps models).
        guard: refuses regressions.
        paths: where data, models and the test split are.
        trainer: trains and evaluates out of process.
        checks: how each run's model reads the messages labelled before it;
            by default kept in the inbox's database.
    """

    def __init__(
        self,
        editor: TrainingDataEditor,
        inbox: Inbox,
        history: RunHistory,
        rasa: RasaClient,
        guard: RegressionGuard,
        paths: TrainerPaths,
        trainer: Trainer = run_worker,
        checks: LabelChecks | None = None,
    ) -> None:
        self.inbox = inbox
        self.checks = checks or LabelChecks(inbox.sessionmaker)
        self.history = history
        self._editor = editor
        self._rasa = rasa
        self._guard = guard
        self._paths = paths
        self._trainer = trainer
        self._files = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def record(
        self,
        conversation_id: str,
        message_id: int,
        text: str,
        handed_off: bool,
        parse: dict[str, Any] | None,
    ) -> None:
        """Put an answered message in the inbox if the model was unsure of it."""
        if parse is not None:
            await self.inbox.record(conversation_id, message_id, text, parse, handed_off)

    async def intents(self) -> list[dict[str, Any]]:
        """Every intent with its example count and answer."""
        found = await asyncio.to_thread(self._editor.intents)
        return [info.to_dict() for info in found]

    async def label(self, ids: list[int], intent: str, who: str) -> dict[str, Any]:
        """Add inbox messages as examples of an existing intent and close them.

        Raises:
            InvalidInput: none of the messages is still open.
            LabelConflict: a text is an example of another intent; nothing written.
        """
        texts = await self._open_texts(ids)
        # Resolved under the lock too: a run's snapshot sees the examples and their labels.
        async with self._files:
            result = await asyncio.to_thread(self._editor.add_examples, intent, texts)
            labelled = await self.inbox.resolve(ids, intent, who)
        return {"added": result.added, "duplicates": result.duplicates, "labelled": labelled}

    async def create_intent(
        self,
        name: str,
        examples: list[str],
        answer: str,
        ids: list[int],
        who: str,
        title: str | None = None,
    ) -> dict[str, Any]:
        """Create an intent answered by ``answer`` from inbox messages and more examples.

        ``title`` names it on 「您是不是想问」's buttons (none: never offered there).
        """
        texts = (await self._open_texts(ids)) if ids else []
        texts += [text for text in examples if text.strip() not in texts]
        async with self._files:
            create = self._editor.create_intent
            info = await asyncio.to_thread(create, name, texts, answer, title)
            labelled = await self.inbox.resolve(ids, name, who) if ids else 0
        return {"intent": info.to_dict(), "labelled": labelled}

    async def set_title(self, intent: str, title: str | None) -> dict[str, Any]:
        """Name ``intent`` on 「您是不是想问」's buttons, or stop offering it (``None``)."""
        async with self._files:
            info = await asyncio.to_thread(self._editor.set_title, intent, title)
        return {"intent": info.to_dict()}

    async def dismiss(self, ids: list[int], who: str) -> int:
        """Take messages out of the inbox without labelling them."""
        return await self.inbox.dismiss(ids, who)

    async def _open_texts(self, ids: list[int]) -> list[str]:
        items = await self.inbox.items(ids)
        if not items:
            raise InvalidInput("miss_ids", "这些消息已被处理或不存在，请刷新收件箱")
        texts: list[str] = []
        for item in sorted(items, key=lambda item: item["id"]):
            text = item["text"].strip()[:MAX_TEXT_CHARS]
            if text and text not in texts:
                texts.append(text)
        return texts

    def validate(self) -> Any:
        """``rasa data validate`` on the training data (blocking: run it in a thread)."""
        return self._editor.validate()

    async def parse(self, text: str) -> dict[str, Any]:
        """What the live model understands of ``text``."""
        return await self._rasa.parse(text)

    async def pending_changes(self) -> dict[str, Any]:
        """Whether the data differs from what the serving model was trained on."""
        current = await asyncio.to_thread(self._editor.data_hash)
        deployed = await self.history.last_deployed()
        # Models are named after the hash of their data (see bot.training).
        serving = await self._serving()
        live = serving == model_path(self._paths.models, current).name
        return {
            "data_hash": current,
            "deployed_hash": deployed["data_hash"] if deployed else None,
            "serving_model": serving,
            "changed": not live and (deployed is None or deployed["data_hash"] != current),
        }

    async def run(self, run_id: int) -> dict[str, Any]:
        """One run with its full metrics and, once evaluated, how its model read the
        messages labelled since the previous run (``labelled``; None before that).

        Raises:
            NotFound: no such run.
        """
        run = await self.history.get(run_id)
        return {**run, "labelled": await self.checks.report(run_id) if run["metrics"] else None}

    def busy(self) -> bool:
        """Whether a run is training, evaluating or deploying in this process."""
        return self._task is not None and not self._task.done()

    async def start_run(
        self, who: str, deploy: bool = True, override_reason: str | None = None
    ) -> dict[str, Any]:
        """Queue a retraining (and deployment); it runs in the background.

        Raises:
            RunInProgress: another run has not finished.
        """
        if self.busy() or await self.history.unfinished():
            raise RunInProgress()
        run = await self.history.start(who, deploy)
        self._task = asyncio.create_task(self._execute(run["id"], deploy, override_reason))
        return run

    async def deploy_run(self, run_id: int, override_reason: str | None) -> dict[str, Any]:
        """Deploy a run the guard blocked (or that only trained), with a trainer's reason.

        Raises:
            InvalidInput: the run is not blocked or trained, or the reason is missing.
            RunInProgress: another run has not finished.
        """
        run = await self.history.get(run_id)
        if run["status"] not in (BLOCKED, TRAINED) or not run["metrics"]:
            raise InvalidInput("run", "只有被拦截或仅训练的模型可以手动上线")
        if self.busy():
            raise RunInProgress()
        baseline = await self._serving_metrics()
        verdict = self._guard.check(
            Metrics.from_dict(run["metrics"]),
            Metrics.from_dict(baseline) if baseline else None,
            override_reason,
        )
        if not verdict.allowed:
            raise InvalidInput("override_reason", verdict.reason)
        run = await self.history.update(
            run_id,
            verdict=verdict.to_dict(),
            override_reason=(override_reason or "").strip() or None,
            status=DEPLOYING,
            stage="加载新模型",
        )
        self._task = asyncio.create_task(self._deploy(run_id, run["model"], time.monotonic()))
        return run

    async def wait(self) -> None:
        """Wait for the run in progress, if any (tests, shutdown)."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def close(self) -> None:
        """Stop a run in progress; it is recorded as failed."""
        if self.busy():
            assert self._task is not None
            self._task.cancel()
            await self.wait()

    async def fail_interrupted(self) -> None:
        """Mark runs a stopped gateway left unfinished as failed (on start)."""
        for run in await self.history.unfinished():
            await self.history.update(run["id"], status=FAILED, error="网关重启，训练中断")

    async def _serving(self) -> str | None:
        # Rasa names the model by its file name; models live in one folder.
        serving = await self._rasa.serving_model()
        return Path(serving).name if serving else None

    async def _serving_metrics(self) -> dict[str, Any] | None:
        serving = await self._serving()
        return await self.history.metrics_of(serving) if serving else None

    async def _execute(self, run_id: int, deploy: bool, override_reason: str | None) -> None:
        started = time.monotonic()
        try:
            serving = await self._serving()
            known = await self.history.metrics_of(serving) if serving else None
            # Score the serving model on the same split, unless a run already did.
            baseline_file = self._paths.models / serving if serving and known is None else None
            if baseline_file is not None and not baseline_file.is_file():
                baseline_file = None
            result = await self._train(run_id, baseline_file)
            await self.checks.record(run_id, result["labelled_items"], result.get("labelled") or [])
            baseline = known or (result.get("baseline") or {}).get("metrics")
            verdict = self._guard.check(
                Metrics.from_dict(result["metrics"]),
                Metrics.from_dict(baseline) if baseline else None,
                override_reason,
            )
            seconds = {
                "train": round(result["train_seconds"], 1),
                "evaluate": round(result["evaluate_seconds"], 1),
            }
            await self.history.update(
                run_id,
                model=Path(result["model"]).name,
                data_hash=result["data_hash"],
                metrics=result["metrics"],
                baseline=baseline,
                baseline_model=serving,
                verdict=verdict.to_dict(),
                override_reason=(override_reason or "").strip() or None,
                seconds=seconds,
            )
            if not deploy:
                await self.history.update(run_id, status=TRAINED, stage="已训练，未上线")
            elif not verdict.allowed:
                await self.history.update(run_id, status=BLOCKED, stage="回归保护：未上线")
            else:
                await self._deploy(run_id, Path(result["model"]).name, started)
        except asyncio.CancelledError:
            await self.history.update(run_id, status=FAILED, error="训练被中止")
            raise
        except (TrainingFailed, RasaUnavailable, TrainerError) as exc:
            logger.warning("Training run %s failed: %s", run_id, exc)
            await self.history.update(run_id, status=FAILED, stage="失败", error=str(exc))
        except Exception as exc:  # a run left "training" would block every later one
            logger.exception("Training run %s failed unexpectedly", run_id)
            error = f"意外错误：{type(exc).__name__}: {exc}"
            await self.history.update(run_id, status=FAILED, stage="失败", error=error)

    async def _train(self, run_id: int, baseline: Path | None) -> dict[str, Any]:
        async def on_stage(stage: str) -> None:
            status, text = STAGES.get(stage, (None, None))
            if status is not None:
                await self.history.update(run_id, status=status, stage=text)

        await self.history.update(run_id, status=TRAINING, stage="训练模型")
        with tempfile.TemporaryDirectory(prefix="kefu-run-") as tmp:
            project = Path(tmp) / "project"
            # Train on a snapshot, so trainers can keep labelling meanwhile.
            async with self._files:
                data_hash = await asyncio.to_thread(self._editor.data_hash)
                await asyncio.to_thread(snapshot, self._paths.root, project)
                labelled = await self.checks.pending()
            result = await self._trainer(
                project,
                self._paths.models,
                self._paths.test,
                Path(tmp) / "result.json",
                baseline,
                on_stage=on_stage,
                labelled=[item.text for item in labelled],
            )
        return {**result, "data_hash": data_hash, "labelled_items": labelled}

    async def _deploy(self, run_id: int, model: str, started: float) -> None:
        """Load the model file ``model`` of the models folder into Rasa."""
        await self.history.update(run_id, status=DEPLOYING, stage="加载新模型")
        loading = time.monotonic()
        try:
            await self._rasa.replace_model(str(self._paths.models / model))
        except RasaUnavailable as exc:
            await self.history.update(run_id, status=FAILED, stage="上线失败", error=str(exc))
            return
        run = await self.history.get(run_id)
        seconds = {
            **run["seconds"],
            "deploy": round(time.monotonic() - loading, 1),
            "total": round(time.monotonic() - started, 1),
        }
        await self.history.update(run_id, status=DEPLOYED, stage="已上线", seconds=seconds)
