"""What the masker finds: public spans and the replacement each one gets."""

from __future__ import annotations

from dataclasses import dataclass

# When two candidates overlap and are equally long, the lower number wins:
# an 18-digit number passing the GB 11643 check is an ID card even if it
# happens to pass Luhn too.
PRIORITY: dict[str, int] = {"id_card": 0, "bank_card": 1, "phone": 2, "address": 3}


@dataclass(frozen=True)
class Span:
    """A piece of private data in a text.

    Attributes:
        kind: ``"phone"``, ``"id_card"``, ``"bank_card"`` or ``"address"``.
        start: Offset of the first character in the original text.
        end: Offset just past the last character in the original text.
        text: The original characters, ``text[start:end]``.
    """

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A validated candidate: where it is and what replaces it."""

    kind: str
    start: int
    end: int
    replacement: str


def clip(address: Hit, numbers: list[Hit]) -> Hit | None:
    """Cut an address short before the first number hit that it runs into.

    A room number can run straight into a phone (…12号0086-177…); the phone
    is validated and the address is not, so the phone wins. The replacement
    keeps the divisions at the start, so it does not change.

    Returns:
        The clipped hit, or ``None`` if a number covers its start.
    """
    end = address.end
    for number in numbers:
        if number.start < end and number.end > address.start:
            if number.start <= address.start:
                return None
            end = min(end, number.start)
    return Hit(address.kind, address.start, end, address.replacement)


def merge_addresses(hits: list[Hit]) -> list[Hit]:
    """Join overlapping address hits into one, keeping the first one's visible part."""
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        last = merged[-1] if merged else None
        if last is not None and last.kind == hit.kind == "address" and hit.start < last.end:
            merged[-1] = Hit(last.kind, last.start, max(last.end, hit.end), last.replacement)
        else:
            merged.append(hit)
    return merged


def resolve(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (then by kind priority), in text order.

    Overlapping addresses are merged first, so no part of either survives.
    """
    ranked = sorted(
        merge_addresses(hits), key=lambda h: (h.start - h.end, PRIORITY[h.kind], h.start)
    )
    kept: list[Hit] = []
    for hit in ranked:
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
