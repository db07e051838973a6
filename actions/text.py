"""Chinese text normalisation shared by the NLU pipeline and the actions."""

from __future__ import annotations

import re

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; the
# ideographic space maps to a space. Each maps one character to one, so
# entity offsets computed on normalised text hold for the original.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20

ORDER_ID = re.compile(r"(?<![0-9A-Za-z])2[56]\d{14}(?![0-9])")
TAX_ID = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3}(?:[0-9A-Za-z]{2})?)?(?![0-9A-Za-z])"
)
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9])")


def half_width(text: str) -> str:
    """Turn full-width digits, letters and punctuation into their ASCII forms."""
    return text.translate(_FULL_WIDTH)


def find_order_id(text: str) -> str | None:
    """The first order number in ``text`` (full-width digits allowed)."""
    match = ORDER_ID.search(half_width(text).replace(" ", ""))
    return match.group(0) if match else None


def split_phone(text: str) -> tuple[str, str | None]:
    """Take the first mainland mobile number out of ``text``.

    Returns:
        The text without the number, and the number without a country code.
    """
    normal = half_width(text)
    match = PHONE.search(normal)
    if not match:
        return normal.strip(), None
    rest = (normal[: match.start()] + " " + normal[match.end() :]).strip(" ,，;；")
    return " ".join(rest.split()), match.group(1)


def split_tax_id(text: str) -> tuple[str, str | None]:
    """Split an invoice title like 「某某有限公司 91310000MA1FL8XQ30」 into title and tax id."""
    normal = half_width(text).strip()
    match = TAX_ID.search(normal)
    if not match:
        return normal, None
    title = (normal[: match.start()] + normal[match.end() :]).strip(" ,，:：;；")
    for label in ("税号", "纳税人识别号"):
        title = title.replace(label, "").strip(" ,，:：;；")
    return title, match.group(0).upper()
