"""The real stack, started once per test session.

The action server, the Rasa server with the trained model and the gateway run
as subprocesses on free loopback ports, against a freshly seeded SQLite shop.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from actions.shop.seed import main as seed_main
from bot import processes
from bot.settings import Settings
from bot.training import ensure_model
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-secret"
AGENT, AGENT_PASSWORD = "xiaomei", "e2e-password"


@dataclass
class Stack:
    """The running stack and how to reach it."""

    settings: Settings
    services: dict[str, processes.Service]
    environ: dict[str, str]
    logs: Path

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def restart(self, name: str) -> None:
        """Start a stopped service again and wait until it answers."""
        service = self.services[name]
        with open(self.logs / f"{name}.log", "ab") as log:
            processes.start(service, ROOT, self.environ, log)
        processes.wait_ready(service, timeout=120)

    def stop(self, name: str) -> None:
        processes.stop([self.services[name]])


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("e2e")
    model, _ = ensure_model(ROOT, ROOT / "models")
    environ = {
        **os.environ,
        "KEFU_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "KEFU_VAR_DIR": str(var),
        "KEFU_IDENTITY_SECRET": SECRET,
        "RASA_TOKEN": "e2e-rasa-token",
        "KEFU_REDELIVERY_INTERVAL": "1",
    }
    settings = Settings.from_env(environ)
    asyncio.run(seed_main(["--database-url", settings.shop_database_url]))
    add_agent = [
        sys.executable,
        "-m",
        "bot",
        "users",
        "add",
        "--username",
        AGENT,
        "--role",
        "agent",
    ]
    add_agent += ["--name", "小美", "--skills", "general,after_sales,security,safety"]
    subprocess.run(
        [*add_agent, "--password-stdin"],
        input=f"{AGENT_PASSWORD}\n",
        text=True,
        env=environ,
        cwd=ROOT,
        check=True,
    )
    services = {s.name: s for s in processes.services(settings, model, ROOT)}
    running: list[processes.Service] = []
    try:
        for service in services.values():
            with open(var / f"{service.name}.log", "ab") as log:
                processes.start(service, ROOT, environ, log)
            running.append(service)
        for service in running:
            processes.wait_ready(service, timeout=300)
        yield Stack(settings, services, environ, var)
    except RuntimeError:
        for service in running:
            print((var / f"{service.name}.log").read_text()[-3000:])
        raise
    finally:
        processes.stop(running)
