"""Signed, expiring console tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from handoff.errors import InvalidInput, InvalidToken
from handoff.tokens import issue_token, read_token
from tests.handoff.conftest import NOW

SECRET = "s3cret-for-tests"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_fresh_token_gives_back_its_claims() -> None:
    token = issue_token(SECRET, 7, "supervisor", NOW)
    claims = read_token(SECRET, token, NOW + timedelta(hours=11, minutes=59))
    assert (claims.agent_id, claims.role) == (7, "supervisor")
    assert claims.expires_at == NOW + timedelta(hours=12)


def test_token_expires_after_its_ttl() -> None:
    token = issue_token(SECRET, 7, "agent", NOW, ttl=timedelta(minutes=5))
    read_token(SECRET, token, NOW + timedelta(minutes=4, seconds=59))
    with pytest.raises(InvalidToken, match="expired"):
        read_token(SECRET, token, NOW + timedelta(minutes=5))


def test_token_from_another_secret_is_refused() -> None:
    token = issue_token("other secret", 7, "agent", NOW)
    with pytest.raises(InvalidToken):
        read_token(SECRET, token, NOW)


def test_tampered_body_is_refused() -> None:
    body, signature = issue_token(SECRET, 7, "agent", NOW).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["role"] = "supervisor"
    forged = _b64(json.dumps(claims).encode())
    with pytest.raises(InvalidToken):
        read_token(SECRET, f"{forged}.{signature}", NOW)


def test_tampered_signature_is_refused() -> None:
    token = issue_token(SECRET, 7, "agent", NOW)
    last = "A" if token[-1] != "A" else "B"
    with pytest.raises(InvalidToken):
        read_token(SECRET, token[:-1] + last, NOW)


def test_plain_hmac_with_the_same_secret_is_not_a_token() -> None:
    body = _b64(json.dumps({"typ": "agent", "sub": 1, "role": "supervisor", "exp": 2**40}).encode())
    mac = hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken):
        read_token(SECRET, f"{body}.{_b64(mac)}", NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "..", "é.é", "ey.", ".sig"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidToken):
        read_token(SECRET, token, NOW)


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(InvalidInput):
        issue_token("", 1, "agent", NOW)
    with pytest.raises(InvalidToken):
        read_token("", issue_token(SECRET, 1, "agent", NOW), NOW)
