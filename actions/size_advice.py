"""Which letter size fits a shopper who gives height and weight (「我175 140斤穿什么码」).

The chart is the common one of Chinese shops for tops and outerwear; where
height and weight point at different sizes, the larger fits. The shop edits
the chart here and the answer's wording in ``domain.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from actions.text import half_width

#: Size → (tallest cm, heaviest kg) it fits, smallest first.
CHART: tuple[tuple[str, int, int], ...] = (
    ("XS", 155, 47),
    ("S", 160, 54),
    ("M", 165, 60),
    ("L", 170, 67),
    ("XL", 175, 75),
    ("XXL", 180, 84),
    ("XXXL", 185, 95),
)
# 「175」, 「175cm」, 「1米75」, 「1.75米」: a height in the range people have.
_HEIGHT = re.compile(
    r"(?<![\d.])(1[4-9]\d)(?!\d|\s*(?:斤|kg|公斤|千克|块|元))(?:\s*(?:cm|厘米|公分))?"
    r"|1米([4-9]\d?)|1\.([4-9]\d?)\s*米?"
)
# 「140斤」, 「70kg」, 「70公斤」.
_WEIGHT = re.compile(r"(\d{2,3}(?:\.\d)?)\s*(斤|kg|公斤|千克)")


def size_chart() -> frozenset[str]:
    """The letter sizes the chart knows."""
    return frozenset(size for size, _, _ in CHART)


@dataclass(frozen=True)
class Body:
    """What the shopper said of themselves; either may be missing."""

    height_cm: int | None
    weight_kg: float | None

    def said(self) -> str:
        """「身高175cm、体重70kg」 as far as given."""
        parts = []
        if self.height_cm:
            parts.append(f"身高{self.height_cm}cm")
        if self.weight_kg:
            parts.append(f"体重{self.weight_kg:g}kg")
        return "、".join(parts)


def body_in(text: str) -> Body | None:
    """The height and weight ``text`` gives, or None if it gives neither."""
    normal = half_width(text).lower()
    weight_match = _WEIGHT.search(normal)
    weight = None
    if weight_match:
        value = float(weight_match.group(1))
        weight = value / 2 if weight_match.group(2) == "斤" else value
        normal = normal.replace(weight_match.group(0), " ")
    height = None
    height_match = _HEIGHT.search(normal)
    if height_match:
        whole, metre_and, decimal = height_match.groups()
        if whole:
            height = int(whole)
        else:
            cm = metre_and or decimal
            height = 100 + int(cm) * (10 if len(cm) == 1 else 1)
    if height is None and weight is None:
        return None
    return Body(height, weight)


def size_for(body: Body, sizes: Sequence[str]) -> str | None:
    """The smallest of the product's ``sizes`` that fits ``body``; None if it has no letter
    sizes (jeans by waist, 均码) or none fits."""
    offered = [(size, cm, kg) for size, cm, kg in CHART if size in sizes]
    for size, tallest, heaviest in offered:
        fits_height = body.height_cm is None or body.height_cm <= tallest
        fits_weight = body.weight_kg is None or body.weight_kg <= heaviest
        if fits_height and fits_weight:
            return size
    return None
