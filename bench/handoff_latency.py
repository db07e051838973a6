"""Time from a shopper's message that triggers a handoff to the ticket in an agent's console.

Starts the real stack (action server, Rasa with the trained model, gateway) on
loopback ports, logs one agent in, then for each round opens a new shopper
session, sends the message and waits for ``ticket_assigned`` (or, with
``--event urgent_ticket``, the urgent alert) on the agent's socket. The agent
closes each ticket so it always has a free slot.

    .venv/bin/python -m bench.handoff_latency --rounds 200
    .venv/bin/python -m bench.handoff_latency --rounds 200 --event urgent_ticket \
        --message "快递员在我家门口不肯走，还威胁我"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bot.identity import sign
from bot.stack import LocalStack, local_stack
from tests.socket_clients import AgentClient, WidgetClient

SECRET = "bench-secret"
AGENT, PASSWORD = "bench-agent", "bench-password"


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def measure(stack: LocalStack, rounds: int, message: str, event: str) -> list[float]:
    """Seconds from send to the agent's event, one value per round."""
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        login = await http.post("/api/login", json={"username": AGENT, "password": PASSWORD})
    agent = AgentClient(login.json()["token"])
    await agent.connect(stack.gateway_url)
    await agent.next("hello")
    identity = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}
    took: list[float] = []
    try:
        for _ in range(rounds):
            shopper = WidgetClient()  # every handoff is another shopper
            await shopper.connect(stack.gateway_url)
            session_id, _ = await shopper.start_session()
            started = time.perf_counter()
            ack = await shopper.say(message, session_id, **identity)
            assert ack["ok"], ack
            while True:
                payload = await agent.next(event, timeout=60)
                if payload["ticket"]["conversation_id"] == session_id:
                    break
            took.append(time.perf_counter() - started)
            ticket_id = payload["ticket"]["id"]
            while event != "ticket_assigned":  # the alert comes first; close once it is ours
                assigned = await agent.next("ticket_assigned", timeout=60)
                if assigned["ticket"]["id"] == ticket_id:
                    break
            close = {"ticket_id": ticket_id, "resolution_code": "other", "note": "benchmark"}
            closed = await agent.ask("close_ticket", close)
            assert closed["ok"], closed
            await shopper.close()
            await asyncio.sleep(0.5)  # stay under the console's rate limit (20 per 10 s)
    finally:
        await agent.close()
    return took


def main() -> None:
    """Run the benchmark and print median and p99 in milliseconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--message", default="转人工")
    parser.add_argument(
        "--event", default="ticket_assigned", choices=["ticket_assigned", "urgent_ticket"]
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        extra = {"KEFU_IDENTITY_SECRET": SECRET}
        with local_stack(Path(var), extra) as stack:
            stack.add_user(AGENT, PASSWORD, "--role", "agent", "--max-chats", "20",
                           "--skills", "general,after_sales,security,safety")  # fmt: skip
            took = asyncio.run(measure(stack, args.rounds, args.message, args.event))
    ms = [t * 1000 for t in took]
    result = {
        "rounds": len(ms),
        "message": args.message,
        "event": args.event,
        "median_ms": round(statistics.median(ms), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps({**result, "samples_ms": ms}, ensure_ascii=False))


if __name__ == "__main__":
    main()
