"""A Rasa tracker store in memory whose conversations outlive a model swap.

Rasa builds a new tracker store from ``endpoints.yml`` each time it loads a
model (``PUT /model``, the trainer's deploy). The stock in-memory store would
start empty and every conversation in progress would lose its slots and open
form. This one keeps its conversations in the process, shared by every
instance. A SQL store keeps them too, but Rasa's runs synchronously on the
event loop: on SQLite it answered 20 messages/s here against 81 in memory
(``bench/throughput.py --rasa-direct``). For conversations that outlive a
restart of Rasa, configure its Redis or SQL store instead.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

#: Serialised trackers by conversation id, for the life of the Rasa process.
_CONVERSATIONS: dict[str, str] = {}


class SharedInMemoryTrackerStore(InMemoryTrackerStore):
    """An :class:`InMemoryTrackerStore` over the process-wide conversations."""

    def __init__(
        self, domain: Domain, event_broker: EventBroker | None = None, **kwargs: Any
    ) -> None:
        """Build it as Rasa does from ``endpoints.yml`` (``host`` and the like are ignored)."""
        super().__init__(domain, event_broker, **kwargs)
        self.store = _CONVERSATIONS
