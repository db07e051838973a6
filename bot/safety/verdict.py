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
    """

    level: str | None = None
    category: str | None = None
    matched: tuple[str, ...] = ()

    @property
    def urgent(self) -> bool:
        """Whether the message needs a person at once."""
        return self.level == URGENT


SAFE = SafetyVerdict()
