"""The domain, the rules and the actions agree with each other."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from actions.after_sales import after_sales_case  # noqa: F401  (cases listed below)
from actions.shop.format import REFUND_STATUS_LABELS, STATUS_LABELS, TIER_LABELS

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = (
    "greet goodbye thanks affirm deny bot_challenge order_status logistics_track urge_delivery "
    "change_address cancel_order refund_request refund_progress return_goods exchange_goods "
    "invoice coupon payment_issue price_protect product_consult membership account_security "
    "complaint request_human emergency out_of_scope"
).split()
AFTER_SALES_CASES = ("eligible", "in_transit", "not_shipped", "cancelled", "expired", "refunded")


def _domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def _action_sources() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))


def _responses_named_by_actions() -> set[str]:
    source = _action_sources()
    named = set(re.findall(r'"(utter_[a-z_]+)"', source))
    named.discard("utter_action")  # Rasa's metadata key naming a bot message's response
    named |= {f"utter_order_status_{s}" for s in STATUS_LABELS}
    named |= {f"utter_refund_progress_{s}" for s in REFUND_STATUS_LABELS}
    named |= {f"utter_membership_benefits_{t}" for t in TIER_LABELS}
    named |= {f"utter_{k}_{c}" for k in ("return", "exchange") for c in AFTER_SALES_CASES}
    # actions/fallback.py reads the 「您是不是想问」 titles: utter_suggest_<intent>.
    named |= {name for name in _domain()["responses"] if name.startswith("utter_suggest_")}
    return named


def _utterances_with_arguments() -> list[tuple[str, str, set[str]]]:
    """Each ``utter_message(response="utter_…", …)`` in the actions: where, response, arguments."""
    calls = []
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message"
            ):
                continue
            if any(k.arg is None for k in node.keywords):
                continue  # **fields: the arguments are not known here
            arguments = {k.arg: k.value for k in node.keywords}
            response = arguments.pop("response", None)
            if isinstance(response, ast.Constant) and isinstance(response.value, str):
                calls.append((f"{path.name}:{node.lineno}", response.value, set(arguments)))
    return calls


def test_intent_catalogue_is_complete() -> None:
    assert set(CATALOGUE) <= set(_domain()["intents"])


def test_every_response_an_action_sends_exists() -> None:
    missing = _responses_named_by_actions() - set(_domain()["responses"])
    assert missing == set()


def test_every_placeholder_of_a_response_is_filled_by_the_action_that_sends_it() -> None:
    # Rasa fills {name} from the call's arguments or the slots; one it cannot
    # fill leaves the whole text unfilled (「订单 {order_id} 当前是「{status}」…」).
    domain = _domain()
    calls = _utterances_with_arguments()
    assert len(calls) > 40  # the walk found the actions' calls
    unfilled = []
    for where, name, given in calls:
        for variation in domain["responses"].get(name, []):
            needed = set(re.findall(r"{(\w+)}", variation.get("text", "")))
            if needed - given - set(domain["slots"]):
                unfilled.append((where, name, sorted(needed - given - set(domain["slots"]))))
    assert unfilled == []


def test_every_response_is_used_by_a_rule_or_an_action() -> None:
    rules = (ROOT / "nlu_data" / "rules.yml").read_text()
    used_in_rules = set(re.findall(r"utter_[a-z_]+", rules))
    form_asks = {f"utter_ask_{slot}" for slot in _domain()["slots"]}
    unused = set(_domain()["responses"]) - used_in_rules - _responses_named_by_actions() - form_asks
    assert unused == set()


def test_every_did_you_mean_title_names_an_intent_the_bot_answers() -> None:
    responses = _domain()["responses"]
    titled = {r.removeprefix("utter_suggest_") for r in responses if r.startswith("utter_suggest_")}
    chit_chat = {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "out_of_scope"}
    assert titled and titled <= set(_domain()["intents"]) - chit_chat - {"request_human"}


def test_every_custom_action_is_declared() -> None:
    names = set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', _action_sources()))
    assert names == set(_domain()["actions"])


def test_texts_with_a_member_tier_read_naturally_for_every_tier() -> None:
    texts = [
        variant["text"]
        for variants in _domain()["responses"].values()
        for variant in variants
        if "{tier}" in variant.get("text", "")
    ]
    assert texts
    for label in TIER_LABELS.values():
        for text in texts:
            assert "会员会员" not in text.replace("{tier}", label), text
