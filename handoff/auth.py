"""Log agents in and tell who holds a token, for the REST API and the console socket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handoff.errors import AgentNotFound, AuthError, InvalidCredentials
from handoff.tokens import issue_token, read_token
from handoff.users import UserDirectory
from handoff.views import AgentView


class Authenticator:
    """Issues tokens for valid credentials and checks them on every use.

    Args:
        users: the user directory.
        secret: signs tokens.
        clock: the current time.
    """

    def __init__(self, users: UserDirectory, secret: str, clock: Callable[[], datetime]) -> None:
        self._users = users
        self._secret = secret
        self._clock = clock

    async def login(self, username: str, password: str) -> tuple[str, AgentView]:
        """A token for the user, who must be active.

        Raises:
            InvalidCredentials: unknown user, wrong password or disabled user.
        """
        agent = await self._users.authenticate(username, password)
        return issue_token(self._secret, agent.id, agent.role, self._clock()), agent

    async def user_for_header(self, authorization: str) -> AgentView:
        """The active user of an ``Authorization: Bearer <token>`` header (REST APIs).

        Raises:
            AuthError: another scheme, or as :meth:`agent_for`.
        """
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthError("send Authorization: Bearer <token>")
        return await self.agent_for(token.strip())

    async def agent_for(self, token: object) -> AgentView:
        """The active user a token belongs to.

        Raises:
            AuthError: missing, forged or expired token, or a disabled user.
        """
        if not isinstance(token, str) or not token:
            raise AuthError("a token is required")
        claims = read_token(self._secret, token, self._clock())
        try:
            agent = await self._users.get(claims.agent_id)
        except AgentNotFound:
            raise InvalidCredentials("the user no longer exists") from None
        if not agent.active:
            raise InvalidCredentials("the user is disabled")
        return agent
