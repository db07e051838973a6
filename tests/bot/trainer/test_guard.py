"""The regression guard: block a worse model unless the trainer says why."""

from __future__ import annotations

import pytest

from bot.trainer.evaluation import Metrics
from bot.trainer.guard import RegressionGuard, Verdict


def metrics(accuracy: float) -> Metrics:
    return Metrics(accuracy=accuracy, macro_f1=accuracy, n_test=500)


def test_a_drop_within_the_margin_is_allowed() -> None:
    verdict = RegressionGuard(margin=0.02).check(metrics(0.935), metrics(0.95))

    assert verdict.allowed and not verdict.overridden
    assert verdict.drop == pytest.approx(0.015)
    assert "1.5 个百分点" in verdict.reason


def test_a_drop_equal_to_the_margin_is_allowed_despite_float_noise() -> None:
    # 0.95 - 0.93 is 0.020000000000000018 in floating point.
    assert RegressionGuard(margin=0.02).check(metrics(0.93), metrics(0.95)).allowed


def test_a_drop_over_the_margin_is_blocked() -> None:
    verdict = RegressionGuard(margin=0.02).check(metrics(0.919), metrics(0.95))

    assert verdict == Verdict(
        allowed=False,
        drop=pytest.approx(0.031),
        margin=0.02,
        reason="准确率下降 3.1 个百分点，超过允许的 2.0 个百分点",
        overridden=False,
    )


def test_an_override_with_a_reason_is_allowed_and_flagged() -> None:
    verdict = RegressionGuard().check(
        metrics(0.90), metrics(0.95), override_reason=" 新增退货意图 "
    )

    assert verdict.allowed and verdict.overridden
    assert verdict.reason.startswith("准确率下降 5.0 个百分点")
    assert verdict.reason.endswith("理由：新增退货意图")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t", "好的", " ok "])
def test_a_blank_or_too_short_reason_is_still_blocked(reason: str) -> None:
    verdict = RegressionGuard().check(metrics(0.90), metrics(0.95), override_reason=reason)

    assert not verdict.allowed and not verdict.overridden
    assert "至少 4 个字的理由" in verdict.reason


def test_an_override_is_not_flagged_when_nothing_regressed() -> None:
    verdict = RegressionGuard().check(metrics(0.96), metrics(0.95), override_reason="以防万一")

    assert verdict.allowed and not verdict.overridden
    assert verdict.reason == "准确率提升 1.0 个百分点，允许上线"


def test_no_serving_model_is_allowed() -> None:
    verdict = RegressionGuard().check(metrics(0.5), None)

    assert verdict.allowed and verdict.drop == 0.0
    assert "没有正在服务的模型" in verdict.reason


def test_an_unchanged_accuracy_is_allowed() -> None:
    assert RegressionGuard().check(metrics(0.95), metrics(0.95)).reason == "准确率持平，允许上线"


def test_margin_is_configurable() -> None:
    assert not RegressionGuard(margin=0.0).check(metrics(0.949), metrics(0.95)).allowed
    assert RegressionGuard(margin=0.1).check(metrics(0.86), metrics(0.95)).allowed


@pytest.mark.parametrize("margin", [-0.01, 1.0, 2.0])
def test_a_margin_out_of_range_is_refused(margin: float) -> None:
    with pytest.raises(ValueError):
        RegressionGuard(margin=margin)


def test_verdict_to_dict() -> None:
    verdict = RegressionGuard().check(metrics(0.90), metrics(0.95))

    assert verdict.to_dict() == {
        "allowed": False,
        "drop": pytest.approx(0.05),
        "margin": 0.02,
        "reason": "准确率下降 5.0 个百分点，超过允许的 2.0 个百分点",
        "overridden": False,
    }
