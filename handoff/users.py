"""Console users: create, disable, authenticate and list them."""

from __future__ import annotations

import asyncio
import builtins
import re
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from handoff import store
from handoff.errors import AgentNotFound, InvalidCredentials, InvalidInput
from handoff.models import Agent, utc_now
from handoff.passwords import hash_password, verify_password
from handoff.views import AgentView
from handoff.vocab import ROLES, TEAMS, require_choice, require_text

USERNAME = re.compile(r"^[a-z0-9_.-]{2,32}$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
MAX_CHATS_LIMIT = 20
#: Checked against when the username is unknown, so timing does not tell.
_DUMMY_HASH = (
    "scrypt$16384$8$1$jkdDU/1hzllwFE+jRxh20Q==$MVWwVrGhUS7Tw9l/fFpcjXKymOfwIzH/FFRzeKN7RYM="
)


def _username(value: object) -> str:
    if not isinstance(value, str) or not USERNAME.match(value):
        raise InvalidInput("username", "username must be 2-32 of a-z 0-9 _ . -")
    return value


def _password(value: object) -> str:
    if not isinstance(value, str) or not MIN_PASSWORD_CHARS <= len(value) <= MAX_PASSWORD_CHARS:
        raise InvalidInput("password", f"password needs at least {MIN_PASSWORD_CHARS} characters")
    return value


def _skills(value: str | Iterable[str]) -> str:
    items = value.split(",") if isinstance(value, str) else list(value)
    teams = [require_choice("skills", str(item).strip(), TEAMS) for item in items]
    if not teams:
        raise InvalidInput("skills", "give at least one team")
    return ",".join(dict.fromkeys(teams))


def _max_chats(value: object) -> int:
    if type(value) is not int or not 1 <= value <= MAX_CHATS_LIMIT:
        raise InvalidInput("max_chats", f"max_chats must be 1-{MAX_CHATS_LIMIT}")
    return value


class UserDirectory:
    """The agents, supervisors and trainers who may log in."""

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        """Use ``sessionmaker`` for every call and ``clock`` for ``created_at``."""
        self._sessions = sessionmaker
        self._clock = clock

    async def create(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str | None = None,
        skills: str | Iterable[str] = ("general",),
        max_chats: int = 3,
    ) -> AgentView:
        """Add a user.

        Args:
            username: 2-32 of ``a-z 0-9 _ . -``.
            password: At least 8 characters; stored as an scrypt hash.
            role: ``agent``, ``supervisor`` or ``trainer``.
            display_name: Shown to shoppers; defaults to ``username``.
            skills: Teams, as names or one comma-separated string.
            max_chats: How many tickets auto-assignment gives them at once.

        Returns:
            The new user.

        Raises:
            InvalidInput: naming the field that is not acceptable.
            UsernameTaken: if the username is in use.
        """
        agent = Agent(
            username=_username(username),
            display_name=require_text("display_name", display_name or username, 64),
            role=require_choice("role", role, ROLES),
            skills=_skills(skills),
            max_chats=_max_chats(max_chats),
            active=True,
            created_at=self._clock(),
        )
        agent.password_hash = await asyncio.to_thread(hash_password, _password(password))
        async with self._sessions.begin() as s:
            return AgentView.of(await store.add_agent(s, agent))

    async def disable(self, username: str) -> AgentView:
        """Stop a user from logging in (their tokens fail their next check).

        Raises:
            AgentNotFound: for an unknown username.
        """
        async with self._sessions.begin() as s:
            agent = await store.agent_by_username(s, username)
            if agent is None:
                raise AgentNotFound(f"no user {username!r}")
            agent.active = False
            return AgentView.of(agent)

    async def authenticate(self, username: str, password: str) -> AgentView:
        """Return the user if the password matches.

        Raises:
            InvalidCredentials: for an unknown user, a wrong password or a
                disabled user (all alike, so nothing is revealed).
        """
        async with self._sessions.begin() as s:
            agent = await store.agent_by_username(s, username)
        stored = agent.password_hash if agent is not None else _DUMMY_HASH
        matches = await asyncio.to_thread(verify_password, password, stored)
        if agent is None or not matches or not agent.active:
            raise InvalidCredentials("wrong username or password")
        return AgentView.of(agent)

    async def get(self, agent_id: int) -> AgentView:
        """The user with ``agent_id``, active or not.

        Raises:
            AgentNotFound: if there is none.
        """
        async with self._sessions.begin() as s:
            return AgentView.of(await store.get_agent(s, agent_id))

    async def list(self) -> builtins.list[AgentView]:
        """Every user, by username."""
        async with self._sessions.begin() as s:
            return [AgentView.of(agent) for agent in await store.all_agents(s)]
