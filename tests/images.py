"""Real pictures for tests, made here rather than stored in the repository."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (230, 60, 40)) -> bytes:
    """A valid PNG of one colour, as a browser or an image library reads it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width  # filter byte, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
