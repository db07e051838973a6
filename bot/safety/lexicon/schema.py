"""The shape of the safety lexicon: plain data, compiled by :mod:`bot.safety.rules`."""

from __future__ import annotations

from dataclasses import dataclass

# Context checks that can cancel a hit (see bot/safety/context.py):
FRAME = "frame"  # a product question or a hypothetical in the same clause
QUESTION = "question"  # a product question only (a threat may be conditional)
MEDIA = "media"  # the news, a film or a book is being retold
FICTION = "fiction"  # a character in a film or a book, not the writer
RESOLVED = "resolved"  # a past event that is over ("后来没事了")


@dataclass(frozen=True)
class CategoryLexicon:
    """Phrases and patterns for one category.

    Everything is matched against normalised text: simplified, lowercase,
    no spaces or emoji, clauses separated by ``|``. Patterns may use
    ``{name}`` for a group of :data:`bot.safety.lexicon.terms.TERMS`.

    Attributes:
        name: The category ("violence", "self_harm", ... "complaint").
        level: "urgent" or "high".
        phrases: Literal phrases that signal the category by themselves.
        patterns: Regular expressions that signal it by themselves.
        pairs: ``(pattern, needed)``: the first signals the category only
            if the second also occurs somewhere in the message.
        cancelled_by: Context checks that cancel a hit (FRAME, MEDIA...).
        topic: What kind of danger of the category this part finds
            ("domestic", "stalking", "swallowed", "allergy"), so that the
            first reply fits it; None for the rest of the category. Parts of
            one category are listed together, the specific ones first.
    """

    name: str
    level: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    cancelled_by: tuple[str, ...] = ()
    topic: str | None = None


@dataclass(frozen=True)
class ComplaintLexicon:
    """Complaint signals: one complaint phrase, or ``min_insults`` insults.

    Attributes:
        phrases: Literal complaint phrases (投诉, 12315...).
        patterns: Complaint regular expressions (threats of a bad review...).
        insults: Regular expressions, one per insult.
        min_insults: How many insult hits make a complaint.
    """

    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    insults: tuple[str, ...]
    min_insults: int = 2
