"""The team's quick replies (快捷回复), kept by supervisors in the console.

A new gateway database starts with kefu's own set (``handoff.copy.CANNED``);
after that the list is the supervisors', and an empty list stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from handoff import copy
from handoff.errors import InvalidInput, NotFound
from handoff.models import CannedReply, utc_now
from handoff.vocab import require_text

MAX_TITLE_CHARS = 20
MAX_TEXT_CHARS = 500
MAX_REPLIES = 200


class CannedNotFound(NotFound):
    """No quick reply with that id."""

    code = "canned_not_found"


@dataclass(frozen=True)
class Canned:
    """A quick reply as the console shows it."""

    id: int
    title: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text}


def _view(row: CannedReply) -> Canned:
    return Canned(id=int(row.id), title=str(row.title), text=str(row.text))


def _fields(body: Any) -> tuple[str, str]:
    values = body if isinstance(body, dict) else {}
    title = require_text("title", values.get("title"), MAX_TITLE_CHARS)
    text = require_text("text", values.get("text"), MAX_TEXT_CHARS)
    return title, text


async def seed_canned(engine: AsyncEngine, now: datetime) -> bool:
    """Give a database that has no quick-reply table yet kefu's own set; whether it did.

    Call before creating the tables: a table that exists, even empty, is the
    supervisors' and is left alone.
    """
    async with engine.begin() as conn:
        existed = await conn.run_sync(lambda c: inspect(c).has_table(CannedReply.__tablename__))
        if existed:
            return False
        await conn.run_sync(CannedReply.__table__.create)
        await conn.execute(
            CannedReply.__table__.insert(),
            [{"title": t, "text": x, "updated_at": now} for t, x in copy.CANNED],
        )
    return True


class CannedBook:
    """Lists the quick replies; supervisors add, change and remove them."""

    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock

    async def listing(self) -> list[Canned]:
        """Every quick reply, oldest first."""
        async with self._sessions() as s:
            rows = await s.execute(select(CannedReply).order_by(CannedReply.id))
            return [_view(row) for row in rows.scalars()]

    async def add(self, body: Any, by: str) -> Canned:
        """Add ``{title, text}``.

        Raises:
            InvalidInput: a missing, blank or too long title or text, or a full list.
        """
        title, text = _fields(body)
        async with self._sessions.begin() as s:
            count = await s.scalar(select(func.count(CannedReply.id)))
            if (count or 0) >= MAX_REPLIES:
                raise InvalidInput("canned", f"at most {MAX_REPLIES} quick replies")
            row = CannedReply(title=title, text=text, updated_by=by, updated_at=self._clock())
            s.add(row)
            await s.flush()
            return _view(row)

    async def change(self, reply_id: int, body: Any, by: str) -> Canned:
        """Replace a reply's title and text.

        Raises:
            CannedNotFound, InvalidInput.
        """
        title, text = _fields(body)
        async with self._sessions.begin() as s:
            row = await s.get(CannedReply, reply_id)
            if row is None:
                raise CannedNotFound(f"quick reply {reply_id} does not exist")
            row.title, row.text, row.updated_by, row.updated_at = title, text, by, self._clock()
            return _view(row)

    async def remove(self, reply_id: int) -> None:
        """Delete a reply; raise ``CannedNotFound`` if there is none."""
        async with self._sessions.begin() as s:
            row = await s.get(CannedReply, reply_id)
            if row is None:
                raise CannedNotFound(f"quick reply {reply_id} does not exist")
            await s.delete(row)
