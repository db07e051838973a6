"""Validate number candidates and decide how each one is masked."""

from __future__ import annotations

import re

from bot.privacy import validators
from bot.privacy.spans import Hit

# +86, 0086 or (+86) in front of a mobile number belongs to it, and so does
# the + of +8613812345678 (jieba keeps 8613812345678 as one token).
_COUNTRY_CODE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\(\+?86\)|\+86|0086|86)[ -]?|\+)$")
_LANDLINE = re.compile(r"\(?(0\d{2,3})\)?[ -]?(\d{7,8})")
_NOT_DIGIT = re.compile(r"[^0-9Xx]")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_CLAUSE_END = re.compile(r"[,，。;；!！?？\n]")
# Amount markers: a number right after ¥ or right before 元 is money.
_CURRENCY_BEFORE = "¥￥$"
_CURRENCY_AFTER = "元块"
_CONTEXT_CHARS = 16
_PREFIX_CHARS = len("(+86) ")
BANK_CUES = ("银行卡", "卡号", "储蓄卡", "信用卡", "借记卡", "银行", "账号", "帐号", "收款", "打款")
ORDER_CUES = ("订单", "单号", "运单", "快递", "物流", "order")
ID_CUES = ("身份证", "证件", "身份", "ID", "id")


def _is(char: str, chars: str) -> bool:
    return bool(char) and char in chars


def _isolated(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole number, not part of a longer one.

    Rejects neighbours that are letters or digits, a decimal point joining
    digits (1380.00) and currency markers. A dash next to digits is allowed:
    021-62345678-801 has an extension, and two phones may be joined by one.
    """
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if _ALNUM.match(before) or _ALNUM.match(after):
        return False
    if _is(before, _CURRENCY_BEFORE) or _is(after, _CURRENCY_AFTER):
        return False
    if after == "." and text[end + 1 : end + 2].isdigit():
        return False
    return not (before == "." and text[max(0, start - 2) : start - 1].isdigit())


def nearest_cue(text: str, start: int) -> str | None:
    """The cue closest before ``start`` in the same clause: ``bank``, ``order`` or ``id``."""
    window = text[max(0, start - _CONTEXT_CHARS) : start]
    window = _CLAUSE_END.split(window)[-1]
    best: tuple[int, str | None] = (-1, None)
    for kind, cues in (("bank", BANK_CUES), ("order", ORDER_CUES), ("id", ID_CUES)):
        for cue in cues:
            at = window.rfind(cue)
            if at >= 0 and at + len(cue) > best[0]:
                best = (at + len(cue), kind)
    return best[1]


def _mobile(text: str, start: int, end: int) -> Hit | None:
    prefix = _COUNTRY_CODE.search(text, max(0, start - _PREFIX_CHARS), start)
    if prefix is not None:
        start = prefix.start()
    digits = _NOT_DIGIT.sub("", text[start:end])[-11:]
    if not validators.is_mobile(digits) or not _isolated(text, start, end):
        return None
    return Hit("phone", start, end, f"{digits[:3]}****{digits[-4:]}")


def _landline(text: str, start: int, end: int) -> Hit | None:
    match = _LANDLINE.fullmatch(text, start, end)
    if match is None or not _isolated(text, start, end):
        return None
    if text[start:end].isdigit():
        parts = validators.split_landline("", text[start:end])
    else:
        parts = validators.split_landline(match.group(1), match.group(2))
    if parts is None:
        return None
    area, local = parts
    return Hit("phone", start, end, f"{area}-{'*' * (len(local) - 4)}{local[-4:]}")


def _id_card(text: str, start: int, end: int) -> Hit | None:
    number = _NOT_DIGIT.sub("", text[start:end]).upper()
    if not validators.is_id_card(number) or not _isolated(text, start, end):
        return None
    # 15-digit IDs were replaced by 2013; alone they look like any number.
    if len(number) == 15 and nearest_cue(text, start) != "id":
        return None
    return Hit("id_card", start, end, f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}")


def _bank_card(text: str, start: int, end: int) -> Hit | None:
    digits = _NOT_DIGIT.sub("", text[start:end])
    if not digits.isdigit() or not validators.luhn_ok(digits):
        return None
    if not _isolated(text, start, end):
        return None
    cue = nearest_cue(text, start)
    # Order numbers are not private: one is a card only when the shopper says so.
    if validators.looks_like_order_number(digits) and cue != "bank":
        return None
    if cue == "order":
        return None
    return Hit("bank_card", start, end, "*" * (len(digits) - 4) + digits[-4:])


VALIDATORS = {
    "mobile": _mobile,
    "landline": _landline,
    "id_card": _id_card,
    "bank_card": _bank_card,
}


def number_hit(label: str, text: str, start: int, end: int) -> Hit | None:
    """Validate the candidate ``text[start:end]`` matched by pattern ``label``.

    Args:
        label: The pattern family (``mobile``, ``landline``, ``id_card``, ``bank_card``).
        text: The whole message, already half-width.
        start: Character offset of the candidate.
        end: Character offset just past it.

    Returns:
        The hit with its masked form, or ``None`` when the candidate is not valid.
    """
    return VALIDATORS[label](text, start, end)
