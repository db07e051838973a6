"""Product questions: stock, price, material and sizes of the product named, or shop policy."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, question_text
from actions.policy import PRE_SALE, topic_of
from actions.product_aspects import MATERIAL, PRICE, SIZES, Aspect, aspect_of
from actions.shop.format import yuan
from actions.shop.views import ProductView
from actions.size_advice import Body, body_in, size_chart, size_for

# The product last described: 「多少钱」 after 「羽绒服有货吗」 asks about the coat.
PRODUCT_SLOT = "product_name"


class ActionProductConsult(UsesShop, Action):
    """Answers from the product catalogue when the message names a product.

    A follow-up that names none (「有M码吗」, 「多少钱」) is about the product
    named last in the conversation, if any. A question about one aspect
    (sizes, price, material, stock) gets that aspect, others the whole card.
    """

    def name(self) -> str:
        """Action name in the domain."""
        return "action_product_consult"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer a policy question, describe the product named, or ask which one is meant."""
        text = question_text(tracker)
        named = await self.shop.match_products(text, limit=1)
        # 「口红是正品吗」 then 「有豆沙色吗」: the follow-up is about the lipstick.
        remembered = [SlotSet(PRODUCT_SLOT, named[0].name)] if named else []
        topic = topic_of(text, PRE_SALE)
        if topic is not None:  # 「羽绒服包邮吗」 asks about shipping, not the coat
            dispatcher.utter_message(response=topic.response)
            return remembered
        products = named
        if not products and tracker.get_slot(PRODUCT_SLOT):
            products = await self.shop.match_products(tracker.get_slot(PRODUCT_SLOT), limit=1)
        if not products:
            # 「猫粮有无谷的吗」 in a shop without pet food: say what it does sell.
            categories = "、".join(await self.shop.categories())
            dispatcher.utter_message(response="utter_product_general", categories=categories)
            return []
        product = products[0]
        aspect = aspect_of(text, product.sizes)
        if aspect is None:
            describe(dispatcher, product)
        else:
            answer_aspect(dispatcher, product, aspect, body_in(text))
        return [SlotSet(PRODUCT_SLOT, product.name)]


def describe(dispatcher: CollectingDispatcher, product: ProductView) -> None:
    """The whole product card: price, material, sizes, description and stock."""
    dispatcher.utter_message(
        response="utter_product_info",
        name=product.name,
        price=yuan(product.price_fen),
        material=product.material,
        sizes="、".join(product.sizes),
        description=product.description,
    )
    tell_stock(dispatcher, product)
    if product.authentic_guarantee:
        dispatcher.utter_message(response="utter_authentic")


def answer_aspect(
    dispatcher: CollectingDispatcher,
    product: ProductView,
    aspect: Aspect,
    body: Body | None = None,
) -> None:
    """Only what was asked: 「有L码吗」 gets yes or no about L and the stock; 「我175
    140斤穿什么码」 (a ``body``) the size that fits."""
    name, sizes = product.name, "、".join(product.sizes)
    if aspect.kind == PRICE:
        dispatcher.utter_message(
            response="utter_product_price", name=name, price=yuan(product.price_fen)
        )
    elif aspect.kind == MATERIAL:
        if product.material:
            dispatcher.utter_message(
                response="utter_product_material", name=name, material=product.material
            )
        else:
            dispatcher.utter_message(
                response="utter_product_description", name=name, description=product.description
            )
    elif aspect.kind == SIZES and not product.sizes:
        dispatcher.utter_message(
            response="utter_product_description", name=name, description=product.description
        )
    elif aspect.kind == SIZES and aspect.offered:
        dispatcher.utter_message(response="utter_product_size_offered", name=name, size=aspect.size)
        tell_stock(dispatcher, product)
    elif aspect.kind == SIZES and aspect.size:
        dispatcher.utter_message(
            response="utter_product_size_missing", name=name, size=aspect.size, sizes=sizes
        )
    elif (
        aspect.kind == SIZES and body is not None and any(s in size_chart() for s in product.sizes)
    ):
        fits = size_for(body, product.sizes)
        response = "utter_product_size_advice" if fits else "utter_product_size_none_fits"
        dispatcher.utter_message(
            response=response, name=name, body=body.said(), size=fits or "", sizes=sizes
        )
    elif aspect.kind == SIZES:
        dispatcher.utter_message(response="utter_product_sizes", name=name, sizes=sizes)
    else:
        tell_stock(dispatcher, product)


def tell_stock(dispatcher: CollectingDispatcher, product: ProductView) -> None:
    """In stock with how many, or sold out with the restock reminder."""
    response = "utter_product_in_stock" if product.stock > 0 else "utter_product_sold_out"
    dispatcher.utter_message(response=response, name=product.name, stock=product.stock)
