"""``kefu erase``: erase a shopper's conversations, or those past the retention period."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from actions.shop.db import ensure_sqlite_dir, make_engine, make_sessionmaker
from bot.conversations import utc_now
from bot.erasure import ConversationsInUse, Eraser
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.schema import create_gateway_schema
from bot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``erase --shopper ID | --idle-days N [--dry-run]``."""
    erase = commands.add_parser(
        "erase",
        help="erase conversations everywhere kefu keeps them (Rasa must be running)",
        description=(
            "Erases messages, the trainer's inbox entries, Rasa's trackers and the"
            " handoff's notes; tickets stay as anonymous numbers. Conversations a"
            " person still works on (open ticket, promise not yet kept) are skipped"
            " by --idle-days; --shopper refuses until they are closed."
        ),
    )
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("--shopper", help="every conversation of this verified shopper id")
    which.add_argument(
        "--idle-days", type=float, help="conversations the shopper left more than N days ago"
    )
    erase.add_argument("--dry-run", action="store_true", help="count, erase nothing")


async def _with_eraser(settings: Settings, work: Callable[[Eraser], Awaitable[str]]) -> str:
    ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.rasa_token)
    try:
        await create_gateway_schema(engine)
        return await work(Eraser(make_sessionmaker(engine), rasa, utc_now))
    finally:
        await rasa.aclose()
        await engine.dispose()


def cmd_erase(settings: Settings, args: argparse.Namespace) -> int:
    """Run ``erase``; 1 if nothing could be erased."""
    if args.idle_days is not None and args.idle_days <= 0:
        print("kefu: --idle-days must be more than 0", file=sys.stderr)
        return 2

    async def by_shopper(eraser: Eraser) -> str:
        if args.dry_run:
            found = await eraser.shopper_conversations(args.shopper)
            return f"would erase {len(found)} conversations of shopper {args.shopper}"
        erased = await eraser.erase_shopper(args.shopper)
        return f"erased {erased} conversations of shopper {args.shopper}"

    async def by_age(eraser: Eraser) -> str:
        if args.dry_run:
            found = sum([len(batch) async for batch in eraser.expired(args.idle_days)])
            return f"would erase {found} conversations idle for more than {args.idle_days:g} days"
        erased = await eraser.purge(args.idle_days)
        return f"erased {erased} conversations idle for more than {args.idle_days:g} days"

    try:
        print(asyncio.run(_with_eraser(settings, by_shopper if args.shopper else by_age)))
    except ConversationsInUse as exc:
        print(f"kefu: nothing erased: {exc}; close them first", file=sys.stderr)
        return 1
    except RasaUnavailable as exc:
        print(f"kefu: Rasa must be running to erase its conversations: {exc}", file=sys.stderr)
        return 1
    return 0
