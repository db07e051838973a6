"""Pictures shoppers send (a cracked screen, the wrong size on the label).

Only the bytes decide what a picture is: the four formats every browser shows,
told by their signatures, never by a name or a type the client claims. Each is
kept in the gateway database (so every gateway process can serve it) under a
random id, which is its only address: ``/images/<id>``.
"""

from __future__ import annotations

import secrets

#: Under the socket's 1 MB packet limit even as base64 over long polling (a third
#: larger); the widget shrinks larger photos to fit.
MAX_IMAGE_BYTES = 700_000
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
#: Pictures one conversation may send in an hour: enough for any complaint, not
#: enough to fill the owner's disk.
PICTURES_PER_HOUR = 30
#: The text a picture stands as in transcripts, summaries and Rasa's tracker.
IMAGE_TEXT = "[图片]"


class ImageRefused(ValueError):
    """Not a picture kefu takes; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def checked_image(value: object) -> tuple[bytes, str]:
    """The picture's bytes and media type.

    Raises:
        ImageRefused: not binary (``invalid_image``), larger than
            ``MAX_IMAGE_BYTES`` (``image_too_large``), or not JPEG, PNG, GIF
            or WebP (``unsupported_image``).
    """
    if not isinstance(value, (bytes, bytearray)) or not value:
        raise ImageRefused("invalid_image", "image must be the picture's bytes (binary)")
    if len(value) > MAX_IMAGE_BYTES:
        raise ImageRefused(
            "image_too_large", f"the picture is larger than {MAX_IMAGE_BYTES // 1000} kB"
        )
    data = bytes(value)
    content_type = image_type(data)
    if content_type is None:
        raise ImageRefused("unsupported_image", "send a JPEG, PNG, GIF or WebP picture")
    return data, content_type


def image_type(data: bytes) -> str | None:
    """The picture's media type by its first bytes, or None if it is not one kefu shows."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


def new_image_id() -> str:
    """An unguessable id: knowing it is what lets a page show the picture."""
    return secrets.token_hex(16)


def image_url(image_id: str) -> str:
    """Where the gateway serves the picture."""
    return f"/images/{image_id}"


def image_attachment(image_id: str) -> dict[str, object]:
    """The ``attachment`` of a message carrying the picture (Rasa's image shape)."""
    return {"type": "image", "payload": {"src": image_url(image_id)}}
