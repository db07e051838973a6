"""Which tickets must be claimed within a deadline, and how long each may wait.

Two kinds of ticket cannot wait for their turn: an urgent one (someone's
safety is at risk) and a high-priority one the safety screen raised for fraud
under way (a shopper being talked into a transfer right now: minutes count).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

URGENT = "urgent"
FRAUD = "fraud"
#: The safety screen's flag on a ticket (``HelpDesk.flag``) and the category that makes it fraud.
SAFETY_FLAGGED = "safety_flagged"
FRAUD_CATEGORY = "fraud"
FRAUD_PRIORITY = "high"


@dataclass(frozen=True)
class ClaimDeadlines:
    """How long each kind of ticket may wait unclaimed; a kind without one has no deadline."""

    urgent: timedelta
    fraud: timedelta | None = None

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        """Kind → the latest start of a claim clock that is not yet past its deadline."""
        limits = {URGENT: self.urgent, FRAUD: self.fraud}
        return {kind: now - limit for kind, limit in limits.items() if limit is not None}

    def seconds(self, kind: str) -> float:
        """The deadline of ``kind`` in seconds (for the consoles' banners); 0 if it has none."""
        limit = self.urgent if kind == URGENT else self.fraud
        return limit.total_seconds() if limit is not None else 0.0


def is_fraud_flag(event: Mapping[str, Any]) -> bool:
    """Whether a ticket event is the safety screen flagging fraud under way."""
    data = event.get("data") or {}
    return event.get("kind") == SAFETY_FLAGGED and data.get("category") == FRAUD_CATEGORY
