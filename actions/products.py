"""Product questions: stock, price, material and sizes of the product named, or shop policy."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, question_text
from actions.policy import PRE_SALE, topic_of
from actions.shop.format import yuan

# The product last described: 「多少钱」 after 「羽绒服有货吗」 asks about the coat.
PRODUCT_SLOT = "product_name"


class ActionProductConsult(UsesShop, Action):
    """Answers from the product catalogue when the message names a product.

    A follow-up that names none (「有M码吗」, 「多少钱」) is about the product
    described last in the conversation, if any.
    """

    def name(self) -> str:
        """Action name in the domain."""
        return "action_product_consult"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer a policy question, describe the product named, or ask which one is meant."""
        text = question_text(tracker)
        topic = topic_of(text, PRE_SALE)
        if topic is not None:  # 「羽绒服包邮吗」 asks about shipping, not the coat
            dispatcher.utter_message(response=topic.response)
            return []
        products = await self.shop.match_products(text, limit=1)
        if not products and tracker.get_slot(PRODUCT_SLOT):
            products = await self.shop.match_products(tracker.get_slot(PRODUCT_SLOT), limit=1)
        if not products:
            # 「猫粮有无谷的吗」 in a shop without pet food: say what it does sell.
            categories = "、".join(await self.shop.categories())
            dispatcher.utter_message(response="utter_product_general", categories=categories)
            return []
        product = products[0]
        stock_response = "utter_product_in_stock" if product.stock > 0 else "utter_product_sold_out"
        dispatcher.utter_message(
            response="utter_product_info",
            name=product.name,
            price=yuan(product.price_fen),
            material=product.material,
            sizes="、".join(product.sizes),
            description=product.description,
        )
        dispatcher.utter_message(response=stock_response, name=product.name, stock=product.stock)
        if product.authentic_guarantee:
            dispatcher.utter_message(response="utter_authentic")
        return [SlotSet(PRODUCT_SLOT, product.name)]
