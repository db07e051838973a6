"""Fraud going on: someone posing as the shop, the courier or the platform is after money.

The commonest e-commerce scam in China (冒充客服退款/理赔) reaches shoppers
who have just ordered: the caller knows the order, promises a refund or
compensation, and talks them into a transfer, a loan, a shared screen or a
verification code. Minutes count, so such a message goes to the security team
at high priority, ahead of the bot. An accusation against the shop itself
(「你们这是诈骗」, 「被你们骗了」) is a complaint, not this.
"""

from __future__ import annotations

from bot.safety.lexicon.schema import FICTION, MEDIA, RESOLVED, CategoryLexicon

# fmt: off
# Data tables: rows of words are packed to the line length, not one per line.

# Who scammers pose as.
_POSED = (
    r"(?:客服|售后|快递|物流|菜鸟|驿站|顺丰|中通|圆通|申通|韵达|邮政|商家|卖家|店家|平台|官方"
    r"|淘宝|京东|拼多多|你们|你门|银行|工作人员|警察|公安)"
)
# Someone on the phone or in a chat, not the shop's own agent the shopper talks to.
_SOMEONE = r"(?:有人|有个人|一个人|一个|对方|他|她|那人|那个人|陌生人|电话里)"
# What they talk the shopper into.
_MONEY = (
    r"(?:转账|转钱|汇款|打钱|转给|转过去|转到[^|]{0,4}(?:账号|账户|卡)|扫[^|]{0,4}码|贷款|借钱"
    r"|借呗|借花呗|备用金|网贷|共享屏幕|屏幕共享|下载[^|]{0,6}(?:软件|app)"
    r"|开通[^|]{0,4}(?:借呗|备用金|贷款|借款))"
)
# A code or card detail no one from the shop ever asks for.
_SECRET = r"(?:卡号|验证码|短信码|校验码|动态码|密码|code|otp)"
# A sum of money: 2000块, 两千元.
_SUM = r"(?:\d|[一二两三四五六七八九十百千万几])+(?:块|元|万|千)"
# Not an accusation against the shop: 被你们骗了, 你们骗了我, 感觉被骗了.
_NOT_THE_SHOP = r"(?<!你们)(?<!你)(?<!商家)(?<!店家)(?<!卖家)(?<!感觉)(?<!觉得)"

FRAUD = CategoryLexicon(
    name="fraud",
    level="high",
    phrases=(
        "安全账户", "刷单返利", "遇到骗子", "遇上骗子", "碰到骗子", "被骗子", "骗子骗", "百万保障",
        "误开通", "误开了", "涉嫌洗钱", "解冻费", "上当受骗", "校园贷", "把屏幕共享给",
        "还款能力", "刷流水", "scammed", "scammer",
    ),
    patterns=(
        r"(?:冒充|假冒|假装|假扮|伪装|自称|冒名)[^|]{0,6}" + _POSED,
        r"(?:假|冒牌|山寨)的?客服",
        r"所谓的?客服",
        # Told by someone, not the shopper's own plan (「我让我妈帮我转账」, 「让我老公扫码付款」).
        r"(?<!我)(?:让|要|叫|逼|骗|教)(?:我|她|他)(?!老公|老婆|妈|爸|家人|朋友)[^|]{0,8}" + _MONEY,
        # 「让我给他code」, and 报 left in pinyin: 「rang wo bao yanzhengma」.
        r"(?:让|要|叫)(?:我|她|他)[^|]{0,3}(?:报|bao|给[他她你]?|提供|告诉|说出|念)[^|]{0,4}"
        + _SECRET,
        _SOMEONE + r"[^|]{0,4}(?:说是|说他是|说她是|自称是?|说自己是)[^|]{0,4}" + _POSED,
        r"(?:按|照)[^|]{0,10}说的[^|]{0,4}(?:转|付|交|借|汇)",
        r"(?:转|汇)了[^|]{0,3}(?:\d{2,}|[一二两三四五六七八九十百千万]+)[^|]{0,2}"
        r"(?:过去|给他|给她|给对方)",
        r"先(?:交|付|转)[^|]{0,6}(?:手续费|保证金|押金|解冻费|激活费|认证费|税)",
        r"(?:ask|asked|asking|want|wants|wanted)(?:for)?(?:my|the|a)?"
        r"(?:otp|verificationcode|smscode|pin|password)",
        r"(?:gave|give|sent|told)(?:him|her|them)?(?:my|the)?"
        r"(?:otp|verificationcode|smscode|pin|password)",
        r"(?<![a-z])scam(?![a-z])",
        r"(?:问|向)我要[^|]{0,4}(?:银行卡|卡号|验证码|密码)",
        r"中奖[^|]{0,10}(?:手续费|保证金|交税|个税|转账|交钱)",
        r"(?:让|要|叫)我把验证码",
        r"把[^|]{0,4}" + _SECRET + r"[^|]{0,2}(?:给|告诉|发给|念给|报给)",
        r"验证码[^|]{0,4}(?:给|告诉|发给|念给|报给)了?(?:他|她|对方|客服|骗子|别人|陌生人)",
        r"(?:提供|告诉|要|问)[^|]{0,6}(?:银行卡|支付|取款)密码",
        r"(?:让|要|叫)我[^|]{0,6}交[^|]{0,3}(?:保证金|押金|手续费)",
        _NOT_THE_SHOP + r"被骗",
        _NOT_THE_SHOP + r"骗(?:了|走)(?:我)?[^|]{0,4}" + _SUM,
        r"(?<!是)(?<!防)(?<!反)诈骗",
        r"违禁品[^|]{0,10}(?:调查|转账|配合|公安|警察|冻结)",
        r"(?:借呗|花呗|备用金|网贷|贷款|借钱)[^|]{0,8}(?:转给|转过去|转到|打给)",
    ),
    pairs=(
        # 「快递丢了要理赔，加我QQ」: compensation promised, then a channel outside the shop.
        (
            r"理赔|赔付|双倍赔|退款给我|给我退款|要退款给我",
            r"加[^|]{0,3}(?:微信|qq|vx)|扫[^|]{0,4}(?:码|二维码)|链接|备用金|借呗|贷款"
            r"|银行卡(?:号|密码)|密码|共享屏幕|屏幕共享|下载|验证码",
        ),
        (
            r"(?:给我发|发给我|发来|发了|短信|点)[^|]{0,10}链接",
            r"银行卡|密码|理赔|赔偿|赔付|验证码|(?:账号|账户)[^|]{0,2}异常",
        ),
        # A caller threatening fees (「不取消会员每个月要扣费」), not a payment's text message.
        (
            r"(?:要|会|每月|每个月|自动)扣(?:费|年费|钱)",
            r"打电话|来电|接到电话|对方|他说|她说|自称",
        ),
        (r"刷单", r"骗|返利|垫付|兼职"),
        # Task scams: 「拉我进福利群做任务，充了钱提不出来」.
        (r"做任务|福利群|刷单|返利|兼职", r"充了|充值|垫付|提不出|提现不了|本金"),
    ),
    cancelled_by=(MEDIA, FICTION, RESOLVED),
)
