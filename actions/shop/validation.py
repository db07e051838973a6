"""Pure checks of shopper-supplied values; each raises ``InvalidInput``."""

from __future__ import annotations

import re
import unicodedata

from actions.shop.errors import InvalidInput

ADDRESS_MIN_CHARS = 8
ADDRESS_MAX_CHARS = 200
RECEIVER_MAX_CHARS = 20
REASON_MAX_CHARS = 200
TITLE_MAX_CHARS = 100

#: Words every real mainland address contains at least one of.
REGION_WORDS = (
    "省", "市", "区", "县", "镇", "乡", "村", "路", "街", "道", "巷", "弄",
    "号", "栋", "幢", "楼", "室", "单元", "小区", "大厦",
)  # fmt: skip

#: Words that make an invoice title a company (which needs a tax id).
COMPANY_WORDS = (
    "公司", "有限", "集团", "厂", "店", "中心", "工作室", "事务所", "研究院", "研究所",
    "学校", "大学", "学院", "幼儿园", "医院", "合作社", "协会", "基金会", "银行", "商行",
    "政府", "委员会", "局", "出版社", "旅行社", "图书馆", "博物馆",
)  # fmt: skip

_MOBILE = re.compile(r"1[3-9]\d{9}")
_TAX_ID = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20}")
_SPACES = re.compile(r"\s+")


def _clean(value: str) -> str:
    """NFKC-normalise (full-width digits and letters) and collapse spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def validate_address(address: str) -> str:
    """Return the cleaned address.

    Raises:
        InvalidInput: field "address", reason "too_short", "too_long" or
            "no_region" (no 省/市/区/县/路/街/号… word).
    """
    cleaned = _clean(address)
    if len(cleaned) < ADDRESS_MIN_CHARS:
        raise InvalidInput("address", "too_short")
    if len(cleaned) > ADDRESS_MAX_CHARS:
        raise InvalidInput("address", "too_long")
    if not any(word in cleaned for word in REGION_WORDS):
        raise InvalidInput("address", "no_region")
    return cleaned


def validate_phone(phone: str) -> str:
    """Return a mainland mobile number as 11 digits.

    Spaces, dashes and a leading +86 are accepted.

    Raises:
        InvalidInput: field "phone".
    """
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", phone))
    digits = re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)
    if not _MOBILE.fullmatch(digits):
        raise InvalidInput("phone", "not_mobile")
    return digits


def validate_receiver(receiver: str) -> str:
    """Return the cleaned receiver name.

    Raises:
        InvalidInput: field "receiver", reason "empty" or "too_long".
    """
    cleaned = _clean(receiver)
    if not cleaned:
        raise InvalidInput("receiver", "empty")
    if len(cleaned) > RECEIVER_MAX_CHARS:
        raise InvalidInput("receiver", "too_long")
    return cleaned


def validate_reason(reason: str) -> str:
    """Return the cleaned refund reason (may be empty).

    Raises:
        InvalidInput: field "reason", reason "too_long".
    """
    cleaned = _clean(reason)
    if len(cleaned) > REASON_MAX_CHARS:
        raise InvalidInput("reason", "too_long")
    return cleaned


def is_company_title(title: str) -> bool:
    """Whether an invoice title names an organisation rather than a person."""
    return any(word in title for word in COMPANY_WORDS)


def validate_invoice(title: str, tax_id: str | None) -> tuple[str, str | None]:
    """Return the cleaned invoice title and tax id.

    A company title needs a tax id of 15, 18 or 20 letters and digits; a
    personal title (e.g. 个人) may omit it, but a given tax id must be valid.

    Raises:
        InvalidInput: field "title" ("empty"/"too_long") or "tax_id"
            ("missing"/"malformed").
    """
    cleaned = _clean(title)
    if not cleaned:
        raise InvalidInput("title", "empty")
    if len(cleaned) > TITLE_MAX_CHARS:
        raise InvalidInput("title", "too_long")
    tax = _clean(tax_id or "").replace(" ", "").upper() or None
    if tax is None:
        if is_company_title(cleaned):
            raise InvalidInput("tax_id", "missing")
        return cleaned, None
    if not _TAX_ID.fullmatch(tax):
        raise InvalidInput("tax_id", "malformed")
    return cleaned, tax
