"""The safety screen's test messages (urgent.yml, negatives.yml, fraud.yml), split by part."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SPLITS = ("tune", "held_out")


@dataclass(frozen=True)
class Case:
    """One labelled message.

    Attributes:
        text: The message.
        split: "tune" (the lexicon was tuned on it) or "held_out".
        category: The category: urgent.yml's urgent one, or fraud.yml's
            "fraud" or "complaint" where its level is "high".
        level: The expected level: "urgent", "high" or None.
        topic: The expected topic within the category (urgent.yml), where
            the case names one: the part whose first reply fits.
    """

    text: str
    split: str
    category: str | None
    level: str | None
    topic: str | None = None


def load(name: str) -> list[Case]:
    """The cases of ``urgent``, ``negatives`` or ``fraud``, tune part first."""
    data = yaml.safe_load((HERE / f"{name}.yml").read_text(encoding="utf-8"))
    cases = []
    for split in SPLITS:
        for item in data[split]:
            level = "urgent" if name == "urgent" else item.get("level")
            cases.append(Case(item["text"], split, item.get("category"), level, item.get("topic")))
    return cases
