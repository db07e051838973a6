"""Stateless signed console tokens.

A token is ``body.signature``: ``body`` is base64url JSON
``{"typ": "agent", "sub": id, "role": role, "exp": unix_seconds}`` and
``signature`` the base64url HMAC-SHA256 of ``body`` under the secret (with a
prefix, so no other HMAC made with the same secret can pass as a token).
Tokens do not know whether their user was disabled since: check that too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from handoff.errors import InvalidInput, InvalidToken
from handoff.vocab import ROLES

DEFAULT_TTL = timedelta(hours=12)
_TYPE = "agent"
_DOMAIN = b"kefu.agent-token.v1."


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says."""

    agent_id: int
    role: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str | bytes, body: str) -> str:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    mac = hmac.new(key, _DOMAIN + body.encode("ascii"), hashlib.sha256)
    return _b64(mac.digest())


def issue_token(
    secret: str | bytes,
    agent_id: int,
    role: str,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> str:
    """Sign a token for ``agent_id`` that expires ``ttl`` after ``now``.

    Args:
        secret: The gateway's signing secret; must not be empty.
        agent_id: Who the token is for.
        role: Their role.
        now: The current aware time.
        ttl: How long the token stays valid.

    Returns:
        The token text.

    Raises:
        InvalidInput: if ``secret`` is empty.
    """
    if not secret:
        raise InvalidInput("secret", "the token secret must not be empty")
    expires = int((now + ttl).timestamp())
    claims = {"typ": _TYPE, "sub": agent_id, "role": role, "exp": expires}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_sign(secret, body)}"


def read_token(secret: str | bytes, token: str, now: datetime) -> TokenClaims:
    """Check a token's signature and expiry and return its claims.

    Args:
        secret: The secret it was signed with.
        token: The token text.
        now: The current aware time.

    Returns:
        The claims.

    Raises:
        InvalidToken: on a bad signature, garbage or expiry.
    """
    if not secret or not isinstance(token, str) or token.count(".") != 1:
        raise InvalidToken("malformed token")
    body, signature = token.split(".")
    try:
        if not hmac.compare_digest(_sign(secret, body).encode(), signature.encode("ascii")):
            raise InvalidToken("bad token signature")
        claims = _claims(json.loads(_unb64(body)))
    except (UnicodeError, ValueError, binascii.Error):
        raise InvalidToken("malformed token") from None
    if now >= claims.expires_at:
        raise InvalidToken("token expired")
    return claims


def _claims(data: Any) -> TokenClaims:
    if not isinstance(data, dict) or data.get("typ") != _TYPE:
        raise ValueError("not an agent token")
    agent_id, role, expires = data.get("sub"), data.get("role"), data.get("exp")
    if type(agent_id) is not int or role not in ROLES or type(expires) is not int:
        raise ValueError("bad token claims")
    return TokenClaims(agent_id, role, datetime.fromtimestamp(expires, timezone.utc))
