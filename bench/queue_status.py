"""How long telling every waiting shopper their place takes, as the queue grows.

Each change of the queue (a shopper queued, a chat claimed or closed) sends
every waiting shopper a ``queue_status`` (place, wait, agents online). This
opens ``N`` tickets over three teams in a fresh SQLite database and times one
such round (``HelpDesk._queue_changed``, median of five), with the sends going
nowhere.

    python -m bench.queue_status 10 100 300
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from actions.shop.db import make_engine, make_sessionmaker
from handoff.db import create_schema
from handoff.desk import HelpDesk
from handoff.queue import HandoffQueue

TEAMS = ("general", "after_sales", "security")
ROUNDS = 5


async def _nowhere(*_: Any) -> None:
    pass


async def time_round(waiting: int, folder: Path) -> float:
    """Milliseconds of one queue-status round with ``waiting`` shoppers queued."""
    engine = make_engine(f"sqlite:///{folder}/queue-{waiting}.db")
    try:
        await create_schema(engine)
        queue = HandoffQueue(make_sessionmaker(engine))
        for index in range(waiting):
            await queue.open_ticket(
                f"conv-{index}",
                summary=["转人工"],
                shopper_id=None,
                reason="requested",
                priority="normal",
                team=TEAMS[index % len(TEAMS)],
            )
        desk = HelpDesk(queue, None, None, _nowhere, _nowhere)  # type: ignore[arg-type]
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            await desk._queue_changed()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)
    finally:
        await engine.dispose()


def main() -> None:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("waiting", type=int, nargs="+", help="queue lengths to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for waiting in args.waiting:
            ms = asyncio.run(time_round(waiting, Path(folder)))
            print(f"{waiting:4d} waiting: one round {ms:.0f} ms (median of {ROUNDS})")


if __name__ == "__main__":
    main()
