"""Fold a shopper's message into the one form the safety lexicon is written in.

Full-width to half-width, traditional to simplified, lowercase; clause
punctuation becomes ``|``; spaces, emoji and other punctuation go, so that
``自 杀`` and ``自🔪杀`` read ``自杀``. Titles in 《》 are blanked, since a
book called 《活着》 says nothing about the shopper.
"""

from __future__ import annotations

import re

from actions.text import half_width, simplified

BLANK = "_"  # stands for masked text: matches no lexicon entry
CLAUSE = "|"

_TITLE = re.compile(r"《[^《》]{0,30}》")
_FULL_WIDTH = re.compile(r"[\u3000\uff01-\uff5e]")
_CLAUSE_MARKS = re.compile(r"[,，。.!！?？;；:：~～…、\n\r\t]+")
_NOT_KEPT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9_|]+")
_REPEATED_CLAUSE = re.compile(r"\|{2,}")


class Normaliser:
    """Turns raw text into the lexicon's form."""

    def __call__(self, text: str) -> str:
        """Normalise ``text`` (see the module docstring)."""
        if _FULL_WIDTH.search(text):
            text = half_width(text)
        text = simplified(text)
        folded = _TITLE.sub(BLANK, text).lower()
        marked = _NOT_KEPT.sub("", _CLAUSE_MARKS.sub(CLAUSE, folded))
        return merge_spelled_out(_REPEATED_CLAUSE.sub(CLAUSE, marked).strip(CLAUSE))


def merge_spelled_out(text: str) -> str:
    """Join characters typed one per clause: ``不|想|活|了`` → ``不想活了``."""
    if CLAUSE not in text:
        return text
    merged: list[str] = []
    spelled = False  # whether merged[-1] was built from single characters
    for part in text.split(CLAUSE):
        if len(part) == 1 and spelled:
            merged[-1] += part
        else:
            merged.append(part)
            spelled = len(part) == 1
    return CLAUSE.join(merged)
