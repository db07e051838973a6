"""Which responses the custom actions send, read from their source."""

from __future__ import annotations

from bot.trainer.validation import responses_sent_by_code


def test_responses_sent_by_code_reads_literals_prefixes_and_filled_templates() -> None:
    sources = [
        'dispatcher.utter_message(response="utter_coupons")\n'
        'dispatcher.utter_message(response=f"utter_order_status_{order.status}")\n',
        'KINDS = ("return", "exchange")\nCASES = ("eligible", "in_transit")\n'
        'dispatcher.utter_message(response=f"utter_{kind}_{case}")\n',
    ]
    names = ["utter_coupons", "utter_order_status_paid", "utter_return_eligible"]
    names += ["utter_exchange_in_transit", "utter_greet", "utter_return_gift", "utter_ask_phone"]
    domain = {"responses": {name: [{"text": "x"}] for name in names}, "slots": {"phone": {}}}

    assert responses_sent_by_code(sources, domain) == {
        "utter_coupons",
        "utter_order_status_paid",
        "utter_return_eligible",
        "utter_exchange_in_transit",
        "utter_ask_phone",
    }
