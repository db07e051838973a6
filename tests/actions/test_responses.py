"""Response texts are read from the domain the same way by the bot and the trainer's workbench."""

from __future__ import annotations

from actions.responses import button_payloads, response_text, suggestion_response


def test_the_first_variation_is_the_text() -> None:
    domain = {"responses": {"utter_suggest_invoice": [{"text": "开发票"}, {"text": "发票"}]}}

    assert response_text(domain, suggestion_response("invoice")) == "开发票"


def test_missing_empty_or_malformed_responses_have_no_text() -> None:
    domain = {
        "responses": {
            "utter_empty": [{"text": ""}],
            "utter_image": [{"image": "https://example.com/a.png"}],
            "utter_odd": {"text": "not a list"},
            "utter_none": None,
        }
    }

    for name in ("utter_empty", "utter_image", "utter_odd", "utter_none", "utter_absent"):
        assert response_text(domain, name) is None
    assert response_text({}, "utter_absent") is None


def test_button_payloads_are_read_from_the_first_variation() -> None:
    domain = {
        "responses": {
            "utter_ask_refund_reason": [
                {"text": "原因？", "buttons": [{"title": "不想要了", "payload": "不想要了"}, {}]},
                {"text": "为什么？", "buttons": [{"title": "x", "payload": "y"}]},
            ],
            "utter_plain": [{"text": "好的"}],
        }
    }

    assert button_payloads(domain, "utter_ask_refund_reason") == ["不想要了"]
    assert button_payloads(domain, "utter_plain") == []
    assert button_payloads(domain, "utter_absent") == []
