"""Memory of Rasa's conversations in kefu's tracker store as they pile up.

Saves ``--conversations`` realistic conversations (a ten-turn order chat each,
about 10 KB serialised) through :class:`bot.tracker_store.KefuTrackerStore`
with a file in a temporary folder, and prints the process's resident memory
after every tenth of them, how many conversations memory holds, and how long
a returning shopper's conversation takes to read back from the file.

    .venv/bin/python -m bench.tracker_memory --conversations 50000 [--memory-limit N]

``--memory-limit 0`` keeps every conversation in memory, as Rasa's
InMemoryTrackerStore (and kefu's store before the limit) did.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import KefuTrackerStore

DOMAIN = "version: '3.1'\nslots:\n  order_id:\n    type: text\n    mappings: []"
TURNS = [
    ("我的订单到哪了", "order_status"),
    ("2611210930418825", "inform"),
    ("什么时候能到", "logistics_track"),
    ("能催一下吗", "urge_delivery"),
    ("好的谢谢", "thanks"),
] * 2


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def conversation(sender_id: str, domain: Domain) -> DialogueStateTracker:
    """A ten-turn order chat with the parse data and replies Rasa records."""
    tracker = DialogueStateTracker(sender_id, domain.slots)
    for text, intent in TURNS:
        ranking = [
            {"name": intent, "confidence": 0.9},
            {"name": "order_status", "confidence": 0.05},
        ]
        parse = {"intent": ranking[0], "intent_ranking": ranking * 5, "entities": [], "text": text}
        tracker.update(UserUttered(text, parse["intent"], [], parse))
        tracker.update(ActionExecuted("action_order_status", policy="RulePolicy", confidence=1.0))
        tracker.update(SlotSet("order_id", "2611210930418825"))
        tracker.update(BotUttered("您的订单已发货，顺丰 SF1234567890 正在派送中，预计明天送达。"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


async def run(conversations: int, memory_limit: int) -> None:
    domain = Domain.from_yaml(DOMAIN)
    with tempfile.TemporaryDirectory() as folder:
        store = KefuTrackerStore(
            domain,
            path=str(Path(folder) / "trackers.db"),
            flush_interval=3600,  # flushed below, every 1000 saves, like the writer thread
            memory_limit=memory_limit or 10**12,
        )
        sample = conversation("sample", domain)
        start = rss_mb()
        print(f"start: RSS {start:.0f} MB, memory limit {memory_limit or 'none'}")
        began = time.perf_counter()
        for n in range(1, conversations + 1):
            sample.sender_id = f"shopper-{n}"
            await store.save(sample)
            if n % 1000 == 0:
                store.store.flush()
            if n % max(1, conversations // 10) == 0:
                print(
                    f"{n:>7} saved: RSS {rss_mb():.0f} MB (+{rss_mb() - start:.0f}),"
                    f" {store.store.in_memory} in memory"
                )
        seconds = time.perf_counter() - began
        store.store.flush()
        returning = []
        for n in range(1, 201):  # the oldest: read back from the file if dropped
            t = time.perf_counter()
            assert await store.retrieve(f"shopper-{n}") is not None
            returning.append((time.perf_counter() - t) * 1000)
        print(
            f"save: {seconds / conversations * 1000:.2f} ms each;"
            f" retrieve of the 200 oldest: median {statistics.median(returning):.2f} ms,"
            f" max {max(returning):.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50_000)
    parser.add_argument("--memory-limit", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.conversations, args.memory_limit))


if __name__ == "__main__":
    main()
