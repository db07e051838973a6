"""``kefu users``: create, disable and list console users; passwords never on the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from actions.shop.db import ensure_sqlite_dir, make_engine, make_sessionmaker
from bot.settings import Settings
from handoff.db import create_schema
from handoff.errors import HandoffError
from handoff.users import UserDirectory
from handoff.vocab import ROLES


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``users add|disable|list``."""
    users = commands.add_parser("users", help="manage agents, supervisors and trainers")
    actions = users.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser("add", help="create a user (asks for the password)")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="display name shown to shoppers")
    add.add_argument("--skills", default="general", help="comma-separated teams")
    add.add_argument("--max-chats", type=int, default=3)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    disable = actions.add_parser("disable", help="disable a user; their tokens stop working")
    disable.add_argument("--username", required=True)
    actions.add_parser("list", help="list users")


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    """The new password, from a prompt (asked twice) or from one line of stdin."""
    if from_stdin:
        return stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise HandoffError("the passwords differ")
    return first


async def _with_users(settings: Settings, work: Callable[[UserDirectory], Awaitable[None]]) -> None:
    ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        await create_schema(engine)
        await work(UserDirectory(make_sessionmaker(engine)))
    finally:
        await engine.dispose()


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    """Run a ``users`` subcommand."""

    async def add(users: UserDirectory) -> None:
        password = read_password(args.password_stdin)
        user = await users.create(
            args.username,
            password,
            args.role,
            display_name=args.name,
            skills=tuple(s.strip() for s in args.skills.split(",") if s.strip()),
            max_chats=args.max_chats,
        )
        print(f"created {user.role} {user.username} (id {user.id})")

    async def disable(users: UserDirectory) -> None:
        user = await users.disable(args.username)
        print(f"disabled {user.username}")

    async def show(users: UserDirectory) -> None:
        for user in await users.list():
            state = "active" if user.active else "disabled"
            print(f"{user.id}\t{user.username}\t{user.role}\t{','.join(user.skills)}\t{state}")

    work = {"add": add, "disable": disable, "list": show}[args.users_command]
    try:
        asyncio.run(_with_users(settings, work))
    except HandoffError as exc:
        print(f"kefu users: {exc}", file=sys.stderr)
        return 1
    return 0
