"""Whether the bot's back ends are up."""

from __future__ import annotations

import httpx

from bot.rasa_client import RasaClient


class BackendHealth:
    """Checks Rasa (with its model) and the action server.

    Args:
        rasa: the gateway's Rasa client.
        action_url: base URL of the Rasa SDK action server.
        transport: an httpx transport for tests.
    """

    def __init__(
        self,
        rasa: RasaClient,
        action_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._rasa = rasa
        self._actions = httpx.AsyncClient(base_url=action_url, timeout=3.0, transport=transport)

    async def actions_up(self) -> bool:
        """Whether the action server answers its health check."""
        try:
            response = await self._actions.get("/health")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def report(self) -> dict[str, bool]:
        """Each back end's state, for ``/healthz``."""
        return {"rasa": await self._rasa.is_ready(), "actions": await self.actions_up()}

    async def all_up(self) -> bool:
        """Whether a message sent now can be answered."""
        return all((await self.report()).values())

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._actions.aclose()
