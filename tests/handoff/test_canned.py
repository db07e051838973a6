"""The team's quick replies, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from handoff import copy
from handoff.canned import MAX_TITLE_CHARS, CannedBook, CannedNotFound, seed_canned
from handoff.db import create_schema
from handoff.errors import InvalidInput
from tests.handoff.conftest import NOW, Clock


@pytest.fixture
def book(sessions: sessionmaker, clock: Clock) -> CannedBook:
    return CannedBook(sessions, clock)


async def test_a_new_database_starts_with_kefus_own_replies(book: CannedBook) -> None:
    replies = await book.listing()
    assert [(r.title, r.text) for r in replies] == list(copy.CANNED)


async def test_supervisors_add_change_and_remove_replies(book: CannedBook) -> None:
    added = await book.add({"title": " 运费 ", "text": "满99元包邮，不满收8元运费。"}, "laowang")
    assert (added.title, added.text) == ("运费", "满99元包邮，不满收8元运费。")
    changed = await book.change(added.id, {"title": "运费", "text": "全场包邮。"}, "laowang")
    assert (changed.id, changed.text) == (added.id, "全场包邮。")
    assert (await book.listing())[-1] == changed
    await book.remove(added.id)
    assert added.id not in [r.id for r in await book.listing()]
    with pytest.raises(CannedNotFound):
        await book.remove(added.id)
    with pytest.raises(CannedNotFound):
        await book.change(added.id, {"title": "x", "text": "y"}, "laowang")


@pytest.mark.parametrize(
    "body",
    [
        None,
        {"title": "运费"},
        {"title": "  ", "text": "全场包邮"},
        {"title": "运" * (MAX_TITLE_CHARS + 1), "text": "全场包邮"},
        {"title": "运费", "text": "包" * 501},
        {"title": 5, "text": "全场包邮"},
    ],
)
async def test_a_reply_needs_a_short_title_and_a_text(book: CannedBook, body: object) -> None:
    before = await book.listing()
    with pytest.raises(InvalidInput):
        await book.add(body, "laowang")
    assert await book.listing() == before


async def test_a_list_emptied_by_supervisors_stays_empty(
    engine: AsyncEngine, book: CannedBook
) -> None:
    for reply in await book.listing():
        await book.remove(reply.id)
    await create_schema(engine)  # the next start of the gateway
    assert await seed_canned(engine, NOW) is False
    assert await book.listing() == []
