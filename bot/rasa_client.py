"""Client for Rasa's REST channel and the few HTTP endpoints the gateway needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

WEBHOOK = "/webhooks/kefu/webhook"  # bot/rasa_channel.py


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) could not answer."""


@dataclass(frozen=True)
class RasaAnswer:
    """Rasa's replies to a message, and its parse (intent and ranking) if the channel sent it."""

    messages: list[dict[str, Any]]
    parse: dict[str, Any] | None = None


class RasaClient:
    """Sends shopper messages to Rasa's REST webhook.

    Args:
        base_url: Rasa server URL, e.g. ``http://127.0.0.1:5005``.
        timeout: seconds to wait for Rasa's answer.
        transport: an httpx transport; tests pass ``httpx.MockTransport``.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str = "",
    ) -> None:
        # Rasa's HTTP API (needs `rasa run --enable-api --auth-token`) takes the token as a query
        # parameter; the REST channel ignores it.
        self._params = {"token": token} if token else {}
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> RasaAnswer:
        """Post one message; return Rasa's replies and what it understood.

        Uses kefu's channel (``bot/rasa_channel.py``); a plain REST-channel
        answer (a bare list) is accepted too, without the parse.
        """
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post(WEBHOOK, json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa did not answer: {exc!r}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        parse = None
        if isinstance(answer, dict):
            answer, parse = answer.get("messages"), answer.get("parse")
        if not isinstance(answer, list):
            raise RasaUnavailable("Rasa's answer is not a list of messages")
        replies = [reply for reply in answer if isinstance(reply, dict)]
        return RasaAnswer(replies, parse if isinstance(parse, dict) else None)

    async def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to a conversation's tracker (e.g. an agent's message, ``resume``)."""
        await self._api(
            "POST",
            f"/conversations/{sender_id}/tracker/events",
            json=events,
            params={**self._params, "include_events": "NONE"},
        )

    async def forget(self, sender_id: str) -> None:
        """Erase a conversation from Rasa: its events are replaced by none.

        kefu's tracker store deletes a conversation left without events
        (``bot/tracker_store.py``), in memory and in its file.
        """
        await self._api(
            "PUT",
            f"/conversations/{sender_id}/tracker/events",
            json=[],
            params={**self._params, "include_events": "NONE"},
        )

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """A conversation's tracker events since its last restart."""
        response = await self._api(
            "GET",
            f"/conversations/{sender_id}/tracker",
            params={**self._params, "include_events": "AFTER_RESTART"},
        )
        try:
            events = response.json().get("events")
        except (ValueError, AttributeError) as exc:
            raise RasaUnavailable("Rasa's tracker is not a JSON object") from exc
        return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []

    async def parse(self, text: str) -> dict[str, Any]:
        """What the model understands of ``text`` (intent ranking and entities)."""
        response = await self._api("POST", "/model/parse", json={"text": text}, params=self._params)
        parsed = response.json()
        return parsed if isinstance(parsed, dict) else {}

    async def serving_model(self) -> str | None:
        """The file of the model Rasa serves now, or None if it has none."""
        response = await self._api("GET", "/status", params=self._params)
        model = response.json().get("model_file")
        return str(model) if model else None

    async def replace_model(self, model_file: str, timeout: float = 300.0) -> None:
        """Load another model into the running server; conversations carry on.

        Rasa answers once the new model is loaded; until then the old one serves.
        """
        await self._api(
            "PUT",
            "/model",
            json={"model_file": model_file},
            params=self._params,
            timeout=timeout,
        )

    async def _api(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa's API did not answer: {exc!r}") from exc
        if response.status_code >= 300:
            raise RasaUnavailable(f"Rasa's API answered HTTP {response.status_code} for {url}")
        return response

    async def is_ready(self) -> bool:
        """Whether Rasa is up with a model loaded."""
        try:
            response = await self._http.get("/status", params=self._params, timeout=3.0)
        except httpx.HTTPError:
            return await self._is_up()
        if response.status_code == 200:
            return bool(response.json().get("model_file"))
        return await self._is_up()

    async def _is_up(self) -> bool:
        # /status needs --enable-api; "/" answers whenever the server runs.
        try:
            response = await self._http.get("/", timeout=3.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
