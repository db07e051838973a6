"""Coupons, products, membership and the handoff signal."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coupons import ActionListCoupons
from actions.fallback import ActionHandleFallback, fallback_limit
from actions.handoff import ActionRequestAgent, recent_user_texts
from actions.membership import ActionMembershipInfo
from actions.payments import ActionPaymentHelp
from actions.products import ActionProductConsult
from actions.shop.seed import DEMO_DELIVERED_ORDER
from actions.shop.service import ShopService
from tests.factories import make_tracker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> dict:
    """The project's domain, as Rasa sends it to the action server."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


async def test_coupons_are_listed_soonest_expiry_first(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionListCoupons(shop).run(dispatcher, make_tracker("我有哪些优惠券", "coupon"), {})
    message = dispatcher.messages[0]
    usable = await shop.usable_coupons(shopper_id="demo")
    assert message["response"] == "utter_coupons"
    lines = message["coupons"].splitlines()
    assert len(lines) == len(usable) >= 1
    assert usable[0].title in lines[0]
    assert any("即将过期" in line for line in lines) == any(c.expiring_soon for c in usable)


async def test_coupons_need_a_logged_in_shopper(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionListCoupons(shop).run(dispatcher, make_tracker(shopper_id=None), {})
    assert dispatcher.messages[0]["response"] == "utter_login_required"


async def test_product_named_in_the_message_is_described(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionProductConsult(shop).run(
        dispatcher, make_tracker("介绍一下羽绒服", "product_consult"), {}
    )
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_product_info", "utter_product_in_stock", "utter_authentic"]
    assert dispatcher.messages[0]["name"] == "轻薄羽绒服"


IN_STOCK = ("utter_product_in_stock", None)
COAT, LIPSTICK = {"product_name": "轻薄羽绒服"}, {"product_name": "丝绒哑光口红"}


@pytest.mark.parametrize(
    ("text", "slots", "said"),
    [
        ("羽绒服有M码吗", {}, [("utter_product_size_offered", "M"), IN_STOCK]),
        ("有XL的吗", COAT, [("utter_product_size_offered", "XL"), IN_STOCK]),
        ("有XXXL码吗", COAT, [("utter_product_size_missing", "XXXL")]),
        ("口红有豆沙色吗", {}, [("utter_product_size_offered", "豆沙"), IN_STOCK]),
        ("有没有色号推荐", LIPSTICK, [("utter_product_sizes", None)]),
        ("多少钱", LIPSTICK, [("utter_product_price", None)]),
        ("什么面料", COAT, [("utter_product_material", None)]),
        ("耳机有货吗", {}, [IN_STOCK]),
        ("围巾还有货吗", {}, [("utter_product_sold_out", None)]),
        ("耳机有几种颜色", {}, [("utter_product_colours_unknown", None)]),  # it lists none
    ],
)
async def test_a_question_about_one_aspect_gets_that_aspect(
    shop: ShopService, text: str, slots: dict, said: list
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "product_consult", slots=slots)

    await ActionProductConsult(shop).run(dispatcher, tracker, {})

    assert [(m["response"], m.get("size")) for m in dispatcher.messages] == said


async def test_a_policy_answer_remembers_the_product_it_was_asked_about(
    shop: ShopService,
) -> None:
    events = await ActionProductConsult(shop).run(
        CollectingDispatcher(), make_tracker("口红是正品吗", "product_consult"), {}
    )
    assert events == [SlotSet("product_name", "丝绒哑光口红")]


async def test_the_product_described_is_remembered_for_follow_ups(shop: ShopService) -> None:
    first = await ActionProductConsult(shop).run(
        CollectingDispatcher(), make_tracker("羽绒服有货吗", "product_consult"), {}
    )
    assert first == [SlotSet("product_name", "轻薄羽绒服")]

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("多少钱", "product_consult", slots={"product_name": "轻薄羽绒服"})
    await ActionProductConsult(shop).run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["response"] == "utter_product_price"
    assert dispatcher.messages[0]["name"] == "轻薄羽绒服"


async def test_a_product_named_again_replaces_the_one_remembered(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("耳机多少钱", "product_consult", slots={"product_name": "轻薄羽绒服"})
    events = await ActionProductConsult(shop).run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["name"] == "降噪蓝牙耳机"
    assert events == [SlotSet("product_name", "降噪蓝牙耳机")]


@pytest.mark.parametrize("text", ["这个有没有大一号的", "你们家的猫粮有没有无谷的"])
async def test_a_product_not_found_gets_what_the_shop_sells(shop: ShopService, text: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionProductConsult(shop).run(dispatcher, make_tracker(text, "product_consult"), {})
    [answer] = dispatcher.messages
    assert answer["response"] == "utter_product_general"
    assert answer["categories"].startswith("服装、数码、")


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("羽绒服包邮吗", "utter_policy_shipping"),
        ("运费多少钱", "utter_policy_shipping"),
        ("你们从哪里发货", "utter_policy_ship_from"),
        ("空气炸锅保修多久", "utter_policy_warranty"),
        ("这个是正品吗", "utter_authentic"),
        ("买这个有赠品吗", "utter_policy_gift"),
        ("我拍了两单，能一起寄吗", "utter_policy_merge_shipping"),
        ("合并发货能省运费吗", "utter_policy_merge_shipping"),
        ("支持以旧换新吗", "utter_policy_trade_in"),
        ("羽绒服下单后多久发货", "utter_policy_ship_from"),
        ("羽絨服包郵嗎", "utter_policy_shipping"),  # written in traditional characters
    ],
)
async def test_policy_question_gets_the_shops_policy(
    shop: ShopService, text: str, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionProductConsult(shop).run(dispatcher, make_tracker(text, "product_consult"), {})
    assert [m["response"] for m in dispatcher.messages] == [response]


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("可以货到付款吗", "utter_policy_payment_methods"),
        ("能用花呗分期吗", "utter_policy_payment_methods"),
        ("支持信用卡吗", "utter_policy_payment_methods"),
        ("花呗付款失败了", "utter_payment_issue"),
        ("微信支付扣了两次钱", "utter_payment_issue"),
        ("付款一直没反应", "utter_payment_issue"),
    ],
)
async def test_payment_question_is_told_how_to_pay_or_what_went_wrong(
    text: str, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionPaymentHelp().run(dispatcher, make_tracker(text, "payment_issue"), {})
    assert [m["response"] for m in dispatcher.messages] == [response]


@pytest.mark.parametrize(
    ("text", "shopper_id", "response"),
    [
        ("怎么用", "demo", "utter_policy_coupon_rules"),
        ("优惠券过期了怎么办", "demo", "utter_policy_coupon_rules"),
        ("两张券能叠加吗", None, "utter_policy_coupon_rules"),  # rules need no login
        ("哪些券快过期了", "demo", "utter_coupons"),
        ("我有优惠券吗", "demo", "utter_coupons"),
        ("满减怎么算的", "demo", "utter_policy_coupon_rules"),  # it listed the coupons
    ],
)
async def test_a_question_about_how_coupons_work_gets_the_rules(
    shop: ShopService, text: str, shopper_id: str | None, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "coupon", shopper_id=shopper_id)
    await ActionListCoupons(shop).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [response]


@pytest.mark.parametrize(
    ("text", "intent", "response"),
    [
        ("为什么用不了", "deny", "utter_policy_coupon_rules"),  # it got 「还有什么可以帮您」
        ("为啥用不了", "nlu_fallback", "utter_policy_coupon_rules"),
        ("不用了", "deny", "utter_anything_else"),
        ("付款失败了", "payment_issue", "utter_payment_issue"),
        # Not understood and no rules asked: the fallback's answer (it crashed: the shop
        # was passed as the fallback's limit).
        ("那个啥来着", "nlu_fallback", "utter_default"),
    ],
)
async def test_right_after_the_coupons_a_question_about_them_gets_the_rules(
    shop: ShopService, text: str, intent: str, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionListCoupons(shop).run(dispatcher, make_tracker(text, intent), {})
    assert dispatcher.messages[0]["response"] == response


@pytest.mark.parametrize(
    ("shopper_id", "responses"),
    [
        ("demo", ["utter_membership", "utter_membership_upgrade"]),
        (None, ["utter_membership_upgrade"]),
    ],
)
async def test_how_to_go_up_a_tier_gets_the_thresholds(
    shop: ShopService, shopper_id: str | None, responses: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("怎么升级", "membership", shopper_id=shopper_id)
    await ActionMembershipInfo(shop).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == responses


@pytest.mark.parametrize(
    ("text", "shopper_id", "responses"),
    [
        ("积分怎么用", "demo", ["utter_membership", "utter_membership_points"]),
        ("积分能换什么", "demo", ["utter_membership", "utter_membership_points"]),
        ("积分会过期吗", None, ["utter_membership_points"]),
        ("我有多少积分", "demo", ["utter_membership", "utter_membership_benefits_gold"]),
    ],
)
async def test_how_points_work_is_answered_beside_the_balance(
    shop: ShopService, text: str, shopper_id: str | None, responses: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "membership", shopper_id=shopper_id)
    await ActionMembershipInfo(shop).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == responses


async def test_a_second_rules_question_skips_the_greeting_but_the_balance_is_told_again(
    shop: ShopService,
) -> None:
    greeting = {"utter_action": "utter_membership"}
    greeted = [{"event": "bot", "text": "小林您好…", "metadata": greeting}]

    async def answer(text: str) -> list[str]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, "membership", events=greeted)
        await ActionMembershipInfo(shop).run(dispatcher, tracker, {})
        return [m["response"] for m in dispatcher.messages]

    assert await answer("怎么升级白金") == ["utter_membership_upgrade"]
    assert await answer("我还有多少积分") == ["utter_membership", "utter_membership_benefits_gold"]


async def test_membership_reads_tier_and_points(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionMembershipInfo(shop).run(dispatcher, make_tracker("我有多少积分", "membership"), {})
    assert dispatcher.messages[0]["response"] == "utter_membership"
    assert dispatcher.messages[0]["points"] == 2680
    assert dispatcher.messages[1]["response"] == "utter_membership_benefits_gold"


async def test_emergency_hands_off_urgently_to_the_safety_team() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "快递员一直在我家门口不走还威胁我",
        "emergency",
        slots={"order_id": "2611210930418825"},
        events=[{"event": "user", "text": "我的快递呢"}],
    )
    events = await ActionRequestAgent().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_emergency"
    handoff = dispatcher.messages[1]["custom"]["handoff"]
    assert handoff == {
        "reason": "emergency",
        "priority": "urgent",
        "team": "safety",
        "intent": "emergency",
        "order_id": "2611210930418825",
        "summary": ["我的快递呢", "快递员一直在我家门口不走还威胁我"],
    }
    assert events == [ConversationPaused()]


async def test_the_summary_shows_a_tapped_button_as_its_title() -> None:
    tracker = make_tracker(
        "还在吗",
        "greet",
        events=[
            {"event": "user", "text": "我的快递呢"},
            {"event": "user", "text": "/request_human", "metadata": {"title": "转人工"}},
        ],
    )
    assert recent_user_texts(tracker) == ["我的快递呢", "转人工", "还在吗"]


@pytest.mark.parametrize(
    ("text", "hands_off"),
    [
        ("人工客服几点上班", False),
        ("周末有人吗", False),
        ("人工客服现在在吗", True),
        ("转人工", True),
        ("/request_human", True),  # the button under the hours
    ],
)
async def test_service_hours_are_told_and_a_person_is_brought_in_when_asked(
    text: str, hands_off: bool
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionRequestAgent().run(dispatcher, make_tracker(text, "request_human"), {})

    assert (ConversationPaused() in events) is hands_off
    told = dispatcher.messages[0]["response"] == "utter_policy_service_hours"
    assert told is not hands_off


@pytest.mark.parametrize("text", ["你们客服电话多少", "有没有400热线", "联系方式给一个"])
async def test_asked_for_a_phone_number_it_says_there_is_none_and_brings_a_person(
    text: str,
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionRequestAgent().run(dispatcher, make_tracker(text, "request_human"), {})

    responses = [m.get("response") for m in dispatcher.messages]
    assert responses[:2] == ["utter_no_phone_line", "utter_handoff_started"]
    assert ConversationPaused() in events


@pytest.mark.parametrize(
    ("text", "helped"),
    [
        ("怎么登录", True),  # it got a scam warning and the security queue
        ("在哪里登录啊", True),
        ("登录不了怎么办", True),
        ("忘记密码了怎么办", True),
        ("帐号登不上了，提示有风险", False),
        ("收到异地登录提醒", False),
        ("我的号在陌生设备上登录了", False),
        ("有人让我把验证码发给他再登录", False),
        ("账号被盗了", False),
    ],
)
async def test_how_to_log_in_is_told_and_a_stolen_account_goes_to_security(
    text: str, helped: bool
) -> None:
    dispatcher = CollectingDispatcher()

    tracker = make_tracker(text, "account_security", shopper_id=None)
    events = await ActionRequestAgent().run(dispatcher, tracker, {})

    responses = [m.get("response") for m in dispatcher.messages if m.get("response")]
    if helped:
        assert (responses, events) == (["utter_account_help"], [])
    else:
        assert responses == ["utter_account_security"] and ConversationPaused() in events


async def test_fallback_handoff_has_normal_priority() -> None:
    dispatcher = CollectingDispatcher()
    await ActionRequestAgent().run(dispatcher, make_tracker("？？", "nlu_fallback"), {})
    handoff = dispatcher.messages[1]["custom"]["handoff"]
    assert (handoff["reason"], handoff["priority"], handoff["team"]) == (
        "bot_not_understanding",
        "normal",
        "general",
    )


def _missed(text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}


async def test_first_miss_asks_to_rephrase_the_second_hands_off(domain: dict) -> None:
    first = make_tracker("啊吧啊吧", "nlu_fallback", events=[{"event": "user", "text": "你好"}])
    second = make_tracker("乱七八糟", "nlu_fallback", events=[_missed("啊吧啊吧")])
    once, twice = CollectingDispatcher(), CollectingDispatcher()
    assert await ActionHandleFallback(limit=2).run(once, first, domain) == []
    events = await ActionHandleFallback(limit=2).run(twice, second, domain)
    assert [m["response"] for m in once.messages] == ["utter_default"]
    assert twice.messages[1]["custom"]["handoff"]["reason"] == "bot_not_understanding"
    assert events == [ConversationPaused()]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("已经五天了", "utter_which_order_not_understood"),
        ("耳机左耳没声音了", "utter_ask_order_id_named"),  # the goods of one order: offer it
    ],
)
async def test_a_miss_while_asked_which_order_asks_for_the_order_again(
    domain: dict, shop: ShopService, text: str, said: str
) -> None:
    slots = {"requested_slot": "order_id", "request_kind": "exchange_goods"}
    tracker = make_tracker(
        text,
        "nlu_fallback",
        slots=slots,
        events=[{"event": "user", "text": "我要换货"}],
        active_loop="order_form",
    )
    dispatcher = CollectingDispatcher()
    assert await ActionHandleFallback(limit=2, shop=shop).run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == [said]
    if said == "utter_ask_order_id_named":
        assert DEMO_DELIVERED_ORDER in dispatcher.messages[0]["buttons"][0]["payload"]


def _unsure(text: str, ranking: list[tuple[str, float]]) -> Tracker:
    tracker = make_tracker(text, "nlu_fallback", events=[{"event": "user", "text": "你好"}])
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


async def test_an_unsure_guess_offers_the_likely_intents_best_first(domain: dict) -> None:
    tracker = _unsure(
        "运费谁出",
        [("nlu_fallback", 0.5), ("product_consult", 0.49), ("return_goods", 0.41),
         ("greet", 0.06), ("invoice", 0.02)],
    )  # fmt: skip
    dispatcher = CollectingDispatcher()

    await ActionHandleFallback(limit=2).run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("商品咨询（规格、包邮、保修）", "/product_consult"),
        ("退货、退货运费", "/return_goods"),
        ("都不是，转人工", "/request_human"),
    ]


async def test_an_owner_chooses_which_intents_are_offered_and_their_titles(domain: dict) -> None:
    tracker = _unsure(
        "运费谁出", [("nlu_fallback", 0.5), ("product_consult", 0.49), ("coupon", 0.3)]
    )
    responses = dict(domain["responses"])
    del responses["utter_suggest_product_consult"]
    responses["utter_suggest_coupon"] = [{"text": "领券"}]
    dispatcher = CollectingDispatcher()

    await ActionHandleFallback(limit=2).run(dispatcher, tracker, {**domain, "responses": responses})

    [message] = dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == ["领券", "都不是，转人工"]


async def test_without_a_likely_shop_intent_the_bot_asks_to_rephrase(domain: dict) -> None:
    tracker = _unsure("嗯嗯啊", [("nlu_fallback", 0.4), ("affirm", 0.38), ("coupon", 0.1)])
    dispatcher = CollectingDispatcher()

    await ActionHandleFallback(limit=2).run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


async def test_a_suggestion_button_is_answered_from_the_words_asked_before(
    shop: ShopService,
) -> None:
    tracker = make_tracker("/product_consult", "product_consult", events=[_missed("运费谁出")])
    dispatcher = CollectingDispatcher()

    await ActionProductConsult(shop).run(dispatcher, tracker, {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_shipping"]


def test_fallback_limit_is_configurable() -> None:
    assert fallback_limit({}) == 2
    assert fallback_limit({"KEFU_FALLBACKS_BEFORE_HANDOFF": "3"}) == 3
    assert fallback_limit({"KEFU_FALLBACKS_BEFORE_HANDOFF": "zero"}) == 2


async def test_a_signed_in_shopper_is_not_told_to_sign_in() -> None:
    dispatcher = CollectingDispatcher()
    await ActionRequestAgent().run(dispatcher, make_tracker("忘记密码了", "account_security"), {})
    assert dispatcher.messages[0]["response"] == "utter_account_help_signed_in"
