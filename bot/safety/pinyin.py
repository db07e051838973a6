"""Fold pinyin and homophone typos back to the lexicon's Chinese words.

Two kinds of input reach the screen in place of the characters:

- Latin pinyin, whole or mixed in: ``zisha``, ``bu xiang huo le``,
  ``不想活le``. A run of letters that splits entirely into pinyin syllables
  has the lexicon's words put back in (``buxianghuole`` → ``不想活了``).
- A homophone picked by the input method: ``冲电宝`` for ``充电宝``,
  ``自刹`` for ``自杀``. Only words listed for it are folded, and only when
  at least one character is right, so ``紫砂`` stays ``紫砂``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import islice, product

from bot.safety.trie import trie_pattern

_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_LATIN_RUN = re.compile(r"[a-z]{2,}")
_MAX_READINGS = 8  # pinyin spellings kept per word (one per combination of readings)
_MAX_PINYIN_RUN = 240  # longer runs of letters are English prose or data, not typed pinyin
_SEP = "'"  # ends each syllable in a transliteration


@lru_cache(maxsize=1)
def load_readings() -> Mapping[str, tuple[str, ...]]:
    """Toneless pinyin readings of each CJK character, from pypinyin's data.

    Cached: the table is read once per process.
    """
    from pypinyin.pinyin_dict import pinyin_dict  # a large module: load on first use

    readings: dict[str, tuple[str, ...]] = {}
    for code, joined in pinyin_dict.items():
        if 0x3400 <= code <= 0x9FFF:
            toneless = (_strip_tones(r) for r in joined.split(","))
            readings[chr(code)] = tuple(dict.fromkeys(toneless))
    return readings


def _strip_tones(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class PinyinFolder:
    """Puts lexicon words back where they were typed in pinyin or with a homophone.

    Args:
        words: Words to restore from Latin pinyin; earlier ones win a tie.
        homophone_words: Words to restore from homophone characters.
        readings: Toneless readings per character (see :func:`load_readings`).
    """

    def __init__(
        self,
        words: Iterable[str],
        homophone_words: Iterable[str],
        readings: Mapping[str, tuple[str, ...]],
    ) -> None:
        self._syllables = frozenset(r for rs in readings.values() for r in rs)
        self._longest = max(map(len, self._syllables), default=0)
        self._latin = _spellings(words, readings, first_only_for_single=True)
        self._latin_re = _keys_pattern(self._latin)
        self._sounds = _spellings(homophone_words, readings, first_only_for_single=False)
        self._sounds_re = _keys_pattern(self._sounds)
        # Every character becomes one token ending in _SEP: CJK its first
        # reading, anything else itself.
        self._transliterate = {ord(c): c + _SEP for c in "abcdefghijklmnopqrstuvwxyz0123456789_|"}
        self._transliterate.update({ord(c): rs[0] + _SEP for c, rs in readings.items()})

    def __call__(self, text: str) -> str:
        """Fold pinyin runs, then homophones, in normalised ``text``."""
        if self._latin_re is not None and _LATIN_RUN.search(text):
            text = _LATIN_RUN.sub(self._fold_run, text)
        if self._sounds_re is not None:
            text = self._fold_homophones(text)
        return text

    def _fold_run(self, match: re.Match[str]) -> str:
        run = match.group(0)
        syllables = self._split(run) if len(run) <= _MAX_PINYIN_RUN else None
        if syllables is None or self._latin_re is None:
            return run  # English or an order code, not pinyin
        spelled = _SEP + _SEP.join(syllables) + _SEP
        folded = self._latin_re.sub(lambda m: self._latin[m.group(1)], spelled)
        return folded.replace(_SEP, "")

    def _split(self, run: str) -> list[str] | None:
        """Split ``run`` into the fewest pinyin syllables, or None if it is not pinyin."""
        best: list[list[str] | None] = [[]] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self._longest), end):
                before = best[start]
                if before is not None and run[start:end] in self._syllables:
                    if best[end] is None or len(before) + 1 < len(best[end] or ()):
                        best[end] = before + [run[start:end]]
        return best[-1]

    def _fold_homophones(self, text: str) -> str:
        if self._sounds_re is None:
            return text
        spelled = _SEP + text.translate(self._transliterate)
        pieces: list[str] = []
        done = 0
        for m in self._sounds_re.finditer(spelled):
            start = spelled.count(_SEP, 1, m.start() + 1)
            word = self._sounds[m.group(1)]
            typed = text[start : start + len(word)]
            if typed != word and any(a == b for a, b in zip(typed, word)) and start >= done:
                pieces += [text[done:start], word]
                done = start + len(word)
        return "".join(pieces) + text[done:] if pieces else text


def _spellings(
    words: Iterable[str], readings: Mapping[str, tuple[str, ...]], first_only_for_single: bool
) -> dict[str, str]:
    """Map each pinyin spelling (syllables joined by ``'``) of each word to the word."""
    by_key: dict[str, str] = {}
    for word in words:
        if not _CJK.match(word) or any(c not in readings for c in word):
            continue
        if len(word) == 1 and first_only_for_single:
            options: Iterable[tuple[str, ...]] = [(readings[word][0],)]
        else:
            options = islice(product(*(readings[c] for c in word)), _MAX_READINGS)
        for option in options:
            by_key.setdefault(_SEP.join(option), word)
    return by_key


def _keys_pattern(by_key: Mapping[str, str]) -> re.Pattern[str] | None:
    """Match any key between separators; group 1 is the key, longest first."""
    if not by_key:
        return None
    return re.compile(f"{_SEP}({trie_pattern(by_key)})(?={_SEP})")
