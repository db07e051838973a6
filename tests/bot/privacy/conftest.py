"""One real masker (spaCy with jieba) for the whole privacy test session."""

from __future__ import annotations

import pytest

from bot.privacy import PrivacyMasker


@pytest.fixture(scope="session")
def masker() -> PrivacyMasker:
    """A masker whose pipeline is built once."""
    built = PrivacyMasker()
    built.warm_up()
    return built
