"""Password hashing with the standard library's scrypt.

Stored form: ``scrypt$n$r$p$salt_b64$hash_b64`` (standard base64).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
#: Ceiling for stored parameters, so a tampered row cannot exhaust memory.
_MAX_MEM = 64 * 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEM, dklen=length
    )


def hash_password(password: str) -> str:
    """Hash ``password`` with a fresh random salt.

    Args:
        password: The plain password.

    Returns:
        ``scrypt$n$r$p$salt_b64$hash_b64``.
    """
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P, HASH_BYTES)
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, digest)]
    return "$".join([SCHEME, str(N), str(R), str(P), *encoded])


def verify_password(password: str, stored: str) -> bool:
    """Tell whether ``password`` matches ``stored`` (constant-time compare).

    Args:
        password: The plain password to check.
        stored: A value made by ``hash_password``.

    Returns:
        True on a match; False on a mismatch or a malformed ``stored``.
    """
    try:
        scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
        if scheme != SCHEME or not expected:
            return False
        actual = _scrypt(password, salt, int(n), int(r), int(p), len(expected))
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(actual, expected)
