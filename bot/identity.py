"""Shopper identity passed by the host page, signed by the host's server.

The host page puts ``{"shopper_id": ..., "signature": ...}`` in the widget's
``customData``; the signature is the hex HMAC-SHA256 of the shopper id under
the secret the host shares with the gateway. Anything a shopper could type or
forge without the secret is treated as anonymous.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

_SHOPPER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def sign(secret: str, shopper_id: str) -> str:
    """Return the signature a host page sends along with ``shopper_id``."""
    return hmac.new(secret.encode(), shopper_id.encode(), hashlib.sha256).hexdigest()


def verified_shopper(secret: str, custom_data: Any) -> str | None:
    """Return the shopper id in ``custom_data`` if its signature is valid, else None."""
    if not secret or not isinstance(custom_data, dict):
        return None
    shopper_id = custom_data.get("shopper_id")
    signature = custom_data.get("signature")
    if not isinstance(shopper_id, str) or not isinstance(signature, str):
        return None
    if not _SHOPPER_ID.match(shopper_id):
        return None
    return shopper_id if hmac.compare_digest(sign(secret, shopper_id), signature) else None
