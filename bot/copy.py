"""What the gateway itself says to shoppers, when the bot cannot."""

from bot.replies import DECLINE_PAYLOAD, PERSON_PAYLOAD

RASA_UNAVAILABLE = (
    "非常抱歉，智能客服暂时开小差了😥 您的消息已经保存，系统恢复后会第一时间回复您，"
    "无需重复发送。"
)
IDENTITY_MISMATCH = "当前会话属于另一位用户，已为您开启新的会话。"
HANDOFF_UNAVAILABLE = (
    "抱歉，人工客服暂未接入本系统，暂时无法为您转接。您可以继续问我订单、物流、退款等问题，"
    "紧急情况请直接拨打110/120/119。"
)
BOT_DOWN_TO_HUMAN = "非常抱歉，智能客服暂时开小差了😥 正在为您转接人工客服，您的消息已经保存。"
PICTURE_TO_BOT = (
    "图片已收到。智能客服还看不懂图片，请用文字描述一下遇到的问题；需要人工客服查看图片，"
    "请点「转人工」，客服接入后能看到您发的图片。"
)


def person_button() -> list[dict[str, str]]:
    """The bot's own 「转人工」 as a quick reply, under the gateway's own words."""
    return [{"content_type": "text", "title": "转人工", "payload": PERSON_PAYLOAD}]


REPEATED_ANSWER = "这个回答好像没能解决您的问题。需要的话我帮您转人工客服，或者换个说法告诉我。"


def repeated_answer_offer() -> dict[str, object]:
    """Shown under an answer the bot just gave again: the stuck shopper's way to a person.

    With 「不用了」 beside it, a typed 「好的」 takes it (``bot/typed_yes.py``).
    """
    decline = {"content_type": "text", "title": "不用了", "payload": DECLINE_PAYLOAD}
    return {"text": REPEATED_ANSWER, "quick_replies": [*person_button(), decline]}
