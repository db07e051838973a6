"""Turn matched address cores into full address hits.

The Matcher finds a core ending at the house number (张江路88号). This
module trims chatter before the first division, extends the core over the
compound, building and room (华星时代广场A座1203室) and decides what stays
visible: the divisions (上海市浦东新区) down to the district.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.privacy import lexicon
from bot.privacy.spans import Hit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MASK = "****"
_MAX_EXTRA_TOKENS = 12
_ADMIN = re.compile(lexicon.ADMIN)
_NAME = re.compile(lexicon.NAME)
_PLACE = re.compile(lexicon.PLACE)
_NUMBER = re.compile(lexicon.HOUSE_NUMBER)
_UNIT = re.compile(lexicon.UNIT)
_LATIN_UNIT = re.compile(lexicon.LATIN_UNIT)
_LATIN_NAME = re.compile(lexicon.LATIN_NAME)
_LATIN_BLOCK = re.compile(lexicon.LATIN_BLOCK)
_SECTION = re.compile(lexicon.SECTION)


def is_admin(text: str) -> bool:
    """Whether a token names a province, city, district or county."""
    return _ADMIN.match(text) is not None and text not in lexicon.ADMIN_STOP


def _is_name(text: str) -> bool:
    return (
        _NAME.match(text) is not None or _LATIN_NAME.match(text) is not None
    ) and text not in lexicon.NAME_STOP


def _is_unit(text: str) -> bool:
    return _UNIT.match(text) is not None or _LATIN_UNIT.match(text) is not None


def _ends_address(token: str, prev: str, before_prev: str) -> bool:
    """Whether ``token`` can be the last of an address, given the two before it."""
    if _NUMBER.match(token):
        # A room after a unit (号楼1801) or after a dash (2-301).
        if _is_unit(prev) or _SECTION.match(prev):
            return True
        return prev == "-" and _NUMBER.match(before_prev) is not None
    if _UNIT.match(token) or _SECTION.match(token):
        return _NUMBER.match(prev) is not None or _LATIN_BLOCK.match(prev) is not None
    return _LATIN_UNIT.match(token) is not None or _PLACE.match(token) is not None


def _may_continue(token: str, prev: str) -> bool:
    """Whether an address can run on over ``token``."""
    if is_admin(token):
        return False  # a new division starts the next address
    if _NUMBER.match(token) or _is_unit(token) or _SECTION.match(token) or _is_name(token):
        return True
    return token == "-" and _NUMBER.match(prev) is not None


def extend(doc: Doc, end: int) -> int:
    """Extend a core ending at token ``end`` over the compound, building and room.

    Walks right over names, numbers and units without crossing whitespace or
    punctuation, and stops at the last token that can end an address: a unit
    after a number (3栋, A座), a room number after a unit (号楼1801, 2-301)
    or a compound name (腾讯大厦).

    Returns:
        The token index just past the address.
    """
    best = end
    for i in range(end, min(len(doc), end + _MAX_EXTRA_TOKENS)):
        prev = doc[i - 1]
        token = doc[i].text
        if prev.whitespace_ or not _may_continue(token, prev.text):
            break
        if _ends_address(token, prev.text, doc[i - 2].text):
            best = i + 1
    return best


def _first_admin(doc: Doc, start: int, end: int) -> int:
    """Skip name tokens before the first division (发往|上海市…)."""
    for i in range(start, end):
        token: Token = doc[i]
        if is_admin(token.text):
            return i
        if _NUMBER.match(token.text):
            break
    return start


def address_hit(doc: Doc, text: str, start: int, end: int) -> Hit:
    """Build the hit for a matched core ``doc[start:end]`` of ``text``.

    The leading divisions stay visible and the rest becomes ``****``.
    """
    start = _first_admin(doc, start, end)
    end = extend(doc, end)
    keep = start
    while keep < end and is_admin(doc[keep].text):
        keep += 1
    first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    kept = text[first : doc[keep].idx]
    return Hit("address", first, last, kept + MASK)
