"""The safety screen: decides whether a shopper's message needs a person now."""

from __future__ import annotations

import bisect
import re

from bot.safety import lexicon
from bot.safety.context import ContextJudge
from bot.safety.lexicon.terms import MASK_PATTERNS, MASKS, TERMS
from bot.safety.normalize import BLANK, Normaliser
from bot.safety.pinyin import PinyinFolder, load_readings
from bot.safety.rules import CategoryMatcher, ComplaintMatcher, Hit, compile_any
from bot.safety.verdict import HIGH, SAFE, URGENT, SafetyVerdict

# The end of a word followed by a space (and more words): where a head may stop.
_WORD_END = re.compile(r"\S(?=\s+\S)")
MAX_HEADS = 3  # heads screened again per message, at most
# Longer texts are screened whole only: each head costs a screening of its own
# length, and the gateway takes messages of up to 1,000 characters.
MAX_HEAD_TEXT = 2000


class SafetyScreen:
    """Screens each message against the safety lexicon (宁可信其有: believe first).

    Building one compiles the lexicon and loads the character tables (about
    half a second); screening a message then takes tens of microseconds.
    Build it once per process and share it.

    Example:
        >>> SafetyScreen().screen("快递员一直在我家门口不走，还说知道我住哪").category
        'violence'
    """

    def __init__(self) -> None:
        self._normalise = Normaliser()
        self._fold = PinyinFolder(_pinyin_words(), lexicon.HOMOPHONE_WORDS, load_readings())
        self._masks = compile_any(MASKS, MASK_PATTERNS, TERMS)
        # Danger to a person first, then fraud under way (both outrank a complaint).
        # The parts of a category (by topic) are judged together.
        self._categories: dict[str, list[CategoryMatcher]] = {}
        for part in (*lexicon.URGENT, lexicon.FRAUD):
            self._categories.setdefault(part.name, []).append(CategoryMatcher(part, TERMS))
        self._complaint = ComplaintMatcher(lexicon.COMPLAINT)
        self._context = ContextJudge()

    def prepare(self, text: str) -> str:
        """The text as the lexicon sees it: normalised, folded, safe idioms blanked."""
        return self._masks.sub(BLANK, self._fold(self._normalise(text)))

    def screen(self, text: str) -> SafetyVerdict:
        """Screen one message.

        Args:
            text: The shopper's message, as typed.

        Returns:
            The verdict of the first category (the urgent ones in lexicon
            order, then fraud at high) with a hit that its context does not
            cancel; else a high one for a complaint; else a verdict with
            level None. A space ends what the context may cancel: the
            shopper's next words (「…打我 这件有XL吗」) do not make a danger
            told before them a product question.
        """
        prepared = self.prepare(text)
        if not prepared:
            return SAFE
        over = self._context.over(prepared)
        verdict, doubted = self._judge(prepared, over)
        if doubted and not verdict.urgent and len(text) <= MAX_HEAD_TEXT:
            verdict = self._before_a_space(text, doubted, over) or verdict
        if verdict.level is not None:
            return verdict
        complaint = self._complaint.find(prepared)
        if complaint:
            return SafetyVerdict(HIGH, "complaint", complaint)
        return SAFE

    def _judge(self, prepared: str, over: bool) -> tuple[SafetyVerdict, list[Hit]]:
        """The first category with a hit its context leaves, and the urgent hits it cancelled."""
        doubted: list[Hit] = []
        for parts in self._categories.values():
            hits: list[Hit] = []
            topic = None
            for part in parts:
                found = part.find(prepared)
                kept = [h for h in found if not self._cancels(part, h, prepared, over)]
                if part.level == URGENT:
                    doubted += [h for h in found if h not in kept]
                if kept and not hits:
                    topic = part.topic
                hits += kept
            if hits:
                matched = tuple(dict.fromkeys(hit.phrase for hit in hits))
                return SafetyVerdict(parts[0].level, parts[0].name, matched, topic), doubted
        return SAFE, doubted

    def _cancels(self, part: CategoryMatcher, hit: Hit, prepared: str, over: bool) -> bool:
        return self._context.cancels(hit, prepared, part.cancelled_by, over)

    def _before_a_space(self, text: str, doubted: list[Hit], over: bool) -> SafetyVerdict | None:
        """An urgent verdict on the text up to the first space after a cancelled hit.

        Everything before the hit still counts (「如果 孩子误吞了电池」 stays a
        hypothetical, 「新闻说 有人被跟踪」 the news); only what follows the space
        is left out. ``over`` is the whole message's: 「…后来没事了」 at its end
        still closes what came before.
        """
        cuts = [m.end() for m in _WORD_END.finditer(text)]
        ends = sorted({hit.end for hit in doubted})[:MAX_HEADS]
        heads = dict.fromkeys(h for h in (self._head(text, cuts, end) for end in ends) if h)
        for head in heads:
            verdict, _ = self._judge(self.prepare(head), over)
            if verdict.urgent:
                return verdict
        return None

    def _head(self, text: str, cuts: list[int], end: int) -> str | None:
        """The text up to the first space after ``end`` (a position in the prepared text).

        The space is found by bisection (normalising never lengthens a text),
        so a long message costs a few screenings, not one per space. None if
        no space follows: the head would be the whole message.
        """
        low, high = bisect.bisect_left(cuts, end), len(cuts)
        while low < high:
            middle = (low + high) // 2
            if len(self.prepare(text[: cuts[middle]])) >= end:
                high = middle
            else:
                low = middle + 1
        return text[: cuts[low]] if low < len(cuts) else None


def _pinyin_words() -> list[str]:
    """Words to restore from Latin pinyin, in order of preference for a tie.

    The curated words first, then danger before safe idioms: ``zisha`` is
    自杀 rather than 紫砂 (宁可信其有), while ``zishahu`` is still 紫砂壶.
    """
    found = list(lexicon.PINYIN_WORDS)
    for category in (*lexicon.URGENT, lexicon.FRAUD):
        found += category.phrases
    for group in TERMS.values():
        found += group
    found += [w for w in lexicon.COMPLAINT.phrases if not w.isascii()]
    return found + list(MASKS)
