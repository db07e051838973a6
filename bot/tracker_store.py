"""Rasa's tracker store for kefu: conversations in memory, written behind to SQLite.

Rasa builds a new tracker store from ``endpoints.yml`` each time it loads a
model (``PUT /model``, the trainer's deploy). The stock in-memory store would
start empty and every conversation in progress would lose its slots and open
form. This one keeps its conversations in the process, shared by every
instance, and, given a ``path``, a background thread writes each changed
conversation to a SQLite file a moment later. After a restart of Rasa a
conversation is read back from the file the first time it is asked for, so
the order form a shopper was filling in carries on.

Rasa's own SQL store writes on the event loop before it answers: on SQLite it
answered 20 messages/s here against 81 in memory (``bench/throughput.py
--rasa-direct``). Writing behind keeps the in-memory speed; a crash loses at
most the last ``flush_interval`` seconds of dialogue state (the messages
themselves are kept by the gateway). One Rasa process per file: several Rasa
servers should share Rasa's Redis store instead.

With a file, memory holds only the most recently used conversations
(``memory_limit``); older ones are read back from the file when a shopper
returns, so a long-running Rasa does not grow with every conversation it has
ever had. Without a file nothing can be dropped and memory grows.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_FLUSH_INTERVAL = 0.5
# Conversations kept in memory besides the file. A ten-turn chat takes about
# 14 KB of memory (bench/tracker_memory.py): some 150 MB at most, several
# times the conversations two cores keep going at once.
DEFAULT_MEMORY_LIMIT = 10_000


class ConversationFile:
    """Serialised trackers by conversation id in one SQLite file."""

    def __init__(self, path: Path) -> None:
        """Open (and create if needed) the file at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, used by the event loop (reads) and the writer thread.
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS trackers ("
                " sender_id TEXT PRIMARY KEY, tracker TEXT NOT NULL, saved_at REAL NOT NULL)"
            )

    def load(self, sender_id: str) -> str | None:
        """The stored tracker of ``sender_id``, if any."""
        with self._lock:
            row = self._connection.execute(
                "SELECT tracker FROM trackers WHERE sender_id = ?", (sender_id,)
            ).fetchone()
        return row[0] if row else None

    def sender_ids(self) -> set[str]:
        """Every conversation id in the file."""
        with self._lock:
            return {row[0] for row in self._connection.execute("SELECT sender_id FROM trackers")}

    def delete(self, sender_id: str) -> None:
        """Remove ``sender_id``'s tracker, if there is one."""
        with self._lock:
            self._connection.execute("DELETE FROM trackers WHERE sender_id = ?", (sender_id,))

    def write(self, trackers: list[tuple[str, str]]) -> None:
        """Insert or replace ``(sender_id, tracker)`` pairs in one transaction."""
        now = time.time()
        with self._lock:
            self._connection.execute("BEGIN")
            try:
                self._connection.executemany(
                    "INSERT INTO trackers (sender_id, tracker, saved_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (sender_id) DO UPDATE"
                    " SET tracker = excluded.tracker, saved_at = excluded.saved_at",
                    [(sender_id, tracker, now) for sender_id, tracker in trackers],
                )
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")


class Conversations(MutableMapping[str, str]):
    """Serialised trackers by conversation id: a dict, kept in a file too when given one.

    Writes go to memory and are marked; :meth:`flush` (a background thread,
    every ``flush_interval`` seconds, and at exit) copies the marked ones to
    the file and then drops the least recently used saved ones from memory
    beyond ``memory_limit``. Reads of an id not in memory look in the file.
    """

    def __init__(
        self,
        file: ConversationFile | None,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        """Keep conversations in memory, and in ``file`` if it is given."""
        self._file = file
        self._flush_interval = flush_interval
        self._memory_limit = max(1, memory_limit)
        self._memory: OrderedDict[str, str] = OrderedDict()  # least recently used first
        self._unsaved: set[str] = set()
        self._lock = threading.Lock()
        # Held while writing to the file, so a deletion cannot fall between the
        # writer's copy of a conversation and its write (which would bring it back).
        self._file_lock = threading.Lock()
        self._writer: threading.Thread | None = None

    @property
    def in_memory(self) -> int:
        """How many conversations are held in memory now."""
        return len(self._memory)

    def _get(self, sender_id: str) -> str | None:
        with self._lock:
            tracker = self._memory.get(sender_id)
            if tracker is not None:
                self._memory.move_to_end(sender_id)
                return tracker
        stored = self._file.load(sender_id) if self._file is not None else None
        if stored is None:
            return None
        with self._lock:
            # A save that raced this read is newer than the file: keep it.
            tracker = self._memory.setdefault(sender_id, stored)
            self._memory.move_to_end(sender_id)
        return tracker

    def __getitem__(self, sender_id: str) -> str:
        tracker = self._get(sender_id)
        if tracker is None:
            raise KeyError(sender_id)
        return tracker

    def __contains__(self, sender_id: object) -> bool:
        return isinstance(sender_id, str) and self._get(sender_id) is not None

    def __setitem__(self, sender_id: str, tracker: str) -> None:
        with self._lock:
            self._memory[sender_id] = tracker
            self._memory.move_to_end(sender_id)
            if self._file is not None:
                self._unsaved.add(sender_id)
        self._start_writer()

    def __delitem__(self, sender_id: str) -> None:
        """Forget a conversation in memory and in the file (erasure, retention)."""
        with self._file_lock:
            with self._lock:
                self._memory.pop(sender_id, None)
                self._unsaved.discard(sender_id)
            if self._file is not None:
                self._file.delete(sender_id)

    def __iter__(self) -> Iterator[str]:
        stored = self._file.sender_ids() if self._file is not None else set()
        return iter(sorted(set(self._memory) | stored))

    def __len__(self) -> int:
        return len(set(self))

    def flush(self) -> None:
        """Write every conversation changed since the last flush to the file."""
        if self._file is None:
            return
        with self._file_lock:
            with self._lock:
                changed = [(sender_id, self._memory[sender_id]) for sender_id in self._unsaved]
                self._unsaved.clear()
            if not changed:
                return
            try:
                self._file.write(changed)
            except sqlite3.Error:
                logger.exception("could not save %d conversations; will retry", len(changed))
                with self._lock:
                    self._unsaved.update(sender_id for sender_id, _ in changed)
                return
        self._drop_least_recently_used()

    def _drop_least_recently_used(self) -> None:
        with self._lock:
            excess = len(self._memory) - self._memory_limit
            if excess <= 0:
                return
            # Only saved ones: a conversation changed since the write stays until the next.
            saved = (s for s in self._memory if s not in self._unsaved)
            for sender_id in list(itertools.islice(saved, excess)):
                del self._memory[sender_id]

    def _start_writer(self) -> None:
        if self._file is None or self._writer is not None:
            return
        with self._lock:
            if self._writer is not None:
                return
            self._writer = threading.Thread(
                target=self._write_forever, name="tracker-writer", daemon=True
            )
            self._writer.start()
        atexit.register(self.flush)

    def _write_forever(self) -> None:
        while True:
            time.sleep(self._flush_interval)
            self.flush()


_SHARED: dict[Path | None, Conversations] = {}
_SHARED_LOCK = threading.Lock()


def shared_conversations(
    path: Path | None, flush_interval: float, memory_limit: int = DEFAULT_MEMORY_LIMIT
) -> Conversations:
    """The process's conversations kept in ``path`` (in memory only when ``None``)."""
    key = path.resolve() if path is not None else None
    with _SHARED_LOCK:
        if key not in _SHARED:
            file = ConversationFile(key) if key is not None else None
            _SHARED[key] = Conversations(file, flush_interval, memory_limit)
        return _SHARED[key]


class KefuTrackerStore(InMemoryTrackerStore):
    """An :class:`InMemoryTrackerStore` over the process-wide, file-backed conversations."""

    def __init__(
        self,
        domain: Domain,
        event_broker: EventBroker | None = None,
        path: str | None = None,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        **kwargs: Any,
    ) -> None:
        """Build it as Rasa does from ``endpoints.yml``.

        Args:
            domain: the model's domain.
            event_broker: where Rasa streams events, if anywhere.
            path: the SQLite file conversations are written to; empty or
                ``None`` keeps them in memory only.
            flush_interval: seconds between writes to the file.
            memory_limit: conversations kept in memory besides the file (the
                most recently used); ignored without a file.
            kwargs: the rest of the endpoint's settings (``host`` and the like),
                which Rasa's base class takes.
        """
        super().__init__(domain, event_broker, **kwargs)
        self.store = shared_conversations(
            Path(path) if path else None, float(flush_interval), int(memory_limit)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store a conversation; one without events is forgotten instead.

        Replacing a conversation's events with none (``PUT
        /conversations/{id}/tracker/events`` with ``[]``) is how the gateway
        erases it from Rasa (``bot/erasure.py``). Rasa itself saves an empty
        tracker only for a conversation it has just opened, which holds nothing.
        """
        if not tracker.events:
            del self.store[tracker.sender_id]
            return
        await super().save(tracker)
