"""Messages answered per second, end to end, beside plain Rasa on the same machine and model.

Starts the real stack (action server, Rasa with the trained model, gateway) on
loopback ports. ``--shoppers`` widget sessions each send ``--messages``
routine questions one after another (the next once the answer is in), all
sessions at once; the answer rate and per-message latency are printed. With
``--rasa-direct`` the same load goes straight to Rasa's REST channel instead,
the baseline the gateway has to keep up with.

    .venv/bin/python -m bench.throughput --shoppers 40 --messages 15
    .venv/bin/python -m bench.throughput --shoppers 40 --messages 15 --rasa-direct
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.handoff_latency import percentile
from bot.identity import sign
from bot.stack import LocalStack, local_stack
from tests.socket_clients import WidgetClient

SECRET = "bench-secret"
# Each is answered by one bot message (a rule, then a response or, for the payment
# question, an action), so an answer is one event.
QUESTIONS = ("你好", "谢谢", "你是机器人吗", "付款失败了怎么办", "今天天气怎么样")


async def widget_shopper(stack: LocalStack, messages: int, offset: int) -> list[float]:
    """One widget session; seconds from each send to its answer."""
    identity = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    session_id, _ = await client.start_session()
    took: list[float] = []
    try:
        for index in range(messages):
            started = time.perf_counter()
            ack = await client.say(QUESTIONS[(offset + index) % len(QUESTIONS)], session_id,
                                   **identity)  # fmt: skip
            assert ack["ok"], ack
            await client.next("bot_uttered", timeout=60)
            took.append(time.perf_counter() - started)
    finally:
        await client.close()
    return took


async def rasa_shopper(http: httpx.AsyncClient, messages: int, offset: int) -> list[float]:
    """The same conversation posted straight to Rasa's own REST channel (plain Rasa)."""
    sender = uuid.uuid4().hex
    took: list[float] = []
    for index in range(messages):
        started = time.perf_counter()
        body = {"sender": sender, "message": QUESTIONS[(offset + index) % len(QUESTIONS)],
                "metadata": {"shopper_id": "demo"}}  # fmt: skip
        response = await http.post("/webhooks/rest/webhook", json=body)
        assert response.status_code == 200 and response.json(), response.text
        took.append(time.perf_counter() - started)
    return took


async def measure(stack: LocalStack, shoppers: int, messages: int, direct: bool) -> dict:
    """Run every shopper at once; the answer rate and latencies."""
    limits = httpx.Limits(max_connections=shoppers)
    async with httpx.AsyncClient(
        base_url=stack.settings.rasa_url, limits=limits, timeout=60
    ) as http:
        started = time.perf_counter()
        runs = [
            rasa_shopper(http, messages, i) if direct else widget_shopper(stack, messages, i)
            for i in range(shoppers)
        ]
        results = await asyncio.gather(*runs)
        wall = time.perf_counter() - started
    ms = [t * 1000 for took in results for t in took]
    return {
        "path": "rasa REST directly" if direct else "widget → gateway → Rasa",
        "shoppers": shoppers,
        "messages": len(ms),
        "seconds": round(wall, 1),
        "messages_per_second": round(len(ms) / wall, 1),
        "median_ms": round(statistics.median(ms), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
    }


def main() -> None:
    """Start the stack, warm it up, run the load and print the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=40)
    # A shopper sends at most 20 messages per 10 s (the gateway's rate limit).
    parser.add_argument("--messages", type=int, default=15)
    parser.add_argument("--rasa-direct", action="store_true")
    parser.add_argument("--var", type=Path, help="keep databases and logs here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        var = args.var or Path(scratch)
        var.mkdir(parents=True, exist_ok=True)
        with local_stack(var, {"KEFU_IDENTITY_SECRET": SECRET}) as stack:
            asyncio.run(measure(stack, 4, 5, args.rasa_direct))  # warm up
            result = asyncio.run(measure(stack, args.shoppers, args.messages, args.rasa_direct))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
