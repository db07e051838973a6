"""Fold a shopper's message into the one form the safety lexicon is written in.

Full-width to half-width, traditional to simplified, lowercase; clause
punctuation becomes ``|``; spaces, emoji and other punctuation go, so that
``自 杀`` and ``自🔪杀`` read ``自杀``. Titles in 《》 are blanked, since a
book called 《活着》 says nothing about the shopper.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from actions.text import half_width

BLANK = "_"  # stands for masked text: matches no lexicon entry
CLAUSE = "|"

_TITLE = re.compile(r"《[^《》]{0,30}》")
_FULL_WIDTH = re.compile(r"[\u3000\uff01-\uff5e]")
_CLAUSE_MARKS = re.compile(r"[,，。.!！?？;；:：~～…、\n\r\t]+")
_NOT_KEPT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9_|]+")
_REPEATED_CLAUSE = re.compile(r"\|{2,}")


@lru_cache(maxsize=1)
def load_t2s_table() -> dict[int, str]:
    """Build a ``str.translate`` table from OpenCC's character dictionaries.

    Cached: the dictionaries are read once per process.

    Taiwan and Hong Kong variant forms fold to their standard traditional
    character first, then to simplified; characters that are already
    simplified are left alone.

    Returns:
        A map from traditional (or variant) code points to simplified text.
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
    # A variant that is also a simplified character stays (TW lists 么 → 幺).
    keep = set(pairs("STCharacters.txt")) | set(simplified.values())
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in pairs(name).items():
            if variant not in keep:
                table.setdefault(ord(variant), simplified.get(standard, standard))
    return table


class Normaliser:
    """Turns raw text into the lexicon's form.

    Args:
        t2s: A ``str.translate`` table from traditional to simplified.
    """

    def __init__(self, t2s: dict[int, str]) -> None:
        self._t2s = t2s
        # str.translate is slow on characters it lacks, so look before
        # translating. Only the BMP: a class with rarer characters is slow too,
        # and a message with no traditional character but those is rarer still.
        common = "".join(chr(c) for c in sorted(t2s) if c <= 0xFFFF)
        self._traditional = re.compile(f"[{re.escape(common)}]")

    def __call__(self, text: str) -> str:
        """Normalise ``text`` (see the module docstring)."""
        if _FULL_WIDTH.search(text):
            text = half_width(text)
        if self._traditional.search(text):
            text = text.translate(self._t2s)
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
