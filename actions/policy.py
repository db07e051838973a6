"""Which of the shop's policy answers a question asks for, by its words.

Policy questions come under the intent of their subject: 「包邮吗」 and
「是正品吗」 are product questions, 「能用花呗吗」 a payment one. The words
pick the answer. Each answer is a response in ``domain.yml``, so the shop
edits its policy text there like any other answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from actions.text import half_width, simplified


@dataclass(frozen=True)
class Topic:
    """A policy answer and the words that ask for it."""

    response: str
    words: tuple[str, ...]


# Asked of shipping before buying (「下单后多久发货」): answered before the order
# is asked for, and among the pre-sale topics.
SHIP_TIME = Topic(
    "utter_policy_ship_from",
    ("下单后", "付款后", "拍下多久", "拍下几天", "现在下单", "一般几天", "一般多久",
     "多久发货", "几天发货", "多久能发", "几天能发", "多久发出", "几天发出"),
)  # fmt: skip
# Asked before buying; the first topic with a word in the question wins.
PRE_SALE = (
    # Before shipping: 「合并发货能省运费吗」 asks about merging.
    Topic(
        "utter_policy_merge_shipping",
        ("合并发货", "合并发", "合单", "一起发", "一起寄", "合并成一个包裹"),
    ),
    Topic("utter_policy_trade_in", ("以旧换新", "旧换新", "旧的换", "回收旧", "折价换")),
    Topic("utter_policy_shipping", ("包邮", "运费", "邮费", "快递费")),
    Topic("utter_policy_ship_from", ("哪里发货", "哪发货", "哪儿发", "发货地", "从哪发", "哪个仓")),
    Topic("utter_policy_warranty", ("保修", "质保", "保固", "保多久")),
    Topic("utter_authentic", ("正品", "保真", "假货", "真货", "是真的吗")),
    Topic("utter_policy_gift", ("赠品", "送什么", "有礼品", "送东西")),
    SHIP_TIME,
)
# Asked of a return before or with its order; the first topic with a word in the
# question wins: 「7天无理由从哪天开始算」 asks when the days start, not whether.
RETURN_WINDOW_START = Topic(
    "utter_policy_return_window",
    ("从哪天", "哪天开始", "哪天算", "开始算", "起算", "算起", "从什么时候", "什么时候开始",
     "从签收", "从收货", "从下单", "从付款", "截止到", "到哪天", "最晚哪天"),
)  # fmt: skip
RETURN_ADDRESS = Topic(
    "utter_policy_return_address",
    ("退货地址", "退回地址", "寄回地址", "寄回的地址", "退货的地址", "寄到哪", "寄回哪", "寄去哪",
     "寄哪", "发到哪", "退回哪"),
)  # fmt: skip
RETURN_PICKUP = Topic("utter_policy_return_pickup", ("上门", "取件", "揽收", "来取", "来拿"))
# 「运费谁出」 read as a return: who pays the postage back is in the policy.
RETURN_POSTAGE = Topic(
    "utter_policy_returns",
    ("运费谁", "谁出运费", "谁付运费", "运费由谁", "运费买家", "运费要我", "运费是我", "运费我出",
     "运费我付", "邮费谁", "邮费要我", "快递费谁", "快递费要我", "退货运费", "退回运费", "运费险",
     "要钱吗", "收费吗", "收钱吗", "免费吗", "要我出", "我出吗"),
)  # fmt: skip
RETURN_POLICY = Topic(
    "utter_policy_returns",
    ("无理由", "拆封", "退货政策", "退换政策", "退货规则"),
)
RETURN_QUESTIONS = (
    RETURN_WINDOW_START, RETURN_ADDRESS, RETURN_PICKUP, RETURN_POSTAGE, RETURN_POLICY,
)  # fmt: skip
# Asked of an invoice before naming the order (「可以开专票吗」): the shop issues
# electronic ordinary invoices; special VAT invoices go through a person.
INVOICE_KINDS = Topic(
    "utter_policy_invoice_kinds",
    ("专票", "专用发票", "增值税专用", "纸质发票", "纸质的发票", "纸质版", "普票", "电子发票吗"),
)
# 「人工客服几点上班」 asks when people are there, not for one now.
SERVICE_HOURS = Topic(
    "utter_policy_service_hours",
    ("几点上班", "几点下班", "上班时间", "下班时间", "工作时间", "服务时间", "什么时候上班",
     "几点有人", "什么时候有人", "什么时候在", "几点在", "营业时间", "周末有人"),
)  # fmt: skip
# 「客服电话多少」 asks for a person on the phone: the shop has none, its people are here.
PHONE_LINE = Topic(
    "utter_no_phone_line",
    ("电话", "热线", "400", "联系方式", "致电", "打给你们", "打过去"),
)
ASKS_FOR_A_PERSON_NOW = ("转人工", "找人工", "要人工", "接人工", "转接", "现在", "马上", "立刻")
PAYMENT_METHODS = Topic(
    "utter_policy_payment_methods",
    ("花呗", "信用卡", "分期", "货到付款", "支付方式", "付款方式", "怎么付", "怎么支付",
     "微信付", "微信支付", "支付宝", "银行卡", "能付", "可以付"),
)  # fmt: skip
# 「怎么用」, 「过期了怎么办」, 「满减怎么算」 after the list of coupons ask for the rules.
COUPON_RULES = Topic(
    "utter_policy_coupon_rules",
    ("怎么用", "怎么使用", "如何使用", "用不了", "不能用", "叠加", "过期", "一起用", "同时用",
     "怎么算", "怎么计算", "如何计算", "怎么减", "规则", "门槛"),
)  # fmt: skip
# How to log in or reset a password, asked under account_security: answered here, not
# sent to the security team with a scam warning (「怎么登录」 got one and a queue)…
ACCOUNT_HELP = Topic(
    "utter_account_help",
    ("登录", "登陆", "登不上", "登不进", "注册", "忘记密码", "忘了密码", "密码忘", "改密码",
     "修改密码", "修改登录密码", "重置密码", "找回密码", "二次验证", "换绑", "换手机号"),
)  # fmt: skip
# …unless the words say the account may be in someone else's hands.
ACCOUNT_AT_RISK = (
    "被盗", "盗号", "盗了", "被人", "别人", "陌生", "异地", "不是我", "验证码", "骗", "转账",
    "链接", "冒充", "自称", "风险", "异常", "被改", "被登", "冻结", "封号", "扣", "钱",
    "提醒", "短信", "不认识",
)  # fmt: skip
# 「怎么升级」 asks for the tiers' thresholds, not the shopper's own tier again.
MEMBERSHIP_RULES = Topic(
    "utter_membership_upgrade",
    ("升级", "升到", "怎么成为", "等级规则", "会员规则", "降级", "保级", "多少钱能", "消费多少"),
)
# How points are earned and spent (「积分怎么用」, 「积分能换什么」), asked under membership.
POINTS_RULES = Topic(
    "utter_membership_points",
    ("积分怎么", "积分能", "积分可以", "积分有什么用", "积分有啥用", "积分干嘛", "积分抵",
     "积分兑换", "兑换积分", "积分换", "积分清零", "积分过期", "积分会过期", "赚积分", "攒积分",
     "积分怎么来", "用积分",
     # 「积分呢 也能一起用」 after the coupons: whether points go with a coupon.
     "一起用", "同时用", "叠加", "抵扣", "抵现", "抵钱", "当钱"),
)  # fmt: skip
# A coupon asked for on an order already placed (「590142下单忘了用券了，能退我30块吗」).
COUPON_AFTER_THE_ORDER = (
    "忘了用", "忘记用", "忘用", "没用券", "没有用券", "没用优惠券", "没有用优惠券", "补用",
    "补券", "补一张", "补上券", "退我", "返我", "退差价", "补差价", "退回差价",
)  # fmt: skip
# Why a coupon the shopper names took nothing off (「满300减30那张我买了367怎么没减」).
COUPON_NOT_TAKEN = (
    "没减", "没扣", "没抵", "没用上", "没生效", "不减", "没优惠", "没便宜", "用不上", "用不了",
    "不能用", "没有减", "没有抵",
)  # fmt: skip
# 「那怎么办」 right after an answer: what can be done about what was just asked.
WHAT_NOW = ("怎么办", "咋办", "咋整", "怎么弄", "怎么处理", "然后呢", "那怎么", "那咋")
# Haggling (「能便宜点吗」): prices are fixed; the ways the shopper can save are told.
BARGAINING = (
    "便宜", "优惠点", "优惠一点", "优惠些", "打折", "打个折", "折扣", "砍价", "还价", "讲价",
    "议价", "少点", "少一点", "让点", "抹零",
)  # fmt: skip
# 「哪些券快过期了」 asks for the list, not the rules.
ASKS_FOR_THE_LIST = ("快过期", "要过期", "即将过期", "哪些", "有没有", "有什么", "几张", "多少张")
# A question about a payment that went wrong is not one about how to pay.
PAYMENT_TROUBLE = (
    "失败", "扣", "没到账", "拦截", "风险", "不成功", "报错", "付不了", "付不上", "没反应",
    "两次", "重复", "退回",
)  # fmt: skip


# A delivery on a chosen day or hour, which the shop cannot promise.
DELIVERY_TIME = (
    "指定时间", "指定日期", "指定哪天", "指定周", "指定星期", "指定送", "指定几号", "预约",
    "改天送", "晚点送", "晚些送", "晚上送", "周末送", "周六送", "周日送", "星期六送", "星期天送",
    "明天送", "后天送", "不在家", "送货时间", "派送时间", "上午送", "下午送", "别送",
    "延迟送", "推迟", "改期", "再送", "家里没人", "没人在家", "没人收",
)  # fmt: skip
# A parcel that did not reach the shopper, whatever the tracking says.
NOT_RECEIVED = (
    "没收到", "没有收到", "没拿到", "没有拿到", "收不到", "不是我签", "不是本人签", "被人签",
    "被别人签", "别人签收", "他人签收", "冒领", "丢件", "没见到包裹",
    "被人拿走", "被拿走", "被偷", "什么都没有", "啥也没有", "不见了", "找不到",
)  # fmt: skip
# Which carrier the shop uses (「发什么快递」, 「能发顺丰吗」).
CARRIER = Topic(
    "utter_policy_ship_from",
    ("什么快递", "啥快递", "哪家快递", "哪个快递", "指定快递", "默认快递", "发顺丰", "能发顺丰",
     "发京东", "能发京东", "用的快递"),
)  # fmt: skip
# How price protection works (「价保是怎么规定的」), asked before naming an order.
PRICE_PROTECT_RULES = Topic(
    "utter_policy_price_protect",
    ("规定", "规则", "怎么算", "多久内", "多少天", "是什么意思", "什么是价保", "怎么申请"),
)
# What a refund gives back besides the money (「退款的话优惠券会退回吗」).
REFUND_EXTRAS = Topic(
    "utter_policy_refund_extras",
    ("优惠券会", "券会退", "券退回", "券还", "券能退", "积分会", "积分扣", "积分退", "运费险"),
)
# A request's policy question (「支持七天无理由吗」, 「可以开专票吗」, 「下单后多久发货」)
# is answered before the request's own questions.
POLICY_FIRST: dict[str | None, tuple[Topic, ...]] = {
    "return_goods": RETURN_QUESTIONS,
    "invoice": (INVOICE_KINDS,),
    "urge_delivery": (SHIP_TIME,),
    "price_protect": (PRICE_PROTECT_RULES,),
    "refund_request": (REFUND_EXTRAS,),
    "refund_progress": (REFUND_EXTRAS,),
}
# Answered only while no order is known: an order's own answer names its carrier.
POLICY_BEFORE_AN_ORDER: dict[str | None, Topic] = {"logistics_track": CARRIER}
# Answered by the request itself once its order is known: a return's answer has the
# order's dates and the shopper's tier (actions/after_sales.py).
ANSWERED_WITH_THE_ORDER = frozenset({"return_goods"})


def policy_asked_with(kind: str | None, text: str, order_known: bool = False) -> Topic | None:
    """The policy topic a request of ``kind`` also asks about in ``text``, if any."""
    topics: list[Topic] = []
    if not (order_known and kind in ANSWERED_WITH_THE_ORDER):
        topics += POLICY_FIRST.get(kind, ())
    if not order_known and kind in POLICY_BEFORE_AN_ORDER:
        topics.append(POLICY_BEFORE_AN_ORDER[kind])
    return topic_of(text, topics)


def _normal(text: str) -> str:
    # The words are written simplified, lower case and half-width.
    return simplified(half_width(text)).lower()


def _mentions(normal: str, words: Sequence[str]) -> bool:
    return any(word in normal for word in words)


def topic_of(text: str, topics: Sequence[Topic]) -> Topic | None:
    """The first of ``topics`` that one of the words of ``text`` asks for."""
    normal = _normal(text)
    return next((t for t in topics if _mentions(normal, t.words)), None)


def _asks(text: str, topic: Topic, unless: Sequence[str]) -> bool:
    normal = _normal(text)
    return _mentions(normal, topic.words) and not _mentions(normal, unless)


def asks_when_people_work(text: str) -> bool:
    """Whether ``text`` asks for the service hours rather than for a person now."""
    return _asks(text, SERVICE_HOURS, unless=ASKS_FOR_A_PERSON_NOW)


def asks_coupon_rules(text: str) -> bool:
    """Whether ``text`` asks how coupons work rather than which ones the shopper has."""
    return _asks(text, COUPON_RULES, unless=ASKS_FOR_THE_LIST)


def mentions(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` (any script, width or case) holds one of ``words``."""
    return _mentions(_normal(text), words)


def asks_account_help(text: str) -> bool:
    """Whether ``text`` asks how to log in (or reset a password), with no sign of theft."""
    return _asks(text, ACCOUNT_HELP, unless=ACCOUNT_AT_RISK)


def asks_how_to_pay(text: str) -> bool:
    """Whether ``text`` asks about ways to pay rather than about a failed payment."""
    return _asks(text, PAYMENT_METHODS, unless=PAYMENT_TROUBLE)


def asks_for_a_delivery_time(text: str) -> bool:
    """Whether an urge (「能不能周六送」, 「下午不在家 晚点送」) asks for a day or an hour."""
    return _mentions(_normal(text), DELIVERY_TIME)


def says_not_received(text: str) -> bool:
    """Whether ``text`` says a parcel did not reach the shopper (「被别人签收了」)."""
    return _mentions(_normal(text), NOT_RECEIVED)
