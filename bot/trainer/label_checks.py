"""Did the new model learn what the trainers just labelled?

The held-out test split cannot say: a trainer's new intent has no example in it.
So each run also has its new model read the inbox messages labelled since the
previous run (the worker parses them with the model it already loaded), and the
run reports how many it now reads as labelled, listing the ones it still misses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import exists, func, select

from bot.trainer.labels import MAX_EXAMPLE_CHARS
from bot.trainer.models import LABELLED, LabelCheck, NluMiss, TrainingRun

#: A run re-reads at most this many labelled messages, newest first (a few seconds).
MAX_CHECKED = 500
#: Misses listed with a run; the counts cover all of them.
MAX_LISTED = 50


@dataclass(frozen=True)
class Labelled:
    """An inbox message a trainer labelled: the text as written to the training data."""

    miss_id: int
    text: str
    intent: str


def _text(miss: NluMiss) -> str:
    # The workbench writes the message's text stripped and cut to this length.
    return str(miss.text).strip()[:MAX_EXAMPLE_CHARS]


class LabelChecks:
    """Picks the labelled messages a run should re-read and keeps what its model made of them.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
    """

    def __init__(self, sessionmaker: Any) -> None:
        self._sessionmaker = sessionmaker

    async def pending(self, limit: int = MAX_CHECKED) -> list[Labelled]:
        """Messages labelled since the last run that was evaluated, and not checked by one.

        Call it while the training data cannot change (the snapshot's lock): the
        messages are then exactly the ones labelled into this run's data.
        """
        async with self._sessionmaker() as s:
            since = await s.scalar(
                select(func.max(TrainingRun.started_at)).where(TrainingRun.metrics.is_not(None))
            )
            checked = exists().where(LabelCheck.miss_id == NluMiss.id)
            query = select(NluMiss).where(NluMiss.status == LABELLED, ~checked)
            if since is not None:  # older labels predate the checks: never report them
                query = query.where(NluMiss.resolved_at >= since)
            misses = (await s.scalars(query.order_by(NluMiss.id.desc()).limit(limit))).all()
        found = [Labelled(m.id, _text(m), str(m.labelled_intent)) for m in misses]
        return [item for item in reversed(found) if item.text]

    async def record(
        self, run_id: int, labelled: Sequence[Labelled], readings: Sequence[Mapping[str, Any]]
    ) -> None:
        """Keep how run ``run_id``'s model read each message (``readings`` in the same order)."""
        if len(labelled) != len(readings):
            raise ValueError(f"{len(readings)} readings for {len(labelled)} labelled messages")
        async with self._sessionmaker.begin() as s:
            for item, read in zip(labelled, readings):
                s.add(
                    LabelCheck(
                        run_id=run_id,
                        miss_id=item.miss_id,
                        predicted=str(read["predicted"])[:64],
                        confidence=float(read["confidence"]),
                        fell_back=int(bool(read["fell_back"])),
                    )
                )

    async def report(self, run_id: int) -> dict[str, Any]:
        """``{"total", "correct", "misses": [...]}`` of run ``run_id``; misses oldest first."""
        async with self._sessionmaker() as s:
            rows = (
                await s.execute(
                    select(LabelCheck, NluMiss)
                    .join(NluMiss, NluMiss.id == LabelCheck.miss_id)
                    .where(LabelCheck.run_id == run_id)
                    .order_by(NluMiss.id)
                )
            ).all()
        misses = [_miss(check, miss) for check, miss in rows if not _correct(check, miss)]
        return {
            "total": len(rows),
            "correct": len(rows) - len(misses),
            "misses": misses[:MAX_LISTED],
        }


def _correct(check: LabelCheck, miss: NluMiss) -> bool:
    # A right guess the bot would still answer with its fallback is no fix for the shopper.
    return check.predicted == miss.labelled_intent and not check.fell_back


def _miss(check: LabelCheck, miss: NluMiss) -> dict[str, Any]:
    return asdict(Labelled(miss.id, _text(miss), str(miss.labelled_intent))) | {
        "predicted": check.predicted,
        "confidence": round(float(check.confidence), 4),
        "fell_back": bool(check.fell_back),
    }
