"""Product answers say only what the catalogue holds, about the product in the conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.products import ActionProductConsult
from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.models import Product
from actions.shop.service import ShopService
from tests.factories import make_tracker

ROOT = Path(__file__).resolve().parents[2]
COAT = {"product_name": "轻薄羽绒服"}
LIPSTICK = {"product_name": "丝绒哑光口红"}
SCARF = {"product_name": "羊毛混纺围巾"}  # sold out in the demo shop


async def ask(shop: ShopService, text: str, slots: dict, intent: str = "product_consult") -> tuple:
    """The messages sent (response and fields) and the events returned."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent, slots=slots)
    events = await ActionProductConsult(shop).run(dispatcher, tracker, {})
    return dispatcher.messages, events


def said(messages: list[dict], *fields: str) -> list[tuple]:
    return [(m["response"], *(m.get(f) for f in fields)) for m in messages]


def offers_a_person(response: str) -> bool:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    variations = domain["responses"][response]
    return all(
        any(b["payload"] == "/request_human" for b in v.get("buttons", [])) for v in variations
    )


@pytest.mark.parametrize("text", ["有没有黑色的", "有哪些颜色", "黑色的还有货吗"])
async def test_colours_the_catalogue_does_not_list_are_unknown_not_missing(
    shop: ShopService, text: str
) -> None:
    # It said 「抱歉，轻薄羽绒服没有黑色，可选：S、M、L、XL、XXL。」: the coat's data
    # lists sizes, not colours.
    messages, events = await ask(shop, text, COAT)

    assert said(messages, "name", "sizes") == [
        ("utter_product_colours_unknown", "轻薄羽绒服", None)
    ]
    assert offers_a_person("utter_product_colours_unknown")
    assert events == [SlotSet("product_name", "轻薄羽绒服")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有没有黑色的", [("utter_product_size_missing", "黑色", "正红、豆沙、枫叶红")]),
        ("有红色吗", [("utter_product_size_offered", "正红、枫叶红", None),
                     ("utter_product_in_stock", None, None)]),
        ("有哪些颜色", [("utter_product_sizes", None, "正红、豆沙、枫叶红")]),
    ],
)  # fmt: skip
async def test_colours_the_catalogue_lists_are_answered_from_it(
    shop: ShopService, text: str, expected: list
) -> None:
    messages, _ = await ask(shop, text, LIPSTICK)
    assert said(messages, "size", "sizes") == expected


@pytest.mark.parametrize("intent", ["product_consult", "out_of_scope"])
async def test_a_size_beyond_the_largest_is_answered_about_the_product_in_context(
    shop: ShopService, intent: str
) -> None:
    # 「XXXL有吗」 right after the coat got 「这个问题我还不太擅长」; the model reads
    # it as out of scope, so a rule after a product answer sends it here too.
    messages, events = await ask(shop, "XXXL有吗", COAT, intent)

    assert said(messages, "name", "size", "sizes") == [
        ("utter_product_size_missing", "轻薄羽绒服", "XXXL", "S、M、L、XL、XXL")
    ]
    assert events == [SlotSet("product_name", "轻薄羽绒服")]


async def test_out_of_scope_chat_after_a_product_stays_out_of_scope(shop: ShopService) -> None:
    messages, events = await ask(shop, "今天天气怎么样", COAT, "out_of_scope")
    assert (said(messages), events) == ([("utter_out_of_scope",)], [])


async def test_a_miss_after_a_product_that_names_no_size_goes_to_the_fallback(
    shop: ShopService,
) -> None:
    messages, events = await ask(shop, "嗯嗯啊", COAT, "nlu_fallback")
    assert (said(messages), events) == ([("utter_default",)], [])


async def test_a_miss_naming_a_colour_is_about_the_product(shop: ShopService) -> None:
    messages, _ = await ask(shop, "白色的呢", COAT, "nlu_fallback")
    assert said(messages) == [("utter_product_colours_unknown",)]


async def test_when_a_sold_out_product_returns_is_said_to_be_unknown(shop: ShopService) -> None:
    # It sent the sold-out card again, with 「到货提醒」 the catalogue does not offer.
    messages, events = await ask(shop, "啥时候补货", SCARF)

    assert said(messages, "name") == [("utter_product_restock_unknown", "羊毛混纺围巾")]
    assert offers_a_person("utter_product_restock_unknown")
    assert events == [SlotSet("product_name", "羊毛混纺围巾")]


async def test_when_a_product_in_stock_returns_gets_its_stock(shop: ShopService) -> None:
    messages, _ = await ask(shop, "什么时候补货", COAT)
    assert said(messages, "stock") == [("utter_product_in_stock", 126)]


async def test_other_goods_of_a_sold_out_products_category_in_stock_are_listed(
    shop: ShopService,
) -> None:
    # It sent the scarf's card and its sold-out notice again.
    messages, events = await ask(shop, "那有别的围巾吗", SCARF)

    [message] = messages
    assert (message["response"], message["name"], message["category"]) == (
        "utter_product_alternatives",
        "羊毛混纺围巾",
        "服装",
    )
    assert message["products"].splitlines() == [
        "· 轻薄羽绒服 ¥399.00",
        "· 纯棉圆领T恤 ¥79.00",
        "· 高腰直筒牛仔裤 ¥159.00",
    ]
    assert events == [SlotSet("product_name", "羊毛混纺围巾")]


def _product(pid: str, name: str, aliases: str, category: str, stock: int) -> Product:
    return Product(
        id=pid, name=name, aliases=aliases, category=category, price_fen=10000, stock=stock,
        material="", sizes="均码", description="", authentic_guarantee=True,
    )  # fmt: skip


@pytest_asyncio.fixture
async def scarves() -> AsyncIterator[ShopService]:
    """A shop of two scarves, one sold out, a coat in stock and a sold-out hat."""
    engine = make_engine("sqlite+aiosqlite://")
    await create_schema(engine)
    sessions = make_sessionmaker(engine)
    async with sessions.begin() as s:
        s.add_all([
            _product("A1", "羊绒大衣", "大衣", "服装", 5),
            _product("A2", "羊毛围巾", "围巾", "服装", 0),
            _product("A3", "真丝围巾", "丝巾,围巾", "服装", 7),
            _product("B1", "毛线帽", "帽子", "配饰", 0),
        ])  # fmt: skip
    yield ShopService(sessions)
    await engine.dispose()


async def test_other_goods_of_the_kind_asked_come_first(scarves: ShopService) -> None:
    messages, _ = await ask(scarves, "有别的围巾吗", {"product_name": "羊毛围巾"})
    assert messages[0]["products"].splitlines() == ["· 真丝围巾 ¥100.00", "· 羊绒大衣 ¥100.00"]


async def test_with_no_other_goods_in_stock_a_person_is_offered(scarves: ShopService) -> None:
    messages, _ = await ask(scarves, "有其他帽子吗", {"product_name": "毛线帽"})
    assert said(messages, "name", "category") == [
        ("utter_product_no_alternatives", "毛线帽", "配饰")
    ]
    assert offers_a_person("utter_product_no_alternatives")
