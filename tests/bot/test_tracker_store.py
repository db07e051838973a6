"""Rasa's conversations survive a model swap (memory) and a restart of Rasa (the file)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import tracker_store
from bot.stack import ROOT
from bot.tracker_store import ConversationFile, Conversations, KefuTrackerStore

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  order_id:\n    type: text\n    mappings: []")
ORDER = "2611210930418825"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new Rasa process would: no conversations in memory."""
    monkeypatch.setattr(tracker_store, "_SHARED", {})


def asked_for_order(sender_id: str = "shopper-1") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, DOMAIN.slots)
    tracker.update(UserUttered("我的订单到哪了"))
    tracker.update(SlotSet("order_id", ORDER))
    return tracker


async def test_a_new_store_sees_the_conversations_of_the_old_one() -> None:
    before = KefuTrackerStore(DOMAIN)
    await before.save(asked_for_order())

    after = KefuTrackerStore(DOMAIN, host=None)  # as Rasa builds it on PUT /model
    restored = await after.retrieve("shopper-1")

    assert restored is not None
    assert restored.get_slot("order_id") == ORDER
    assert restored.latest_message.text == "我的订单到哪了"
    assert await after.retrieve("someone-else") is None


async def test_conversations_outlive_a_restart_of_rasa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "trackers.db"
    before = KefuTrackerStore(DOMAIN, path=str(path))
    await before.save(asked_for_order())
    before.store.flush()  # what the writer thread and the exit hook do

    monkeypatch.setattr(tracker_store, "_SHARED", {})  # a new Rasa process
    after = KefuTrackerStore(DOMAIN, path=str(path))
    restored = await after.retrieve("shopper-1")

    assert restored is not None and restored.get_slot("order_id") == ORDER
    assert list(await after.keys()) == ["shopper-1"]


async def test_the_writer_saves_changes_without_being_asked(tmp_path: Path) -> None:
    path = tmp_path / "trackers.db"
    store = KefuTrackerStore(DOMAIN, path=str(path), flush_interval=0.05)
    await store.save(asked_for_order())

    file = ConversationFile(path)
    deadline = time.monotonic() + 10
    while file.load("shopper-1") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert file.load("shopper-1") is not None


class FlakyFile(ConversationFile):
    """Fails its first write, as a full disk would."""

    failures = 1

    def write(self, trackers: list[tuple[str, str]]) -> None:
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database or disk is full")
        super().write(trackers)


def test_a_failed_write_is_tried_again(tmp_path: Path) -> None:
    file = FlakyFile(tmp_path / "trackers.db")
    conversations = Conversations(file, flush_interval=3600)
    conversations["shopper-1"] = '{"events": []}'

    conversations.flush()
    assert file.load("shopper-1") is None
    conversations.flush()

    assert file.load("shopper-1") == '{"events": []}'


def test_memory_keeps_the_recently_used_and_the_file_the_rest(tmp_path: Path) -> None:
    conversations = Conversations(
        ConversationFile(tmp_path / "trackers.db"), flush_interval=3600, memory_limit=2
    )
    for n in range(5):
        conversations[f"shopper-{n}"] = f'{{"n": {n}}}'
    assert conversations.in_memory == 5  # nothing is dropped before it is saved

    conversations.flush()
    assert conversations.in_memory == 2
    assert conversations["shopper-0"] == '{"n": 0}'  # read back from the file
    assert conversations.in_memory == 3
    conversations["shopper-9"] = '{"n": 9}'
    conversations.flush()

    # shopper-3 and 4 were used least recently; 0 was just read, 9 just written.
    assert conversations.in_memory == 2
    assert sorted(conversations) == [f"shopper-{n}" for n in (0, 1, 2, 3, 4, 9)]
    assert [conversations[f"shopper-{n}"] for n in (1, 9)] == ['{"n": 1}', '{"n": 9}']


def test_a_conversation_not_yet_saved_stays_in_memory(tmp_path: Path) -> None:
    file = FlakyFile(tmp_path / "trackers.db")
    conversations = Conversations(file, flush_interval=3600, memory_limit=1)
    conversations["shopper-1"] = "{}"
    conversations["shopper-2"] = "{}"

    conversations.flush()  # the write fails: both are only in memory

    assert conversations.in_memory == 2
    conversations.flush()
    assert conversations.in_memory == 1 and "shopper-1" in conversations


async def test_a_conversation_emptied_of_events_is_forgotten_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "trackers.db"
    store = KefuTrackerStore(DOMAIN, path=str(path))
    await store.save(asked_for_order())
    await store.save(asked_for_order("shopper-2"))
    store.store.flush()

    # What Rasa does on PUT /conversations/shopper-1/tracker/events with [].
    await store.save(DialogueStateTracker.from_dict("shopper-1", [], DOMAIN.slots))
    store.store.flush()

    assert await store.retrieve("shopper-1") is None
    assert ConversationFile(path).load("shopper-1") is None
    monkeypatch.setattr(tracker_store, "_SHARED", {})  # and after a restart
    after = KefuTrackerStore(DOMAIN, path=str(path))
    assert list(await after.keys()) == ["shopper-2"]


def test_a_deletion_during_a_write_does_not_bring_the_conversation_back(tmp_path: Path) -> None:
    class SlowFile(ConversationFile):
        def write(self, trackers: list[tuple[str, str]]) -> None:
            started.set()
            time.sleep(0.2)  # the deletion arrives while this write is under way
            super().write(trackers)

    started = threading.Event()
    conversations = Conversations(SlowFile(tmp_path / "trackers.db"), flush_interval=3600)
    conversations["shopper-1"] = "{}"
    writer = threading.Thread(target=conversations.flush)
    writer.start()
    started.wait(5)
    del conversations["shopper-1"]
    writer.join()

    assert "shopper-1" not in conversations
    assert ConversationFile(tmp_path / "trackers.db").load("shopper-1") is None


def test_without_a_path_nothing_is_written(tmp_path: Path) -> None:
    conversations = Conversations(None, memory_limit=1)
    conversations["shopper-1"] = "{}"
    conversations["shopper-2"] = "{}"
    conversations.flush()

    assert "shopper-1" in conversations and list(tmp_path.iterdir()) == []
    assert conversations.in_memory == 2  # with nowhere else to keep them, none is dropped


def test_endpoints_yml_selects_it_with_the_file_kefu_run_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("KEFU_TRACKER_DB", str(tmp_path / "trackers.db"))
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")

    store = TrackerStore.create(config, DOMAIN)

    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, KefuTrackerStore)
    assert (tmp_path / "trackers.db").exists()
