"""The real stack, started once per test session.

The action server, the Rasa server with the trained model and the gateway run
as subprocesses on free loopback ports, against a freshly seeded SQLite shop.
The trainer's workbench edits a copy of the training data, never the repository's.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from bot.stack import ROOT, LocalStack, local_stack
from tests.browsers import chromium
from tests.socket_clients import AgentClient, WidgetClient

SECRET = "e2e-secret"
AGENT, AGENT_PASSWORD = "xiaomei", "e2e-password"
TRAINER, TRAINER_PASSWORD = "xunlian", "e2e-trainer-password"
SUPERVISOR, SUPERVISOR_PASSWORD = "laowang", "e2e-supervisor-password"
Stack = LocalStack


def training_copy(target: Path) -> Path:
    """A copy of the project's training data and held-out split for the workbench to edit."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "nlu_data", target / "nlu_data")
    shutil.copytree(ROOT / "tests" / "nlu", target / "tests" / "nlu")
    return target


def start_stack(var: Path, **extra: str) -> Iterator[LocalStack]:
    """A running stack whose trainer works on a copy of the data in ``var``."""
    env = {
        "KEFU_IDENTITY_SECRET": SECRET,
        "KEFU_REDELIVERY_INTERVAL": "1",
        "KEFU_TRAINING_ROOT": str(training_copy(var / "project")),
        "KEFU_MODEL_DIR": str(var / "models"),  # retrained models stay out of the repository
        **extra,
    }
    with local_stack(var, env) as running:
        running.add_user(AGENT, AGENT_PASSWORD, "--role", "agent", "--name", "小美",
                         "--skills", "general,after_sales,security,safety")  # fmt: skip
        running.add_user(TRAINER, TRAINER_PASSWORD, "--role", "trainer", "--name", "小训")
        running.add_user(SUPERVISOR, SUPERVISOR_PASSWORD, "--role", "supervisor", "--name", "老王")
        yield running


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    yield from start_stack(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


async def agent_console(stack: Stack) -> AgentClient:
    """The e2e agent's console over socket.io, logged in and greeted."""
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        login = await http.post("/api/login", json={"username": AGENT, "password": AGENT_PASSWORD})
    console = AgentClient(login.json()["token"])
    await console.connect(stack.gateway_url)
    await console.next("hello")
    return console


@pytest.fixture
async def console(stack: Stack) -> AsyncIterator[AgentClient]:
    """The e2e agent, logged in to the console."""
    agent = await agent_console(stack)
    yield agent
    await agent.close()


@pytest.fixture
async def widget(stack: Stack) -> AsyncIterator[tuple[WidgetClient, str]]:
    """A shopper's widget with a session started, and the session id."""
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    session_id, _ = await client.start_session()
    yield client, session_id
    await client.close()
