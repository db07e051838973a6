"""One safety screen for the whole test session (building it takes about half a second)."""

from __future__ import annotations

import pytest

from bot.safety import SafetyScreen


@pytest.fixture(scope="session")
def screen() -> SafetyScreen:
    """The screen, built once."""
    return SafetyScreen()
