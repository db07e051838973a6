"""Debian's Chromium for the browser tests, started the way these machines need."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright cannot download browsers here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Chromium 156 may block a page's websocket to 127.0.0.1 without this.
    "--disable-features=LocalNetworkAccessChecks",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit.

    Use it for a module, not a session: sync Playwright keeps an event loop
    running in this thread while it is open, and asyncio tests need the thread.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
