"""Checksums and shape rules that tell real identifiers from look-alikes."""

from __future__ import annotations

import datetime as dt
import re

# GB 11643-1999: weights for the first 17 digits, and the check character
# indexed by the weighted sum modulo 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# The first two digits of a resident ID are the province (GB/T 2260).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010 and 02x take three digits, the rest (03xx to 09xx) four.
# Local numbers never start with 0 or 1.
_LANDLINE = re.compile(r"(0(?:10|2\d)|0[3-9]\d\d)([2-9]\d{6,7})")
_ORDER_NUMBER = re.compile(r"2[56]\d{14}")


def is_mobile(digits: str) -> bool:
    """Whether ``digits`` is a mainland mobile number (1[3-9] and 9 more digits)."""
    return _MOBILE.fullmatch(digits) is not None


def split_landline(area: str, local: str) -> tuple[str, str] | None:
    """Validate a landline given as area code and local number.

    Args:
        area: The area code with its leading 0, or ``""`` when the number was
            written without a separator and the code must be inferred.
        local: The local number, or the whole number when ``area`` is empty.

    Returns:
        ``(area, local)`` when valid, else ``None``.
    """
    match = _LANDLINE.fullmatch(area + local)
    if match is None or (area and match.group(1) != area):
        return None
    code, number = match.groups()
    if len(code) == 3 and len(number) != 8:
        return None
    return code, number


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2099


def is_id_card(number: str) -> bool:
    """Whether ``number`` is a resident ID: 18 characters with a valid check, or 15 digits.

    Both forms need a known province prefix and a real birth date; the 18-digit
    form also needs the GB 11643 check character (``X`` for 10).
    """
    number = number.upper()
    if number[:2] not in _PROVINCES:
        return False
    if len(number) == 15 and number.isdigit():
        return _valid_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if not _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn (mod 10) check used by bank cards."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def looks_like_order_number(digits: str) -> bool:
    """Whether ``digits`` has this shop's order-number shape (16 digits from 25/26)."""
    return _ORDER_NUMBER.fullmatch(digits) is not None
