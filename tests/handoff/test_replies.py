"""Suggested replies come from the bot's own answers and its confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handoff.replies import agent_replies, suggest

ROOT = Path(__file__).resolve().parents[2]

DOMAIN = {
    "responses": {"utter_goodbye": [{"text": "再见"}], "utter_iamabot": [{"text": "我是机器人"}]}
}
RULES = {
    "rules": [
        {"rule": "goodbye", "steps": [{"intent": "goodbye"}, {"action": "utter_goodbye"}]},
        {
            "rule": "inside a form",
            "condition": [{"active_loop": "order_form"}],
            "steps": [{"intent": "bot_challenge"}, {"action": "utter_iamabot"}],
        },
    ]
}


def test_rule_answers_and_written_replies_are_combined() -> None:
    replies = agent_replies(DOMAIN, RULES)
    assert replies["goodbye"] == "再见"
    assert "我是机器人" not in replies.values()  # only unconditional one-step rules count
    assert "退款" in replies["refund_request"]


def test_suggestions_follow_the_ranking_and_skip_guesses() -> None:
    replies = {"greet": "您好", "refund_request": "我来帮您退款", "coupon": "看看优惠券"}
    parsed = {
        "intent_ranking": [
            {"name": "refund_request", "confidence": 0.7},
            {"name": "request_human", "confidence": 0.2},
            {"name": "greet", "confidence": 0.05},
        ]
    }
    assert suggest(parsed, replies) == [
        {"intent": "refund_request", "confidence": 0.7, "text": "我来帮您退款"}
    ]
    assert suggest({}, replies) == []


@pytest.mark.parametrize("intent", ["greet", "bot_challenge", "out_of_scope", "thanks", "goodbye"])
def test_no_suggestion_has_the_agent_speak_as_the_bot(intent: str) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((ROOT / "nlu_data" / "rules.yml").read_text(encoding="utf-8"))

    reply = agent_replies(domain, rules)[intent]

    assert not any(
        word in reply for word in ("机器人", "小蜜", "智能客服", "不是真人", "我还不太擅长")
    )
