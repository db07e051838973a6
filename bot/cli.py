"""The ``kefu`` command line: run, serve, train, seed, users, erase, trainer."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot import erasure_cli, processes, users_cli
from bot.settings import Settings, SettingsError
from bot.trainer import cli as trainer_cli
from bot.training import ensure_model

ROOT = Path(__file__).resolve().parent.parent


def _kept_secret(var_dir: Path, name: str) -> str:
    # A secret generated once and kept in var/, so signatures and tokens stay
    # valid across restarts.
    key_file = var_dir / name
    if not key_file.is_file():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _with_secrets(settings: Settings) -> Settings:
    """Fill in the secrets that were not configured."""
    return replace(
        settings,
        identity_secret=settings.identity_secret or _kept_secret(settings.var_dir, "identity.key"),
        rasa_token=settings.rasa_token or _kept_secret(settings.var_dir, "rasa.token"),
    )


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    """Train the model if the data or config changed."""
    started = time.monotonic()
    model, trained = ensure_model(ROOT, settings.model_dir, force=args.force)
    took = time.monotonic() - started
    print(f"{'trained' if trained else 'up to date'}: {model} ({took:.1f} s)")
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    """Create the demo shop database."""
    from actions.shop.seed import main as seed_main

    asyncio.run(seed_main(["--database-url", settings.shop_database_url]))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Run the gateway alone (Rasa and the action server run elsewhere)."""
    import uvicorn

    from bot.app import create_app
    from bot.privacy.logging import install as mask_private_data_in_logs

    settings = _with_secrets(settings)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    config = uvicorn.Config(
        create_app(settings), host=settings.host, port=settings.port, log_level="info"
    )
    # After uvicorn set up its handlers; its access log keeps its own format.
    mask_private_data_in_logs(("", "uvicorn", "uvicorn.error", "bot", "handoff"))
    uvicorn.Server(config).run()
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Train if needed, seed, start all three processes and wait for Ctrl-C."""
    started = time.monotonic()
    settings = _with_secrets(settings)
    model, _ = ensure_model(ROOT, settings.model_dir)
    cmd_seed(settings, args)
    running: list[processes.Service] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for service in processes.services(settings, model, ROOT):
            processes.start(service, ROOT)
            running.append(service)
        for service in running:
            processes.wait_ready(service, timeout=args.timeout)
        took = time.monotonic() - started
        print(
            f"\nkefu is ready in {took:.1f} s\n"
            f"  shopper widget : http://{settings.host}:{settings.port}/\n"
            f"  rasa-webchat   : http://{settings.host}:{settings.port}/webchat\n"
            f"  agent console  : http://{settings.host}:{settings.port}/console\n"
            f"  trainer page   : http://{settings.host}:{settings.port}/trainer\n"
            f"  health         : http://{settings.host}:{settings.port}/healthz\n"
            f"  Rasa           : {settings.rasa_url}\n"
            f"  action server  : {settings.action_url}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while all(s.process and s.process.poll() is None for s in running):
            time.sleep(0.5)
        dead = [s.name for s in running if s.process and s.process.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping kefu…", flush=True)
        return 0
    finally:
        processes.stop(running)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="kefu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="train if needed, seed, start everything")
    run.add_argument("--timeout", type=float, default=300.0, help="seconds to wait per service")
    run.set_defaults(func=cmd_run)
    commands.add_parser("serve", help="run the gateway only").set_defaults(func=cmd_serve)
    train = commands.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    train.set_defaults(func=cmd_train)
    commands.add_parser("seed", help="create the demo shop database").set_defaults(func=cmd_seed)
    users_cli.add_parser(commands)
    commands.choices["users"].set_defaults(func=users_cli.cmd_users)
    erasure_cli.add_parser(commands)
    commands.choices["erase"].set_defaults(
        func=lambda settings, args: erasure_cli.cmd_erase(_with_secrets(settings), args)
    )
    trainer_cli.add_parser(commands)
    commands.choices["trainer"].set_defaults(
        func=lambda settings, args: trainer_cli.cmd_trainer(_with_secrets(settings), args)
    )
    return parser


# httpx logs every request at INFO: a health poll every few seconds, for ever.
QUIET_LOGGERS = ("httpx", "httpcore")


def configure_logging() -> None:
    """INFO to stderr, except the libraries in :data:`QUIET_LOGGERS` (warnings only)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kefu`` and ``python -m bot``."""
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"kefu: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(settings, args))
    except RuntimeError as exc:
        print(f"kefu: {exc}", file=sys.stderr)
        return 1
