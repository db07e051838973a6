"""Promises agents make to shoppers, kept as timers: remind before, escalate after.

A promise belongs to its ticket, not to the agent who typed it: whoever holds
the ticket now is the one reminded, escalated and shown it in 我的承诺 (while
the ticket waits in a queue, the agent who made it). Closing the ticket or
handing it back to the bot closes its open promises with it (``closed_at``
set, the status left as it was: the view reads ``cancelled``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased, sessionmaker

from actions.shop.format import SHOP_TZ
from handoff.errors import InvalidInput, PromiseNotFound
from handoff.models import Agent, Promise, Ticket, utc_now
from handoff.vocab import ASSIGNED, CLOSED, QUEUED, require_text

MAX_MINUTES = 7 * 24 * 60
REMIND_AT_MOST = timedelta(minutes=5)
#: The view's status of an unkept promise whose ticket was closed or handed back.
CANCELLED = "cancelled"
#: How long after a promise closed with its ticket a shopper's new message alerts its agent.
FOLLOW_UP_WINDOW = timedelta(hours=24)

_Maker = aliased(Agent)
_Holder = aliased(Agent)


@dataclass(frozen=True)
class PromiseView:
    """A promise as the console shows it.

    ``agent_id``/``agent_name`` are who answers for it now: the ticket's
    holder, or (queued, closed without a holder) the agent who made it;
    ``made_by``/``made_by_name`` who made it.
    """

    id: int
    ticket_id: int
    conversation_id: str
    agent_id: int
    agent_name: str
    made_by: int
    made_by_name: str
    note: str
    due_at: datetime
    created_at: datetime
    status: str
    closed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO times."""
        closed = self.closed_at.isoformat() if self.closed_at else None
        return {
            **asdict(self),
            "due_at": self.due_at.isoformat(),
            "created_at": self.created_at.isoformat(),
            "closed_at": closed,
        }


def remind_before(promised_for: timedelta) -> timedelta:
    """How long before the due time to remind: 5 minutes, or a fifth of a short promise."""
    return min(REMIND_AT_MOST, promised_for / 5)


#: Not fulfilled, not closed with its ticket, on a ticket still open.
_LIVE = and_(Promise.status != "fulfilled", Promise.closed_at.is_(None), Ticket.status != CLOSED)


class PromiseBook:
    """Stores promises and finds the ones to remind about or escalate.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        clock: the current time.
    """

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def make(self, ticket_id: int, agent_id: int, minutes: Any, note: Any) -> PromiseView:
        """Record a promise due ``minutes`` from now."""
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or not 1 <= minutes <= MAX_MINUTES
        ):
            raise InvalidInput("due_in_minutes", f"due_in_minutes must be 1-{MAX_MINUTES}")
        text = require_text("note", note, 500)
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            promise = Promise(
                ticket_id=ticket_id,
                agent_id=agent_id,
                note=text,
                due_at=now + timedelta(minutes=minutes),
                created_at=now,
                status="open",
            )
            s.add(promise)
            await s.flush()
            return await self._view(s, promise.id)

    async def fulfil(self, promise_id: Any, agent_id: int, supervisor: bool = False) -> PromiseView:
        """Mark a promise kept: by who made it, who holds its ticket now, or a supervisor."""
        if not isinstance(promise_id, int) or isinstance(promise_id, bool):
            raise InvalidInput("promise_id", "promise_id must be an integer")
        async with self._sessionmaker.begin() as s:
            promise = await s.get(Promise, promise_id, populate_existing=True)
            ticket = None if promise is None else await s.get(Ticket, promise.ticket_id)
            holder = ticket.agent_id if ticket is not None and ticket.status == ASSIGNED else None
            if promise is None or not (supervisor or agent_id in (promise.agent_id, holder)):
                raise PromiseNotFound(f"no promise {promise_id} of yours")
            if promise.status != "fulfilled":
                promise.status = "fulfilled"
                promise.closed_at = self._clock()
                await s.flush()
            return await self._view(s, promise_id)

    async def open_for(self, agent_id: int) -> list[PromiseView]:
        """The promises the agent answers for now (open or overdue), soonest first.

        Those on the tickets they hold, whoever made them, and those they
        made on tickets waiting in a queue (nobody holds them yet).
        """
        mine = or_(
            and_(Ticket.status == ASSIGNED, Ticket.agent_id == agent_id),
            and_(Ticket.status == QUEUED, Promise.agent_id == agent_id),
        )
        return await self._select(and_(_LIVE, mine))

    async def open_on(self, ticket_id: int) -> list[PromiseView]:
        """The ticket's promises not yet kept, soonest first."""
        return await self._select(and_(_LIVE, Promise.ticket_id == ticket_id))

    async def close_with_ticket(self, ticket_id: int) -> list[PromiseView]:
        """Close the unkept promises of a ticket that was closed or handed back."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            rows = await s.execute(
                select(Promise.id).where(Promise.ticket_id == ticket_id).order_by(Promise.id)
            )
            unkept = and_(Promise.status != "fulfilled", Promise.closed_at.is_(None))
            closed = [i for i in rows.scalars() if await _mark(s, i, unkept, closed_at=now)]
            return await self._views(s, closed)

    async def closed_unkept(self, conversation_id: str) -> list[PromiseView]:
        """Promises of the conversation closed with their ticket unkept, still remembered.

        A shopper who writes again within ``FOLLOW_UP_WINDOW`` of such a
        promise falling due (or being closed, if later) is most likely
        asking after it.
        """
        now = self._clock()
        views = await self._select(
            and_(
                Ticket.conversation_id == conversation_id,
                Ticket.status == CLOSED,
                Promise.status != "fulfilled",
            )
        )
        return [
            v for v in views if max(v.due_at, v.closed_at or v.due_at) + FOLLOW_UP_WINDOW >= now
        ]

    async def due_for_reminder(self) -> list[PromiseView]:
        """Open promises close to their due time, not yet reminded; marks them reminded."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            rows = await s.execute(
                select(Promise)
                .join(Ticket, Ticket.id == Promise.ticket_id)
                .where(_LIVE, Promise.status == "open", Promise.reminded_at.is_(None))
            )
            due = [
                p.id
                for p in rows.scalars()
                if p.due_at - remind_before(p.due_at - p.created_at) <= now
            ]
            unmarked = Promise.reminded_at.is_(None)
            mine = [i for i in due if await _mark(s, i, unmarked, reminded_at=now)]
            return await self._views(s, mine)

    async def newly_overdue(self) -> list[PromiseView]:
        """Open promises past their due time; marks them overdue (escalated once)."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            rows = await s.execute(
                select(Promise.id)
                .join(Ticket, Ticket.id == Promise.ticket_id)
                .where(_LIVE, Promise.status == "open", Promise.due_at <= now)
            )
            still_open = and_(Promise.status == "open", Promise.closed_at.is_(None))
            mine = [i for i in rows.scalars() if await _mark(s, i, still_open, status="overdue")]
            return await self._views(s, mine)

    async def _select(self, where: Any) -> list[PromiseView]:
        async with self._sessionmaker() as s:
            rows = await s.execute(
                select(Promise.id)
                .join(Ticket, Ticket.id == Promise.ticket_id)
                .where(where)
                .order_by(Promise.due_at, Promise.id)
            )
            return await self._views(s, list(rows.scalars()))

    async def _view(self, s: Any, promise_id: int) -> PromiseView:
        [view] = await self._views(s, [promise_id])
        return view

    async def _views(self, s: Any, promise_ids: list[int]) -> list[PromiseView]:
        """The promises ``promise_ids`` in that order, read in one query."""
        if not promise_ids:
            return []
        rows = await s.execute(
            select(Promise, Ticket, _Maker.display_name, _Holder.display_name)
            .join(Ticket, Ticket.id == Promise.ticket_id)
            .join(_Maker, _Maker.id == Promise.agent_id)
            .outerjoin(_Holder, _Holder.id == Ticket.agent_id)
            .where(Promise.id.in_(promise_ids))
            .execution_options(populate_existing=True)
        )
        views = {row[0].id: _promise_view(*row) for row in rows}
        return [views[promise_id] for promise_id in promise_ids]


def _promise_view(
    promise: Promise, ticket: Ticket, maker_name: str, holder_name: str | None
) -> PromiseView:
    """A promise as the console shows it."""
    # Who answers for it: the holder; queued, its maker; closed, who held it last.
    held = ticket.agent_id is not None and ticket.status != QUEUED
    status = promise.status
    if status != "fulfilled" and (promise.closed_at is not None or ticket.status == CLOSED):
        status = CANCELLED
    return PromiseView(
        id=promise.id,
        ticket_id=promise.ticket_id,
        conversation_id=ticket.conversation_id,
        agent_id=ticket.agent_id if held else promise.agent_id,
        agent_name=holder_name if held else maker_name,
        made_by=promise.agent_id,
        made_by_name=maker_name,
        note=promise.note,
        due_at=promise.due_at,
        created_at=promise.created_at,
        status=status,
        closed_at=promise.closed_at,
    )


async def _mark(s: Any, promise_id: int, unless_done: Any, **values: Any) -> bool:
    # Conditional, so of several gateways keeping the clocks one reminds or escalates.
    result = await s.execute(
        update(Promise).where(Promise.id == promise_id, unless_done).values(**values)
    )
    return bool(result.rowcount)


# Promises in an agent's own words (「1小时内回复您」): the console offers to keep them.

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_NUMBER = r"[0-9０-９]{1,4}|[零一二两三四五六七八九十]{1,3}"
_UNIT = r"个?(?:小时|钟头)|分钟|分|个?工作日|天"
#: A reply to the shopper: the promise is to come back to them, not that a parcel moves.
_REPLY = (
    r"(?:(?:给您|给你)?(?:回复|答复|回电话?|回个电话|回访|联系|通知|告知|反馈|致电|打电话)"
    r"|回您|给您回|打给您)"
)
_STOP = r"[^。！？!?；;\n]"
_NEGATION = re.compile(r"(?:无法|没法|没办法|不能|不一定|难以)$")
_WHEN = (
    rf"(?P<lo>{_NUMBER})\s*[-~～到至]\s*(?P<hi>{_NUMBER})\s*(?P<range_unit>{_UNIT})"
    rf"|(?P<n_half>{_NUMBER})个半(?:小时|钟头)"
    r"|(?P<half>半个?(?:小时|钟头))"
    rf"|(?P<n>{_NUMBER})\s*(?P<unit>{_UNIT})"
    r"|(?P<day>明天|明日|明早|明晚|今天|今日|今晚)(?P<part>上午|早上|中午|下午|晚上|下班前)?"
    r"|(?P<vague>稍后|稍晚|晚些时候|晚点|一会儿?|待会儿?|尽快|马上|随后)"
)
_PROMISE = re.compile(
    rf"(?P<when>{_WHEN})(?P<gap>{_STOP}{{0,10}}?)(?P<verb>{_REPLY})(?P<you>您|你)?"
)
#: Local times a vague part of the day means, as the shopper would hold us to it.
_PARTS = {"上午": 12, "早上": 12, "中午": 13, "下午": 18, "下班前": 18, "晚上": 21}
_DAY_DEFAULT = {"明早": 12, "明晚": 21, "今晚": 21}


@dataclass(frozen=True)
class WordedPromise:
    """A reply promised in words: the phrase and, when it says one, the time it gives."""

    phrase: str
    due_in_minutes: int | None

    def to_dict(self) -> dict[str, Any]:
        """The ``promise_offer`` of an ``agent_message`` ack."""
        return {"note": self.phrase, "due_in_minutes": self.due_in_minutes}


def _number(text: str) -> int | None:
    text = text.translate(_DIGITS)
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(ones) > 1 or (tens and tens not in _CN) or (ones and ones not in _CN):
            return None
        return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)
    return _CN.get(text) if len(text) == 1 else None


def _unit_minutes(n: int, unit: str, now: datetime) -> int | None:
    if unit in ("分钟", "分"):
        return n
    if unit.endswith("小时") or unit.endswith("钟头"):
        return n * 60
    if unit == "天":
        return n * 24 * 60
    # N个工作日: the end of the Nth working day after today, in the shop's time.
    day, left = now.astimezone(SHOP_TZ).date(), n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return _minutes_until(day, 18, now)


def _minutes_until(day: date, hour: int, now: datetime) -> int | None:
    target = datetime.combine(day, time(hour), tzinfo=SHOP_TZ)
    seconds = (target - now).total_seconds()
    return math.ceil(seconds / 60) if seconds > 0 else None


def _day_minutes(day: str, part: str | None, now: datetime) -> int | None:
    today = now.astimezone(SHOP_TZ).date()
    on = today if day.startswith("今") else today + timedelta(days=1)
    hour = _PARTS[part] if part else _DAY_DEFAULT.get(day, 21 if on == today else 18)
    return _minutes_until(on, hour, now)


def _minutes(m: re.Match[str], now: datetime) -> int | None:
    if m.group("vague"):
        return None
    if m.group("half"):
        return 30
    if m.group("n_half"):
        n = _number(m.group("n_half"))
        return None if n is None else n * 60 + 30
    if m.group("day"):
        return _day_minutes(m.group("day"), m.group("part"), now)
    if m.group("hi"):  # 「1-2小时」: the shopper holds us to the longer end
        n, unit = _number(m.group("hi")), m.group("range_unit")
    else:
        n, unit = _number(m.group("n")), m.group("unit")
    return None if n is None or n < 1 else _unit_minutes(n, unit, now)


def promised_reply(text: str, now: datetime) -> WordedPromise | None:
    """The first reply an agent's message promises the shopper, if it promises one.

    It must name a time (「1小时内」「30分钟」「半小时」「1-2个工作日」「明天上午」,
    or a vague 「稍后」「尽快」) followed closely, in the same sentence, by coming
    back to the shopper (回复、答复、回电、联系、通知…). 「退款1-3个工作日到账」 or
    「请稍等1-2分钟」 promise no reply; 「无法在1小时内回复」 is not a promise.
    A time past 7 days, or already gone (「今天下午」 in the evening), gives no
    minutes: the agent sets them.
    """
    for m in _PROMISE.finditer(text):
        if _NEGATION.search(text[max(0, m.start() - 6) : m.start()].rstrip("在于")):
            continue
        minutes = _minutes(m, now)
        if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
            minutes = None
        return WordedPromise(m.group(0), minutes)
    return None
