"""Compile the lexicon's data into matchers that find hits in normalised text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.safety.lexicon.schema import CategoryLexicon, ComplaintLexicon
from bot.safety.trie import trie_pattern

_TERM = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Hit:
    """One place where a category's phrase or pattern matched.

    Attributes:
        category: The category that matched.
        start: Where the hit starts in the normalised text.
        end: Where it ends.
        phrase: What matched (both parts, joined by "+", for a pair).
    """

    category: str
    start: int
    end: int
    phrase: str


def expand(pattern: str, terms: Mapping[str, tuple[str, ...]]) -> str:
    """Replace each ``{name}`` in ``pattern`` by the word group ``terms[name]``.

    Raises:
        KeyError: If ``pattern`` names a group that ``terms`` lacks.
    """
    return _TERM.sub(lambda m: trie_pattern(terms[m.group(1)]), pattern)


def compile_any(
    phrases: tuple[str, ...], patterns: tuple[str, ...], terms: Mapping[str, tuple[str, ...]]
) -> re.Pattern[str]:
    """One pattern for literal ``phrases`` (as a trie) and regex ``patterns``."""
    parts = [trie_pattern(phrases)] if phrases else []
    parts += [f"(?:{expand(p, terms)})" for p in patterns]
    return re.compile("|".join(parts) or "(?!)")


class CategoryMatcher:
    """Finds the hits of one category.

    Args:
        lexicon: The category's data.
        terms: Word groups its patterns refer to.
    """

    def __init__(self, lexicon: CategoryLexicon, terms: Mapping[str, tuple[str, ...]]) -> None:
        self.name = lexicon.name
        self.level = lexicon.level
        self.cancelled_by = lexicon.cancelled_by
        self.topic = lexicon.topic
        self._signal = compile_any(lexicon.phrases, lexicon.patterns, terms)
        self._pairs = [
            (re.compile(expand(first, terms)), re.compile(expand(needed, terms)))
            for first, needed in lexicon.pairs
        ]

    def find(self, text: str) -> list[Hit]:
        """Every hit in normalised ``text``."""
        hits = [Hit(self.name, m.start(), m.end(), m.group()) for m in self._signal.finditer(text)]
        for first, needed in self._pairs:
            other = needed.search(text)
            if other is None:
                continue
            for m in first.finditer(text):
                hits.append(Hit(self.name, m.start(), m.end(), f"{m.group()}+{other.group()}"))
        return hits


class ComplaintMatcher:
    """Finds complaint phrases, or enough insults to count as one.

    Args:
        lexicon: The complaint data.
    """

    def __init__(self, lexicon: ComplaintLexicon) -> None:
        self._signal = compile_any(lexicon.phrases, lexicon.patterns, {})
        self._insult = re.compile("|".join(f"(?:{p})" for p in lexicon.insults))
        self._min_insults = lexicon.min_insults

    def find(self, text: str) -> tuple[str, ...]:
        """The complaint phrases in ``text``, or () if it is no complaint."""
        found = [m.group() for m in self._signal.finditer(text)]
        insults = [m.group().strip("|") for m in self._insult.finditer(text)]
        if len(insults) >= self._min_insults:
            found += insults
        return tuple(dict.fromkeys(found))
