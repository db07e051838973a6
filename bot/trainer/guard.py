"""Refuse to deploy a retrained model that scores worse than the one serving.

The comparison is only fair on the same test split, so the worker scores the
serving model beside the candidate. Reasons are in Chinese: the trainer reads them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.trainer.evaluation import Metrics

MIN_OVERRIDE_CHARS = 4
# Accuracies are ratios of counts: ignore float noise when a drop equals the margin.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate model may replace the serving one, and why.

    Attributes:
        allowed: The candidate may be deployed.
        drop: Serving accuracy minus candidate accuracy (negative: an improvement).
        margin: The largest drop allowed without an override.
        reason: Why, in Chinese, for the trainer.
        overridden: The drop exceeded the margin and a trainer's reason let it through.
    """

    allowed: bool
    drop: float
    margin: float
    reason: str
    overridden: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The verdict as plain JSON-serialisable data."""
        return asdict(self)


class RegressionGuard:
    """Blocks a candidate whose accuracy falls more than ``margin`` below the serving model's.

    Args:
        margin: Allowed accuracy drop, as a fraction (0.02 is 2 percentage points).

    Raises:
        ValueError: ``margin`` is not in [0, 1).
    """

    def __init__(self, margin: float = 0.02) -> None:
        if not 0.0 <= margin < 1.0:
            raise ValueError(f"margin must be in [0, 1), got {margin!r}")
        self.margin = margin

    def check(
        self, candidate: Metrics, serving: Metrics | None, override_reason: str | None = None
    ) -> Verdict:
        """Judge ``candidate`` against ``serving`` (None: nothing serves yet).

        Args:
            candidate: The retrained model's metrics.
            serving: The serving model's metrics on the same test split, if any.
            override_reason: The trainer's reason to deploy despite a regression;
                it counts only with at least four characters besides whitespace.
        """
        if serving is None:
            return Verdict(True, 0.0, self.margin, "没有正在服务的模型可供比较，允许上线")
        drop = serving.accuracy - candidate.accuracy
        if drop - self.margin <= _EPSILON:
            return Verdict(True, drop, self.margin, self._within(drop))
        blocked = f"准确率下降 {_points(drop)} 个百分点，超过允许的 {_points(self.margin)} 个百分点"
        reason = (override_reason or "").strip()
        if len(reason) >= MIN_OVERRIDE_CHARS:
            overridden = f"{blocked}；训练师强制上线，理由：{reason}"
            return Verdict(True, drop, self.margin, overridden, overridden=True)
        if override_reason is not None:
            blocked += f"；强制上线需要填写至少 {MIN_OVERRIDE_CHARS} 个字的理由"
        return Verdict(False, drop, self.margin, blocked)

    def _within(self, drop: float) -> str:
        if drop < -_EPSILON:
            return f"准确率提升 {_points(-drop)} 个百分点，允许上线"
        if drop <= _EPSILON:
            return "准确率持平，允许上线"
        return (
            f"准确率下降 {_points(drop)} 个百分点，"
            f"在允许的 {_points(self.margin)} 个百分点以内，允许上线"
        )


def _points(fraction: float) -> str:
    return f"{fraction * 100:.1f}"
