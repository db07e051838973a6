"""Password hashing with scrypt."""

from __future__ import annotations

import base64

import pytest

from handoff.passwords import hash_password, verify_password


def test_hash_has_the_documented_form() -> None:
    scheme, n, r, p, salt, digest = hash_password("correct horse").split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 32


def test_same_password_gets_a_fresh_salt() -> None:
    assert hash_password("correct horse") != hash_password("correct horse")


def test_verify_accepts_the_password_and_nothing_else() -> None:
    stored = hash_password("正确的马电池订书钉")
    assert verify_password("正确的马电池订书钉", stored)
    assert not verify_password("正确的马电池订书钊", stored)
    assert not verify_password("", stored)


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "scrypt$1$2$3", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$x$8$1$AAAA$AAAA"],
)
def test_verify_rejects_malformed_hashes(stored: str) -> None:
    assert not verify_password("password", stored)


def test_verify_rejects_a_changed_hash() -> None:
    scheme, n, r, p, salt, _ = hash_password("password").split("$")
    other = hash_password("password").split("$")[-1]
    assert not verify_password("password", "$".join([scheme, n, r, p, salt, other]))
