"""The order form: which order, and what else the shopper's request needs."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import refund_withdrawal as withdrawal
from actions.common import (
    UsesShop,
    latest_intent,
    latest_text,
    question_text,
    request_words,
    shopper_id_of,
)
from actions.invoice_title import PERSONAL, TitleAnswer, title_in_answer, title_in_request
from actions.order_choice import chosen_order, named_by_number, orders_with
from actions.order_offer import (
    IN_PROGRESS_REFUNDS,
    RECENT_ORDERS_SCANNED,
    REQUEST_STATES,
    asked_order,
    in_shown_order,
    offer_among,
)
from actions.policy import policy_asked_with
from actions.refund_goods import (
    PAUSED_REFUND,
    goods_named,
    goods_of,
    goods_slot,
    names_only_goods,
    paused_refund,
    request_texts,
)
from actions.responses import button_answer, button_named_in
from actions.shop.errors import OrderNotFound
from actions.shop.policy import left_to_refund, past_refund_window
from actions.shop.validation import is_company_title
from actions.shop.views import OrderView, RefundView
from actions.text import find_order_id, half_width, names_a_province, split_contact, split_tax_id

ABORTED = "aborted"
LOGIN_REQUIRED = "login_required"
NO_REFUNDS = "no_refunds"  # 「我的退款呢」 from a shopper who has none: no order to ask for
NOTHING_TO_WITHDRAW = "nothing_to_withdraw"  # 「取消退款」 with no refund in progress
# 「啥时候发货」 right after a product answer asks before buying: no order to urge.
PRE_SALE_SHIPPING = "pre_sale_shipping"
PRODUCT_ANSWER = "action_product_consult"
# Intents that ask for something about one order: each fills the form.
REQUEST_KINDS = frozenset(
    {
        "order_status", "logistics_track", "urge_delivery", "cancel_order", "change_address",
        "refund_request", "refund_progress", "cancel_refund", "return_goods", "exchange_goods",
        "price_protect", "invoice",
    }
)  # fmt: skip
# Requests about a refund made already, and what to say when there is none.
ABOUT_A_REFUND = {"refund_progress": NO_REFUNDS, "cancel_refund": NOTHING_TO_WITHDRAW}
# Questions that change nothing: the one order holding the goods they name is
# answered about at once (「我买的羽绒服还没到」), not proposed for a yes first.
LOOKUPS = frozenset({"order_status", "logistics_track"})
# Asked again, not rejected, when the reply is details instead of the answer.
ASKED_AGAIN = ("order_id", "tax_id")
# Slots answered in free text, where 「算了」 means stop rather than an answer.
FREE_TEXT_SLOTS = {"order_id", "refund_reason", "new_address", "invoice_title", "tax_id"}
# A 「no」 that corrects (「不是这个」, 「不对」, 「发错了」) keeps the request going;
# one that says stop (「算了」, 「不用了」, a bare 「不」) ends it.
_CORRECTIONS = ("不是", "不对", "错", "没有", "不合适")
_STOP_WORDS = ("算了", "不用", "不需要", "不要了", "没事", "不办")
# The offered refund reasons (the buttons' payloads) in the words shoppers use.
_REASONS_SAID = (
    (
        "质量问题",
        ("质量有问题", "质量不好", "质量太差", "质量差", "坏了", "坏的", "破了", "用不了"),
    ),
    ("商品与描述不符", ("描述不符", "和描述不", "跟描述不", "和图片不", "跟图片不", "货不对板")),
    ("少件漏发", ("少发", "漏发", "少件", "少了一件", "少了一个")),
    ("没有收到货", ("没收到", "没有收到", "未收到", "一直没到")),
    ("不想要了", ("不想要", "不要了", "买多了", "拍错了", "不需要了")),
)
# Said alone while the form asks for details, these call the request off.
_CALL_OFF = frozenset(
    {"取消", "取消吧", "取消了", "取消掉", "取消一下", "取消操作", "取消修改", "不改了"}
)
_PUNCTUATION = " \t,.!?~，。！？～…"
# 「订单号」, 「这单」, 「改地址」 around the change itself.
_ORDER_WORDS = re.compile(
    r"订单号?|单号|这单|这个订单|那单"
    r"|(?:帮我)?(?:要|想)?(?:修改|更改|改)(?:一下)?(?:收货)?地址(?:为|成|是)?"
    r"|(?:收货)?地址(?:改|换)(?:一下|成|为|到)?"
)
# 「抬头是…」, 「抬头写…」, 「抬头：…」 up to the end of the clause.
# What words choosing a refund to withdraw read as, besides inform, affirm and deny.
_ABOUT_WITHDRAWING = frozenset({"cancel_refund", "cancel_order", "refund_request", "return_goods"})
# What the confirmation buttons send.
YES_NO = {"/affirm": True, "/deny": False}
_REGION_WORDS = ("省", "市", "区", "县", "镇", "乡", "路", "街", "道", "号", "村", "巷")
# An address starts at a region a courier can route by: 「门牌号是200号」 names none.
_ADMIN_AREA = re.compile("省|市|区|县|旗|镇|乡|自治")
# A numbered part of an address (「200号」, 「3栋」, 「101室」), as a correction names it.
_NUMBERED_PART = re.compile(r"(\d+)\s*(号楼|号|栋|幢|单元|室|层|楼)")
# Words holding a region character that name no place (「换个号码」, 「知道」).
_NOT_PLACES = re.compile("号码|手机号|电话号|单号|型号|账号|知道|味道|区别|城市")


def request_of(kind: str | None, tracking_no: str | None) -> str:
    """The request a message makes; a bare number (「运单号SF…」) asks after its parcel or order."""
    if kind is not None:
        return kind
    return "logistics_track" if tracking_no else "order_status"


def slots_for(
    kind: str | None,
    status: str | None,
    tracking_no: str | None,
    invoice_title: str | None = None,
) -> list[str]:
    """The slots a request needs, given what is known of its order and invoice."""
    if kind in (ABORTED, LOGIN_REQUIRED, NO_REFUNDS, NOTHING_TO_WITHDRAW, PRE_SALE_SHIPPING):
        return []
    if kind == "logistics_track" and tracking_no:
        return []
    needed = ["order_id"]
    if status is None:
        return needed
    if status not in REQUEST_STATES.get(str(kind), ()):
        return needed  # the request's handler says why not
    if kind == "cancel_order":
        needed.append("cancel_confirmed")
    elif kind == "change_address":
        needed += ["new_address", "address_confirmed"]
    elif kind == "refund_request":
        needed += ["refund_reason", "refund_confirmed"]
    elif kind == "invoice":
        needed.append("invoice_title")
        if invoice_title and is_company_title(invoice_title):
            needed.append("tax_id")  # filled with the title, or asked next
    return needed


def offered_answer(tracker: Tracker, domain: DomainDict, slot: str) -> str | None:
    """The payload of the ``utter_ask_<slot>`` button the latest message sent or typed."""
    return button_answer(domain, f"utter_ask_{slot}", latest_text(tracker))


def confirmation(tracker: Tracker, domain: DomainDict, slot: str) -> dict[str, Any]:
    """A yes/no slot set from the button its question offers, tapped or typed."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    answer = offered_answer(tracker, domain, slot)
    return {slot: YES_NO[answer]} if answer in YES_NO else {}


def slot_after(tracker: Tracker, events: list[EventType], slot: str) -> Any:
    """The value ``slot`` has once ``events`` are applied."""
    values = slot_values(events, slot)
    return values[-1] if values else tracker.get_slot(slot)


def slot_values(events: list[EventType], slot: str) -> list[Any]:
    """The values ``events`` set ``slot`` to, ``None`` included."""
    return [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == slot]


_ABOUT_THE_MONEY = re.compile(r"多少|几块|金额|退到哪|到哪里|退哪|原路|到账|多久|几天|什么时候")


def asks_about_the_money(text: str) -> bool:
    """Whether ``text`` asks how much comes back, where to or when (「退多少钱啊」)."""
    return bool(_ABOUT_THE_MONEY.search(text))


def answered_a_product_question(events: list[dict[str, Any]]) -> bool:
    """Whether the bot's turn before the latest message answered a product question."""
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    for event in reversed(events[:latest_user]):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == PRODUCT_ANSWER
    return False


def gave_an_order_number(tracker: Tracker) -> bool:
    """Whether the latest message holds an order number (or a button sent one)."""
    return next(tracker.get_latest_entity_values("order_id"), None) is not None


def picked_from_list(tracker: Tracker, events: list[EventType]) -> bool:
    """Whether the reply chose an order without giving its number (see ``extract_order_id``)."""
    return not gave_an_order_number(tracker) and any(slot_values(events, "order_id"))


def looks_like_address(text: str) -> bool:
    """A loose check that a reply is a postal address and not chit-chat."""
    text = _NOT_PLACES.sub("", text).strip()
    return (
        len(text) >= 8
        and any(word in text for word in _REGION_WORDS)
        and bool(_ADMIN_AREA.search(text) or names_a_province(text))
    )


def amended_address(address: str, correction: str) -> str | None:
    """``address`` with the numbered parts ``correction`` names changed: 「门牌号是200号」
    to 「…文三路100号」 gives 「…文三路200号」, 「是3栋102室」 changes the building and
    the room. None when it names no part the address has."""
    amended = address
    for number, part in _NUMBERED_PART.findall(half_width(correction)):
        found = list(re.finditer(rf"\d+\s*{part}", amended))
        if not found:
            return None
        last = found[-1]
        amended = f"{amended[: last.start()]}{number}{part}{amended[last.end() :]}"
    return amended if amended != address else None


class ValidateOrderForm(UsesShop, FormValidationAction):
    """Validates the order number against the shop and picks the slots to ask."""

    def name(self) -> str:
        """Action name in the domain."""
        return "validate_order_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Stop early for anonymous shoppers and for 「算了」; otherwise validate."""
        if shopper_id_of(tracker) is None:
            return [SlotSet("request_kind", LOGIN_REQUIRED), SlotSet("requested_slot", None)]
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        # A tapped (or typed) button answers the question, whatever its words parse as.
        tapped = offered_answer(tracker, domain, str(requested)) is not None
        correcting = intent == "deny" and corrects(latest_text(tracker))
        given: list[EventType] = []
        reason = reason_said(latest_text(tracker)) if intent == "deny" else None
        proposed = asked_order(tracker.events).proposed if reason else None
        refunding = tracker.get_slot("request_kind") == "refund_request"
        if proposed and requested == "order_id" and refunding:
            # 「不想要了」 to 「是下面这笔订单吗」 for a refund gives the reason, not 「算了」.
            given = [SlotSet("order_id", proposed), SlotSet("refund_reason", reason)]
            tracker.add_slots(given)
            intent = "inform"
        if intent == "deny" and requested in FREE_TEXT_SLOTS and not tapped and not correcting:
            return [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]
        if requested not in (None, "order_id", "cancel_confirmed") and not tapped:
            # A bare 「取消」 to 「请发给我新的收货地址」 calls off the change; read as
            # cancel_order, it went on to cancel the order itself.
            if latest_text(tracker).strip(_PUNCTUATION) in _CALL_OFF:
                return [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]
        kind = tracker.get_slot("request_kind")
        stops_the_refund = intent == "cancel_refund" and kind == "refund_request"
        if stops_the_refund and requested is not None and not tapped:
            # 「不退款了」 before the refund was filed: nothing to withdraw, stop asking.
            return [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]
        if (
            requested is None
            and kind in ABOUT_A_REFUND
            and not gave_an_order_number(tracker)
            and not await self._refunded_orders(tracker)
            and await self._typed_pick(tracker) is None  # 「口红那单的钱退了没」: about it
        ):
            # No order to ask for, so no question to answer its policy before.
            policy = policy_asked_with(kind, question_text(tracker))
            if policy is not None:
                dispatcher.utter_message(response=policy.response)
            return [SlotSet("request_kind", ABOUT_A_REFUND[kind]), SlotSet("requested_slot", None)]
        if (
            requested is None
            and kind == "urge_delivery"
            and answered_a_product_question(tracker.events)
            and not gave_an_order_number(tracker)
            and await self._typed_pick(tracker) is None
        ):
            # 「羽绒服有货吗」 … 「啥时候发货」: it registered a 催发货 for an order of
            # the shopper's that 「那T恤呢」 then picked.
            return [SlotSet("request_kind", PRE_SALE_SHIPPING), SlotSet("requested_slot", None)]
        if requested is None:
            given = await self._said_with_the_request(dispatcher, tracker, domain, intent)
        if requested in FREE_TEXT_SLOTS - {"order_id"} and latest_text(tracker).startswith("/"):
            if not tapped:
                # An earlier message's button (another order) answers nothing in words: its
                # payload was filed as the invoice title. Its order, if any, is taken; ask again.
                cleared = [SlotSet(requested, None)]
                tracker.add_slots(cleared)
                given += cleared
        if requested not in (None, "order_id") and intent == kind and not tapped:
            # 「专票能开吗」 at the title question restates the request: its policy answers it.
            policy = policy_asked_with(kind, question_text(tracker), order_known=True)
            if policy is not None:
                dispatcher.utter_message(response=policy.response)
        if requested == "refund_confirmed" and intent == "refund_progress" and not tapped:
            if asks_about_the_money(latest_text(tracker)):
                # 「退多少钱啊」 at the confirmation is about this refund: it set the refund
                # aside to look up refunds there are none of. Answered, confirmed again.
                dispatcher.utter_message(response="utter_refund_money_route")
                kept = [SlotSet("request_kind", "refund_request")]
                tracker.add_slots(kept)
                given += kept
                intent = "inform"
        paused = paused_refund(tracker)  # of the order asked about so far
        if (
            requested not in (None, "order_id")
            and intent in REQUEST_KINDS
            and not tapped
            and not answers_in_words(tracker)
        ):
            # Before the next question is chosen: it depends on the order.
            moved = await self._order_of_the_new_request(tracker)
            tracker.add_slots(moved)
            given += moved
        events = given + await super().run(dispatcher, tracker, domain)
        # So does a pick among the offered orders (「已发货的那个」), and an answer in
        # words that read as another request (「用了两次就不充电了」: an exchange); words
        # about withdrawing answer which refund to withdraw, or it is asked again.
        in_words = answers_in_words(tracker) and (
            any(slot_values(events, str(requested))) or requested == withdrawal.SLOT
        )
        picked = requested == "order_id" and picked_from_list(tracker, events)
        answered = tapped or picked or in_words
        if in_words:
            # Rasa's mapping already set request_kind from the words' intent: undo it.
            events.append(SlotSet("request_kind", kind_before_the_message(tracker)))
        if intent in REQUEST_KINDS and requested is not None and not answered:
            # A new request while the form waits for an answer (「退款多久到账」 when
            # asked for a refund reason) switches the form to it. Setting the slot
            # here keeps Rasa from rejecting the form for the unanswered question,
            # which would leave the shopper with "I did not understand".
            events.append(SlotSet("request_kind", intent))
            before = kind_before_the_message(tracker)  # Rasa's mapping set the new kind
            if before == "refund_request" and intent not in ("refund_request", "cancel_refund"):
                # 「等等 先问下物流」 before the refund was filed: offered again after.
                events.append(SlotSet(PAUSED_REFUND, paused))
        elif (
            (requested in ASKED_AGAIN and intent == "inform")
            or (requested in FREE_TEXT_SLOTS and correcting)
            or requested == withdrawal.SLOT
        ) and not slot_values(events, requested):
            # Details instead of the order (「已经五天了」, 「屏幕碎了」) or of the tax id,
            # or a correction (「不是这个」 to the order proposed): ask again rather
            # than let Rasa reject the form into the generic fallback.
            events.append(SlotSet(requested, None))
        return events + await self._refund_goods(tracker, events)

    async def _order_of_the_new_request(self, tracker: Tracker) -> list[EventType]:
        """The order a request made in the middle of another is about: 「羽绒服到哪了」
        while refunding the nappies is about the jacket's order (it was answered with
        the nappies' order). One the message picks replaces the order; goods none of it
        holds drop it, so the form asks which."""
        order_id = tracker.get_slot("order_id")
        if not order_id or gave_an_order_number(tracker):
            return []
        picked = await self._typed_pick(tracker)
        if picked is not None and picked.id != order_id:
            return [SlotSet("order_id", picked.id), SlotSet("order_status", picked.status)]
        if picked is None and await self._names_other_goods(
            tracker, order_id, latest_text(tracker)
        ):
            return [SlotSet("order_id", None), SlotSet("order_status", None)]
        return []

    async def _said_with_the_request(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        intent: str | None,
    ) -> list[EventType]:
        """Answers the request gives before they are asked, set before the next question is
        chosen so that it is not asked: 「订单… 收货人改成王丽」, 「开发票，抬头是某某公司」,
        「我要退款 不想要了」."""
        text = request_words(tracker)
        said: list[EventType] = []
        if intent == "change_address":
            contact = contact_said(text)
            # 「590142 电话改成139…」 names its order by the short number, read later.
            picked = None if tracker.get_slot("order_id") else await self._typed_pick(tracker)
            order_id = picked.id if picked else tracker.get_slot("order_id")
            if contact and order_id:
                # Resolved here: the form validates only the slots it already needs.
                found = await self._new_contact(contact, order_id, dispatcher, tracker)
                said = [SlotSet("new_address", found["new_address"])]
        elif intent == "invoice":
            given = title_in_request(text)
            said = [SlotSet("invoice_title", given.title)] if given.title else []
            said += [SlotSet("tax_id", given.tax_id)] if given.title and given.tax_id else []
        elif intent == "refund_request":
            named = button_named_in(domain, "utter_ask_refund_reason", text) or reason_said(text)
            said = [SlotSet("refund_reason", named)] if named else []
        tracker.add_slots(said)
        return said

    async def _refund_goods(self, tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """The goods a refund is for, as the request's words name them (「只退T恤」).

        Named at the confirmation, they change what it names, and it is asked again.
        """
        if slot_after(tracker, events, "request_kind") != "refund_request":
            return []
        order_id = slot_after(tracker, events, "order_id")
        shopper_id = shopper_id_of(tracker)
        if not order_id or shopper_id is None:
            return []
        try:
            order = await self.shop.order(shopper_id=shopper_id, order_id=order_id)
        except OrderNotFound:
            return []
        goods = await goods_named(self.shop, order, request_texts(tracker))
        if not goods:
            # 「全部退」 after the T-shirt was refunded: the rest (it was refused as a second
            # refund of the whole order).
            goods = left_to_refund(order, await self.shop.refunds(shopper_id, order.id))
        if goods == goods_of(tracker.get_slot("refund_goods")):
            return []
        changed: list[EventType] = [SlotSet("refund_goods", goods_slot(goods))]
        if tracker.get_slot("requested_slot") == "refund_confirmed":
            changed.append(SlotSet("refund_confirmed", None))
        return changed

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Only the slots the current request needs.

        An answer whose words read as another request is still about this one
        (``answers_in_words``): the request it answers decides, not the kind
        Rasa's mapping took from the words.
        """
        tracking_no = tracker.get_slot("tracking_no")
        kind_slot = tracker.get_slot("request_kind")
        if answers_in_words(tracker):
            kind_slot = kind_before_the_message(tracker)
        kind = request_of(kind_slot, tracking_no)
        order_id = tracker.get_slot("order_id")
        if kind == "invoice" and order_id and await self._no_invoice_to_ask(tracker, order_id):
            return ["order_id"]  # invoiced or refunded already: its handler says so, asks nothing
        if kind == "refund_request" and tracker.get_slot("order_status") == "completed":
            if order_id and await self._past_refund_window(tracker, order_id):
                return ["order_id"]  # too late: said at once, not after the reason
        needed = slots_for(
            kind,
            tracker.get_slot("order_status") if order_id else None,
            tracking_no,
            tracker.get_slot("invoice_title"),
        )
        if kind == "cancel_refund" and order_id and await self._withdrawable(tracker, order_id):
            needed.append(withdrawal.SLOT)  # with none, its handler says why
        return needed

    async def _past_refund_window(self, tracker: Tracker, order_id: str) -> bool:
        try:
            order = await self.shop.order(shopper_id=shopper_id_of(tracker), order_id=order_id)
        except OrderNotFound:
            return False
        return past_refund_window(order, self.shop.now())

    async def _withdrawable(self, tracker: Tracker, order_id: str) -> list[RefundView]:
        try:
            refunds = await self.shop.refunds(shopper_id_of(tracker) or "", order_id)
        except OrderNotFound:
            return []
        return withdrawal.withdrawable(refunds)

    async def _no_invoice_to_ask(self, tracker: Tracker, order_id: str) -> bool:
        """One invoice an order, and none for an order refunded in full."""
        shopper_id = shopper_id_of(tracker)
        if shopper_id is None:
            return False
        try:
            invoiced = await self.shop.invoice(shopper_id, order_id) is not None
            return invoiced or await self.shop.refunded_in_full(shopper_id, order_id)
        except OrderNotFound:
            return False

    async def extract_order_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The order a typed reply to 「是哪一笔订单」 picks from those offered.

        Only when the form asks for the order, or starts with the message
        (「263307」 before anything was asked), and the reply holds no order
        number: 「第二个」, 「590142」, 「耳机那单」 (see :mod:`actions.order_choice`).
        """
        requested = tracker.get_slot("requested_slot")
        if requested not in (None, "order_id") or gave_an_order_number(tracker):
            return {}
        order = await self._typed_pick(tracker)
        if order is not None:
            return {"order_id": order.id}
        if requested == "order_id":
            proposed = await self._proposed_order_confirmed(tracker)
            if proposed is not None:
                return {"order_id": proposed}
        if requested is None and tracker.get_slot("request_kind") in ABOUT_A_REFUND:
            return await self._refunded_order(tracker)
        return {}

    async def _refunded_order(self, tracker: Tracker) -> dict[str, Any]:
        """「我的退款呢」 (or 「取消退款」) names no order, but the shop knows which
        orders have refunds (in progress, to withdraw one).

        One: that one. Several, or the kept order among them: ask as usual, or
        keep it. (None at all is answered before the form asks: ``run``.)
        """
        orders = await self._refunded_orders(tracker)
        if len(orders) == 1 and tracker.get_slot("order_id") not in orders:
            return {"order_id": orders[0]}
        return {}

    async def _refunded_orders(self, tracker: Tracker) -> list[str]:
        refunds = await self.shop.refunds(shopper_id=shopper_id_of(tracker))
        if tracker.get_slot("request_kind") == "cancel_refund":
            refunds = [r for r in refunds if r.status in IN_PROGRESS_REFUNDS]
        return list(dict.fromkeys(refund.order_id for refund in refunds))

    async def _typed_pick(self, tracker: Tracker) -> OrderView | None:
        """The order the latest message refers to and says nothing more about.

        Positions (「第二个」) count on the buttons the shopper saw; before any
        were shown, on those the question would show. The request itself may
        name its order by the short number and say more (「我要退货 263307」), and
        so may a reply that asks the same again (「418825能开发票吗」); a lookup
        by the goods in it (「我买的羽绒服还没到」).
        """
        text = request_words(tracker)
        shopper_id = shopper_id_of(tracker)
        if not text or text.startswith("/") or shopper_id is None:
            return None
        recent = await self.shop.recent_orders(shopper_id=shopper_id, limit=RECENT_ORDERS_SCANNED)
        asked = asked_order(tracker.events)
        # Asked which order, 「418825能开发票吗」 restates the request with its order.
        restated = latest_intent(tracker) == tracker.get_slot("request_kind")
        if asked.question is None or restated:
            by_number = named_by_number(text, recent)
            if by_number is not None:
                return by_number
        named = await self.shop.match_products(text)
        kind = tracker.get_slot("request_kind")
        if asked.question is None:
            holding = orders_with(recent, named)
            # A lookup needs no yes; nor does a request its one order cannot have
            # (「羽绒服不要了 取消订单」 once shipped): its handler says why and what
            # can be done, instead of 「是这笔吗」 and a shopper left with a yes.
            if len(holding) == 1 and (
                kind in LOOKUPS or holding[0].status not in REQUEST_STATES.get(str(kind), ())
            ):
                return holding[0]
        offered = in_shown_order(recent, asked.shown)
        if not offered:
            offered = (await offer_among(self.shop, tracker, recent, named)).orders
        return chosen_order(text, offered, named, others=recent)

    async def _proposed_order_confirmed(self, tracker: Tracker) -> str | None:
        """The order 「是下面第一笔订单吗」 proposed, if the reply goes along with it.

        「好的」 says yes; so do details (「质量问题 左耳没声音」) that name no
        goods other than the order's own.
        """
        proposed = asked_order(tracker.events).proposed
        if proposed is None or latest_intent(tracker) not in ("affirm", "inform"):
            return None
        if await self._names_other_goods(tracker, proposed, latest_text(tracker)):
            return None
        return proposed

    async def _names_other_goods(self, tracker: Tracker, order_id: str, text: str) -> bool:
        """Whether ``text`` names goods, none of them in the order (or the order is gone)."""
        named = await self.shop.match_products(text)
        if not named:
            return False
        try:
            order = await self.shop.order(shopper_id=shopper_id_of(tracker), order_id=order_id)
        except OrderNotFound:
            return True
        return not orders_with([order], named)

    async def _carried_order(self, tracker: Tracker) -> dict[str, Any] | None:
        """The slots that replace or drop the order kept from an earlier request.

        The order number stays after a request for follow-ups (「这个能开发票吗」),
        but a new request starting the form may be about another order: one the
        message picks (「590142」, 「口红那单」) replaces it, and one the request
        cannot be carried out for, or whose goods the message does not name,
        is dropped so the form asks which order. None keeps it.
        """
        carried = tracker.get_slot("order_id")
        if not carried or tracker.get_slot("order_status") is None:
            # Never checked, so not kept from before: this message chose it (the one
            # order with refunds, for 「取消退款」), and it was dropped as not allowed.
            return None
        picked = await self._typed_pick(tracker)
        if picked is not None:
            return {"order_id": picked.id, "order_status": picked.status}
        kind = request_of(tracker.get_slot("request_kind"), tracker.get_slot("tracking_no"))
        dropped = {"order_id": None, "order_status": None}
        allowed = REQUEST_STATES.get(kind)
        if allowed is not None and tracker.get_slot("order_status") not in allowed:
            return dropped
        if await self._names_other_goods(tracker, carried, question_text(tracker)):
            return dropped
        return None

    async def extract_refund_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An offered reason is the reason, even 「不想要了」, which parses as 「算了」 (deny);
        so is a typed one that parses as a correction (「发错了」).
        """
        if tracker.get_slot("requested_slot") != "refund_reason":
            return {}
        answer = offered_answer(tracker, domain, "refund_reason")
        if answer:
            return {"refund_reason": answer}
        text = latest_text(tracker).strip()
        intent = latest_intent(tracker)
        # 「发错了」, 「颜色不对」 say what is wrong; a bare 「不对」 or 「不是」 does not.
        if intent == "deny" and corrects(text) and not text.startswith(("不", "/")):
            return {"refund_reason": text}
        if answers_in_words(tracker):  # 「用了两次就不充电了」 reads as an exchange
            return {"refund_reason": text}
        return {}

    async def validate_refund_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """「只退坚果」 at the reason names the goods, not a reason: the goods are kept
        (``_refund_goods``) and the reason asked again; it was filed as the reason."""
        text = str(value or "")
        named = await self.shop.match_products(text, limit=5)
        if named and names_only_goods(named, text):
            return {"refund_reason": None}
        return {"refund_reason": value}

    async def extract_refund_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """「确认退款」 typed rather than tapped confirms (its words parse as refund_request);
        a correction (「不对，原因是质量问题」, 「金额改成328元」) changes what it names and is
        asked again, not read as 「no」.
        """
        answer = confirmation(tracker, domain, "refund_confirmed")
        if answer or tracker.get_slot("requested_slot") != "refund_confirmed":
            return answer
        text = latest_text(tracker)
        corrected: dict[str, Any] = {}
        reason = button_named_in(domain, "utter_ask_refund_reason", text) or reason_said(text)
        if "原因" in text and reason:
            corrected["refund_reason"] = reason
        amount = next(tracker.get_latest_entity_values("amount"), None)
        if amount is not None and ("金额" in text or "退" in text):
            corrected["amount"] = amount
        return {**corrected, "refund_confirmed": None} if corrected else {}

    async def extract_cancel_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """「确认取消」 typed rather than tapped confirms (its words parse as cancel_order)."""
        return confirmation(tracker, domain, "cancel_confirmed")

    async def extract_withdraw_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The refund the reply chooses to withdraw (all of them, or none): see
        :mod:`actions.refund_withdrawal`."""
        order_id = tracker.get_slot("order_id")
        if tracker.get_slot("requested_slot") != withdrawal.SLOT or not order_id:
            return {}
        refunds = await self._withdrawable(tracker, order_id)
        choice = await withdrawal.chosen_withdrawal(self.shop, tracker, refunds)
        return {} if choice is None else {withdrawal.SLOT: choice}

    async def extract_address_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """「确认修改」 typed rather than tapped confirms; a correction changes the address.

        「电话写错了 是13800138001」 or another address, sent instead of a yes or
        no, replaces what it names, and the confirmation is asked again (it was
        asked again unchanged).
        """
        answer = confirmation(tracker, domain, "address_confirmed")
        if answer or tracker.get_slot("requested_slot") != "address_confirmed":
            return answer
        said = split_contact(latest_text(tracker))
        before = split_contact(tracker.get_slot("new_address") or "")
        new_street = looks_like_address(said.address)
        # 「不对 门牌号是200号」 corrects a part; it was taken as the whole address.
        amended = None if new_street else amended_address(before.address, said.address)
        if not (new_street or amended or said.phone or said.receiver):
            return {}
        address = said.address if new_street else amended or before.address
        return {
            "new_address": contact_text(
                address, said.receiver or before.receiver, said.phone or before.phone
            )
        }

    async def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept an order number only if it is one of this shopper's orders.

        When the form starts, Rasa also passes the order kept from an earlier
        request here; it may be replaced or dropped (``_carried_order``). A
        request that starts with its order (「263307能开专票吗」) gets its policy
        answer here: no order question comes to give it.
        """
        checked = await self._checked_order(value, dispatcher, tracker)
        if tracker.get_slot("requested_slot") is None and checked.get("order_id"):
            kind, text = tracker.get_slot("request_kind"), question_text(tracker)
            policy = policy_asked_with(kind, text, order_known=True)
            if policy is not None:
                dispatcher.utter_message(response=policy.response)
        return checked

    async def _checked_order(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") is None and not gave_an_order_number(tracker):
            carried = await self._carried_order(tracker)
            if carried is not None:
                return carried
        order_id = find_order_id(str(value or ""))
        if order_id is None:
            dispatcher.utter_message(response="utter_order_id_invalid")
            return {"order_id": None}
        shopper_id = shopper_id_of(tracker)
        try:
            order = await self.shop.order(shopper_id=shopper_id, order_id=order_id)
        except OrderNotFound:  # another shopper's order looks the same as none
            dispatcher.utter_message(response="utter_order_not_found", order_id=order_id)
            return {"order_id": None, "order_status": None}
        return {"order_id": order.id, "order_status": order.status}

    async def extract_new_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer that reads as another request (「手机号写错了 改成139…」,
        「换个号码139…」: an exchange) is still the answer when it holds an
        address or a contact."""
        if tracker.get_slot("requested_slot") != "new_address":
            return {}
        text = latest_text(tracker)
        if text.startswith("/"):
            return {}
        contact = split_contact(text)
        if looks_like_address(contact.address) or contact.phone or contact.receiver:
            return {"new_address": text}
        return {}

    async def validate_new_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Reject replies that are not an address, unless they change only the contact.

        「手机号写错了 改成13912345678」 or 「收货人改成李道明」 keep the order's
        address and change the phone or the receiver; it asked for an address again.
        """
        return await self._new_contact(value, tracker.get_slot("order_id"), dispatcher, tracker)

    async def _new_contact(
        self, value: Any, order_id: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        contact = split_contact(str(value or ""))
        if looks_like_address(contact.address):  # the words beside a phone are not the address
            return {"new_address": str(value).strip()}
        if contact.phone or contact.receiver:
            try:
                order = await self.shop.order(shopper_id=shopper_id_of(tracker), order_id=order_id)
            except OrderNotFound:  # not the shopper's (said so by the order's check): ask later
                return {"new_address": None}
            return {"new_address": contact_text(order.address, contact.receiver, contact.phone)}
        dispatcher.utter_message(response="utter_address_invalid")
        return {"new_address": None}

    async def extract_tax_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The tax id asked for after a company title; 「个人」 switches to a personal invoice.

        A full 「公司全称 税号」 sent again replaces the title too.
        """
        if tracker.get_slot("requested_slot") != "tax_id":
            return {}
        title, tax_id = split_tax_id(latest_text(tracker))
        if tax_id is None:
            return {"invoice_title": title} if title == PERSONAL else {}
        return {"invoice_title": title, "tax_id": tax_id} if title else {"tax_id": tax_id}

    async def validate_invoice_title(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take 「个人」, a name or a unit's name (with its tax id, or asked next); not 「嗯」.

        Words that give no title are not filed as one: the title is asked
        again, after what they asked (「专票能开吗」), or for the order they name
        (「哦不对，是羽绒服那单」).
        """
        if not value or str(value).startswith("/"):
            return {"invoice_title": None}  # cleared, or another order's button (``run``)
        answer = title_in_answer(str(value or ""))
        tax_id = answer.tax_id or tracker.get_slot("tax_id")
        if answer.title is not None:
            return {"invoice_title": answer.title, "tax_id": tax_id}
        if answer.tax_id is None:  # a tax id alone is kept; the title is asked again
            return await self._no_title(answer, dispatcher, tracker)
        return {"invoice_title": None, "tax_id": tax_id}

    async def _no_title(
        self, answer: TitleAnswer, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        picked = await self._typed_pick(tracker)
        if picked is not None and picked.id != tracker.get_slot("order_id"):
            return {"order_id": picked.id, "invoice_title": None}
        if answer.asks_special_invoice:
            dispatcher.utter_message(response="utter_policy_invoice_kinds")
        else:
            dispatcher.utter_message(response="utter_invoice_title_unclear")
        return {"invoice_title": None}


def answers_in_words(tracker: Tracker) -> bool:
    """Whether the latest message answers the form's question in words that read as a request.

    What is wrong with the goods reads as a return or an exchange (only
    asking for another piece, 「换一个」, is one); a new phone or address reads
    as whatever its other words say (「换个号码139…」: an exchange).
    """
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    if text.startswith("/") or intent not in REQUEST_KINDS:
        return False
    requested = tracker.get_slot("requested_slot")
    if requested == "refund_reason":
        return intent in ("exchange_goods", "return_goods") and "换" not in text
    if requested == "new_address":
        said = split_contact(text)
        return looks_like_address(said.address) or bool(said.phone or said.receiver)
    # 「全部撤销」 (read as cancel_order) or 「羽绒服那个」 to 「要撤销哪一笔」.
    return requested == withdrawal.SLOT and intent in _ABOUT_WITHDRAWING


def kind_before_the_message(tracker: Tracker) -> str | None:
    """``request_kind`` as it was before the latest message (whose intent may have set it)."""
    after_it = True
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            after_it = False
        elif not after_it and event.get("event") == "slot" and event.get("name") == "request_kind":
            return event.get("value")
    return tracker.get_slot("request_kind")


def contact_text(address: str, receiver: str | None, phone: str | None) -> str:
    """An address with its receiver and phone, as :func:`split_contact` reads it back."""
    return " ".join(filter(None, (address, f"收货人：{receiver}" if receiver else "", phone)))


def reason_said(text: str) -> str | None:
    """The offered refund reason a request gives in other words (「质量有问题，申请退款」)."""
    return next((reason for reason, words in _REASONS_SAID if any(w in text for w in words)), None)


def corrects(text: str) -> bool:
    """Whether a 「no」 corrects the bot (「不是这个」, 「发错了」) rather than stops."""
    return any(w in text for w in _CORRECTIONS) and not any(w in text for w in _STOP_WORDS)


def declined_the_proposed_order(tracker: Tracker) -> bool:
    """「不是」 to 「是下面第一笔订单吗」: another order, not 「算了」."""
    if latest_intent(tracker) != "deny" or asked_order(tracker.events).proposed is None:
        return False
    return corrects(latest_text(tracker))


# What is not the address in a change request: the short order number it starts with
# (「590142的地址改成…」) and a further request after it (「…，另外帮我催一下」).
_SHORT_ORDER_FIRST = re.compile(r"^\s*\d{4,8}\s*(?:的|那单|这单)?")
_ANOTHER_REQUEST = re.compile(r"[，,;；。\s]*(?:另外|顺便|顺带|顺道|还有|然后|再帮我|再帮忙).*$")


def contact_said(text: str) -> str | None:
    """The new address, receiver or phone a change request gives, without its order number."""
    order_id = find_order_id(text)
    rest = half_width(text).replace(order_id, " ") if order_id else half_width(text)
    rest = _ANOTHER_REQUEST.sub("", _SHORT_ORDER_FIRST.sub(" ", rest))
    rest = _ORDER_WORDS.sub(" ", rest)
    contact = split_contact(rest)
    if looks_like_address(contact.address) or contact.phone or contact.receiver:
        return rest.strip()
    return None
