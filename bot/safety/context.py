"""Context that cancels a hit: a product question, a retold story, an event that is over.

Each check looks at the clause of the hit (text between ``|`` marks), or at
the whole message for :data:`RESOLVED`. Danger going on now (救命, 正在,
还在...) overrides the checks. A request to the shop in the clause (能不能把
地址改了, 能帮我吗) is no question about the danger: it cancels nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety.lexicon import terms as words
from bot.safety.lexicon.schema import FICTION, FRAME, MEDIA, QUESTION, RESOLVED
from bot.safety.normalize import BLANK, CLAUSE
from bot.safety.rules import Hit


def _any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class _Clause:
    text: str
    before: str  # the part of the clause (and the one before it) up to the hit
    after: str  # the few characters right after the hit, in the clause


class ContextJudge:
    """Decides whether the context of a hit cancels it."""

    def __init__(self) -> None:
        self._question = _any(words.QUESTION_FRAMES)
        self._request = _any(words.REQUESTS)
        self._hypothetical = _any(words.HYPOTHETICALS)
        self._realis = _any(words.REALIS)
        self._ongoing = _any(words.ONGOING)
        self._media = _any(words.MEDIA)
        self._characters = _any(words.CHARACTERS)
        self._resolved = _any(words.RESOLVED)

    def over(self, text: str) -> bool:
        """Whether the whole message says the event is over, with nothing going on now."""
        return bool(self._resolved.search(text)) and not self._ongoing.search(text)

    def cancels(self, hit: Hit, text: str, checks: tuple[str, ...], over: bool) -> bool:
        """Whether any of ``checks`` (FRAME, QUESTION, MEDIA...) cancels ``hit``.

        Args:
            hit: The hit to judge.
            text: The normalised message it was found in.
            checks: The checks its category allows.
            over: :meth:`over` of ``text``, computed once per message.
        """
        if not checks:
            return False
        clause = _clause(hit, text)
        if self._ongoing.search(clause.text):
            return False
        return (
            (FRAME in checks and self._framed(hit, clause))
            or (QUESTION in checks and self._asked(hit, clause))
            or (MEDIA in checks and self._retold(clause))
            or (FICTION in checks and self._fiction(clause))
            or (RESOLVED in checks and (over or clause.after.startswith("过")))
        )

    def _framed(self, hit: Hit, clause: _Clause) -> bool:
        """A hypothetical, or a product question about something that has not happened."""
        return bool(self._hypothetical.search(clause.text)) or self._asked(hit, clause)

    def _asked(self, hit: Hit, clause: _Clause) -> bool:
        """A question about something that has not happened (会不会着火).

        Requests to the shop are blanked first: 「我老公打我能不能把地址改了」 asks
        the shop for something, not whether he does.
        """
        happened = "了" in hit.phrase or "了" in clause.after or self._realis.search(clause.text)
        asked = self._question.search(self._request.sub(BLANK, clause.text))
        return bool(asked) and not happened

    def _retold(self, clause: _Clause) -> bool:
        """The news or a story is retold: 新闻说..., or ...的新闻."""
        if self._media.search(clause.before):
            return True
        return bool(self._media.match(clause.after.removeprefix("的")))

    def _fiction(self, clause: _Clause) -> bool:
        return bool(self._media.search(clause.before) and self._characters.search(clause.before))


def _clause(hit: Hit, text: str) -> _Clause:
    start = text.rfind(CLAUSE, 0, hit.start) + 1
    end = text.find(CLAUSE, hit.end)
    end = len(text) if end < 0 else end
    previous = text.rfind(CLAUSE, 0, max(start - 1, 0)) + 1 if start else 0
    after = text[hit.end : min(end, hit.end + 6)]
    return _Clause(text[start:end], text[previous : hit.start], after)
