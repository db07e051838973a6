"""Builds the trainer's workbench from settings, for the gateway and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.shop.db import create_tables
from bot.nlu.encoder import shared_encoder
from bot.rasa_client import RasaClient
from bot.settings import Settings
from bot.trainer.editor import TrainingDataEditor
from bot.trainer.form_answers import FormAnswers
from bot.trainer.guard import RegressionGuard
from bot.trainer.inbox import Inbox
from bot.trainer.label_checks import LabelChecks
from bot.trainer.models import Base
from bot.trainer.runs import RunHistory
from bot.trainer.workbench import TrainerPaths, Workbench


def trainer_paths(settings: Settings, root: Path) -> TrainerPaths:
    """Training data, models and test split, as absolute paths (Rasa loads models by path)."""
    data = (settings.training_root or root).resolve()
    models = settings.model_dir if settings.model_dir.is_absolute() else root / settings.model_dir
    test = settings.nlu_test or Path("tests/nlu")
    return TrainerPaths(
        root=data,
        models=models.resolve(),
        test=(test if test.is_absolute() else data / test).resolve(),
    )


def build_workbench(
    settings: Settings,
    sessionmaker: Any,
    rasa: RasaClient,
    mask: Callable[[str], str],
    clock: Callable[[], Any],
    root: Path,
) -> Workbench:
    """The workbench over the gateway database and the running Rasa server."""
    paths = trainer_paths(settings, root)
    inbox = Inbox(
        sessionmaker,
        mask,
        clock,
        shared_encoder(1),
        settings.inbox_confidence,
        form_answered=FormAnswers(rasa),
    )
    return Workbench(
        TrainingDataEditor(paths.root),
        inbox,
        RunHistory(sessionmaker, clock),
        rasa,
        RegressionGuard(settings.regression_margin),
        paths,
        checks=LabelChecks(sessionmaker),
    )


async def create_schema(engine: AsyncEngine) -> None:
    """Create the inbox and run-history tables in the gateway database."""
    await create_tables(engine, Base.metadata)
