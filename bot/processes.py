"""Start the three kefu processes, wait until they answer, stop them together."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bot.settings import Settings
from bot.training import rasa_command


@dataclass
class Service:
    """One child process and the URL that answers once it is ready."""

    name: str
    command: list[str]
    ready_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None


def services(settings: Settings, model: Path, root: Path) -> list[Service]:
    """The action server, the Rasa server and the gateway, in start order."""
    env = {
        "SANIC_HOST": settings.action_host,
        "ACTION_ENDPOINT_URL": f"{settings.action_url}/webhook",
        "SHOP_DATABASE_URL": settings.shop_database_url,
        "KEFU_IDENTITY_SECRET": settings.identity_secret,
        "RASA_TOKEN": settings.rasa_token,
        "KEFU_TRACKER_DB": str(Path(settings.tracker_db).resolve()) if settings.tracker_db else "",
    }
    return [
        Service(
            "actions",
            rasa_command() + ["run", "actions", "--actions", "actions",
                              "--port", str(settings.action_port)],
            f"{settings.action_url}/health",
            env,
        ),
        Service(
            "rasa",
            rasa_command() + [
                "run", "--model", str(model),
                "--endpoints", str(root / "endpoints.yml"),
                "--credentials", str(root / "credentials.yml"),
                "--interface", settings.rasa_host, "--port", str(settings.rasa_port),
                # The gateway records agent messages and resumes handed-back
                # conversations through Rasa's HTTP API.
                "--enable-api", "--auth-token", settings.rasa_token,
            ],
            f"{settings.rasa_url}/",
            env,
        ),
        Service(
            "gateway",
            [sys.executable, "-m", "bot", "serve"],
            f"http://{settings.host}:{settings.port}/healthz",
            env,
        ),
    ]  # fmt: skip


def start(
    service: Service,
    root: Path,
    environ: dict[str, str] | None = None,
    log: IO[bytes] | None = None,
) -> None:
    """Start a service's process in its own process group.

    Args:
        service: what to start.
        root: the project folder, the process's working directory.
        environ: the environment to start from (``os.environ`` by default).
        log: where its output goes (the terminal by default).
    """
    service.process = subprocess.Popen(
        service.command,
        cwd=root,
        env={**(os.environ if environ is None else environ), **service.env},
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        start_new_session=True,
    )


def wait_ready(service: Service, timeout: float) -> None:
    """Poll the service's URL until it answers 200.

    Raises:
        RuntimeError: the process died or did not answer in time.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process is not None and service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with code {service.process.returncode}")
        try:
            if httpx.get(service.ready_url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{service.name} did not answer {service.ready_url} in {timeout:.0f} s")


def stop(running: list[Service], grace: float = 10.0) -> None:
    """SIGTERM every process group, then SIGKILL what is left after ``grace``."""
    alive = [s.process for s in reversed(running) if s.process and s.process.poll() is None]
    for process in alive:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in alive:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
