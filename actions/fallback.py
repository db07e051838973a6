"""When the bot does not understand: offer its best guesses once, then bring in a person."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import request_agent

FALLBACK_INTENT = "nlu_fallback"
# 「您是不是想问」 buttons: the intents worth offering when the model is unsure,
# with the words the shopper sees. Chit-chat and out_of_scope are not offered.
SUGGESTIONS = {
    "order_status": "查订单状态",
    "logistics_track": "查物流",
    "urge_delivery": "催发货、催派送",
    "change_address": "改收货地址",
    "cancel_order": "取消订单",
    "refund_request": "申请退款",
    "refund_progress": "查退款进度",
    "return_goods": "退货、退货运费",
    "exchange_goods": "换货",
    "invoice": "开发票",
    "price_protect": "价格保护、退差价",
    "coupon": "优惠券、优惠活动",
    "payment_issue": "付款问题、付款方式",
    "product_consult": "商品咨询（规格、包邮、保修）",
    "membership": "会员和积分",
    "account_security": "账号安全",
    "complaint": "投诉",
    "emergency": "遇到危险，需要帮助",
}
# Below this the guess is noise; the ranking's confidences are calibrated probabilities.
MIN_SUGGESTION_CONFIDENCE = 0.15
MAX_SUGGESTIONS = 3
NONE_OF_THEM = {"title": "都不是，转人工", "payload": "/request_human"}


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest shopper messages in a row the bot did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def suggestions(tracker: Tracker) -> list[dict[str, str]]:
    """Buttons for the intents the model thought likely for the latest message, best first."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    likely = [
        entry["name"]
        for entry in ranking
        if entry.get("name") in SUGGESTIONS
        and (entry.get("confidence") or 0.0) >= MIN_SUGGESTION_CONFIDENCE
    ][:MAX_SUGGESTIONS]
    return [{"title": SUGGESTIONS[name], "payload": f"/{name}"} for name in likely]


def fallback_limit(environ: Mapping[str, str] = os.environ) -> int:
    """Fallbacks in a row before handing off (``KEFU_FALLBACKS_BEFORE_HANDOFF``, default 2)."""
    raw = environ.get("KEFU_FALLBACKS_BEFORE_HANDOFF", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 2


class ActionHandleFallback(Action):
    """Offers likely intents or asks to rephrase; after ``fallback_limit()`` misses, hands off."""

    def __init__(self, limit: int | None = None) -> None:
        self._limit = limit

    def name(self) -> str:
        """Action name in the domain."""
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """utter_did_you_mean or utter_default, or a handoff with reason bot_not_understanding."""
        limit = self._limit or fallback_limit()
        if fallbacks_in_a_row(tracker) >= limit:
            return request_agent(dispatcher, tracker, FALLBACK_INTENT)
        buttons = suggestions(tracker)
        if buttons:
            buttons.append(NONE_OF_THEM)
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        return []
