"""Chinese text normalisation shared by the NLU pipeline and the actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# A receiver's name: two to four Chinese characters (「欧阳娜娜」, 「小林」), or
# two names joined by 「·」; nothing that belongs to an address.
_RECEIVER = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,6}")
_NOT_IN_A_NAME = set(
    "省市区县镇乡村路街道号楼栋室单元弄巷院苑园城庄门口店柜站" "的了吧吗呢请帮改换寄送到在"
)
# The labels of an address copied from a shopping app: 「收货人：张三 手机号码：…」.
_CONTACT_LABELS = re.compile(
    r"(?:收货人|收件人|联系人|姓名|手机号码|手机号|电话|手机|所在地区|详细地址|收货地址)\s*[:：]?"
)
_SEPARATORS = re.compile(r"[\s,，;；、]+")
# 「139 1234 5678」, 「139-1234-5678」: a mobile number typed in groups.
_GROUPED_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[- ]([0-9]{4})[- ]([0-9]{4})(?![0-9])")


@dataclass(frozen=True)
class Contact:
    """A delivery address as shoppers send it: 「地址 张三 13912345678」."""

    address: str
    receiver: str | None = None
    phone: str | None = None


def split_contact(text: str) -> Contact:
    """Take the mobile number and the receiver's name written next to it out of ``text``.

    The name counts only beside the number (「…文三路100号 张三 13912345678」 or
    「张三，13912345678，浙江省…」): a lone 「上海」 before an address is no name.
    """
    normal = _GROUPED_PHONE.sub(r"\1\2\3", _CONTACT_LABELS.sub(" ", half_width(text)))
    if not PHONE.search(normal):
        return Contact(" ".join(normal.split()))
    # The number as a token of its own, without its country code.
    normal = PHONE.sub(lambda match: f" {match.group(1)} ", normal, count=1)
    tokens = [t for t in _SEPARATORS.split(normal) if t]
    at = next(i for i, t in enumerate(tokens) if PHONE.fullmatch(t))
    beside = [i for i in (at - 1, at + 1) if 0 <= i < len(tokens)]
    named = next((i for i in beside if _is_name(tokens[i])), None)
    rest = [t for i, t in enumerate(tokens) if i not in (at, named)]
    receiver = tokens[named] if named is not None else None
    return Contact(" ".join(rest), receiver, tokens[at])


def _is_name(token: str) -> bool:
    return bool(_RECEIVER.fullmatch(token)) and not _NOT_IN_A_NAME & set(token)


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
