"""The whole product on loopback ports, for end-to-end tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from actions.shop.seed import main as seed_main
from bot import processes
from bot.settings import Settings
from bot.training import ensure_model

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalStack:
    """Running action server, Rasa and gateway, and how to reach them."""

    settings: Settings
    services: dict[str, processes.Service]
    environ: dict[str, str]
    logs: Path

    @property
    def gateway_url(self) -> str:
        """Base URL of the gateway."""
        return f"http://{self.settings.host}:{self.settings.port}"

    def restart(self, name: str) -> None:
        """Start a stopped service again and wait until it answers."""
        service = self.services[name]
        with open(self.logs / f"{name}.log", "ab") as log:
            processes.start(service, ROOT, self.environ, log)
        processes.wait_ready(service, timeout=120)

    def stop(self, name: str) -> None:
        """Stop one service."""
        processes.stop([self.services[name]])

    def add_user(self, username: str, password: str, *options: str) -> None:
        """Create a console user through the CLI, password on stdin."""
        command = [sys.executable, "-m", "bot", "users", "add", "--username", username]
        subprocess.run(
            [*command, *options, "--password-stdin"],
            input=f"{password}\n",
            text=True,
            env=self.environ,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


@contextlib.contextmanager
def local_stack(var: Path, extra_env: dict[str, str] | None = None) -> Iterator[LocalStack]:
    """Train if needed, seed a fresh shop in ``var``, start everything, stop it after."""
    model, _ = ensure_model(ROOT, ROOT / "models")
    environ = {
        **os.environ,
        "KEFU_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "KEFU_VAR_DIR": str(var),
        "KEFU_IDENTITY_SECRET": os.environ.get("KEFU_IDENTITY_SECRET", "local-stack-secret"),
        "RASA_TOKEN": "local-stack-rasa-token",
        **(extra_env or {}),
    }
    settings = Settings.from_env(environ)
    if settings.model_dir.resolve() != model.parent.resolve():
        # Rasa and the trainer's workbench share one models folder.
        settings.model_dir.mkdir(parents=True, exist_ok=True)
        model = Path(shutil.copy2(model, settings.model_dir / model.name))
    asyncio.run(seed_main(["--database-url", settings.shop_database_url]))
    services = {s.name: s for s in processes.services(settings, model, ROOT)}
    stack = LocalStack(settings, services, environ, var)
    running: list[processes.Service] = []
    try:
        for service in services.values():
            with open(var / f"{service.name}.log", "ab") as log:
                processes.start(service, ROOT, environ, log)
            running.append(service)
        for service in running:
            processes.wait_ready(service, timeout=300)
        yield stack
    except RuntimeError:
        for service in running:
            print((var / f"{service.name}.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        processes.stop(running)
