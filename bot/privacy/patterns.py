"""spaCy Matcher patterns over jieba tokens.

Numbers are matched by shape (digit groups and separators) and validated
afterwards; addresses are matched as a core (divisions, a street or compound,
a house number) that :mod:`bot.privacy.address` then extends to the room.
"""

from __future__ import annotations

from typing import Any

from bot.privacy import lexicon

Pattern = list[dict[str, Any]]


def _re(regex: str, **extra: Any) -> dict[str, Any]:
    return {"TEXT": {"REGEX": regex, **extra}}


def _digits(regex: str) -> dict[str, Any]:
    return _re(f"^{regex}$")


# jieba splits 138-1234-5678 into 138 / - / 1234 / - / 5678; a single space
# becomes the previous token's trailing whitespace, which the Matcher skips.
_SEP: dict[str, Any] = {"ORTH": "-", "OP": "?"}
_G4 = _digits(r"\d{4}")


def number_patterns() -> dict[str, list[Pattern]]:
    """Patterns per label: ``mobile``, ``landline``, ``id_card`` and ``bank_card``."""
    return {
        "mobile": [
            [_digits(r"1[3-9]\d{9}")],
            [_digits(r"(?:0086|86)1[3-9]\d{9}")],
            [_digits(r"1[3-9]\d"), _SEP, _G4, _SEP, _G4],
            [_digits(r"1[3-9]\d"), _SEP, _digits(r"\d{8}")],
            [_digits(r"1[3-9]\d{2}"), _SEP, _digits(r"\d{3}"), _SEP, _G4],
        ],
        "landline": [
            [_digits(r"0\d{2,3}"), _SEP, _digits(r"\d{7,8}")],
            [{"ORTH": "("}, _digits(r"0\d{2,3}"), {"ORTH": ")"}, _SEP, _digits(r"\d{7,8}")],
            [_digits(r"0\d{10,11}")],
        ],
        "id_card": [
            [_digits(r"\d{17}[\dXx]|\d{15}")],
            [_digits(r"\d{6}"), _SEP, _digits(r"\d{8}"), _SEP, _digits(r"\d{3}[\dXx]")],
        ],
        "bank_card": [
            [_digits(r"\d{16,19}")],
            [_G4, _SEP, _G4, _SEP, _G4, _SEP, _digits(r"\d{4,7}")],
            [_G4, _SEP, _G4, _SEP, _G4, _SEP, _G4, _SEP, _digits(r"\d{1,3}")],
            [_digits(r"\d{6}"), _SEP, _digits(r"\d{10,13}")],
        ],
    }


_ADMIN = _re(lexicon.ADMIN, NOT_IN=sorted(lexicon.ADMIN_STOP))
_ROAD = _re(lexicon.ROAD, NOT_IN=sorted(lexicon.ROAD_STOP))
_PLACE = _re(lexicon.PLACE)
_NUMBER = _re(lexicon.HOUSE_NUMBER)
_UNIT = _re(lexicon.UNIT)
_BUILDING_UNIT = _re(lexicon.BUILDING_UNIT)


def _op(spec: dict[str, Any], op: str) -> dict[str, Any]:
    return {**spec, "OP": op}


def address_patterns() -> list[Pattern]:
    """Address cores: ``[divisions] [names] street|compound [names] number unit``.

    A street anchors any house number (张江路88号); a compound alone needs a
    building unit (3栋, 2单元) unless divisions come first, so 「售后中心3号」
    is not an address.
    """
    name = _re(lexicon.NAME, NOT_IN=sorted(lexicon.NAME_STOP))
    lead = _op(name, "{,3}")
    middle = [_op(name, "{,5}"), _NUMBER]
    return [
        [_op(_ADMIN, "*"), lead, _ROAD, *middle, _UNIT],
        [_op(_ADMIN, "*"), lead, _PLACE, *middle, _BUILDING_UNIT],
        [_op(_ADMIN, "+"), lead, _PLACE, *middle, _UNIT],
    ]
