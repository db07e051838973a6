"""Which refund 「取消退款」 withdraws, confirmed before any is withdrawn.

A refund under review can be withdrawn. The shopper is shown what it is and
confirms; when the order has several under review (the T-shirt, then one pack
of nappies) each is a button, with 「全部撤销」, and typed words pick one by its
goods (「T恤那个」). The ``withdraw_confirmed`` slot holds the refund's id (as
text, like the button's payload), :data:`ALL`, or False for 「不撤销了」.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, latest_intent, latest_text, shopper_id_of
from actions.order_choice import position_in
from actions.order_offer import IN_PROGRESS_REFUNDS
from actions.refund_goods import request_texts
from actions.refunds import goods_note, refund_line
from actions.shop.errors import NoActiveRefund, RefundNotWithdrawable
from actions.shop.format import REFUND_STATUS_LABELS, local_time, yuan
from actions.shop.service import ShopService
from actions.shop.views import RefundView

SLOT = "withdraw_confirmed"
ALL = "all"
#: The one state a refund can be withdrawn in: once approved the money is on its way.
WITHDRAWABLE = "pending_review"
_ALL_WORDS = re.compile("(?<!不)(?:全部|都|所有|全撤)")
# 「T恤那个不撤了」 keeps it: the goods named are not a choice to withdraw.
_KEEP_WORDS = re.compile("不撤|别撤|不要撤|不用撤|先不")
_KEEP = {"title": "不撤销了", "payload": "/deny"}
# 「好的」, 「撤销吧」 (a withdrawal), 「取消吧」 (read as cancelling the order): yes.
_YES = frozenset({"affirm", "cancel_refund", "cancel_order"})


def withdrawable(refunds: Iterable[RefundView]) -> list[RefundView]:
    """The refunds among ``refunds`` that can still be withdrawn, in their order."""
    return [refund for refund in refunds if refund.status == WITHDRAWABLE]


def choice_payload(choice: int | str) -> str:
    """The payload of the button that withdraws refund ``choice`` (or :data:`ALL`)."""
    return "/affirm" + json.dumps({"refund_id": str(choice)})


def withdraw_line(position: int, refund: RefundView) -> str:
    """「1. 婴儿配方奶粉3段 ×1 ¥328.00（买多了，12月6日 08:27 申请）」: refunds of the same
    goods told apart by their reason and time."""
    what = f"{refund.goods or '整单'} {yuan(refund.amount_fen)}"
    return f"{position}. {what}（{refund.reason}，{local_time(refund.created_at)} 申请）"


def withdraw_buttons(refunds: Sequence[RefundView]) -> list[dict[str, str]]:
    """「确认撤销」 for one refund; one button each for several, and 「全部撤销」."""
    if len(refunds) == 1:
        return [{"title": "确认撤销", "payload": choice_payload(refunds[0].id)}, _KEEP]
    buttons = [
        {"title": f"撤销：{refund.goods or '整单'}，{refund.reason} {yuan(refund.amount_fen)}",
         "payload": choice_payload(refund.id)}
        for refund in refunds
    ]  # fmt: skip
    return [*buttons, {"title": "全部撤销", "payload": choice_payload(ALL)}, _KEEP]


async def named_refunds(
    shop: ShopService, refunds: Sequence[RefundView], text: str
) -> list[RefundView]:
    """The refunds of the goods ``text`` names (「T恤那个」); none when it names none."""
    named = {product.id for product in await shop.match_products(text, limit=5)}
    return [r for r in refunds if any(pid in named for pid, _ in r.counts)]


async def chosen_withdrawal(
    shop: ShopService, tracker: Tracker, refunds: Sequence[RefundView]
) -> str | bool | None:
    """What the latest message answers to the withdrawal question: a refund's id, ALL,
    False to keep them, or None when it does not say (asked again)."""
    picked = next(tracker.get_latest_entity_values("refund_id"), None)
    text = latest_text(tracker)
    shown = shown_choices(tracker)
    typed = next((payload for title, payload in shown if title == text.strip()), None)
    if picked is None and typed is not None:
        picked = _refund_id(typed) if "{" in typed else None
        if typed == "/deny":
            return False
    ids = {str(refund.id) for refund in refunds}
    if picked is not None:
        return str(picked) if str(picked) in ids or (picked == ALL and refunds) else None
    # The refunds' own buttons, numbered as the question lists them (not 「全部撤销」).
    offered = [p for _, p in shown if '"refund_id"' in p and p != choice_payload(ALL)]
    if _KEEP_WORDS.search(text):
        return False
    if not text.startswith("/"):
        named = await named_refunds(shop, refunds, text)
        if len(named) != 1:
            # 「买多了那笔」: by its reason; 「第二个」: by its place among the buttons.
            named = [r for r in refunds if r.reason and r.reason in text]
        position = position_in(text)
        if len(named) != 1 and position is not None and position <= len(offered):
            return _refund_id(offered[position - 1])
        if len(named) == 1:
            return str(named[0].id)
        if len(refunds) > 1 and _ALL_WORDS.search(text) and latest_intent(tracker) != "deny":
            return ALL
    intent = latest_intent(tracker)
    if intent == "deny":
        return False
    if intent in _YES and len(offered) == 1:
        # 「确认」 or 「撤销吧」 typed to one refund's question confirms that one.
        return _refund_id(offered[0])
    return None


def _refund_id(payload: str) -> str:
    return str(json.loads(payload[len("/affirm") :])["refund_id"])


def shown_choices(tracker: Tracker) -> list[tuple[str, str]]:
    """The (title, payload) of the buttons of the bot's latest message that had any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            continue
        buttons = (event.get("data") or {}).get("buttons") if event.get("event") == "bot" else None
        if buttons:
            return [(str(b.get("title") or ""), str(b.get("payload") or "")) for b in buttons]
    return []


class ActionAskWithdrawConfirmed(UsesShop, Action):
    """Shows the refund (or the refunds) under review before one is withdrawn."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_withdraw_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """「确认撤销…吗？」 for one refund, 「要撤销哪一笔？」 for several."""
        order_id = tracker.get_slot("order_id")
        refunds = withdrawable(
            await self.shop.refunds(shopper_id=shopper_id_of(tracker), order_id=order_id)
        )
        # 「取消T恤的退款」: the request named the goods of one of them.
        named = await named_refunds(self.shop, refunds, " ".join(request_texts(tracker)))
        if len(named) == 1:
            refunds = named
        if len(refunds) == 1:
            [refund] = refunds
            dispatcher.utter_message(
                response="utter_ask_withdraw_confirmed",
                order_id=order_id,
                goods=goods_note(refund),
                amount=yuan(refund.amount_fen),
                buttons=withdraw_buttons(refunds),
            )
        else:
            dispatcher.utter_message(
                response="utter_ask_withdraw_which",
                order_id=order_id,
                count=len(refunds),
                refunds="\n".join(withdraw_line(i, r) for i, r in enumerate(refunds, 1)),
                buttons=withdraw_buttons(refunds),
            )
        return []


async def cancel_refund(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「取消退款」: withdraw the refund (or all the refunds) the shopper confirmed while under
    review; with none to confirm, say why (none in progress, or too late)."""
    order_id = tracker.get_slot("order_id")
    choice = tracker.get_slot(SLOT)
    if choice is False:
        dispatcher.utter_message(response="utter_refund_withdraw_kept", order_id=order_id)
        return []
    if choice == ALL:
        chosen = [r.id for r in withdrawable(await shop.refunds(shopper_id, order_id))]
    else:
        chosen = [None if choice is None else int(choice)]
    for refund_id in chosen:
        if not await _withdraw(shop, shopper_id, order_id, refund_id, dispatcher):
            return []
    # The others of the order go on, and the shopper is told.
    others = [
        refund_line(other)
        for other in await shop.refunds(shopper_id=shopper_id, order_id=order_id)
        if other.status in IN_PROGRESS_REFUNDS
    ]
    if others:
        dispatcher.utter_message(response="utter_refund_others_go_on", refunds="\n".join(others))
    return []


async def _withdraw(
    shop: ShopService,
    shopper_id: str,
    order_id: str,
    refund_id: int | None,
    dispatcher: CollectingDispatcher,
) -> bool:
    """Withdraw one refund (the newest without ``refund_id``) and say so, or why not."""
    try:
        refund = await shop.withdraw_refund(shopper_id, order_id, refund_id)
    except NoActiveRefund:
        dispatcher.utter_message(response="utter_refund_none_to_withdraw", order_id=order_id)
        return False
    except RefundNotWithdrawable as exc:
        dispatcher.utter_message(
            response="utter_refund_withdraw_too_late",
            order_id=order_id,
            goods=goods_note(exc.refund),
            amount=yuan(exc.refund.amount_fen),
            refund_status=REFUND_STATUS_LABELS[exc.refund.status],
        )
        return False
    dispatcher.utter_message(
        response="utter_refund_withdrawn",
        order_id=order_id,
        goods=goods_note(refund),
        amount=yuan(refund.amount_fen),
    )
    return True
