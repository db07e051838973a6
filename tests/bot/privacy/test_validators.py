"""Checksums and shapes behind the masker's precision."""

from __future__ import annotations

import pytest

from bot.privacy import validators


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("310115199003071239", True),
        ("310115199003071238", False),  # wrong check digit
        ("990115199003071235", False),  # no province 99
        ("310115199002301234", False),  # 30 February
        ("110105491231002", True),  # old 15-digit form
        ("110105491331002", False),  # month 13
        ("1101051949123100", False),  # 16 characters
    ],
)
def test_id_cards(number: str, valid: bool) -> None:
    assert validators.is_id_card(number) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("6222021234567894", True), ("6222021234567890", False), ("4367421234567896", True)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert validators.luhn_ok(digits) is valid


@pytest.mark.parametrize(
    ("area", "local", "parts"),
    [
        ("021", "62345678", ("021", "62345678")),
        ("0571", "8765432", ("0571", "8765432")),
        ("", "02162345678", ("021", "62345678")),
        ("021", "6234567", None),  # 021 numbers have eight digits
        ("021", "12345678", None),  # local numbers never start with 1
        ("0021", "62345678", None),
    ],
)
def test_landlines(area: str, local: str, parts: tuple[str, str] | None) -> None:
    assert validators.split_landline(area, local) == parts


def test_mobiles_and_order_numbers() -> None:
    assert validators.is_mobile("19912345678")
    assert not validators.is_mobile("12345678901")
    assert validators.looks_like_order_number("2611210930418825")
    assert not validators.looks_like_order_number("6222021234567894")
