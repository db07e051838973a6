"""Run ASGI apps on loopback ports for tests."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import queue
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import uvicorn

from bot.stack import free_port


@contextlib.asynccontextmanager
async def serving(app: Any, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on loopback; yield its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await _stopped(server, task)


@contextlib.contextmanager
def serving_in_thread(make_app: Callable[[], Awaitable[Any]]) -> Iterator[str]:
    """Serve the app ``make_app`` builds from a thread of its own; yield its base URL.

    For sync Playwright tests, which keep an event loop running in the test's thread.
    """
    started: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    async def serve() -> None:
        async with serving(await make_app()) as url:
            started.put(url)
            while not stop.is_set():
                await asyncio.sleep(0.05)

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # the test thread reports it
            started.put(exc)

    thread = threading.Thread(target=run, name="gateway", daemon=True)
    thread.start()
    url = started.get(timeout=60)
    if isinstance(url, BaseException):
        raise url
    try:
        yield str(url)
    finally:
        stop.set()
        thread.join(timeout=60)


#: Far longer than a clean stop takes (well under a second).
STOP_TIMEOUT = 60.0


async def _stopped(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """Wait for the server to stop; if it hangs, fail with every task's stack instead.

    A full test run once hung here for good (all threads idle): a failure that
    shows what was still waiting is worth more than a CI run that never ends.
    """
    try:
        await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT)
    except asyncio.TimeoutError:
        stuck = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for pending in stuck:
            print(await_chain(pending), file=sys.stderr)
        server.force_exit = True
        for pending in stuck:
            pending.cancel()
        await asyncio.gather(*stuck, return_exceptions=True)
        raise AssertionError(
            f"the server did not stop within {STOP_TIMEOUT:g} s; the stacks of the tasks"
            " still running are on stderr"
        ) from None


def await_chain(task: asyncio.Task[Any]) -> str:
    """Where a task waits, down the chain of awaits (``print_stack`` shows only the top)."""
    lines = [repr(task)]
    awaiting: Any = task.get_coro()
    while awaiting is not None:
        frame = getattr(awaiting, "cr_frame", None) or getattr(awaiting, "ag_frame", None)
        if frame is None:
            break
        code = frame.f_code
        lines.append(f'  File "{code.co_filename}", line {frame.f_lineno}, in {code.co_name}')
        awaiting = getattr(awaiting, "cr_await", None) or getattr(awaiting, "ag_await", None)
        if awaiting is not None and not hasattr(awaiting, "cr_frame"):
            # ``await anext(gen)`` hides the generator: find it among the frame's locals.
            awaiting = _running_generator(frame) or awaiting
    return "\n".join(lines)


def _running_generator(frame: Any) -> Any:
    for value in frame.f_locals.values():
        for candidate in (value, getattr(value, "gen", None)):
            if inspect.isasyncgen(candidate) and candidate.ag_running:
                return candidate
    return None
