"""The real stack, started once per test session.

The action server, the Rasa server with the trained model and the gateway run
as subprocesses on free loopback ports, against a freshly seeded SQLite shop.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.stack import LocalStack, local_stack

SECRET = "e2e-secret"
AGENT, AGENT_PASSWORD = "xiaomei", "e2e-password"
Stack = LocalStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    extra = {"KEFU_IDENTITY_SECRET": SECRET, "KEFU_REDELIVERY_INTERVAL": "1"}
    with local_stack(tmp_path_factory.mktemp("e2e"), extra) as running:
        running.add_user(AGENT, AGENT_PASSWORD, "--role", "agent", "--name", "小美",
                         "--skills", "general,after_sales,security,safety")  # fmt: skip
        yield running
