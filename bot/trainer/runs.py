"""Training-run history: every run with its data, metrics, verdict and who asked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from bot.trainer.errors import NotFound
from bot.trainer.models import DEPLOYED, FINAL, QUEUED, TrainingRun

#: Metric keys kept in run lists; the full metrics come with one run.
SUMMARY_KEYS = ("accuracy", "macro_f1", "n_test")


def _summary(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
    if metrics is None:
        return None
    return {key: metrics.get(key) for key in SUMMARY_KEYS}


def to_dict(run: TrainingRun, full: bool = True) -> dict[str, Any]:
    """A run as the API shows it; ``full`` includes per-intent scores and the confusion."""
    return {
        "id": run.id,
        "status": run.status,
        "stage": run.stage,
        "triggered_by": run.triggered_by,
        "deploy": bool(run.deploy),
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "data_hash": run.data_hash,
        "model": run.model,
        "metrics": run.metrics if full else _summary(run.metrics),
        "baseline": _summary(run.baseline),
        "baseline_model": run.baseline_model,
        "verdict": run.verdict,
        "override_reason": run.override_reason,
        "error": run.error,
        "seconds": dict(run.seconds or {}),
    }


class RunHistory:
    """Stores training runs in the gateway database.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        clock: the current time.
    """

    def __init__(self, sessionmaker: Any, clock: Callable[[], datetime]) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def start(self, triggered_by: str, deploy: bool) -> dict[str, Any]:
        """Record a new queued run."""
        async with self._sessionmaker.begin() as s:
            run = TrainingRun(
                status=QUEUED,
                stage="排队中",
                triggered_by=triggered_by,
                deploy=int(deploy),
                seconds={},
                started_at=self._clock(),
            )
            s.add(run)
            await s.flush()
            return to_dict(run)

    async def update(self, run_id: int, **changes: Any) -> dict[str, Any]:
        """Change a run's fields; a final status stamps the finishing time."""
        async with self._sessionmaker.begin() as s:
            run = await s.get(TrainingRun, run_id)
            if run is None:
                raise NotFound(f"没有编号为 {run_id} 的训练记录")
            for name, value in changes.items():
                setattr(run, name, value)
            if changes.get("status") in FINAL:
                run.finished_at = self._clock()
            await s.flush()
            return to_dict(run)

    async def get(self, run_id: int) -> dict[str, Any]:
        """One run with its full metrics.

        Raises:
            NotFound: no such run.
        """
        async with self._sessionmaker() as s:
            run = await s.get(TrainingRun, run_id)
            if run is None:
                raise NotFound(f"没有编号为 {run_id} 的训练记录")
            return to_dict(run)

    async def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest runs first, with summary metrics."""
        async with self._sessionmaker() as s:
            runs = (
                await s.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit))
            ).all()
            return [to_dict(run, full=False) for run in runs]

    async def unfinished(self) -> list[dict[str, Any]]:
        """Runs that have not reached a final status."""
        async with self._sessionmaker() as s:
            runs = (
                await s.scalars(select(TrainingRun).where(TrainingRun.status.not_in(FINAL)))
            ).all()
            return [to_dict(run) for run in runs]

    async def metrics_of(self, model: str) -> dict[str, Any] | None:
        """The metrics an earlier run measured for a model file, as candidate or as baseline."""
        async with self._sessionmaker() as s:
            run = await s.scalar(
                select(TrainingRun)
                .where(
                    or_(
                        and_(TrainingRun.model == model, TrainingRun.metrics.is_not(None)),
                        and_(
                            TrainingRun.baseline_model == model,
                            TrainingRun.baseline.is_not(None),
                        ),
                    )
                )
                .order_by(TrainingRun.id.desc())
                .limit(1)
            )
            if run is None:
                return None
            return dict(run.metrics if run.model == model and run.metrics else run.baseline)

    async def last_deployed(self) -> dict[str, Any] | None:
        """The most recently deployed run."""
        async with self._sessionmaker() as s:
            run = await s.scalar(
                select(TrainingRun)
                .where(TrainingRun.status == DEPLOYED)
                .order_by(TrainingRun.id.desc())
                .limit(1)
            )
            return None if run is None else to_dict(run, full=False)
