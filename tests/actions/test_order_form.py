"""The order form asks only what the request needs, and only for the shopper's orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.order_form import (
    ABORTED,
    LOGIN_REQUIRED,
    NO_REFUNDS,
    NOTHING_TO_WITHDRAW,
    PRE_SALE_SHIPPING,
    REQUEST_KINDS,
    ValidateOrderForm,
    answered_a_product_question,
    contact_said,
    looks_like_address,
    request_of,
    slot_values,
    slots_for,
)
from actions.order_offer import NAMED_QUESTION, offer_for
from actions.order_request import HANDLERS
from actions.shop.seed import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService
from actions.text import Contact, split_contact
from tests.factories import make_tracker

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = {"forms": {"order_form": {"required_slots": ["order_id", "refund_reason"]}}}


@pytest.fixture
def domain() -> dict:
    """The project's domain, whose questions offer the buttons the form reads."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("kind", "status", "tracking", "needed"),
    [
        ("order_status", None, None, ["order_id"]),
        ("order_status", "shipped", None, ["order_id"]),
        ("cancel_order", "paid", None, ["order_id", "cancel_confirmed"]),
        ("cancel_order", "shipped", None, ["order_id"]),
        (
            "change_address",
            "pending_payment",
            None,
            ["order_id", "new_address", "address_confirmed"],
        ),
        ("change_address", "delivered", None, ["order_id"]),
        ("refund_request", "delivered", None, ["order_id", "refund_reason", "refund_confirmed"]),
        ("refund_request", "cancelled", None, ["order_id"]),
        ("invoice", "completed", None, ["order_id", "invoice_title"]),
        ("invoice", "pending_payment", None, ["order_id"]),
        ("logistics_track", None, "SF142836770592", []),
        (ABORTED, "paid", None, []),
        (LOGIN_REQUIRED, None, None, []),
    ],
)
def test_slots_depend_on_request_and_order_state(
    kind: str, status: str | None, tracking: str | None, needed: list[str]
) -> None:
    assert slots_for(kind, status, tracking) == needed


async def test_an_order_with_an_invoice_is_asked_no_title(shop: ShopService) -> None:
    form = ValidateOrderForm(shop)

    async def needed() -> list[str]:
        slots = {
            "request_kind": "invoice",
            "order_id": DEMO_DELIVERED_ORDER,
            "order_status": "delivered",
        }
        tracker = make_tracker("这单开发票", "invoice", slots=slots, active_loop="order_form")
        return await form.required_slots([], CollectingDispatcher(), tracker, DOMAIN)

    before = await needed()
    await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, "个人")

    assert before == ["order_id", "invoice_title"]
    assert await needed() == ["order_id"]  # its handler says it has one


@pytest.mark.parametrize(
    ("text", "policy_answered"),
    [
        (f"{DEMO_DELIVERED_ORDER[-6:]}能开专票吗", True),  # the order is in the request
        ("增值税专用发票可以吗", True),  # the order of the last request is kept
        ("开发票", False),  # nothing asked about the policy
    ],
)
async def test_a_request_that_starts_with_its_order_gets_its_policy_answer(
    shop: ShopService, text: str, policy_answered: bool
) -> None:
    slots = {
        "request_kind": "invoice",
        "order_id": DEMO_DELIVERED_ORDER,
        "order_status": "delivered",
    }
    tracker = make_tracker(text, "invoice", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    checked = await ValidateOrderForm(shop).validate_order_id(
        DEMO_DELIVERED_ORDER, dispatcher, tracker, DOMAIN
    )

    assert checked["order_id"] == DEMO_DELIVERED_ORDER
    said = [m["response"] for m in dispatcher.messages]
    assert said == (["utter_policy_invoice_kinds"] if policy_answered else [])


async def test_which_carrier_is_left_to_the_answer_when_the_order_is_known(
    shop: ShopService,
) -> None:
    # The parcel's own answer names its carrier: 「订单 … 的包裹由顺丰速运配送」.
    slots = {"request_kind": "logistics_track"}
    text = f"{DEMO_SHIPPED_ORDER[-6:]}发的什么快递"
    tracker = make_tracker(text, "logistics_track", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    checked = await ValidateOrderForm(shop).validate_order_id(
        DEMO_SHIPPED_ORDER, dispatcher, tracker, DOMAIN
    )

    assert checked["order_id"] == DEMO_SHIPPED_ORDER and dispatcher.messages == []


async def test_the_policy_waits_for_the_order_question_when_the_order_is_dropped(
    shop: ShopService,
) -> None:
    # A pending order cannot be invoiced: dropped, so the order question answers the policy.
    slots = {
        "request_kind": "invoice",
        "order_id": DEMO_PENDING_ORDER,
        "order_status": "pending_payment",
    }
    tracker = make_tracker("能开专票吗", "invoice", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    checked = await ValidateOrderForm(shop).validate_order_id(
        DEMO_PENDING_ORDER, dispatcher, tracker, DOMAIN
    )

    assert checked["order_id"] is None and dispatcher.messages == []


def test_a_bare_number_asks_after_its_parcel_or_its_order() -> None:
    assert request_of(None, "SF142836770592") == "logistics_track"
    assert request_of(None, None) == "order_status"
    assert request_of("refund_request", "SF142836770592") == "refund_request"


async def test_a_bare_tracking_number_needs_no_order(shop: ShopService) -> None:
    tracker = make_tracker(
        "运单号SF142836770592", "inform", slots={"tracking_no": "SF142836770592"}
    )
    needed = await ValidateOrderForm(shop).required_slots(
        [], CollectingDispatcher(), tracker, DOMAIN
    )
    assert needed == []


async def test_own_order_is_accepted_with_its_state(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOrderForm(shop).validate_order_id(
        f"订单号{DEMO_SHIPPED_ORDER}", dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"order_id": DEMO_SHIPPED_ORDER, "order_status": "shipped"}
    assert dispatcher.messages == []


def starting_with_a_kept_order(text: str, kind: str | None, order_id: str, status: str) -> Tracker:
    """The form starts for ``text`` with the order an earlier request left in the slot."""
    slots = {"request_kind": kind, "order_id": order_id, "order_status": status}
    return make_tracker(text, kind or "inform", slots=slots, active_loop="order_form")


@pytest.mark.parametrize(
    ("text", "kind", "kept", "status", "validated"),
    [
        # The kept order cannot have its address changed: ask which order.
        ("改一下收货地址", "change_address", DEMO_DELIVERED_ORDER, "delivered", None),
        # The request names goods the kept order does not hold; the one order holding
        # them was cancelled, so it is taken and its handler says why there is no refund.
        ("口红也想退", "refund_request", DEMO_SHIPPED_ORDER, "shipped", DEMO_CANCELLED_ORDER),
        # One that can be refunded is proposed for a yes first (「是下面这笔订单吗」).
        ("耳机也想退", "refund_request", DEMO_SHIPPED_ORDER, "shipped", None),
        # The message picks another recent order by the number its button shows.
        ("590142", None, DEMO_DELIVERED_ORDER, "delivered", DEMO_PAID_ORDER),
        ("耳机那单", None, DEMO_SHIPPED_ORDER, "shipped", DEMO_DELIVERED_ORDER),
        # A follow-up the kept order allows keeps it.
        ("能开发票吗", "invoice", DEMO_DELIVERED_ORDER, "delivered", DEMO_DELIVERED_ORDER),
        ("耳机能开发票吗", "invoice", DEMO_DELIVERED_ORDER, "delivered", DEMO_DELIVERED_ORDER),
    ],
)
async def test_an_order_kept_from_an_earlier_request_is_used_only_where_it_fits(
    shop: ShopService,
    text: str,
    kind: str | None,
    kept: str,
    status: str,
    validated: str | None,
) -> None:
    tracker = starting_with_a_kept_order(text, kind, kept, status)

    result = await ValidateOrderForm(shop).validate_order_id(
        kept, CollectingDispatcher(), tracker, DOMAIN
    )

    assert result["order_id"] == validated


@pytest.mark.parametrize(
    ("requested", "picked"), [(None, {"order_id": DEMO_DELIVERED_ORDER}), ("refund_reason", {})]
)
async def test_an_order_typed_before_it_was_asked_for_is_picked(
    shop: ShopService, requested: str | None, picked: dict[str, str]
) -> None:
    tracker = make_tracker("263307", "inform", slots={"requested_slot": requested})

    found = await ValidateOrderForm(shop).extract_order_id(CollectingDispatcher(), tracker, DOMAIN)

    assert found == picked


async def test_where_is_my_refund_without_any_refund_is_answered_without_an_order(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "refund_progress"}
    tracker = make_tracker("我的退款呢", "refund_progress", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert events == [SlotSet("request_kind", NO_REFUNDS), SlotSet("requested_slot", None)]
    assert slots_for(NO_REFUNDS, None, None) == []


async def test_where_is_my_refund_names_the_one_order_that_has_refunds(shop: ShopService) -> None:
    await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "质量问题")
    slots = {"request_kind": "refund_progress", "order_id": DEMO_SHIPPED_ORDER}
    tracker = make_tracker("我的退款呢", "refund_progress", slots=slots, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_order_id(CollectingDispatcher(), tracker, DOMAIN)

    assert found == {"order_id": DEMO_DELIVERED_ORDER}


async def test_withdrawing_a_refund_without_one_in_progress_asks_no_order(
    shop: ShopService,
) -> None:
    await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "质量问题")
    await shop.cancel_order("demo", DEMO_PAID_ORDER)  # its refund is approved and paid out
    slots = {"request_kind": "cancel_refund"}
    tracker = make_tracker("取消退款", "cancel_refund", slots=slots, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_order_id(CollectingDispatcher(), tracker, DOMAIN)

    # Two orders have refunds in progress: the form asks which, offering only those.
    assert found == {}
    offer = await offer_for(shop, tracker, "取消退款")
    assert {o.id for o in offer.orders} == {DEMO_DELIVERED_ORDER, DEMO_PAID_ORDER}


async def test_withdrawing_with_no_refund_at_all_is_answered_at_once(shop: ShopService) -> None:
    slots = {"request_kind": "cancel_refund"}
    tracker = make_tracker("取消退款", "cancel_refund", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert events == [SlotSet("request_kind", NOTHING_TO_WITHDRAW), SlotSet("requested_slot", None)]


async def test_no_more_refund_while_asked_for_its_reason_stops_the_request(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "refund_request", "requested_slot": "refund_reason",
             "order_id": DEMO_DELIVERED_ORDER, "order_status": "delivered"}  # fmt: skip
    tracker = make_tracker("我不想退款了", "cancel_refund", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert events == [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]


async def test_while_the_form_asks_the_order_is_validated_as_given(shop: ShopService) -> None:
    tracker = starting_with_a_kept_order(
        "改地址", "change_address", DEMO_DELIVERED_ORDER, "delivered"
    )
    tracker.slots["requested_slot"] = "new_address"

    result = await ValidateOrderForm(shop).validate_order_id(
        DEMO_DELIVERED_ORDER, CollectingDispatcher(), tracker, DOMAIN
    )

    assert result == {"order_id": DEMO_DELIVERED_ORDER, "order_status": "delivered"}


async def test_full_width_order_number_is_accepted(shop: ShopService) -> None:
    full_width = DEMO_PAID_ORDER.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    result = await ValidateOrderForm(shop).validate_order_id(
        full_width, CollectingDispatcher(), make_tracker(), DOMAIN
    )
    assert result["order_id"] == DEMO_PAID_ORDER


async def test_another_shoppers_order_looks_like_no_order(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOrderForm(shop).validate_order_id(
        OTHER_SHOPPER_ORDER, dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"order_id": None, "order_status": None}
    assert dispatcher.messages[0]["response"] == "utter_order_not_found"


async def test_malformed_order_number_is_refused(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOrderForm(shop).validate_order_id(
        "12345", dispatcher, make_tracker(), DOMAIN
    )
    assert result == {"order_id": None}
    assert dispatcher.messages[0]["response"] == "utter_order_id_invalid"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"我要退款 不想要了 {DEMO_SHIPPED_ORDER[-6:]}", "不想要了"),
        ("质量问题要退款", "质量问题"),
        ("没收到货，给我退款", "没有收到货"),
        ("我要退款", None),
    ],
)
async def test_a_refund_request_may_give_its_reason_before_it_is_asked(
    shop: ShopService, domain: dict, text: str, reason: str | None
) -> None:
    slots = {"request_kind": "refund_request"}
    tracker = make_tracker(text, "refund_request", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    given = [e["value"] for e in events if e.get("name") == "refund_reason"]
    assert given == ([reason] if reason else [])


async def test_anonymous_shopper_is_asked_to_log_in(shop: ShopService) -> None:
    events = await ValidateOrderForm(shop).run(
        CollectingDispatcher(), make_tracker("查订单", "order_status", shopper_id=None), DOMAIN
    )
    assert events == [SlotSet("request_kind", LOGIN_REQUIRED), SlotSet("requested_slot", None)]


@pytest.mark.parametrize("text", ["算了", "不用了", "不", "no", "不是，算了"])
async def test_saying_no_to_a_free_text_question_stops_the_form(
    shop: ShopService, text: str
) -> None:
    tracker = make_tracker(text, "deny", slots={"requested_slot": "order_id"})
    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)
    assert events == [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]


@pytest.mark.parametrize(
    ("slot", "text"),
    [("order_id", "发错了"), ("order_id", "不对"), ("new_address", "不是这个地址"),
     ("invoice_title", "你搞错了")],
)  # fmt: skip
async def test_a_no_that_corrects_the_bot_asks_again_instead_of_stopping(
    shop: ShopService, slot: str, text: str
) -> None:
    # 「发错了」 parses as deny, like 「错了」: it gave up the shopper's refund.
    slots = {"requested_slot": slot, "request_kind": "refund_request"}
    tracker = make_tracker(text, "deny", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("request_kind", ABORTED) not in events
    assert SlotSet(slot, None) in events


@pytest.mark.parametrize(
    ("text", "reason"), [("发错货了", "发错货了"), ("颜色不对", "颜色不对"), ("不对", None)]
)
async def test_a_reason_that_parses_as_a_correction_is_the_reason(
    shop: ShopService, text: str, reason: str | None
) -> None:
    slots = {
        "requested_slot": "refund_reason",
        "request_kind": "refund_request",
        "order_id": DEMO_SHIPPED_ORDER,
        "order_status": "shipped",
    }
    tracker = make_tracker(text, "deny", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("refund_reason", reason) in events  # None: asked again
    assert SlotSet("request_kind", ABORTED) not in events


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("不想要了", "deny"),  # the first reason button, which also reads as 「算了」
        ("没有收到货", "logistics_track"),  # a button whose words parse as another request
    ],
)
async def test_a_tapped_reason_is_the_reason_whatever_it_parses_as(
    shop: ShopService, domain: dict, reply: str, intent: str
) -> None:
    slots = {
        "requested_slot": "refund_reason",
        "request_kind": "refund_request",
        "order_id": DEMO_SHIPPED_ORDER,
        "order_status": "shipped",
    }
    tracker = make_tracker(reply, intent, slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert SlotSet("refund_reason", reply) in events
    assert SlotSet("request_kind", ABORTED) not in events
    assert not [e for e in events if e.get("name") == "request_kind"]


@pytest.mark.parametrize(
    ("slot", "reply", "intent", "value"),
    [
        ("cancel_confirmed", "确认取消", "cancel_order", True),  # the title, typed
        ("cancel_confirmed", "/affirm", "affirm", True),  # the button, tapped
        ("address_confirmed", "确认修改", "affirm", True),
        ("address_confirmed", "不改了", "deny", False),
        ("refund_confirmed", "确认退款", "refund_request", True),
        ("refund_confirmed", "先不退了", "cancel_refund", False),
    ],
)
async def test_a_confirmation_button_counts_tapped_or_typed(
    shop: ShopService, domain: dict, slot: str, reply: str, intent: str, value: bool
) -> None:
    slots = {
        "requested_slot": slot,
        "request_kind": {
            "cancel_confirmed": "cancel_order",
            "refund_confirmed": "refund_request",
        }.get(slot, "change_address"),
        "refund_reason": "不想要了",
        "order_id": DEMO_PAID_ORDER,
        "order_status": "paid",
        "new_address": "浙江省杭州市西湖区文三路100号",
    }
    tracker = make_tracker(reply, intent, slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert SlotSet(slot, value) in events
    assert not [e for e in events if e.get("name") == "request_kind"]


async def test_a_new_request_while_the_form_waits_switches_the_form_to_it(
    shop: ShopService,
) -> None:
    # Rasa has already set request_kind from the intent; the form must say so too,
    # or Rasa rejects it for leaving refund_reason unanswered.
    slots = {
        "requested_slot": "refund_reason",
        "request_kind": "logistics_track",
        "order_id": DEMO_SHIPPED_ORDER,
        "order_status": "shipped",
    }
    tracker = make_tracker("帮我查下物流", "logistics_track", slots=slots)

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("request_kind", "logistics_track") in events
    assert SlotSet("requested_slot", None) in events  # nothing more to ask: answer it


async def test_an_answer_to_the_forms_question_does_not_switch_the_request(
    shop: ShopService,
) -> None:
    slots = {"requested_slot": "refund_reason", "request_kind": "refund_request"}
    tracker = make_tracker("质量问题", "inform", slots=slots)

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert not [e for e in events if e.get("name") == "request_kind"]


def test_every_request_kind_has_a_handler_and_a_slot_mapping(domain: dict) -> None:
    mapped = {m["value"] for m in domain["slots"]["request_kind"]["mappings"]}

    assert set(HANDLERS) == REQUEST_KINDS == mapped


COMPANY = "杭州某某科技有限公司"
TAX_ID = "91330100MA2B3C4D5E"


async def test_an_invoice_title_is_split_from_its_tax_id_and_kept_without_one(
    shop: ShopService,
) -> None:
    form = ValidateOrderForm(shop)
    dispatcher = CollectingDispatcher()

    def validate(title: str) -> Any:
        return form.validate_invoice_title(title, dispatcher, make_tracker(), DOMAIN)

    assert await validate(f"{COMPANY} 税号{TAX_ID}") == {"invoice_title": COMPANY, "tax_id": TAX_ID}
    # Kept: the form asks for the tax id next, in one message (utter_ask_tax_id).
    assert await validate(COMPANY) == {"invoice_title": COMPANY, "tax_id": None}
    assert await validate("个人") == {"invoice_title": "个人", "tax_id": None}
    assert dispatcher.messages == []


async def test_words_that_give_no_title_are_not_filed_and_the_title_is_asked_again(
    shop: ShopService,
) -> None:
    # 「嗯」 and 「等下我问问我们财务」 became real invoices with those titles.
    form = ValidateOrderForm(shop)
    tracker = make_tracker("嗯", "affirm", slots={"requested_slot": "invoice_title"})
    for words, said in [("嗯", "utter_invoice_title_unclear"),
                        ("等下我问问我们财务抬头写啥", "utter_invoice_title_unclear"),
                        ("专票能开吗", "utter_policy_invoice_kinds")]:  # fmt: skip
        dispatcher = CollectingDispatcher()
        found = await form.validate_invoice_title(words, dispatcher, tracker, DOMAIN)
        assert found == {"invoice_title": None}
        assert [m["response"] for m in dispatcher.messages] == [said]


async def test_another_order_named_at_the_title_question_is_taken_and_no_title_filed(
    shop: ShopService,
) -> None:
    # 「哦不对，是羽绒服那单」 was filed as the paid order's invoice title.
    slots = {"requested_slot": "invoice_title", "request_kind": "invoice",
             "order_id": DEMO_PAID_ORDER}  # fmt: skip
    tracker = make_tracker("哦不对，是羽绒服那单", "inform", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    found = await ValidateOrderForm(shop).validate_invoice_title(
        "哦不对，是羽绒服那单", dispatcher, tracker, DOMAIN
    )

    assert found == {"order_id": DEMO_SHIPPED_ORDER, "invoice_title": None}
    assert dispatcher.messages == []  # the title question comes again, for that order


async def test_a_policy_question_at_the_title_question_is_answered_first(
    shop: ShopService,
) -> None:
    # 「专票能开吗」 reads as the invoice request again: the title was asked, nothing more.
    slots = {"requested_slot": "invoice_title", "request_kind": "invoice",
             "order_id": DEMO_DELIVERED_ORDER}  # fmt: skip
    tracker = make_tracker("专票能开吗", "invoice", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    await ValidateOrderForm(shop).run(dispatcher, tracker, DOMAIN)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_invoice_kinds"]


def test_a_studio_or_a_shop_is_a_unit_that_needs_a_tax_id() -> None:
    # 「杭州小鹿设计工作室」 was filed without one, and the service refused it.
    for unit in ("杭州小鹿设计工作室", "赵记商行", "北京市第一中学学校"):
        assert slots_for("invoice", "completed", None, unit)[-1] == "tax_id"


def test_a_company_title_needs_a_tax_id_too() -> None:
    asked = slots_for("invoice", "completed", None, COMPANY)
    assert asked == ["order_id", "invoice_title", "tax_id"]
    assert slots_for("invoice", "completed", None, "个人") == ["order_id", "invoice_title"]


def asked_for_the_tax_id(reply: str) -> Tracker:
    """The form of a company invoice has asked for the tax id; ``reply`` answers."""
    slots = {
        "requested_slot": "tax_id",
        "request_kind": "invoice",
        "order_id": DEMO_DELIVERED_ORDER,
        "order_status": "delivered",
        "invoice_title": COMPANY,
    }
    return make_tracker(reply, "inform", slots=slots, active_loop="order_form")


async def test_a_tax_id_sent_alone_completes_the_company_invoice(shop: ShopService) -> None:
    tracker = asked_for_the_tax_id(f"税号 {TAX_ID.lower()}")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("tax_id", TAX_ID) in events
    assert SlotSet("requested_slot", None) in events  # nothing more to ask


@pytest.mark.parametrize(
    ("reply", "extracted"),
    [
        (TAX_ID.lower(), {"tax_id": TAX_ID}),
        (f"税号：{TAX_ID}", {"tax_id": TAX_ID}),
        (
            f"杭州某某网络有限公司 {TAX_ID}",
            {"invoice_title": "杭州某某网络有限公司", "tax_id": TAX_ID},
        ),
        ("个人", {"invoice_title": "个人"}),
        ("稍等我找一下", {}),
    ],
)
async def test_the_reply_to_the_tax_id_question(
    shop: ShopService, reply: str, extracted: dict[str, Any]
) -> None:
    tracker = asked_for_the_tax_id(reply)

    found = await ValidateOrderForm(shop).extract_tax_id(CollectingDispatcher(), tracker, DOMAIN)

    assert found == extracted


async def test_details_instead_of_the_tax_id_keep_the_form_asking(shop: ShopService) -> None:
    tracker = asked_for_the_tax_id("稍等我找一下")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("tax_id", None) in events


def test_address_check_rejects_chit_chat() -> None:
    assert looks_like_address("上海市浦东新区张江路88号3栋101")
    assert not looks_like_address("好的吧")


async def test_details_instead_of_the_order_keep_the_form_asking(shop: ShopService) -> None:
    slots = {"requested_slot": "order_id", "request_kind": "logistics_track"}
    tracker = make_tracker("已经五天了", "inform", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    # A slot event besides requested_slot keeps Rasa from rejecting the form
    # into the generic fallback.
    assert SlotSet("order_id", None) in events
    assert not [e for e in events if e.get("name") == "request_kind"]


@pytest.mark.parametrize("reply", ["取消", "取消吧！", "不改了"])
async def test_a_bare_cancel_while_asked_for_the_address_calls_the_change_off(
    shop: ShopService, reply: str
) -> None:
    # 「取消」 reads as cancel_order: it went on to ask to cancel the order itself.
    slots = {"request_kind": "change_address", "requested_slot": "new_address",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid"}  # fmt: skip
    tracker = make_tracker(reply, "cancel_order", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert events == [SlotSet("request_kind", ABORTED), SlotSet("requested_slot", None)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("质量有问题，申请退款", "质量问题"),
        ("我要退款 东西一直没到", "没有收到货"),
        ("退款 拍错了", "不想要了"),
        ("我要退款", None),
    ],
)
async def test_a_reason_in_the_request_in_other_words_is_not_asked_again(
    shop: ShopService, text: str, reason: str | None
) -> None:
    slots = {"request_kind": "refund_request"}
    tracker = make_tracker(text, "refund_request", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert (SlotSet("refund_reason", reason) in events) is (reason is not None)


@pytest.mark.parametrize(
    ("reply", "intent", "reason"),
    [
        ("用了两次就不充电了", "exchange_goods", "用了两次就不充电了"),
        ("收到就是坏的 左耳没声", "return_goods", "收到就是坏的 左耳没声"),
        ("算了给我换一个吧", "exchange_goods", None),  # asks for an exchange instead
    ],
)
async def test_a_typed_reason_that_reads_as_another_request_is_the_reason(
    shop: ShopService, reply: str, intent: str, reason: str | None
) -> None:
    slots = {"request_kind": "refund_request", "requested_slot": "refund_reason",
             "order_id": DEMO_DELIVERED_ORDER, "order_status": "delivered"}  # fmt: skip
    tracker = make_tracker(reply, intent, slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert slot_values(events, "refund_reason")[:1] == ([reason] if reason else [])
    switched = SlotSet("request_kind", intent) in events
    assert switched is (reason is None)


@pytest.mark.parametrize(
    ("reply", "receiver", "phone"),
    [
        ("手机号写错了 改成13912345678", None, "13912345678"),
        ("收货人改成李道明", "李道明", None),
        ("收件人：李道明 电话 139 1234 5678", "李道明", "13912345678"),
    ],
)
async def test_a_new_phone_or_receiver_alone_keeps_the_orders_address(
    shop: ShopService, reply: str, receiver: str | None, phone: str | None
) -> None:
    # It asked for an address again and again: 「请发给我新的收货地址」.
    slots = {"request_kind": "change_address", "requested_slot": "new_address",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid"}  # fmt: skip
    tracker = make_tracker(reply, "inform", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    found = await ValidateOrderForm(shop).validate_new_address(reply, dispatcher, tracker, DOMAIN)

    order = await shop.order("demo", DEMO_PAID_ORDER)
    contact = split_contact(found["new_address"])
    assert (contact.address, contact.receiver, contact.phone) == (order.address, receiver, phone)
    assert dispatcher.messages == []


async def test_chatter_is_still_no_address(shop: ShopService) -> None:
    slots = {"request_kind": "change_address", "requested_slot": "new_address",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid"}  # fmt: skip
    tracker = make_tracker("好的谢谢", "thanks", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    found = await ValidateOrderForm(shop).validate_new_address(
        "好的谢谢", dispatcher, tracker, DOMAIN
    )

    assert found == {"new_address": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_address_invalid"]


@pytest.mark.parametrize(
    ("reply", "taken"),
    [("手机号写错了 改成13912345678", True), ("改到浙江省杭州市西湖区文三路100号", True),
     ("我要改地址", False)],
)  # fmt: skip
async def test_an_answer_that_reads_as_the_request_again_is_still_the_answer(
    shop: ShopService, reply: str, taken: bool
) -> None:
    slots = {"request_kind": "change_address", "requested_slot": "new_address",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid"}  # fmt: skip
    tracker = make_tracker(reply, "change_address", slots=slots, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_new_address(
        CollectingDispatcher(), tracker, DOMAIN
    )

    assert found == ({"new_address": reply} if taken else {})


async def test_a_refund_policy_question_without_any_refund_gets_the_policy(
    shop: ShopService,
) -> None:
    # 「退款的话优惠券会退回吗」 got the order list, then 「没有退款记录」.
    slots = {"request_kind": "refund_progress"}
    tracker = make_tracker(
        "退款的话优惠券会退回吗", "refund_progress", slots=slots, active_loop="order_form"
    )
    dispatcher = CollectingDispatcher()

    events = await ValidateOrderForm(shop).run(dispatcher, tracker, DOMAIN)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_refund_extras"]
    assert SlotSet("request_kind", NO_REFUNDS) in events


@pytest.mark.parametrize(
    ("reply", "address", "receiver", "phone"),
    [
        ("电话写错了 是13800138001", "浙江省杭州市西湖区文三路100号", "张三", "13800138001"),
        ("收件人改成李道明", "浙江省杭州市西湖区文三路100号", "李道明", "13912345678"),
        ("上海市徐汇区漕溪北路398号", "上海市徐汇区漕溪北路398号", "张三", "13912345678"),
        # A part corrected changes that part: 「不对 门牌号是200号」 was saved as the address.
        ("不对 门牌号是200号", "浙江省杭州市西湖区文三路200号", "张三", "13912345678"),
        ("等下 写错了 是文三路200号", "浙江省杭州市西湖区文三路200号", "张三", "13912345678"),
    ],
)
async def test_a_correction_at_the_address_confirmation_changes_what_it_names(
    shop: ShopService, reply: str, address: str, receiver: str, phone: str
) -> None:
    slots = {"request_kind": "change_address", "requested_slot": "address_confirmed",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid",
             "new_address": "浙江省杭州市西湖区文三路100号 张三 13912345678"}  # fmt: skip
    tracker = make_tracker(reply, "inform", slots=slots, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_address_confirmed(
        CollectingDispatcher(), tracker, DOMAIN
    )

    contact = split_contact(found["new_address"])
    assert (contact.address, contact.receiver, contact.phone) == (address, receiver, phone)
    assert "address_confirmed" not in found  # asked again, with the change


async def test_a_correction_naming_no_part_of_the_address_changes_nothing(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "change_address", "requested_slot": "address_confirmed",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid",
             "new_address": "浙江省杭州市西湖区文三路100号"}  # fmt: skip
    tracker = make_tracker("不对 是3栋201", "deny", slots=slots, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_address_confirmed(
        CollectingDispatcher(), tracker, DOMAIN
    )

    assert found == {}  # the address has no building to change: not taken as the address


async def test_a_new_phone_that_reads_as_an_exchange_is_the_answer(shop: ShopService) -> None:
    # 「换个号码…」 read as exchange_goods: the form switched to 「想换尺码或颜色的话…」.
    reply = "换个号码13912345678，别的都一样"
    # Rasa's mapping has set request_kind from the words' intent before the form runs.
    slots = {"request_kind": "exchange_goods", "requested_slot": "new_address",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid"}  # fmt: skip
    earlier = [{"event": "slot", "name": "request_kind", "value": "change_address"}]
    tracker = make_tracker(
        reply, "exchange_goods", slots=slots, events=earlier, active_loop="order_form"
    )

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    # Taken as the answer, with the order's address kept beside the new phone.
    order = await shop.order("demo", DEMO_PAID_ORDER)
    [*_, address] = slot_values(events, "new_address")
    assert split_contact(address) == Contact(order.address, None, "13912345678")
    assert slot_values(events, "request_kind") == ["change_address"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("浙江省杭州市西湖区文三路100号", True),
        ("上海市浦东新区张江路88号3栋101", True),
        ("换个号码 别的都一样", False),  # 号 of 号码
        ("我也不知道该怎么说才好呢", False),  # 道 of 知道
        ("好的谢谢", False),
        ("上海 世纪大道1号", True),  # a municipality without 「市」
        ("不对 门牌号是200号", False),  # no region a courier routes by
        ("等下 写错了 是文三路200号", False),
    ],
)
def test_what_looks_like_an_address(text: str, address: bool) -> None:
    assert looks_like_address(text) is address


async def test_a_refund_past_its_window_asks_no_reason_first(shop: ShopService) -> None:
    # It asked for the reason, then said 「已取消或已超过售后期」.
    slots = {"request_kind": "refund_request", "order_id": DEMO_COMPLETED_ORDER,
             "order_status": "completed"}  # fmt: skip
    tracker = make_tracker("我要退款", "refund_request", slots=slots, active_loop="order_form")

    needed = await ValidateOrderForm(shop).required_slots([], CollectingDispatcher(), tracker, {})

    assert needed == ["order_id"]


@pytest.mark.parametrize(
    ("reply", "intent", "entities", "corrected"),
    [
        ("不对，原因是质量问题", "deny", [], {"refund_reason": "质量问题"}),
        ("金额改成328元", "inform", [{"entity": "amount", "value": "328元"}], {"amount": "328元"}),
        ("只退100", "refund_request", [{"entity": "amount", "value": "100"}], {"amount": "100"}),
        ("先不退了", "deny", [], None),  # the button's title: a no
    ],
)
async def test_a_correction_at_the_refund_confirmation_is_applied_and_asked_again(
    shop: ShopService, domain: dict, reply: str, intent: str, entities: list, corrected: dict | None
) -> None:
    # 「不对，原因是质量问题」 got the fallback, and 确认退款 then filed 「不想要了」.
    slots = {"request_kind": "refund_request", "requested_slot": "refund_confirmed",
             "order_id": DEMO_DELIVERED_ORDER, "refund_reason": "不想要了"}  # fmt: skip
    tracker = make_tracker(reply, intent, slots=slots, entities=entities, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_refund_confirmed(
        CollectingDispatcher(), tracker, domain
    )

    assert found == (
        {**corrected, "refund_confirmed": None} if corrected else {"refund_confirmed": False}
    )


@pytest.mark.parametrize("requested", ["invoice_title", "refund_reason", "new_address", "tax_id"])
async def test_another_orders_button_is_no_answer_in_words(
    shop: ShopService, domain: dict, requested: str
) -> None:
    # Tapped at 「请告诉我发票抬头」, its payload was filed as the invoice's title.
    payload = f'/inform{{"order_id":"{DEMO_PAID_ORDER}"}}'
    slots = {"request_kind": "invoice", "requested_slot": requested,
             "order_id": DEMO_PAID_ORDER, requested: payload}  # fmt: skip
    entities = [{"entity": "order_id", "value": DEMO_PAID_ORDER}]
    tracker = make_tracker(payload, "inform", slots=slots, entities=entities,
                           active_loop="order_form")  # fmt: skip

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert slot_values(events, requested)[-1:] == [None]
    assert payload not in slot_values(events, requested)


async def test_a_title_given_with_the_request_is_not_asked_again(
    shop: ShopService, domain: dict
) -> None:
    # It was lost, and asked for after the order was picked.
    text = "我要开发票，抬头是上海小林科技有限公司"
    tracker = make_tracker(text, "invoice", slots={"request_kind": "invoice"},
                           active_loop="order_form")  # fmt: skip

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert slot_values(events, "invoice_title")[-1] == "上海小林科技有限公司"


async def test_a_tax_id_alone_for_the_title_is_kept_and_the_title_asked_once(
    shop: ShopService, domain: dict
) -> None:
    # The form asked 「请告诉我发票抬头」 twice in one reply, and dropped the tax id.
    dispatcher = CollectingDispatcher()
    found = await ValidateOrderForm(shop).validate_invoice_title(
        "税号91310104MA1FL0XX1K", dispatcher, make_tracker(), domain
    )
    assert found == {"invoice_title": None, "tax_id": "91310104MA1FL0XX1K"}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "intent", "picked"),
    [
        ("418825能开发票吗", "invoice", {"order_id": DEMO_SHIPPED_ORDER}),  # it asked again
        ("418825", "inform", {"order_id": DEMO_SHIPPED_ORDER}),
        ("418825到哪了", "order_status", {}),  # another request: it switches to that
    ],
)
async def test_a_reply_that_restates_the_request_with_a_short_number_picks_it(
    shop: ShopService, text: str, intent: str, picked: dict[str, str]
) -> None:
    asked = {"event": "bot", "text": "请问是哪一笔订单呢？", "data": {"buttons": [
        {"title": i[-6:], "payload": f'/inform{{"order_id":"{i}"}}'}
        for i in (DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER)]},
        "metadata": {"utter_action": "utter_ask_order_id_choose"}}  # fmt: skip
    slots = {"request_kind": "invoice", "requested_slot": "order_id"}
    tracker = make_tracker(text, intent, slots=slots, events=[asked], active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_order_id(CollectingDispatcher(), tracker, DOMAIN)

    assert found == picked


async def test_a_reason_for_the_proposed_order_confirms_it_for_the_refund(
    shop: ShopService, domain: dict
) -> None:
    # 「不想要了」 to 「是下面这笔订单吗」 got 「已为您取消本次操作」.
    proposed = {"event": "bot", "text": "是下面这笔订单吗？", "data": {"buttons": [
        {"title": DEMO_SHIPPED_ORDER[-6:],
         "payload": f'/inform{{"order_id":"{DEMO_SHIPPED_ORDER}"}}'}]},
        "metadata": {"utter_action": NAMED_QUESTION}}  # fmt: skip
    slots = {"request_kind": "refund_request", "requested_slot": "order_id"}
    tracker = make_tracker(
        "不想要了", "deny", slots=slots, events=[proposed], active_loop="order_form"
    )

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert slot_values(events, "order_id")[-1] == DEMO_SHIPPED_ORDER
    assert slot_values(events, "refund_reason")[-1] == "不想要了"
    assert ABORTED not in slot_values(events, "request_kind")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("订单2611241900017700 收货人改成我老婆王丽", "收货人改成我老婆王丽"),
        ("2611241900017700 手机号写错了 改成13912345678", "手机号写错了 改成13912345678"),
        ("改地址 浙江省杭州市西湖区文三路100号 2611241900017700", "浙江省杭州市西湖区文三路100号"),
        ("订单2611241900017700要改地址", None),
        # The short order number and a further request are no part of the address:
        # both were saved in it (the QA round).
        ("590142的地址改成北京市海淀区中关村大街1号，另外帮我催一下", "北京市海淀区中关村大街1号"),
        ("地址改成杭州市西湖区文三路100号 顺便问下什么时候发货", "杭州市西湖区文三路100号"),
    ],
)
def test_a_change_given_with_the_address_request_is_read(text: str, said: str | None) -> None:
    assert contact_said(text) == said


async def test_a_receiver_given_with_the_request_goes_to_the_confirmation(
    shop: ShopService, domain: dict
) -> None:
    # The change in the opening message was dropped and the address asked for.
    text = f"订单{DEMO_PAID_ORDER} 收货人改成我老婆王丽"
    slots = {"request_kind": "change_address", "order_id": DEMO_PAID_ORDER, "order_status": "paid"}
    tracker = make_tracker(text, "change_address", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    order = await shop.order("demo", DEMO_PAID_ORDER)
    assert split_contact(slot_values(events, "new_address")[-1]) == Contact(order.address, "王丽")


async def test_a_new_phone_with_the_orders_short_number_goes_to_the_confirmation(
    shop: ShopService, domain: dict
) -> None:
    # 「590142 电话改成139…」 asked for a new address: the order was read after the change.
    text = f"{DEMO_PAID_ORDER[-6:]} 电话改成13955556666"
    slots = {"request_kind": "change_address"}
    tracker = make_tracker(text, "change_address", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    order = await shop.order("demo", DEMO_PAID_ORDER)
    assert slot_values(events, "order_id") == [DEMO_PAID_ORDER]
    new = split_contact(slot_values(events, "new_address")[-1])
    assert (new.address, new.phone) == (order.address, "13955556666")
    assert slot_values(events, "requested_slot") == ["address_confirmed"]


async def test_a_request_made_mid_refund_about_other_goods_takes_their_order(
    shop: ShopService, domain: dict
) -> None:
    # 「羽绒服到哪了」 while confirming the nappies' refund got the nappies' order.
    slots = {"request_kind": "logistics_track", "requested_slot": "refund_confirmed",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid",
             "refund_reason": "不想要了"}  # fmt: skip
    earlier = [{"event": "slot", "name": "request_kind", "value": "refund_request"}]
    tracker = make_tracker(
        "羽绒服到哪了", "logistics_track", slots=slots, events=earlier, active_loop="order_form"
    )

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert set(slot_values(events, "order_id")) == {DEMO_SHIPPED_ORDER}
    assert slot_values(events, "request_kind") == ["logistics_track"]
    # The refund set aside is of its own order, to be offered again.
    [paused] = slot_values(events, "paused_refund")
    assert (paused["order_id"], paused["reason"]) == (DEMO_PAID_ORDER, "不想要了")


def test_a_product_answer_is_told_from_the_bots_other_turns() -> None:
    def turn(*names: str) -> list[dict[str, Any]]:
        actions = [{"event": "action", "name": name} for name in names]
        return [{"event": "user"}, *actions, {"event": "action", "name": "action_listen"}]

    latest = [{"event": "user", "text": "啥时候发货"}]
    assert answered_a_product_question(turn("action_product_consult") + latest)
    assert not answered_a_product_question(turn("action_handle_order_request") + latest)
    # The product answer two turns back does not count.
    earlier = turn("action_product_consult") + turn("utter_greet")
    assert not answered_a_product_question(earlier + latest)
    assert not answered_a_product_question(latest)


async def test_when_it_ships_after_a_product_answer_needs_no_order(shop: ShopService) -> None:
    tracker = make_tracker("啥时候发货", "urge_delivery", slots={"request_kind": "urge_delivery"})
    tracker.events[:0] = [{"event": "action", "name": "action_product_consult"}]

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("request_kind", PRE_SALE_SHIPPING) in events


async def test_how_much_comes_back_at_the_confirmation_keeps_the_refund(
    shop: ShopService,
) -> None:
    # 「退多少钱啊」 set the refund aside for a lookup of refunds (there were none).
    slots = {"requested_slot": "refund_confirmed", "request_kind": "refund_progress",
             "order_id": DEMO_PAID_ORDER, "order_status": "paid",
             "refund_reason": "不想要了"}  # fmt: skip
    tracker = make_tracker("退多少钱啊", "refund_progress", slots=slots, active_loop="order_form")
    dispatcher = CollectingDispatcher()

    events = await ValidateOrderForm(shop).run(dispatcher, tracker, DOMAIN)

    assert [m["response"] for m in dispatcher.messages] == ["utter_refund_money_route"]
    assert SlotSet("request_kind", "refund_request") in events
    assert slot_values(events, "requested_slot")[-1:] == ["refund_confirmed"]
