"""Chinese text normalisation shared by the NLU pipeline and the actions."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

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


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """A ``str.translate`` table from traditional to simplified characters, one for one.

    Built from OpenCC's character dictionaries, read once per process.
    Taiwan and Hong Kong variant forms fold to their standard traditional
    character first, then to simplified; characters that are already
    simplified are left alone.
    """
    folder = resources.files("opencc") / "dictionary"

    def pairs(name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            if len(source) == 1 and targets.strip():
                found[source] = targets.split()[0]
        return found

    simplified = pairs("TSCharacters.txt")
    table = {ord(k): v for k, v in simplified.items()}
    # A variant that is also a simplified character stays (TW lists 么 → 幺), and
    # so does 抬, which OpenCC lists as the Taiwan form of 擡 but is the simplified
    # character itself (发票抬头 must stay as it is).
    keep = set(pairs("STCharacters.txt")) | set(simplified.values()) | {"抬"}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in pairs(name).items():
            if variant not in keep:
                table.setdefault(ord(variant), simplified.get(standard, standard))
    # One more step where a variant's standard form is traditional too (薴 → 苧 → 苎).
    return {code: table.get(ord(target), target) for code, target in table.items()}


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    # str.translate is slow on characters it lacks, so look before translating.
    # Only the BMP: rarer characters would slow the class for every message.
    return re.compile(f"[{re.escape(''.join(chr(c) for c in sorted(t2s_table()) if c <= 0xFFFF))}]")


def simplified(text: str) -> str:
    """Write traditional characters (「退貨運費誰出」) as simplified ones (「退货运费谁出」).

    One character for one, so entity offsets computed on the result hold for
    the original.
    """
    return text.translate(t2s_table()) if _traditional().search(text) else text


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
