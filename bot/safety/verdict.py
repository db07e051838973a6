"""What the safety screen decides about one message."""

from __future__ import annotations

from dataclasses import dataclass

URGENT = "urgent"
HIGH = "high"


@dataclass(frozen=True)
class SafetyVerdict:
    """The screen's verdict on one message.

    Attributes:
        level: "urgent" (someone may be in danger), "high" (fraud under way,
            or a complaint) or None.
        category: "violence", "self_harm", "fire", "medical",
            "missing_person", "fraud", "complaint" or None.
        matched: The normalised phrases that matched, for the agent and the audit.
        topic: The kind of danger within the category, where the lexicon
            tells it ("domestic" or "stalking" violence, "swallowed" or
            "allergy" for medical), so that the first reply fits; else None.
    """

    level: str | None = None
    category: str | None = None
    matched: tuple[str, ...] = ()
    topic: str | None = None

    @property
    def urgent(self) -> bool:
        """Whether the message needs a person at once."""
        return self.level == URGENT


SAFE = SafetyVerdict()
