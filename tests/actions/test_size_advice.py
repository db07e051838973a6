"""「我175 140斤穿什么码」: the size that fits, from the height and weight given."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.products import ActionProductConsult
from actions.shop.service import ShopService
from actions.size_advice import Body, body_in, size_for
from tests.factories import make_tracker

LETTERS = ["S", "M", "L", "XL", "XXL"]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("我175 140斤穿什么码", Body(175, 70.0)),
        ("身高1米68 体重55kg", Body(168, 55.0)),
        ("1.6米 90斤", Body(160, 45.0)),
        ("我170cm穿多大", Body(170, None)),
        ("我180斤穿几码", Body(None, 90.0)),
        ("羽绒服多少钱 399元", None),
        ("订单2611230815590142", None),
    ],
)
def test_height_and_weight_are_read_in_the_units_shoppers_use(text: str, body: Body | None) -> None:
    assert body_in(text) == body


@pytest.mark.parametrize(
    ("body", "size"),
    [
        (Body(175, 70.0), "XL"),  # height and weight agree
        (Body(160, 70.0), "XL"),  # they differ: the larger fits
        (Body(150, None), "S"),  # XS is not made: the smallest made
        (Body(None, 90.0), None),  # beyond the largest made
    ],
)
def test_the_smallest_size_made_that_fits_both(body: Body, size: str | None) -> None:
    assert size_for(body, LETTERS) == size


def test_goods_without_letter_sizes_get_no_advice() -> None:
    assert size_for(Body(170, 60.0), ["25", "26", "27"]) is None


@pytest.mark.parametrize(
    ("text", "response", "size"),
    [
        ("羽绒服我175 140斤穿什么码", "utter_product_size_advice", "XL"),
        ("我180斤穿几码的羽绒服", "utter_product_size_none_fits", ""),
        ("羽绒服有哪些码", "utter_product_sizes", None),
    ],
)
async def test_a_size_question_with_a_height_or_weight_gets_the_size_that_fits(
    shop: ShopService, text: str, response: str, size: str | None
) -> None:
    # It listed 「S、M、L、XL、XXL」 and nothing else.
    dispatcher = CollectingDispatcher()
    await ActionProductConsult(shop).run(dispatcher, make_tracker(text, "product_consult"), {})
    [message] = dispatcher.messages
    assert (message["response"], message.get("size")) == (response, size)
