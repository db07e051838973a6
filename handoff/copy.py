"""What the gateway tells shoppers about the human side, and agents' canned text."""

QUEUED = "已为您转接人工客服，您前面还有 {ahead} 位顾客，预计等待约 {minutes} 分钟。您可以先描述问题，客服接入后会直接看到。"
QUEUED_FIRST = "已为您转接人工客服，您是下一位，预计等待约 {minutes} 分钟。您可以先描述问题，客服接入后会直接看到。"
AFTER_HOURS = (
    "现在暂时没有在线的人工客服。您可以直接留言，您的消息都会保存，客服上线后会第一时间回复您。"
)
# An urgent ticket with no one online to take it: the emergency numbers are the help now.
URGENT_NOBODY_ONLINE = (
    "现在暂时没有专员在线，您的消息都已保存，专员一上线会最先处理您的情况。"
    "如果有危险，请不要等待我们，立即拨打110（急救120、火警119；心理援助热线 400-161-9995）。"
)
# The first message a waiting shopper sends, once per ticket: it was not lost.
MESSAGE_LEFT = "已收到您的留言，客服上线后会第一时间回复您，不用重复发送。"
MESSAGE_LEFT_URGENT = (
    "已收到，专员一上线会最先看到。如果有危险，请立即拨打110（急救120、火警119）。"
)
MESSAGE_WAITING = "已收到，客服接入后会先看到您的消息，请稍候。"
# Answers to a waiting shopper's 「多久能回复我」「有人吗」 (handoff/waiting.py): where they stand.
WAIT_NEXT = (
    "客服正在忙，您是下一位，预计还要等约 {minutes} 分钟。您的消息都已保存，客服接入后会先看到。"
)
WAIT_AHEAD = "客服正在忙，您前面还有 {ahead} 位顾客，预计还要等约 {minutes} 分钟。您的消息都已保存，客服接入后会先看到。"
WAIT_NOBODY = "客服暂时都不在线，您的消息都已保存，客服一上线就会第一时间回复您。"
WAIT_NOBODY_ON_DUTY = "客服暂时都不在线，您的消息都已保存，客服一上线就会第一时间回复您（人工客服在线时间：{hours}）。"
WAIT_OFF_DUTY = "人工客服的在线时间是{hours}，现在不在服务时间。您的消息都已保存，{opening} 客服上线后会第一时间回复您。"
# Before the answer to 「今天之内必须给我答复」: the demand itself reaches the agent.
DEADLINE_NOTED = "您的要求已经记下，客服接入后会第一时间看到。"
# The way out of a long wait; the button's words are among desk.NO_PERSON's.
STOP_WAITING = "不等了"
WAY_OUT = "如果不想等了，点「不等了」，智能客服小蜜继续为您服务。"
AGENT_JOINED = "人工客服「{name}」已接入，正在为您服务。"
AGENT_LEFT = "客服暂时离开了，正在为您重新排队，您的聊天记录都在，不用重复描述。"
TRANSFERRED = "正在为您转接到更合适的客服，请稍候。"
CLOSED = "本次人工服务已结束，感谢您的耐心。请为本次服务打分："
HANDED_BACK = "人工客服已结束服务，智能客服小蜜回来啦🙂 还有什么可以帮您的吗？"
RATED = "感谢您的评价，我们会继续努力！"
WITHDRAWN = "好的，已为您取消排队，智能客服小蜜继续为您服务🙂 需要人工时再说「转人工」就行。"
URGENT_STAYS = (
    "为了您的安全，安全专员仍会尽快和您确认一下情况，请保持在线；如遇危险，请立即拨打110。"
)
CSAT_LABELS = ("1分 很不满意", "2分 不满意", "3分 一般", "4分 满意", "5分 非常满意")

CANNED = (
    ("问候", "您好，我是人工客服，很高兴为您服务，请问有什么可以帮您？"),
    ("稍等", "好的，我这边帮您查询一下，请稍等1-2分钟。"),
    ("致歉", "非常抱歉给您带来不便，我们一定尽快为您处理。"),
    ("已登记", "已经为您登记反馈，相关同事会在24小时内联系您。"),
    ("结束", "请问还有其他可以帮您的吗？没有的话本次服务就先到这里，祝您生活愉快！"),
)

# Suggested agent replies for intents the bot answers with an action, not a fixed text.
AGENT_REPLIES = {
    "order_status": "我这边帮您查一下订单状态，请稍等。",
    "logistics_track": "我帮您查一下物流进度，稍后告诉您包裹的最新位置。",
    "urge_delivery": "已经帮您联系仓库和快递加急处理，有进展第一时间通知您。",
    "change_address": "请把新的收货地址（省市区+详细地址）发给我，我帮您修改。",
    "cancel_order": "请问是要取消哪一笔订单呢？未发货的订单我可以直接帮您取消。",
    "refund_request": "我来帮您申请退款，请问是哪一笔订单、因为什么原因呢？",
    "refund_progress": "我帮您查一下退款进度，一般审核通过后1-3个工作日原路到账。",
    "return_goods": "签收7天内支持无理由退货，我帮您看下这笔订单是否符合条件。",
    "exchange_goods": "可以换货的，请告诉我想换的尺码或颜色，我帮您登记。",
    "invoice": "请提供发票抬头（个人/公司全称+税号），我帮您申请电子发票。",
    "coupon": "我帮您看一下账户里可用的优惠券。",
    "price_protect": "我帮您核对一下价格，降价的话可以申请价保补差。",
    "product_consult": "请问是哪款商品呢？我帮您查一下规格和库存。",
    "membership": "我帮您查一下会员等级和积分。",
    "account_security": "请先不要转账、不要透露验证码，我们官方客服不会索要验证码。我马上帮您核实账号安全。",
    "complaint": "非常抱歉给您带来不好的体验，您的反馈我已记录，我会负责跟进到底。",
    "emergency": "请先确保自身安全，紧急情况请立即拨打110/120/119。我会一直在这里协助您。",
    # The bot's own answers to these speak as the bot (「我是智能客服小蜜」).
    "greet": "您好，我是人工客服，很高兴为您服务，请问有什么可以帮您？",
    "bot_challenge": "您好，我是真人客服，正在为您服务，请问有什么可以帮您？",
    "out_of_scope": "抱歉，这个问题我这边暂时没法处理。订单、物流、退款退货、发票、优惠券这些我都可以帮您。",
}

SAFETY_CATEGORIES = {
    "violence": "暴力威胁",
    "self_harm": "自伤风险",
    "fire": "火灾",
    "medical": "医疗急救",
    "missing_person": "失联",
    "fraud": "诈骗风险",
    "complaint": "投诉",
}

# The gateway's first answer to a message the safety screen flags, before any bot or agent.
SAFETY_REPLIES = {
    "violence": "请先确保自身安全：锁好门，不要与对方争执。如果对方威胁您或不肯离开，请立即拨打110报警。我们已经为您优先转接安全专员，请不要离开聊天。",
    "self_harm": "谢谢你愿意告诉我们，你现在的感受很重要。我们正在请专人来陪你聊，请不要离开。如果你有伤害自己的想法或已经受伤，请立即拨打120，也可以拨打24小时心理援助热线 400-161-9995。",
    "fire": "请立即远离起火或冒烟的物品，不要用水浇电器或电池起火，先撤离到安全的地方并拨打119。我们已经为您优先转接安全专员。",
    "medical": "请立即拨打120急救电话，说清楚地址和情况，并按急救人员的指导处理。我们已经为您优先转接专员。",
    "missing_person": "请尽快拨打110报警，说明对方最后联系的时间和地址。我们已经为您优先转接安全专员，会协助提供订单和配送信息。",
    "fraud": "请先不要转账、不要扫码、不要共享屏幕，也不要把验证码、银行卡号或密码告诉任何人：我们的客服不会这样要求您，也不会加您的微信或QQ办理退款和理赔。已为您优先转接安全专员，请稍候。",
    "complaint": "非常抱歉给您带来不好的体验😞 您的反馈我们非常重视，已为您优先转接专员处理，请稍候。",
}
SAFETY_REPLY_DEFAULT = (
    "请先确保自身安全，紧急情况请立即拨打110/120/119。我们已经为您优先转接安全专员。"
)
# What fits better than the category's reply, by the screen's topic (bot/safety/lexicon).
SAFETY_TOPIC_REPLIES = {
    # Violence at home: the danger is inside, and the address is what they must not learn.
    "domestic": "请先保护好自己：尽量到能锁门的房间或离开到安全的地方，有危险请立即拨打110报警。我们已经为您优先转接安全专员；您的地址和订单信息不会告诉任何来打听的人，专员会私下帮您修改收货地址和配送信息，请不要离开聊天。",
    "stalking": "请尽量待在人多、安全的地方，不要独自回家或给陌生人开门，感到危险请立即拨打110报警。我们已经为您优先转接安全专员；您的地址不会告诉任何来打听的人，专员会私下帮您修改收货地址和配送信息，请不要离开聊天。",
    # The advice not to induce vomiting is for what was swallowed, and only for that.
    "swallowed": "请立即拨打120急救电话；如果误吞的是电池、磁铁或清洁用品，请不要催吐、不要喂食，带上商品包装尽快送医。我们已经为您优先转接专员。",
    "allergy": "如有呼吸困难、喉咙或脸肿，请立即拨打120急救电话；请立即停止使用或食用这件商品，用清水冲洗接触过的部位。我们已经为您优先转接专员。",
}


def safety_reply(verdict: object) -> str:
    """The first reply to a flagged message: its topic's, else its category's, else the default.

    Args:
        verdict: The screen's verdict (``bot.safety.SafetyVerdict``). One
            without a ``topic`` gets its category's reply.
    """
    topic = getattr(verdict, "topic", None)
    if topic in SAFETY_TOPIC_REPLIES:
        return SAFETY_TOPIC_REPLIES[topic]
    return SAFETY_REPLIES.get(getattr(verdict, "category", None) or "", SAFETY_REPLY_DEFAULT)
