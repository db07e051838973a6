"""Response texts are read from the domain the same way by the bot and the trainer's workbench."""

from __future__ import annotations

from actions.responses import button_answer, response_text, suggestion_response


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


def test_a_reply_answers_through_the_button_it_sent_or_whose_title_it_typed() -> None:
    domain = {
        "responses": {
            "utter_ask_cancel_confirmed": [
                {
                    "text": "确认吗？",
                    "buttons": [
                        {"title": "确认取消", "payload": "/affirm"},
                        {"title": "先不取消", "payload": "/deny"},
                        {"title": "坏的"},
                    ],
                },
                {"text": "真的吗？", "buttons": [{"title": "是", "payload": "/affirm"}]},
            ],
            "utter_plain": [{"text": "好的"}],
        }
    }

    assert button_answer(domain, "utter_ask_cancel_confirmed", "确认取消") == "/affirm"
    assert button_answer(domain, "utter_ask_cancel_confirmed", " /deny ") == "/deny"
    assert button_answer(domain, "utter_ask_cancel_confirmed", "是") is None  # second variation
    assert button_answer(domain, "utter_ask_cancel_confirmed", "") is None
    assert button_answer(domain, "utter_plain", "好的") is None
    assert button_answer(domain, "utter_absent", "确认取消") is None
