"""The user directory: creating, authenticating and disabling users."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from handoff.errors import AgentNotFound, InvalidCredentials, InvalidInput, UsernameTaken
from handoff.models import Agent
from handoff.passwords import verify_password
from handoff.users import UserDirectory
from tests.handoff.conftest import NOW, Clock


@pytest.fixture
def users(sessions: sessionmaker, clock: Clock) -> UserDirectory:
    return UserDirectory(sessions, clock)


async def test_create_stores_a_hash_not_the_password(
    users: UserDirectory, sessions: sessionmaker
) -> None:
    view = await users.create("alice", "password1", "agent", display_name="小美")
    async with sessions() as s:
        row = (await s.execute(select(Agent))).scalars().one()
    assert row.password_hash.startswith("scrypt$")
    assert "password1" not in row.password_hash
    assert verify_password("password1", row.password_hash)
    assert row.created_at == NOW
    assert view.display_name == "小美"
    assert (view.skills, view.max_chats, view.active) == (("general",), 3, True)


async def test_skills_accept_a_comma_separated_string(users: UserDirectory) -> None:
    view = await users.create("bob", "password1", "agent", skills="after_sales, safety,safety")
    assert view.skills == ("after_sales", "safety")
    assert view.display_name == "bob"


async def test_authenticate_returns_the_user(users: UserDirectory) -> None:
    created = await users.create("alice", "password1", "supervisor", max_chats=5)
    assert await users.authenticate("alice", "password1") == created


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong-pass"), ("nobody", "x")])
async def test_authenticate_refuses_wrong_or_unknown(
    users: UserDirectory, username: str, password: str
) -> None:
    await users.create("alice", "password1", "agent")
    with pytest.raises(InvalidCredentials) as caught:
        await users.authenticate(username, password)
    assert caught.value.code == "invalid_credentials"


async def test_disabled_user_cannot_log_in(users: UserDirectory) -> None:
    created = await users.create("alice", "password1", "agent")
    disabled = await users.disable("alice")
    assert not disabled.active
    with pytest.raises(InvalidCredentials):
        await users.authenticate("alice", "password1")
    assert not (await users.get(created.id)).active


async def test_username_taken(users: UserDirectory) -> None:
    await users.create("alice", "password1", "agent")
    with pytest.raises(UsernameTaken) as caught:
        await users.create("alice", "password2", "trainer")
    assert caught.value.code == "username_taken"
    assert len(await users.list()) == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("username", {"username": "A"}),
        ("username", {"username": "Alice"}),
        ("username", {"username": "a" * 33}),
        ("username", {"username": "al ice"}),
        ("password", {"password": "short"}),
        ("role", {"role": "admin"}),
        ("skills", {"skills": ("general", "cooking")}),
        ("skills", {"skills": ()}),
        ("max_chats", {"max_chats": 0}),
        ("display_name", {"display_name": "x" * 65}),
    ],
)
async def test_create_validates(users: UserDirectory, field: str, overrides: dict) -> None:
    args = {"username": "alice", "password": "password1", "role": "agent", **overrides}
    with pytest.raises(InvalidInput) as caught:
        await users.create(**args)
    assert caught.value.field == field
    assert await users.list() == []


async def test_get_list_and_unknown(users: UserDirectory) -> None:
    bob = await users.create("bob", "password1", "trainer")
    alice = await users.create("alice", "password1", "agent")
    assert await users.list() == [alice, bob]
    assert await users.get(bob.id) == bob
    with pytest.raises(AgentNotFound):
        await users.get(999)
    with pytest.raises(AgentNotFound):
        await users.disable("nobody")


def test_agent_view_to_dict() -> None:
    from handoff.views import AgentView

    view = AgentView(1, "alice", "小美", "agent", ("general", "safety"), 3, True)
    assert view.to_dict() == {
        "id": 1,
        "username": "alice",
        "display_name": "小美",
        "role": "agent",
        "skills": ["general", "safety"],
        "max_chats": 3,
        "active": True,
    }
