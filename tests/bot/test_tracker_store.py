"""Conversations in Rasa's memory survive the new tracker store a model swap builds."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.stack import ROOT
from bot.tracker_store import SharedInMemoryTrackerStore

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  order_id:\n    type: text\n    mappings: []")


async def test_a_new_store_sees_the_conversations_of_the_old_one() -> None:
    before = SharedInMemoryTrackerStore(DOMAIN)
    tracker = DialogueStateTracker("shopper-1", DOMAIN.slots)
    tracker.update(UserUttered("我的订单到哪了"))
    tracker.update(SlotSet("order_id", "2611210930418825"))
    await before.save(tracker)

    after = SharedInMemoryTrackerStore(DOMAIN, host=None)  # as Rasa builds it on PUT /model
    restored = await after.retrieve("shopper-1")
    assert restored is not None
    assert restored.get_slot("order_id") == "2611210930418825"
    assert restored.latest_message.text == "我的订单到哪了"
    assert await after.retrieve("someone-else") is None


def test_endpoints_yml_selects_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, DOMAIN)
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, SharedInMemoryTrackerStore)
