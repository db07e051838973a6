"""Suggested replies come from the bot's own answers and its confidence."""

from __future__ import annotations

from handoff.replies import agent_replies, suggest

DOMAIN = {
    "responses": {"utter_greet": [{"text": "您好"}], "utter_iamabot": [{"text": "我是机器人"}]}
}
RULES = {
    "rules": [
        {"rule": "greet", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]},
        {
            "rule": "inside a form",
            "condition": [{"active_loop": "order_form"}],
            "steps": [{"intent": "bot_challenge"}, {"action": "utter_iamabot"}],
        },
    ]
}


def test_rule_answers_and_written_replies_are_combined() -> None:
    replies = agent_replies(DOMAIN, RULES)
    assert replies["greet"] == "您好"
    assert "bot_challenge" not in replies  # only unconditional one-step rules count
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
