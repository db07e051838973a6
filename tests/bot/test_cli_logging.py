"""How ``python -m bot`` sets up logging."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.cli import QUIET_LOGGERS, configure_logging


@pytest.fixture
def restore_levels() -> Iterator[None]:
    names = ("", *QUIET_LOGGERS)
    saved = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("restore_levels")
def test_health_polls_do_not_flood_the_operators_terminal() -> None:
    configure_logging()

    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
