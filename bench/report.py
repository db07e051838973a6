"""How long the supervisor's service report takes on a busy shop's database.

Fills a gateway database with ``--days`` of synthetic traffic (``--per-day``
conversations a day, eight shopper and bot messages each, one in ten handed to
a person who claims, answers and closes it, some rated, with promises and
inbox entries), then times ``ServiceReport.build`` for the last day, the last
7 and the last 30 days.

    python -m bench.report                                 # SQLite file under /tmp
    python -m bench.report --database-url postgresql://127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text

from actions.shop.db import make_engine, make_sessionmaker
from bot.models import Conversation, Message
from bot.schema import create_gateway_schema
from bot.trainer.models import NluMiss
from handoff.models import Agent, Promise, Ticket, TicketEvent
from handoff.report import Period, ServiceReport

END = datetime(2026, 12, 5, tzinfo=timezone.utc)
AGENTS = 20
HANDED_OFF = 0.1


def _day(day: int, per_day: int, rng: random.Random, first_ticket: int) -> dict[str, list]:
    rows: dict[str, list] = {name: [] for name in ("conv", "msg", "ticket", "event", "promise")}
    rows["miss"] = []
    start = END - timedelta(days=day + 1)
    ticket_id = first_ticket
    for n in range(per_day):
        cid = f"d{day}-{n}"
        at = start + timedelta(seconds=rng.uniform(0, 86_000))
        rows["conv"].append({"id": cid, "shopper_id": None, "created_at": at, "updated_at": at})
        handed = rng.random() < HANDED_OFF
        for i in range(8):
            sender = "shopper" if i % 2 == 0 else ("agent" if handed and i > 4 else "bot")
            status = ("handed_off" if handed and i > 4 else "answered") if i % 2 == 0 else None
            rows["msg"].append({
                "conversation_id": cid, "sender": sender, "text": "你好", "payload": {},
                "status": status, "created_at": at + timedelta(seconds=20 * i),
            })  # fmt: skip
        if rng.random() < 0.05:
            rows["miss"].append({
                "conversation_id": cid, "message_id": day * 10**6 + n, "text": "啊这",
                "reason": "fallback", "status": "open", "created_at": at,
            })  # fmt: skip
        if not handed:
            continue
        opened = at + timedelta(seconds=90)
        claimed = opened + timedelta(seconds=rng.expovariate(1 / 40))
        closed = claimed + timedelta(minutes=rng.uniform(2, 15))
        agent = rng.randrange(1, AGENTS + 1)
        rows["ticket"].append({
            "id": ticket_id, "conversation_id": cid, "shopper_id": None, "status": "closed",
            "priority": "normal", "priority_rank": 2, "team": "general", "reason": "requested",
            "summary": ["你好"], "agent_id": agent, "created_at": opened, "queued_at": opened,
            "requeued": False, "claimed_at": claimed, "closed_at": closed,
            "resolution_code": "resolved", "csat": rng.choice([None, 3, 4, 5, 5]),
        })  # fmt: skip
        for kind, when in (("queued", opened), ("assigned", claimed), ("closed", closed)):
            rows["event"].append({"ticket_id": ticket_id, "kind": kind, "actor_id": agent,
                                  "at": when, "data": {}})  # fmt: skip
        if rng.random() < 0.2:
            rows["promise"].append({
                "ticket_id": ticket_id, "agent_id": agent, "note": "回电", "created_at": claimed,
                "due_at": claimed + timedelta(hours=1), "status": "fulfilled",
                "closed_at": claimed + timedelta(minutes=rng.uniform(10, 80)),
            })  # fmt: skip
        ticket_id += 1
    return rows


async def fill(url: str, days: int, per_day: int) -> None:
    """Create the schema and ``days`` days of traffic."""
    engine = make_engine(url)
    await create_gateway_schema(engine)
    rng = random.Random(5)
    async with engine.begin() as conn:
        await conn.execute(insert(Agent), [
            {"id": i, "username": f"a{i}", "display_name": f"客服{i}", "password_hash": "-",
             "role": "agent", "skills": "general", "max_chats": 3, "active": True,
             "created_at": END}
            for i in range(1, AGENTS + 1)
        ])  # fmt: skip
    first_ticket = 1
    for day in range(days):
        rows = _day(day, per_day, rng, first_ticket)
        first_ticket += len(rows["ticket"])
        async with engine.begin() as conn:
            for table, key in (
                (Conversation, "conv"),
                (Message, "msg"),
                (Ticket, "ticket"),
                (TicketEvent, "event"),
                (Promise, "promise"),
                (NluMiss, "miss"),
            ):
                if rows[key]:
                    await conn.execute(insert(table), rows[key])  # fmt: skip
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the
        # planner nests loops over the fresh tables.
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def time_reports(url: str, repeat: int) -> None:
    """Print the time of each period's report (median of ``repeat`` runs)."""
    engine = make_engine(url)
    reports = ServiceReport(make_sessionmaker(engine))
    async with engine.connect() as conn:
        count = await conn.scalar(text("SELECT count(*) FROM messages"))
    print(f"messages in the database: {count}")
    for days in (1, 7, 30):
        period = Period(END - timedelta(days=days), END)
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            report = await reports.build(period)
            seconds.append(time.perf_counter() - started)
        tickets = report["tickets"]["opened"]
        conversations = report["conversations"]["total"]
        print(
            f"{days:>2} days: {conversations} conversations, {tickets} tickets, "
            f"report in {statistics.median(seconds) * 1000:.0f} ms (median of {repeat})"
        )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=2000, help="conversations a day")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'report.db'}"
    started = time.perf_counter()
    asyncio.run(fill(url, args.days, args.per_day))
    print(f"filled {url} in {time.perf_counter() - started:.1f} s")
    asyncio.run(time_reports(url, args.repeat))


if __name__ == "__main__":
    main()
