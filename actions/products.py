"""Product questions: stock, price, sizes, colours… of the product named, or shop policy.

Every answer comes from the product's data. What the data does not hold (the
coat's colours, a sold-out scarf's restock date) is said to be unknown, with a
person to ask, never guessed.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.after_sales import about_a_return, answer_return_question
from actions.common import UsesShop, latest_intent, question_text, shopper_id_of
from actions.fallback import FALLBACK_INTENT, ActionHandleFallback
from actions.policy import PRE_SALE, RETURN_QUESTIONS, topic_of
from actions.product_aspects import (
    COLOURS,
    MATERIAL,
    OTHERS,
    PRICE,
    RESTOCK,
    SIZES,
    Aspect,
    aspect_of,
    colours_matching,
    colours_of,
)
from actions.shop.format import yuan
from actions.shop.policy import match_length
from actions.shop.views import ProductView
from actions.size_advice import Body, body_in, size_chart, size_for

# The product last described: 「多少钱」 after 「羽绒服有货吗」 asks about the coat.
PRODUCT_SLOT = "product_name"
OUT_OF_SCOPE = "out_of_scope"
#: Intents a rule may send here right after a product answer: 「XXXL有吗」 reads as out of scope.
MISSES = (OUT_OF_SCOPE, FALLBACK_INTENT)
#: At most this many other products are suggested for 「有别的围巾吗」.
MAX_ALTERNATIVES = 5


class ActionProductConsult(UsesShop, Action):
    """Answers from the product catalogue when the message names a product.

    A follow-up that names none (「有M码吗」, 「多少钱」) is about the product
    named last in the conversation, if any. A question about one aspect
    (sizes, colours, price, material, stock, restock, other goods like it) gets
    that aspect, others the whole card.
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
        if latest_intent(tracker) in MISSES:
            return await self._follow_up(dispatcher, tracker, domain, named)
        # 「口红是正品吗」 then 「有豆沙色吗」: the follow-up is about the lipstick.
        remembered = [SlotSet(PRODUCT_SLOT, named[0].name)] if named else []
        returning = topic_of(text, RETURN_QUESTIONS) if about_a_return(tracker) else None
        if returning is not None:  # 「运费要我出吗」 on a return: the postage back, not to
            shopper_id = shopper_id_of(tracker)
            await answer_return_question(returning, self.shop, shopper_id, dispatcher)
            return remembered
        topic = topic_of(text, PRE_SALE)
        if topic is not None:  # 「羽绒服包邮吗」 asks about shipping, not the coat
            dispatcher.utter_message(response=topic.response)
            return remembered
        product = named[0] if named else await self._remembered(tracker)
        if product is None:
            # 「猫粮有无谷的吗」 in a shop without pet food: say what it does sell.
            categories = "、".join(await self.shop.categories())
            dispatcher.utter_message(response="utter_product_general", categories=categories)
            return []
        await self._answer(dispatcher, product, text)
        return [SlotSet(PRODUCT_SLOT, product.name)]

    async def _remembered(self, tracker: Tracker) -> ProductView | None:
        name = tracker.get_slot(PRODUCT_SLOT)
        found = await self.shop.match_products(name, limit=1) if name else []
        return found[0] if found else None

    async def _follow_up(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        named: list[ProductView],
    ) -> list[EventType]:
        """A message not read as a product question, right after a product answer.

        One naming a size or colour (「XXXL有吗」, 「白色的呢」) asks about the
        product; anything else gets what its own intent would have.
        """
        text = question_text(tracker)
        product = named[0] if named else await self._remembered(tracker)
        aspect = aspect_of(text, product.sizes) if product else None
        if product is not None and aspect is not None and aspect.size:
            await self._answer(dispatcher, product, text)
            return [SlotSet(PRODUCT_SLOT, product.name)]
        if latest_intent(tracker) == FALLBACK_INTENT:
            return await ActionHandleFallback(shop=self.shop).run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []

    async def _answer(
        self, dispatcher: CollectingDispatcher, product: ProductView, text: str
    ) -> None:
        aspect = aspect_of(text, product.sizes)
        if aspect is None:
            describe(dispatcher, product)
        elif aspect.kind == OTHERS:
            await self._alternatives(dispatcher, product, text)
        else:
            answer_aspect(dispatcher, product, aspect, body_in(text))

    async def _alternatives(
        self, dispatcher: CollectingDispatcher, product: ProductView, text: str
    ) -> None:
        """Other goods of its category in stock; those the question names (「别的围巾」) first."""
        others = [
            p for p in await self.shop.products_in(product.category)
            if p.in_stock and p.id != product.id
        ]  # fmt: skip
        others.sort(key=lambda p: -match_length(p, text))  # stable: else catalogue order
        name, category = product.name, product.category
        if not others:
            dispatcher.utter_message(
                response="utter_product_no_alternatives", name=name, category=category
            )
            return
        listed = "\n".join(f"· {p.name} {yuan(p.price_fen)}" for p in others[:MAX_ALTERNATIVES])
        dispatcher.utter_message(
            response="utter_product_alternatives", name=name, category=category, products=listed
        )


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
    name = product.name
    if aspect.kind == PRICE:
        dispatcher.utter_message(
            response="utter_product_price", name=name, price=yuan(product.price_fen)
        )
    elif aspect.kind == MATERIAL and product.material:
        dispatcher.utter_message(
            response="utter_product_material", name=name, material=product.material
        )
    elif aspect.kind == MATERIAL:
        dispatcher.utter_message(
            response="utter_product_description", name=name, description=product.description
        )
    elif aspect.kind == COLOURS:
        answer_colour(dispatcher, product, aspect.size)
    elif aspect.kind == SIZES:
        answer_size(dispatcher, product, aspect, body)
    elif aspect.kind == RESTOCK and not product.in_stock:
        # The catalogue keeps no restock date and no 到货提醒: a person may know.
        dispatcher.utter_message(response="utter_product_restock_unknown", name=name)
    else:
        tell_stock(dispatcher, product)


def answer_colour(
    dispatcher: CollectingDispatcher, product: ProductView, colour: str | None
) -> None:
    """The colours it comes in, or whether ``colour`` is one; unknown unless its variants are
    colours (the coat's S…XXL say nothing of black)."""
    colours = colours_of(product.sizes)
    listed = "、".join(colours)
    if not colours:
        dispatcher.utter_message(response="utter_product_colours_unknown", name=product.name)
    elif colour is None:
        dispatcher.utter_message(response="utter_product_sizes", name=product.name, sizes=listed)
    elif matching := colours_matching(colour, colours):
        dispatcher.utter_message(
            response="utter_product_size_offered", name=product.name, size="、".join(matching)
        )
        tell_stock(dispatcher, product)
    else:
        dispatcher.utter_message(
            response="utter_product_size_missing", name=product.name, size=colour, sizes=listed
        )


def answer_size(
    dispatcher: CollectingDispatcher, product: ProductView, aspect: Aspect, body: Body | None
) -> None:
    """Whether the size named is made, the size that fits ``body``, or the sizes made."""
    name, sizes = product.name, "、".join(product.sizes)
    if not product.sizes:
        dispatcher.utter_message(
            response="utter_product_description", name=name, description=product.description
        )
    elif aspect.offered:
        dispatcher.utter_message(response="utter_product_size_offered", name=name, size=aspect.size)
        tell_stock(dispatcher, product)
    elif aspect.size:
        dispatcher.utter_message(
            response="utter_product_size_missing", name=name, size=aspect.size, sizes=sizes
        )
    elif body is not None and any(s in size_chart() for s in product.sizes):
        fits = size_for(body, product.sizes)
        response = "utter_product_size_advice" if fits else "utter_product_size_none_fits"
        dispatcher.utter_message(
            response=response, name=name, body=body.said(), size=fits or "", sizes=sizes
        )
    else:
        dispatcher.utter_message(response="utter_product_sizes", name=name, sizes=sizes)


def tell_stock(dispatcher: CollectingDispatcher, product: ProductView) -> None:
    """In stock with how many, or sold out."""
    response = "utter_product_in_stock" if product.in_stock else "utter_product_sold_out"
    dispatcher.utter_message(response=response, name=product.name, stock=product.stock)
