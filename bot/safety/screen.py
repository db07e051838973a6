"""The safety screen: decides whether a shopper's message needs a person now."""

from __future__ import annotations

from bot.safety import lexicon
from bot.safety.context import ContextJudge
from bot.safety.lexicon.terms import MASK_PATTERNS, MASKS, TERMS
from bot.safety.normalize import BLANK, Normaliser
from bot.safety.pinyin import PinyinFolder, load_readings
from bot.safety.rules import CategoryMatcher, ComplaintMatcher, compile_any
from bot.safety.verdict import HIGH, SAFE, SafetyVerdict


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
        categories = (*lexicon.URGENT, lexicon.FRAUD)
        self._categories = [CategoryMatcher(c, TERMS) for c in categories]
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
            level None.
        """
        prepared = self.prepare(text)
        if not prepared:
            return SAFE
        over = self._context.over(prepared)
        for matcher in self._categories:
            hits = [
                hit
                for hit in matcher.find(prepared)
                if not self._context.cancels(hit, prepared, matcher.cancelled_by, over)
            ]
            if hits:
                matched = tuple(dict.fromkeys(hit.phrase for hit in hits))
                return SafetyVerdict(matcher.level, matcher.name, matched)
        complaint = self._complaint.find(prepared)
        if complaint:
            return SafetyVerdict(HIGH, "complaint", complaint)
        return SAFE


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
